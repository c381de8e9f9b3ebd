//! A session after sign-in: restored at start, ended at sign-out, and the keychain's waits
//! in between.

use super::error::CommandError;
use super::message::Message;
use super::state::{Phase, Platform, Retry, SignedIn, Task};
use super::Machine;
use crate::session::{self, ResumeError, SavedSession};

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
        let tokens = match platform.keeper.load().await {
            Ok(Some(tokens)) => tokens,
            Ok(None) => {
                self.update(task, |state| state.phase = Phase::SignedOut(None));
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "the keychain could not be read");
                let notice = Some(Message::KeychainUnread);
                self.update(task, |state| state.phase = Phase::SignedOut(notice));
                return;
            }
        };
        match session::resume(&platform.client, &platform.keeper, tokens.clone()).await {
            Ok(resumed) => {
                let not_remembered = platform.keeper.not_remembered();
                self.update(task, |state| {
                    state.phase = Phase::SignedIn(Box::new(SignedIn {
                        session: resumed,
                        not_remembered,
                    }))
                });
            }
            // Passing trouble: the stored session is kept for the next try.
            Err(ResumeError::Flow(e)) => self.fail(task, Retry::Restore, &e),
            Err(e) => {
                tracing::info!(error = %e, "the stored session is not used");
                // Only the session this restore read: a newer one stays.
                let kept = platform.keeper.delete_if(&tokens).await.is_err();
                let notice = match e {
                    _ if kept => Some(Message::KeychainNotCleared),
                    ResumeError::Superseded => None,
                    e => Some(Message::from(&e)),
                };
                self.update(task, |state| state.phase = Phase::SignedOut(notice));
            }
        }
    }

    /// Ends the session: removed from this computer first, so that quitting during a slow
    /// revocation leaves nothing behind; then revoked on the platform. The notice says
    /// what could not be done. Signed in, or after a restore that did not go through.
    pub async fn sign_out(&self) -> Result<(), CommandError> {
        let (platform, task, known) = self
            .change(|state| {
                let known = state.session_to_end()?;
                let platform = state.platform.clone()?;
                Some((platform, state.begin(Phase::SigningOut), known))
            })
            .ok_or(CommandError::NotNow)?;
        let ended = end_session(&platform, known).await;
        let notice = Message::from(ended);
        self.update(task, |state| state.phase = Phase::SignedOut(Some(notice)));
        Ok(())
    }

    /// Tells the window while the platform's keychain keeps it waiting (an unlock prompt):
    /// the keeper calls back, for as long as it lives.
    pub(super) fn watch_keeper(&self) {
        let Some(platform) = self.lock().platform.clone() else {
            return;
        };
        let machine = self.weak();
        platform.keeper.on_waiting(move |_| {
            if let Some(shared) = machine.upgrade() {
                Machine(shared).change(|_| {});
            }
        });
    }

    /// The way out of "Waiting for the keychain…": go on without it for this run.
    pub fn skip_keychain(&self) {
        let state = self.lock();
        if let Some(platform) = state.platform.as_ref().filter(|p| p.keeper.is_waiting()) {
            platform.keeper.skip_keychain();
        }
    }
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
