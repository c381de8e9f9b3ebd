//! A session after sign-in: restored at start, ended at sign-out, and the keychain's waits
//! in between.

use passerelle_core::session::{self, ResumeError};

use super::super::error::CommandError;
use super::super::state::{Phase, Platform, Retry, State, Task};
use super::super::words::Kind;
use super::Controller;

impl Controller {
    /// Restores a stored session in the background; call once the window is showing, so
    /// that neither the keychain nor the network delays the first paint.
    pub fn start(&self) {
        let Some((platform, task)) = self.begin(Phase::Restoring) else {
            return;
        };
        let this = self.clone();
        tauri::async_runtime::spawn(async move { this.restore(platform, task).await });
    }

    async fn restore(self, platform: Platform, task: Task) {
        let tokens = match platform.store.load().await {
            Ok(Some(tokens)) => tokens,
            Ok(None) => {
                self.update(task, |state| state.phase = Phase::SignedOut(None));
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "the keychain could not be read");
                let notice = Some(Kind::KeychainUnread);
                self.update(task, |state| state.phase = Phase::SignedOut(notice));
                return;
            }
        };
        match session::resume(&platform.client, &platform.store, tokens.clone()).await {
            Ok(resumed) => {
                let not_remembered = platform.store.not_remembered().map(Kind::from);
                self.update(task, |state| {
                    state.phase = Phase::SignedIn {
                        session: resumed,
                        not_remembered,
                    }
                });
            }
            // Passing trouble: the stored session is kept for the next try.
            Err(ResumeError::Flow(e)) => self.fail(task, Retry::Restore, &e),
            Err(e) => {
                tracing::info!(error = %e, "the stored session is not used");
                // Only the session this restore read: a newer one stays.
                let kept = platform.store.delete_if(&tokens).await.is_err();
                let notice = match e {
                    _ if kept => Some(Kind::KeychainNotCleared),
                    ResumeError::Superseded => None,
                    e => Some(Kind::from(&e)),
                };
                self.update(task, |state| state.phase = Phase::SignedOut(notice));
            }
        }
    }

    /// Ends the session: removed from this computer first, so that quitting during a slow
    /// revocation leaves nothing behind; then revoked on the platform. The notice says
    /// what could not be done.
    pub async fn sign_out(&self) -> Result<(), CommandError> {
        let (platform, task, tokens) = self
            .change(State::begin_sign_out)
            .ok_or(CommandError::NotNow)?;
        let ended = session::end(&platform.client, &platform.store, &tokens).await;
        let notice = Kind::from(ended);
        self.update(task, |state| state.phase = Phase::SignedOut(Some(notice)));
        Ok(())
    }

    /// Tells the window while the platform's keychain keeps it waiting (an unlock prompt).
    pub(super) fn watch_keychain(&self) {
        let Some(platform) = self.lock().platform.clone() else {
            return;
        };
        let controller = std::sync::Arc::downgrade(&self.0);
        platform.store.on_waiting(move |now| {
            if let Some(shared) = controller.upgrade() {
                Controller(shared).change(|state| state.keychain_waiting = now);
            }
        });
    }

    /// The way out of "Waiting for the keychain…": go on without it for this run.
    pub fn skip_keychain(&self) {
        let state = self.lock();
        if let (true, Some(platform)) = (state.keychain_waiting, &state.platform) {
            platform.store.skip_keychain();
        }
    }
}
