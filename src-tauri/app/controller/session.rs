//! A session after sign-in: restored at start, ended at sign-out, and the keychain's
//! waits in between.

use std::time::Duration;

use passerelle_core::flow::FlowError;
use passerelle_core::session::{self, Binding, ResumeError, StoredSession};

use super::super::error::CommandError;
use super::super::state::{Phase, Platform, Retry, Task};
use super::super::words::Kind;
use super::Controller;

/// Sign-out tells the platform, but waits for it no longer than this: the session is
/// already gone from this computer.
const REVOKE_TIMEOUT: Duration = Duration::from_secs(5);

impl Controller {
    /// Restores a stored session in the background; call once the window is showing, so
    /// that neither the keychain nor the network delays the first paint.
    pub fn start(&self) {
        let mut state = self.lock();
        let Some(platform) = state.platform.clone() else {
            return;
        };
        let task = state.begin();
        state.phase = Phase::Restoring(task);
        state.overlay = None;
        state.push();
        drop(state);
        let this = self.clone();
        tauri::async_runtime::spawn(async move { this.restore(platform, task).await });
    }

    async fn restore(self, platform: Platform, task: Task) {
        let Some(tokens) = platform.store.load().await else {
            self.update(task, |state| state.phase = Phase::SignedOut(None));
            return;
        };
        match session::resume(&platform.client, &platform.store, tokens.clone()).await {
            Ok(resumed) => self.signed_in(task, &platform, resumed),
            Err(e @ (ResumeError::Ended | ResumeError::SettingsChanged)) => {
                tracing::info!(error = %e, "the stored session is not used");
                // Only the session this restore read: a newer one stays.
                if let Err(e) = platform.store.delete_if(&tokens).await {
                    tracing::warn!(error = %e, "the stored session could not be removed");
                }
                let notice = Kind::from(&e);
                self.update(task, |state| state.phase = Phase::SignedOut(Some(notice)));
            }
            Err(ResumeError::Superseded) => {}
            // Passing trouble: the stored session is kept for the next try.
            Err(ResumeError::Flow(e)) => {
                self.fail(task, Retry::Restore, (&e).into(), e.to_string())
            }
        }
    }

    /// Ends the session: removed from this computer first, so that quitting during a slow
    /// revocation leaves nothing behind; then revoked on the platform (RFC 7009), within
    /// [`REVOKE_TIMEOUT`]. The notice says what could not be done.
    pub async fn sign_out(&self) -> Result<(), CommandError> {
        let (platform, tokens, task) = {
            let mut state = self.lock();
            let platform = state.platform.clone().ok_or(CommandError::NotConfigured)?;
            if !matches!(state.phase, Phase::SignedIn { .. }) {
                return Err(CommandError::NotNow);
            }
            let task = state.begin();
            let Phase::SignedIn { session, .. } =
                std::mem::replace(&mut state.phase, Phase::SigningOut(task))
            else {
                unreachable!("checked above");
            };
            state.overlay = None;
            state.push();
            (platform, session.tokens, task)
        };
        let notice = end_session(&platform, &tokens).await;
        self.update(task, |state| state.phase = Phase::SignedOut(Some(notice)));
        Ok(())
    }

    /// Tells the window while the keychain keeps it waiting (an unlock prompt).
    pub(super) fn watch_keychain(&self) {
        let Some(platform) = self.lock().platform.clone() else {
            return;
        };
        let mut waiting = platform.store.waiting();
        let this = self.clone();
        tauri::async_runtime::spawn(async move {
            while waiting.changed().await.is_ok() {
                let now = *waiting.borrow();
                this.change(|state| state.keychain_waiting = now);
            }
        });
    }

    /// The way out of "Waiting for the keychain…": go on without it for this run.
    pub fn skip_keychain(&self) {
        if let Some(platform) = self.lock().platform.clone() {
            platform.store.skip_keychain();
        }
    }
}

/// Removes the session here, then tells the platform. Returns the notice to show.
pub(super) async fn end_session(platform: &Platform, tokens: &StoredSession) -> Kind {
    let removed = platform.store.delete().await;
    let told = tokio::time::timeout(REVOKE_TIMEOUT, revoke(platform, tokens)).await;
    match (removed, told) {
        (Err(e), _) => {
            tracing::warn!(error = %e, "the session could not be removed from the keychain");
            Kind::KeychainNotCleared
        }
        (Ok(()), Ok(Ok(true))) => Kind::SignedOut,
        (Ok(()), outcome) => {
            tracing::warn!(
                ?outcome,
                "the platform could not be told; signed out here only"
            );
            Kind::RevocationFailed
        }
    }
}

/// Revokes the session on the platform — the refresh token, else the access token — but
/// only where its tokens were issued for. True when the platform confirmed.
pub(super) async fn revoke(platform: &Platform, tokens: &StoredSession) -> Result<bool, FlowError> {
    let client = &platform.client;
    if Binding::new(&client.settings().client_id, client.endpoints().await?) != tokens.binding {
        return Ok(false);
    }
    match (&tokens.refresh_token, &tokens.access_token) {
        (Some(refresh), _) => client.revoke(refresh).await,
        (None, Some(access)) => client.revoke(access).await,
        (None, None) => Ok(false),
    }
}
