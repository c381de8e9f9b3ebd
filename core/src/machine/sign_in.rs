//! A sign-in: a code, the learner's approval, the tokens kept, the profile shown. Tokens
//! that arrive for a sign-in the learner cancelled are revoked and never kept.

use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use tokio_util::sync::CancellationToken;

use super::error::CommandError;
use super::message::Message;
use super::state::{Attempt, IssuedCode, Phase, Platform, Progress, Retry, State, Step, Task};
use super::Machine;
use crate::flow::{FlowError, PendingSignIn, PollProgress, Verification};
use crate::session::{self, Binding, Resumed, SavedSession};

impl Machine {
    /// Starts a sign-in, unless one is already running.
    pub fn start_sign_in(&self) -> Result<(), CommandError> {
        let cancel = CancellationToken::new();
        let started = self.apply(|state| {
            match state.phase {
                Phase::SigningIn(_) => return Ok(None),
                Phase::SignedOut(_) | Phase::Failed(_) => {}
                _ => return Err(CommandError::NotNow),
            }
            let platform = state.platform.clone().ok_or(CommandError::NotConfigured)?;
            if !state.limits.sign_ins.allow() {
                return Err(CommandError::TooFast);
            }
            let task = state.begin(|task| {
                Phase::SigningIn(Attempt {
                    task,
                    cancel: cancel.clone(),
                    step: Step::Asking,
                })
            });
            Ok(Some((platform, task)))
        })?;
        if let Some((platform, task)) = started {
            let this = self.clone();
            self.spawn(async move { this.run_sign_in(platform, task, cancel).await });
        }
        Ok(())
    }

    async fn run_sign_in(self, platform: Platform, task: Task, cancel: CancellationToken) {
        let client = &platform.client;
        let started = tokio::select! {
            _ = cancel.cancelled() => return,
            started = client.start_sign_in() => started,
        };
        let code = match started {
            Ok(pending) => Arc::new(IssuedCode {
                pending,
                qr: OnceLock::new(),
            }),
            Err(e) => return self.fail(task, Retry::NewCode, &e),
        };
        self.apply_for(task, |state| {
            if let Phase::SigningIn(attempt) = &mut state.phase {
                attempt.step = Step::Code {
                    code: code.clone(),
                    progress: Progress::Waiting,
                };
            }
        });
        let token = client
            .wait_for_token(&code.pending, &cancel, |progress| {
                let progress = progress_of(&progress, SystemTime::now());
                self.apply_for(task, |state| set_progress(state, progress));
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
        let approved = self.apply_while_signing_in(task, |state| {
            if let Phase::SigningIn(attempt) = &mut state.phase {
                attempt.step = Step::Approved(code.clone());
            }
        });
        let wanted = || self.lock().is_signing_in(task);
        if !approved || platform.keeper.save_if(wanted, &tokens).await.is_err() {
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
        let done = match profile {
            Ok(profile) => {
                let resumed = Resumed {
                    session: tokens.clone(),
                    profile,
                };
                self.show_signed_in(&platform, resumed, |state| state.is_signing_in(task))
                    .await
            }
            // The tokens are kept: Try again restores them once the API answers.
            Err(e) => {
                let failure = super::failure(Retry::Restore, &e);
                self.apply_while_signing_in(task, |state| state.phase = Phase::Failed(failure))
            }
        };
        if !done {
            self.discard(&platform, task, &tokens, true).await;
        }
    }

    /// [`Machine::apply`], while the sign-in `task` is still running; false when the
    /// learner cancelled it (the phase is then "signing out") or it was overtaken.
    fn apply_while_signing_in(&self, task: Task, change: impl FnOnce(&mut State)) -> bool {
        self.apply(|state| {
            let running = state.is_signing_in(task);
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
        let ended = session::discard(&platform.client, &platform.keeper, tokens, kept).await;
        let notice = (ended == session::Ended::KeychainKept).then_some(Message::KeychainNotCleared);
        self.apply_for(task, |state| state.phase = Phase::SignedOut(notice));
    }

    /// Cancel while signing in, and Back from a sign-in's error. Once the tokens have
    /// arrived, the sign-in's own task removes them before the window says "signed out".
    pub fn cancel_sign_in(&self) {
        self.apply(|state| match &state.phase {
            Phase::SigningIn(attempt) => {
                state.phase = match attempt.step {
                    Step::Approved(_) => Phase::SigningOut(attempt.task),
                    _ => Phase::SignedOut(None),
                };
            }
            Phase::Failed(failure) if failure.retry == Retry::NewCode => {
                state.phase = Phase::SignedOut(None)
            }
            _ => {}
        });
    }

    fn shown_code(&self) -> Result<Arc<IssuedCode>, CommandError> {
        match &self.lock().phase {
            Phase::SigningIn(Attempt {
                step: Step::Code { code, .. },
                ..
            }) => Ok(code.clone()),
            _ => Err(CommandError::NoSignIn),
        }
    }

    /// Opens the verification page the machine holds (never a URL from the window), after
    /// copying the code, as "Copy & Continue" does.
    pub fn open_verification_page(&self) -> Result<(), CommandError> {
        let code = self.shown_code()?;
        let Verification::Trusted { open, .. } = &code.pending.verification else {
            return Err(CommandError::UnsafeUrl);
        };
        if !self.apply(|state| state.limits.opens.allow()) {
            return Err(CommandError::TooFast);
        }
        if let Err(e) = self.0.desktop.copy_text(user_code(&code.pending)) {
            tracing::info!(error = %e, "could not copy the code");
        }
        self.0.desktop.open_url(open).map_err(CommandError::Desktop)
    }

    pub fn copy_user_code(&self) -> Result<(), CommandError> {
        let code = self.shown_code()?;
        self.0
            .desktop
            .copy_text(user_code(&code.pending))
            .map_err(CommandError::Desktop)
    }
}

fn user_code(pending: &PendingSignIn) -> &str {
    &pending.authorization.user_code
}

/// What a poll's progress says, with its retry due at a moment rather than in a while.
fn progress_of(progress: &PollProgress, now: SystemTime) -> Progress {
    match progress {
        PollProgress::Waiting { .. } => Progress::Waiting,
        PollProgress::SlowedDown { interval, .. } => Progress::SlowedDown {
            interval: *interval,
        },
        PollProgress::Retrying {
            reason,
            next_poll_in,
            ..
        } => Progress::Retrying {
            reason: *reason,
            due: now + *next_poll_in,
        },
    }
}

fn set_progress(state: &mut State, progress: Progress) {
    if let Phase::SigningIn(Attempt {
        step: Step::Code { progress: p, .. },
        ..
    }) = &mut state.phase
    {
        *p = progress;
    }
}
