//! The app's state, as facts: where the learner is (one [`Phase`]), what covers it, the
//! platform in use and the settings read. The view is derived from it (`view`), never the
//! other way round: nothing here is a view type. What the learner was told is a fact too
//! ([`Message`], a name the page puts into words); and a code keeps its QR drawing once
//! drawn, a memo of the code alone, so that deriving a view stays cheap.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use tokio_util::sync::CancellationToken;

use super::limits::Limits;
use super::message::Message;
use crate::flow::{DeviceFlowClient, PendingSignIn, RetryReason};
use crate::session::{NotRemembered, Resumed, SavedSession, SessionKeeper};
use crate::settings::{Invalid, Key, Merged, RawSettings, Settings};
use crate::update::Release;

/// A background task (a sign-in, a restore, a sign-out). Only the task that owns the
/// phase may change it: one that was overtaken leaves the window alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Task(u64);

/// Where the learner is.
pub enum Phase {
    /// No platform chosen yet: the setup form.
    Setup,
    /// Settings that cannot be used: said, with a way to fix them when the learner can.
    Unusable(SettingsProblem),
    Restoring(Task),
    SignedOut(Option<Message>),
    SigningIn(Attempt),
    SignedIn(Box<SignedIn>),
    SigningOut(Task),
    /// A sign-in or a restore did not go through.
    Failed(Failure),
}

impl Phase {
    fn task(&self) -> Option<Task> {
        match self {
            Phase::Restoring(task) | Phase::SigningOut(task) => Some(*task),
            Phase::SigningIn(attempt) => Some(attempt.task),
            Phase::SignedIn(signed_in) => signed_in.offline.as_ref().map(|o| o.task),
            _ => None,
        }
    }

    /// Settings and about may cover these; a running task keeps its window.
    pub fn is_calm(&self) -> bool {
        matches!(
            self,
            Phase::Setup
                | Phase::Unusable(_)
                | Phase::SignedOut(_)
                | Phase::SignedIn(_)
                | Phase::Failed(_)
        )
    }
}

/// One sign-in, from asking for a code to the profile. Leaving the state cancels it: its
/// task stops polling and undoes what it did.
pub struct Attempt {
    pub task: Task,
    pub cancel: CancellationToken,
    pub step: Step,
}

impl Drop for Attempt {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

pub enum Step {
    /// Asking the platform for a code.
    Asking,
    /// The code is shown; the learner approves in the browser.
    Code {
        code: Arc<IssuedCode>,
        progress: Progress,
    },
    /// Approved: the tokens are being kept and the profile read.
    Approved(Arc<IssuedCode>),
}

/// A code the platform issued, and its QR code, drawn the first time it is shown.
pub struct IssuedCode {
    pub pending: PendingSignIn,
    pub qr: OnceLock<String>,
}

/// What the polling reported last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Waiting,
    SlowedDown {
        interval: Duration,
    },
    Retrying {
        reason: RetryReason,
        due: SystemTime,
    },
}

/// Signed in: the session, its profile, and whether it outlives this run.
pub struct SignedIn {
    pub session: Resumed,
    pub not_remembered: Option<NotRemembered>,
    /// The platform could not be reached: the profile is the one last read, and a task
    /// keeps trying.
    pub offline: Option<Offline>,
}

/// The profile shown was read earlier; the platform is tried again.
pub struct Offline {
    /// The task trying again.
    pub task: Task,
    /// When the profile was read, in seconds since the epoch.
    pub read_at: u64,
    /// "Try again": now rather than at the next try.
    pub try_now: Arc<tokio::sync::Notify>,
}

/// The session a task that ends it is to end.
pub enum Held {
    /// The one in use, as the state knows it.
    Known(Box<SavedSession>),
    /// Whatever the platform's keeper holds: its latest tokens (after a refresh while the
    /// platform could not be reached, or a sign-in's, kept before its profile was read).
    Kept,
}

/// Why a sign-in or a restore stopped, in our words, and what Try again does.
pub struct Failure {
    pub message: Message,
    /// For support: our own words, never a server's.
    pub detail: String,
    pub retry: Retry,
}

/// What "Try again" does after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    NewCode,
    /// Restore the kept session again: there is no going back to "signed out" while it
    /// is kept, only Try again or Sign out.
    Restore,
}

/// Settings that cannot be used.
pub struct SettingsProblem {
    pub message: Message,
    pub detail: String,
    pub setting: Option<Key>,
    pub reason: Option<Invalid>,
    pub file: Option<String>,
    pub line: Option<usize>,
    /// The learner's own file is at fault: Settings can replace it.
    pub learner_can_fix: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Settings,
    About,
}

/// Where the copy is with its updates.
#[derive(Debug, Clone, Default)]
pub enum Stage {
    #[default]
    Quiet,
    Offered(Arc<Release>),
    /// Newer, for a copy the computer updates: said, with no button, never downloaded.
    Managed(Arc<Release>),
    Downloading {
        release: Arc<Release>,
        done: u64,
        total: Option<u64>,
    },
    /// Downloaded and verified (`auto`): installed at the next quit.
    Ready {
        release: Arc<Release>,
        bytes: Arc<Vec<u8>>,
    },
    Failed(Message),
}

/// What the window says once after an update: the version, and its notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub version: String,
    pub notes: Option<String>,
}

#[derive(Debug, Default)]
pub struct UpdateState {
    pub stage: Stage,
    /// Said once after an update, until the learner has read it.
    pub note: Option<Note>,
}

/// The platform in use: its client, where its session is kept, and a token that ends the
/// tasks that serve it when it is replaced.
#[derive(Clone)]
pub struct Platform {
    pub client: Arc<DeviceFlowClient>,
    pub keeper: SessionKeeper,
    pub ended: CancellationToken,
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
    /// The platform this copy was built for, if any.
    pub built_for: Option<String>,
    /// This copy's version.
    pub version: String,
    /// A save of the settings is under way.
    pub saving: bool,
    /// When the learner last used the window (or signed in), on the clock that counts the
    /// computer's sleep: for `sign_out_when_idle`.
    pub last_use: Duration,
    pub limits: Limits,
    /// Where this copy is with its updates.
    pub updates: UpdateState,
    /// The platform's keychain is keeping the learner waiting (an unlock prompt, most
    /// likely), as its keeper reported.
    pub keychain_waiting: bool,
    tasks: u64,
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
            built_for,
            version: String::new(),
            saving: false,
            last_use: Duration::ZERO,
            limits: Limits::default(),
            updates: UpdateState::default(),
            keychain_waiting: false,
            tasks: 0,
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

    /// True while `task` is the sign-in in progress: a cancel (under the same lock) or a
    /// newer task changes the phase.
    pub fn is_signing_in(&self, task: Task) -> bool {
        matches!(&self.phase, Phase::SigningIn(a) if a.task == task)
    }

    /// Replaces the platform: the old one's tasks end, and nothing of it stays in reach.
    pub fn replace_platform(&mut self, platform: Option<Platform>) {
        if let Some(old) = std::mem::replace(&mut self.platform, platform) {
            old.ended.cancel();
        }
        self.keychain_waiting = false;
    }

    /// The session the learner can sign out of, when there is one: the one in use, or the
    /// one kept after a restore that did not go through.
    pub fn session_held(&self) -> Option<Held> {
        match &self.phase {
            // While the platform could not be reached, the keeper holds the latest tokens.
            Phase::SignedIn(signed_in) if signed_in.offline.is_some() => Some(Held::Kept),
            Phase::SignedIn(signed_in) => {
                Some(Held::Known(Box::new(signed_in.session.session.clone())))
            }
            Phase::Failed(Failure {
                retry: Retry::Restore,
                ..
            }) => Some(Held::Kept),
            _ => None,
        }
    }

    /// Signed in `now`, from a sign-in or a restore: the idle time counts from here.
    pub fn enter_signed_in(&mut self, signed_in: SignedIn, now: Duration) {
        self.phase = Phase::SignedIn(Box::new(signed_in));
        self.last_use = now;
    }

    /// Whether `overlay` may open over what is shown: from a calm view only; settings not
    /// over the setup form, nor over settings a learner cannot fix.
    pub fn may_open(&self, overlay: Overlay) -> bool {
        if self.overlay.is_some() || !self.phase.is_calm() {
            return false;
        }
        match (overlay, &self.phase) {
            (Overlay::About, _) => true,
            (Overlay::Settings, Phase::Setup) => false,
            (Overlay::Settings, Phase::Unusable(problem)) => problem.learner_can_fix,
            (Overlay::Settings, _) => true,
        }
    }

    pub fn platform_label(&self) -> Option<String> {
        self.platform
            .as_ref()
            .map(|p| p.settings().platform_label())
    }
}
