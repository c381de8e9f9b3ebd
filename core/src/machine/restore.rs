//! The session kept from an earlier run, restored at start; shown as last read while the
//! platform cannot be reached, and tried again until it answers.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::Notify;

use super::message::Message;
use super::state::{Offline, Phase, Platform, Retry, SignedIn, State, Task};
use super::Machine;
use crate::flow::{FlowError, Profile};
use crate::session::{self, KnownProfile, ResumeError, Resumed, SavedSession};

/// How long the platform is waited for between tries while it cannot be reached: doubling
/// from the first to the last.
const OFFLINE_FIRST_TRY: Duration = Duration::from_secs(2);
const OFFLINE_LONGEST_WAIT: Duration = Duration::from_secs(30);

/// What a resume of the kept session came to.
enum Restored {
    Fresh(Resumed),
    /// The platform cannot be reached, but the profile last read is known.
    Offline {
        session: SavedSession,
        known: KnownProfile,
    },
    Failed(FlowError),
    /// Over: signed out, with this notice.
    Ended(Option<Message>),
}

impl Machine {
    /// Restores the platform's stored session in the background, if it has one.
    pub(super) fn restore_session(&self) {
        let Some((platform, task)) = self.begin_task(Phase::Restoring) else {
            return;
        };
        let this = self.clone();
        self.spawn(async move { this.restore(platform, task).await });
    }

    async fn restore(self, platform: Platform, task: Task) {
        let restored = match platform.keeper.load().await {
            Ok(Some(tokens)) => resume(&platform, tokens).await,
            Ok(None) => Restored::Ended(None),
            Err(e) => {
                tracing::warn!(error = %e, "the keychain could not be read");
                Restored::Ended(Some(Message::KeychainUnread))
            }
        };
        let Restored::Offline { session, known } = restored else {
            return self.settle(&platform, task, restored).await;
        };
        // The restore's task stays the window's owner while it keeps trying.
        let try_now = Arc::new(Notify::new());
        let signed_in = SignedIn {
            session: Resumed {
                session,
                profile: known.profile,
            },
            not_remembered: platform.keeper.not_remembered(),
            offline: Some(Offline {
                task,
                read_at: known.read_at,
                try_now: try_now.clone(),
            }),
        };
        let now = self.now();
        if self.apply_for(task, |state| state.enter_signed_in(signed_in, now)) {
            self.keep_trying(platform, task, try_now).await;
        }
    }

    /// Shows what a resume came to, for the task that owns the window.
    async fn settle(&self, platform: &Platform, task: Task, restored: Restored) {
        match restored {
            Restored::Fresh(resumed) => {
                self.show_signed_in(platform, resumed, |state| state.owned_by(task))
                    .await;
            }
            Restored::Failed(e) => self.fail(task, Retry::Restore, &e),
            Restored::Ended(notice) => {
                self.apply_for(task, |state| state.phase = Phase::SignedOut(notice));
            }
            Restored::Offline { .. } => unreachable!("shown by the restore that keeps trying"),
        }
    }

    /// Signed in with `resumed`, if `still` says so under the state's lock (the task that
    /// got it was not overtaken); the profile is then kept with the session, for when the
    /// platform cannot be reached. False when overtaken.
    pub(super) async fn show_signed_in(
        &self,
        platform: &Platform,
        resumed: Resumed,
        still: impl FnOnce(&State) -> bool,
    ) -> bool {
        let (session, profile) = (resumed.session.clone(), resumed.profile.clone());
        let signed_in = SignedIn {
            session: resumed,
            not_remembered: platform.keeper.not_remembered(),
            offline: None,
        };
        let now = self.now();
        let shown = self.apply(|state| {
            let shown = still(state);
            if shown {
                state.enter_signed_in(signed_in, now);
            }
            shown
        });
        if shown {
            remember_profile(platform, &session, &profile).await;
        }
        shown
    }

    /// While the platform cannot be reached: tries again, waiting longer each time (or at
    /// once on Try again), until it answers, the session ends, or another task takes over.
    async fn keep_trying(&self, platform: Platform, task: Task, try_now: Arc<Notify>) {
        let mut wait = OFFLINE_FIRST_TRY;
        loop {
            tokio::select! {
                _ = platform.ended.cancelled() => return,
                _ = try_now.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
            wait = (wait * 2).min(OFFLINE_LONGEST_WAIT);
            let restored = match platform.keeper.load().await {
                // The latest tokens: a try before may have refreshed them.
                Ok(Some(tokens)) => resume(&platform, tokens).await,
                Ok(None) => Restored::Ended(None),
                Err(_) => continue,
            };
            if !self.lock().owned_by(task) {
                return;
            }
            if !matches!(restored, Restored::Offline { .. }) {
                return self.settle(&platform, task, restored).await;
            }
        }
    }

    /// "Try again" while the profile shown is the one last read.
    pub(super) fn try_now(&self) -> bool {
        match &self.lock().phase {
            Phase::SignedIn(signed_in) => match &signed_in.offline {
                Some(offline) => {
                    offline.try_now.notify_one();
                    true
                }
                None => false,
            },
            _ => false,
        }
    }
}

/// What resuming `tokens` comes to: passing trouble keeps the session, and shows the
/// profile last read when there is one.
async fn resume(platform: &Platform, tokens: SavedSession) -> Restored {
    match session::resume(&platform.client, &platform.keeper, tokens.clone()).await {
        Ok(resumed) => Restored::Fresh(resumed),
        Err(ResumeError::Flow(e)) => match (e.retry_reason(), tokens.profile.clone()) {
            (Some(_), Some(known)) => Restored::Offline {
                session: tokens,
                known,
            },
            _ => Restored::Failed(e),
        },
        Err(e) => {
            tracing::info!(error = %e, "the stored session is not used");
            // Only the session this restore read: a newer one stays.
            let kept = platform.keeper.delete_if(&tokens).await.is_err();
            Restored::Ended(match e {
                _ if kept => Some(Message::KeychainNotCleared),
                ResumeError::Superseded => None,
                e => Some(Message::from(&e)),
            })
        }
    }
}

/// Keeps the profile with the session, for when the platform cannot be reached.
async fn remember_profile(platform: &Platform, session: &SavedSession, profile: &Profile) {
    if session
        .profile
        .as_ref()
        .is_some_and(|known| known.profile == *profile)
    {
        return;
    }
    let updated = session.with_profile(profile, SystemTime::now());
    let _ = platform.keeper.replace(session, &updated).await;
}
