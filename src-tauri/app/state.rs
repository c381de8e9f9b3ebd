//! The app's state: one phase, what covers it, and the platform in use. The view the
//! window shows is derived from it (`view.rs`), never the other way round.

use std::sync::Arc;

use passerelle_core::flow::{DeviceFlowClient, PendingSignIn};
use passerelle_core::session::{Resumed, SavedSession, SessionKeeper};
use passerelle_core::settings::{Merged, RawSettings, Settings};
use tauri::ipc::Channel;
use tokio_util::sync::CancellationToken;

use super::view::{CodeShown, ErrorView, Status, View};
use super::words::Kind;

/// A background task (a sign-in, a restore, a sign-out). Only the task that owns the
/// phase may change it: one that was overtaken leaves the window alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Task(u64);

/// Where the learner is.
pub enum Phase {
    /// No platform chosen yet: the setup form.
    Setup,
    /// Settings that cannot be used: said, with a way to fix them when the learner can.
    Broken(ErrorView),
    Restoring(Task),
    SignedOut(Option<Kind>),
    SigningIn(Attempt),
    SignedIn {
        session: Resumed,
        not_remembered: Option<Kind>,
    },
    SigningOut(Task),
    Failed {
        error: ErrorView,
        retry: Retry,
    },
}

impl Phase {
    fn task(&self) -> Option<Task> {
        match self {
            Phase::Restoring(task) | Phase::SigningOut(task) => Some(*task),
            Phase::SigningIn(attempt) => Some(attempt.task),
            _ => None,
        }
    }

    /// Settings and about may cover these; a running task keeps its window.
    pub fn is_calm(&self) -> bool {
        matches!(
            self,
            Phase::Setup
                | Phase::Broken(_)
                | Phase::SignedOut(_)
                | Phase::SignedIn { .. }
                | Phase::Failed { .. }
        )
    }
}

/// One sign-in, from asking for a code to the profile.
pub struct Attempt {
    pub task: Task,
    pub cancel: CancellationToken,
    pub step: Step,
}

pub enum Step {
    /// Asking the platform for a code.
    Asking,
    /// The code is shown; the learner approves in the browser.
    Code(Arc<PendingSignIn>, CodeShown),
    /// Approved: the tokens are being kept and the profile read.
    Approved(CodeShown),
}

/// What "Try again" does after an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    NewCode,
    /// Restore the kept session again: there is no going back to "signed out" while it
    /// is kept.
    Restore,
    /// Read the settings again (after the learner fixed a file by hand).
    Reload,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Settings,
    About,
}

/// The platform in use: its client and where its session is kept.
#[derive(Clone)]
pub struct Platform {
    pub client: Arc<DeviceFlowClient>,
    pub store: SessionKeeper,
}

impl Platform {
    pub fn settings(&self) -> &Settings {
        self.client.settings()
    }
}

/// The settings as read at start or after a save: every layer merged, and the learner's
/// own file (what the form shows as theirs).
#[derive(Default)]
pub struct Config {
    pub merged: Merged,
    pub file: RawSettings,
}

pub struct State {
    pub phase: Phase,
    pub overlay: Option<Overlay>,
    pub platform: Option<Platform>,
    pub config: Config,
    pub keychain_waiting: bool,
    /// The platform this copy was built for, if any.
    pub built_for: Option<String>,
    tasks: u64,
    channel: Option<Channel<View>>,
    /// What the window shows now: an equal view is not sent again, so that a poll that
    /// changes nothing does not repaint the window.
    shown: Option<View>,
}

impl State {
    pub fn new(
        phase: Phase,
        platform: Option<Platform>,
        config: Config,
        built_for: Option<String>,
    ) -> Self {
        Self {
            phase,
            overlay: None,
            platform,
            config,
            keychain_waiting: false,
            built_for,
            tasks: 0,
            channel: None,
            shown: None,
        }
    }

    /// Gives the phase `phase(task)` to a new task, uncovered.
    pub fn begin(&mut self, phase: impl FnOnce(Task) -> Phase) -> Task {
        self.tasks += 1;
        let task = Task(self.tasks);
        self.phase = phase(task);
        self.overlay = None;
        task
    }

    pub fn owned_by(&self, task: Task) -> bool {
        self.phase.task() == Some(task)
    }

    /// Hands a signed-in session to a new sign-out task: the platform it is on, the task,
    /// and its tokens.
    pub fn begin_sign_out(&mut self) -> Option<(Platform, Task, SavedSession)> {
        let (Some(platform), Phase::SignedIn { session, .. }) = (&self.platform, &self.phase)
        else {
            return None;
        };
        let (platform, tokens) = (platform.clone(), session.session.clone());
        Some((platform, self.begin(Phase::SigningOut), tokens))
    }

    /// The error on screen, if any.
    pub fn error(&self) -> Option<&ErrorView> {
        match &self.phase {
            Phase::Broken(error) | Phase::Failed { error, .. } => Some(error),
            _ => None,
        }
    }

    pub fn connect(&mut self, channel: Channel<View>) -> View {
        let view = View::of(self);
        self.channel = Some(channel);
        self.shown = Some(view.clone());
        view
    }

    /// Sends the window the view, if it changed.
    pub fn push(&mut self) {
        let view = View::of(self);
        let Some(channel) = &self.channel else {
            return;
        };
        if self.shown.as_ref() == Some(&view) {
            return;
        }
        // The window may be reloading; it asks for the view again when it connects.
        let _ = channel.send(view.clone());
        self.shown = Some(view);
    }

    pub fn set_status(&mut self, status: Status) {
        if let Phase::SigningIn(Attempt {
            step: Step::Code(_, shown) | Step::Approved(shown),
            ..
        }) = &mut self.phase
        {
            shown.status = status;
        }
    }

    pub fn platform_label(&self) -> Option<String> {
        self.platform
            .as_ref()
            .map(|p| p.settings().platform_label())
    }
}
