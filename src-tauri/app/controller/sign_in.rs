//! A sign-in: a code, the learner's approval, the tokens kept, the profile shown. Tokens
//! that arrive for a sign-in the learner cancelled are revoked and never kept.

use std::sync::Arc;
use std::time::SystemTime;

use passerelle_core::flow::{FlowError, PendingSignIn, Verification};
use passerelle_core::session::{self, Binding, Resumed, SavedSession};
use tokio_util::sync::CancellationToken;

use super::super::error::CommandError;
use super::super::state::{Attempt, Phase, Platform, Retry, State, Step, Task};
use super::super::view::{CodeShown, Status};
use super::super::words::Kind;
use super::{failed, Controller};

impl Controller {
    /// Starts a sign-in, unless one is already running.
    pub fn start_sign_in(&self) -> Result<(), CommandError> {
        match self.lock().phase {
            Phase::SigningIn(_) => return Ok(()),
            Phase::SignedOut(_) | Phase::Failed { .. } => {}
            _ => return Err(CommandError::NotNow),
        }
        let cancel = CancellationToken::new();
        let (platform, task) = self
            .begin(|task| {
                Phase::SigningIn(Attempt {
                    task,
                    cancel: cancel.clone(),
                    step: Step::Asking,
                })
            })
            .ok_or(CommandError::NotConfigured)?;
        let this = self.clone();
        tauri::async_runtime::spawn(async move { this.run_sign_in(platform, task, cancel).await });
        Ok(())
    }

    async fn run_sign_in(self, platform: Platform, task: Task, cancel: CancellationToken) {
        let client = &platform.client;
        let started = tokio::select! {
            _ = cancel.cancelled() => return,
            started = client.start_sign_in() => started,
        };
        let pending = match started {
            Ok(pending) => Arc::new(pending),
            Err(e) => return self.fail(task, Retry::NewCode, &e),
        };
        let shown = CodeShown::new(
            &pending.authorization.user_code,
            &pending.verification,
            pending.expires_at,
        );
        self.update(task, |state| {
            if let Phase::SigningIn(attempt) = &mut state.phase {
                attempt.step = Step::Code(pending.clone(), shown);
            }
        });
        let token = client
            .wait_for_token(&pending, &cancel, |progress| {
                self.update(task, |state| {
                    state.set_status(Status::from_progress(&progress, SystemTime::now()))
                });
            })
            .await;
        let token = match token {
            Ok(token) => token,
            Err(FlowError::Cancelled) => return,
            Err(e) => return self.fail(task, Retry::NewCode, &e),
        };
        let binding = match Binding::of(client).await {
            Ok(binding) => binding,
            Err(e) => return self.fail(task, Retry::NewCode, &e),
        };
        let tokens = SavedSession::from_token(&token, binding, SystemTime::now());
        // From here a cancel must undo what is done: the window says "signing out" until
        // the tokens are gone (see `cancel_sign_in`).
        let approved = self.finish(task, |state| {
            if let Phase::SigningIn(attempt) = &mut state.phase {
                if let Step::Code(_, shown) = &attempt.step {
                    let mut shown = shown.clone();
                    shown.status = Status::Approved;
                    attempt.step = Step::Approved(shown);
                }
            }
        });
        let wanted = || is_signing_in(&self.lock(), task);
        if !approved || platform.store.save_if(wanted, &tokens).await.is_err() {
            return self.discard(&platform, task, &tokens, false).await;
        }
        let access = tokens
            .access_token
            .as_ref()
            .expect("a new session has an access token");
        let profile = tokio::select! {
            _ = cancel.cancelled() => return self.discard(&platform, task, &tokens, true).await,
            profile = client.fetch_profile(access) => profile,
        };
        let not_remembered = platform.store.not_remembered().map(Kind::from);
        let done = match profile {
            Ok(profile) => self.finish(task, |state| {
                state.phase = Phase::SignedIn {
                    session: Resumed {
                        session: tokens.clone(),
                        profile,
                    },
                    not_remembered,
                }
            }),
            // The tokens are kept: a restore can use them once the API answers.
            Err(e) => self.finish(task, |state| state.phase = failed(Retry::Restore, &e)),
        };
        if !done {
            self.discard(&platform, task, &tokens, true).await;
        }
    }

    /// Applies `change` while the sign-in `task` is still running; false when the learner
    /// cancelled it (the phase is then "signing out") or it was overtaken.
    fn finish(&self, task: Task, change: impl FnOnce(&mut State)) -> bool {
        self.change(|state| {
            let running = is_signing_in(state, task);
            if running {
                change(state);
            }
            running
        })
    }

    /// Ends the session of a sign-in nobody wants any more: removed if it was kept,
    /// revoked; then, if this task still owns the window, signed out.
    async fn discard(&self, platform: &Platform, task: Task, tokens: &SavedSession, kept: bool) {
        tracing::info!("the sign-in was cancelled; its tokens are discarded");
        let ended = session::discard(&platform.client, &platform.store, tokens, kept).await;
        let notice = (ended == session::Ended::KeychainKept).then_some(Kind::KeychainNotCleared);
        self.update(task, |state| state.phase = Phase::SignedOut(notice));
    }

    /// Cancel while signing in, and Back from a sign-in's error. Once the tokens have
    /// arrived, the sign-in's own task removes them before the window says "signed out".
    pub fn cancel_sign_in(&self) {
        self.change(|state| match &state.phase {
            Phase::SigningIn(attempt) => {
                attempt.cancel.cancel();
                state.phase = match attempt.step {
                    Step::Approved(_) => Phase::SigningOut(attempt.task),
                    _ => Phase::SignedOut(None),
                };
            }
            Phase::Failed { retry, .. } if *retry != Retry::Restore => {
                state.phase = Phase::SignedOut(None)
            }
            _ => {}
        });
    }

    fn pending(&self) -> Result<Arc<PendingSignIn>, CommandError> {
        match &self.lock().phase {
            Phase::SigningIn(Attempt {
                step: Step::Code(pending, _),
                ..
            }) => Ok(pending.clone()),
            _ => Err(CommandError::NoSignIn),
        }
    }

    /// Opens the verification page the backend holds (never a URL from the window), after
    /// copying the code, as "Copy & Continue" does.
    pub fn open_verification_page(&self) -> Result<(), CommandError> {
        let pending = self.pending()?;
        let Verification::Trusted { open, .. } = &pending.verification else {
            return Err(CommandError::UnsafeUrl);
        };
        if let Err(e) = self.0.desktop.copy_text(&pending.authorization.user_code) {
            tracing::info!(error = %e, "could not copy the code");
        }
        self.0.desktop.open_url(open).map_err(CommandError::Desktop)
    }

    pub fn copy_user_code(&self) -> Result<(), CommandError> {
        let pending = self.pending()?;
        self.0
            .desktop
            .copy_text(&pending.authorization.user_code)
            .map_err(CommandError::Desktop)
    }
}

/// True while `task` is the sign-in in progress: a cancel (under the same lock) or a newer
/// task changes the phase.
fn is_signing_in(state: &State, task: Task) -> bool {
    matches!(&state.phase, Phase::SigningIn(a) if a.task == task)
}
