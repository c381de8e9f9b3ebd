//! A session after sign-in: restored at start (or shown as last read, while the platform
//! cannot be reached), ended at sign-out, after an idle time, or with the app on a shared
//! computer; and the keychain's waits in between.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::Notify;

use super::error::CommandError;
use super::message::Message;
use super::state::{Offline, Phase, Platform, Retry, SignedIn, Task};
use super::Machine;
use crate::flow::{FlowError, Profile};
use crate::session::{self, ResumeError, Resumed, SavedSession};

/// How long the platform is waited for between tries while it cannot be reached: doubling
/// from the first to the last.
const OFFLINE_FIRST_TRY: Duration = Duration::from_secs(2);
const OFFLINE_LONGEST_WAIT: Duration = Duration::from_secs(30);

/// What a resume of the kept session came to.
enum Restored {
    Fresh(Resumed),
    /// The platform cannot be reached, but the profile last read is known.
    Offline(SavedSession, Profile, u64),
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
        let Restored::Offline(session, profile, read_at) = restored else {
            return self.settle(&platform, task, restored).await;
        };
        // The restore's task stays the window's owner while it keeps trying.
        let try_now = Arc::new(Notify::new());
        let signed_in = SignedIn {
            session: Resumed { session, profile },
            not_remembered: platform.keeper.not_remembered(),
            offline: Some(Offline {
                task,
                read_at,
                try_now: try_now.clone(),
            }),
        };
        if self.update(task, |state| state.sign_in(signed_in)) {
            self.keep_trying(platform, task, try_now).await;
        }
    }

    /// Shows what a resume came to, for the task that owns the window.
    async fn settle(&self, platform: &Platform, task: Task, restored: Restored) {
        match restored {
            Restored::Fresh(resumed) => {
                let (session, profile) = (resumed.session.clone(), resumed.profile.clone());
                let signed_in = SignedIn {
                    session: resumed,
                    not_remembered: platform.keeper.not_remembered(),
                    offline: None,
                };
                if self.update(task, |state| state.sign_in(signed_in)) {
                    remember_profile(platform, &session, &profile).await;
                }
            }
            Restored::Failed(e) => self.fail(task, Retry::Restore, &e),
            Restored::Ended(notice) => {
                self.update(task, |state| state.phase = Phase::SignedOut(notice));
            }
            Restored::Offline(..) => unreachable!("shown by the restore that keeps trying"),
        }
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
            if !matches!(restored, Restored::Offline(..)) {
                return self.settle(&platform, task, restored).await;
            }
        }
    }

    /// Ends the session: removed from this computer first, so that quitting during a slow
    /// revocation leaves nothing behind; then revoked on the platform. The notice says
    /// what could not be done. Signed in, or after a restore that did not go through.
    pub async fn sign_out(&self) -> Result<(), CommandError> {
        self.end_for(None).await.ok_or(CommandError::NotNow)
    }

    /// Ends the session in use, if there is one, and says `why` (or what could not be done).
    async fn end_for(&self, why: Option<Message>) -> Option<()> {
        let (platform, task, known) = self.change(|state| {
            let known = state.session_to_end()?;
            let platform = state.platform.clone()?;
            Some((platform, state.begin(Phase::SigningOut), known))
        })?;
        let ended = end_session(&platform, known).await;
        let notice = match (why, ended) {
            (Some(why), session::Ended::Everywhere) => why,
            (_, ended) => Message::from(ended),
        };
        self.update(task, |state| state.phase = Phase::SignedOut(Some(notice)));
        Some(())
    }

    /// The learner used the window: the idle time starts again.
    pub fn still_here(&self) {
        self.lock().last_use = tokio::time::Instant::now();
    }

    /// Whether closing the app must end the session first (a shared computer's, with one).
    pub fn ends_with_the_app(&self) -> bool {
        let state = self.lock();
        let shared = state
            .platform
            .as_ref()
            .is_some_and(|p| !p.settings().remember_session);
        shared
            && !matches!(
                state.phase,
                Phase::SignedOut(_) | Phase::Setup | Phase::Unusable(_)
            )
    }

    /// On a shared computer, the session ends with the app: here, then on the platform,
    /// within the usual bound. Called as the window closes, the app quits or the system's
    /// session ends.
    pub async fn end_with_the_app(&self) {
        if !self.ends_with_the_app() {
            return;
        }
        tracing::info!("a shared computer: the session ends with the app");
        let leaving = self.change(|state| {
            let known = state.session_to_end().flatten();
            let platform = state.platform.clone()?;
            state.begin(Phase::SigningOut);
            Some((platform, known))
        });
        if let Some((platform, known)) = leaving {
            end_session(&platform, known).await;
        }
        self.change(|state| state.phase = Phase::SignedOut(None));
    }

    /// Tells the window while the platform's keychain keeps it waiting (an unlock prompt):
    /// the keeper calls back, for as long as it lives. And, when the settings ask for it,
    /// ends the session after an idle time, for as long as the platform is in use.
    pub(super) fn serve_platform(&self) {
        let Some(platform) = self.lock().platform.clone() else {
            return;
        };
        let machine = self.weak();
        platform.keeper.on_waiting(move |_| {
            if let Some(shared) = machine.upgrade() {
                Machine(shared).change(|_| {});
            }
        });
        if let Some(idle) = platform.settings().sign_out_when_idle {
            let this = self.clone();
            self.spawn(async move { this.sign_out_when_idle(platform, idle).await });
        }
    }

    async fn sign_out_when_idle(self, platform: Platform, idle: Duration) {
        loop {
            let due = self.lock().last_use + idle;
            tokio::select! {
                _ = platform.ended.cancelled() => return,
                _ = tokio::time::sleep_until(due) => {}
            }
            let idle_now = {
                let mut state = self.lock();
                let idle_now = state.last_use + idle <= tokio::time::Instant::now();
                let signed_in = matches!(state.phase, Phase::SignedIn(_));
                if idle_now && !signed_in {
                    // Nothing to end: the time counts again from the next sign-in.
                    state.last_use = tokio::time::Instant::now();
                }
                idle_now && signed_in
            };
            if idle_now {
                tracing::info!("signed out after an idle time");
                self.end_for(Some(Message::SignedOutIdle)).await;
            }
        }
    }

    /// The way out of "Waiting for the keychain…": go on without it for this run.
    pub fn skip_keychain(&self) {
        let state = self.lock();
        if let Some(platform) = state.platform.as_ref().filter(|p| p.keeper.is_waiting()) {
            platform.keeper.skip_keychain();
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
            (Some(_), Some(known)) => Restored::Offline(tokens, known.profile, known.read_at),
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
pub(super) async fn remember_profile(
    platform: &Platform,
    session: &SavedSession,
    profile: &Profile,
) {
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

/// Ends the platform's session: the one `known`, else the one its keeper holds.
pub(super) async fn end_session(
    platform: &Platform,
    known: Option<SavedSession>,
) -> session::Ended {
    let tokens = match known {
        Some(tokens) => Some(tokens),
        None => platform.keeper.load().await.ok().flatten(),
    };
    match tokens {
        Some(tokens) => session::end(&platform.client, &platform.keeper, &tokens).await,
        // Nothing to tell the platform; whatever may be kept still goes.
        None => match platform.keeper.delete().await {
            Ok(()) => session::Ended::Everywhere,
            Err(_) => session::Ended::KeychainKept,
        },
    }
}
