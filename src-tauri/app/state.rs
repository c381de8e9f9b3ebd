//! The app's state: one phase, what covers it, and the platform in use. The view the
//! window shows is derived from it, never the other way round.

use std::sync::Arc;

use passerelle_core::flow::{DeviceFlowClient, PendingSignIn};
use passerelle_core::session::{Resumed, SessionStore};
use passerelle_core::settings::{Key, Layer, Merged, RawSettings, Settings};
use tauri::ipc::Channel;
use tokio_util::sync::CancellationToken;

use super::view::{CodeShown, ErrorView, InUse, ProfileView, SetupView, Status, View};
use super::words::Kind;

/// A background task (a sign-in, a restore, a sign-out). Only the task that owns the
/// phase may change it: one that was overtaken leaves the window alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Task(u64);

/// Where the learner is.
pub enum Phase {
    /// No platform chosen yet: the setup form.
    Setup,
    /// Settings that cannot be used: said, with a way to fix them.
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
    pub store: SessionStore,
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
    /// The last error, for "copy details".
    pub last_error: Option<Kind>,
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
            last_error: None,
            built_for,
            tasks: 0,
            channel: None,
            shown: None,
        }
    }

    /// A new task, which will own the phase it is given.
    pub fn begin(&mut self) -> Task {
        self.tasks += 1;
        Task(self.tasks)
    }

    pub fn owned_by(&self, task: Task) -> bool {
        self.phase.task() == Some(task)
    }

    pub fn connect(&mut self, channel: Channel<View>) -> View {
        let view = self.view();
        self.channel = Some(channel);
        self.shown = Some(view.clone());
        view
    }

    /// Sends the window the view, if it changed.
    pub fn push(&mut self) {
        let view = self.view();
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

    pub fn view(&self) -> View {
        if self.keychain_waiting {
            return View::WaitingForKeychain;
        }
        match self.overlay {
            Some(Overlay::About) => return self.about(),
            Some(Overlay::Settings) => return View::Setup(self.setup(false)),
            None => {}
        }
        match &self.phase {
            Phase::Setup => View::Setup(self.setup(true)),
            Phase::Broken(error) | Phase::Failed { error, .. } => View::Error(error.clone()),
            Phase::Restoring(_) => View::Restoring,
            Phase::SignedOut(notice) => View::SignedOut { notice: *notice },
            Phase::SigningIn(attempt) => match &attempt.step {
                Step::Asking => View::Starting,
                Step::Code(_, shown) | Step::Approved(shown) => View::CodeShown(shown.clone()),
            },
            Phase::SignedIn {
                session,
                not_remembered,
            } => View::SignedIn {
                profile: ProfileView::from(&session.profile),
                platform: self.platform_label().unwrap_or_default(),
                not_remembered: *not_remembered,
            },
            Phase::SigningOut(_) => View::SigningOut,
        }
    }

    pub fn platform_label(&self) -> Option<String> {
        self.platform
            .as_ref()
            .map(|p| p.settings().platform_label())
    }

    fn about(&self) -> View {
        View::About {
            version: env!("CARGO_PKG_VERSION"),
            license: env!("CARGO_PKG_LICENSE"),
            platform: self.platform_label(),
            built_for: self.built_for.clone(),
        }
    }

    fn setup(&self, first_run: bool) -> SetupView {
        let merged = &self.config.merged;
        let from = |key| merged.from.get(&key).copied();
        SetupView {
            first_run,
            auth_url: merged.raw.get(Key::AuthUrl).unwrap_or_default().to_owned(),
            client_id: self
                .config
                .file
                .get(Key::ClientId)
                .unwrap_or_default()
                .to_owned(),
            locked: Key::all().filter(|k| merged.is_locked(*k)).collect(),
            managed: merged
                .from
                .values()
                .any(|l| matches!(l, Layer::Locked | Layer::Managed)),
            in_use: merged
                .raw
                .keys()
                .map(|key| InUse {
                    key,
                    value: merged.raw.get(key).unwrap_or_default().to_owned(),
                    from: from(key).unwrap_or(Layer::File),
                })
                .collect(),
        }
    }
}
