//! Ending a session: at sign-out, after an idle time, and — on a computer shared by a
//! class — with the app. Each ends it here first, then on the platform.

use std::time::Duration;

use super::error::CommandError;
use super::message::Message;
use super::state::{Held, Phase, Platform, Task};
use super::Machine;
use crate::session::{self, Ended};

/// What a sign-out ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ending {
    /// The session a state holds (signed in, offline, behind an error after a restore).
    TheSessionHeld,
    /// That, or whatever the platform's keeper holds: a sign-in's tokens, kept before its
    /// profile was read.
    WhateverIsKept,
}

impl Machine {
    /// Ends the session: removed from this computer first, so that quitting during a slow
    /// revocation leaves nothing behind; then revoked on the platform. The notice says
    /// what could not be done. Signed in, or after a restore that did not go through.
    pub async fn sign_out(&self) -> Result<(), CommandError> {
        if self.end_session_held(None).await {
            Ok(())
        } else {
            Err(CommandError::NotNow)
        }
    }

    /// Ends the session held, if there is one, and says `why` (or what could not be done);
    /// false when there was none.
    async fn end_session_held(&self, why: Option<Message>) -> bool {
        let Some((platform, task, held)) = self.begin_sign_out(Ending::TheSessionHeld) else {
            return false;
        };
        let ended = end_session(&platform, held).await;
        let notice = match (why, ended) {
            (Some(why), Ended::Everywhere) => why,
            (_, ended) => Message::from(ended),
        };
        self.apply_for(task, |state| state.phase = Phase::SignedOut(Some(notice)));
        true
    }

    /// On a computer switched to shared use, every session an earlier run kept on this
    /// computer, whatever its platform, is removed and revoked where it was issued: nothing
    /// of the previous learners stays for anyone on this account to read.
    pub(super) fn forget_remembered_sessions(&self) {
        if !self.lock().config.merged.is_shared_computer() {
            return;
        }
        let (remembered, network) = (
            self.0.startup.remembered.clone(),
            self.0.startup.network.clone(),
        );
        self.spawn(async move {
            let found = tokio::task::spawn_blocking(move || remembered.all()).await;
            let vaults = match found {
                Ok(Ok(vaults)) => vaults,
                Ok(Err(e)) => {
                    return tracing::warn!(error = %e, "the kept sessions cannot be listed")
                }
                Err(_) => return,
            };
            for vault in vaults {
                let ended = session::end_remembered(vault, &network).await;
                tracing::info!(?ended, "a shared computer: a session kept earlier is ended");
            }
        });
    }

    /// Gives the window to a sign-out on the platform in use, of what `ending` says. None
    /// when there is nothing to end.
    pub(super) fn begin_sign_out(&self, ending: Ending) -> Option<(Platform, Task, Held)> {
        self.apply(|state| {
            let held = match (state.session_held(), ending) {
                (Some(held), _) => held,
                (None, Ending::WhateverIsKept) => Held::Kept,
                (None, Ending::TheSessionHeld) => return None,
            };
            let platform = state.platform.clone()?;
            Some((platform, state.begin(Phase::SigningOut), held))
        })
    }

    /// The learner used the window: the idle time starts again.
    pub fn still_here(&self) {
        let now = self.now();
        self.apply(|state| state.last_use = now);
    }

    /// Whether closing the app must end the session first (a shared computer's, with one).
    pub fn ends_with_the_app(&self) -> bool {
        let state = self.lock();
        state.config.merged.is_shared_computer()
            && state.platform.is_some()
            && !matches!(
                state.phase,
                Phase::SignedOut(_) | Phase::Setup | Phase::Unusable(_)
            )
    }

    /// On a shared computer, the session ends with the app: here, then on the platform,
    /// within the usual bound. Called as the window closes, the app quits or the system's
    /// session ends.
    pub async fn end_with_the_app(&self) {
        self.end_shared_session(None).await
    }

    /// On a shared computer, the session ends before the computer sleeps: it wakes signed
    /// out, and says why.
    pub async fn end_before_sleep(&self) {
        self.end_shared_session(Some(Message::SignedOutAsleep))
            .await
    }

    async fn end_shared_session(&self, why: Option<Message>) {
        if !self.ends_with_the_app() {
            return;
        }
        tracing::info!("a shared computer: the session ends");
        if let Some((platform, _, held)) = self.begin_sign_out(Ending::WhateverIsKept) {
            end_session(&platform, held).await;
        }
        self.apply(|state| state.phase = Phase::SignedOut(why));
    }

    /// After `idle` without the learner using the window, the session ends — whatever state
    /// holds it, and counting the time the computer slept — for as long as `platform` is in
    /// use. Checked when it is due, and every few seconds besides, which is how a wake from
    /// sleep is noticed: tokio's timers do not count the sleep.
    pub(super) async fn sign_out_when_idle(self, platform: Platform, idle: Duration) {
        loop {
            let left = (self.lock().last_use + idle).saturating_sub(self.now());
            tokio::select! {
                _ = platform.ended.cancelled() => return,
                _ = tokio::time::sleep(left.clamp(CHECK_AT_LEAST, CHECK_AT_MOST)) => {}
            }
            let now = self.now();
            let ends = self.apply(|state| {
                let idle_now = state.last_use + idle <= now;
                let held = state.session_held().is_some();
                if idle_now && !held {
                    // Nothing to end: the time counts again from the next sign-in.
                    state.last_use = now;
                }
                idle_now && held
            });
            if ends {
                tracing::info!("signed out after an idle time");
                self.end_session_held(Some(Message::SignedOutIdle)).await;
            }
        }
    }
}

/// How often the idle time is checked, at most and at least: often enough to notice a wake
/// from sleep within seconds, seldom enough to cost nothing.
const CHECK_AT_MOST: Duration = Duration::from_secs(2);
const CHECK_AT_LEAST: Duration = Duration::from_millis(100);

/// Ends the platform's session: the one `held` names, else the one its keeper holds.
pub(super) async fn end_session(platform: &Platform, held: Held) -> Ended {
    let tokens = match held {
        Held::Known(tokens) => Some(*tokens),
        Held::Kept => platform.keeper.load().await.ok().flatten(),
    };
    match tokens {
        Some(tokens) => session::end(&platform.client, &platform.keeper, &tokens).await,
        // Nothing to tell the platform; whatever may be kept still goes.
        None => match platform.keeper.delete().await {
            Ok(()) => Ended::Everywhere,
            Err(_) => Ended::KeychainKept,
        },
    }
}
