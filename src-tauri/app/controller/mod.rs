//! What each command does to the app's [`State`], and the background tasks that carry it
//! out. Views are pushed to the window over the channel it connected with; secrets stay
//! here. By job: [`sign_in`], [`session`] (restore, sign-out, the keychain's waits),
//! [`settings`], [`overlays`].

mod overlays;
mod session;
mod settings;
mod sign_in;

use std::sync::{Arc, Mutex, MutexGuard};

use passerelle_core::flow::FlowError;
use tauri::ipc::Channel;

use super::desktop::Desktop;
use super::launch::Launch;
use super::state::{Phase, Platform, Retry, State, Task};
use super::view::{ErrorView, View};
use super::words::Kind;

/// The error view for `error`, and what Try again does.
fn failed(retry: Retry, error: &FlowError) -> Phase {
    let kind = Kind::from(error);
    tracing::warn!(kind = kind.name(), %error, "failed");
    Phase::Failed {
        error: ErrorView {
            // A kept session stays until the learner signs out or it is restored.
            can_go_back: retry != Retry::Restore,
            ..ErrorView::new(kind, error.to_string())
        },
        retry,
    }
}

/// Cheap to clone: every clone is the same app.
#[derive(Clone)]
pub struct Controller(Arc<Shared>);

struct Shared {
    desktop: Arc<dyn Desktop>,
    launch: Launch,
    state: Mutex<State>,
}

impl Controller {
    /// Reads the settings; call [`Controller::start`] once the window shows.
    pub fn new(launch: Launch, desktop: Arc<dyn Desktop>) -> Self {
        let state = settings::initial_state(&launch);
        let controller = Controller(Arc::new(Shared {
            desktop,
            launch,
            state: Mutex::new(state),
        }));
        controller.watch_keychain();
        controller
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere must not take the window down with it.
        self.0.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies `change` and pushes the view.
    fn change<T>(&self, change: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self.lock();
        let out = change(&mut state);
        state.push();
        out
    }

    /// Applies `change` if `task` still owns the phase; false when it was overtaken.
    fn update(&self, task: Task, change: impl FnOnce(&mut State)) -> bool {
        self.change(|state| {
            let owned = state.owned_by(task);
            if owned {
                change(state);
            }
            owned
        })
    }

    /// Starts a background task on the platform in use, giving it the phase `phase(task)`.
    fn begin(&self, phase: impl FnOnce(Task) -> Phase) -> Option<(Platform, Task)> {
        self.change(|state| {
            let platform = state.platform.clone()?;
            Some((platform, state.begin(phase)))
        })
    }

    fn fail(&self, task: Task, retry: Retry, error: &FlowError) {
        let phase = failed(retry, error);
        self.update(task, |state| state.phase = phase);
    }

    /// The window connects once it has loaded; it gets the current view at once.
    pub fn connect(&self, channel: Channel<View>) -> View {
        self.lock().connect(channel)
    }

    pub fn view(&self) -> View {
        View::of(&self.lock())
    }

    /// "Try again" after an error: a new code, the stored session, or the settings again.
    pub fn retry(&self) -> Result<(), super::error::CommandError> {
        let retry = match &self.lock().phase {
            Phase::Failed { retry, .. } => *retry,
            Phase::Broken(_) => Retry::Reload,
            _ => return Ok(()),
        };
        match retry {
            Retry::NewCode => self.start_sign_in(),
            Retry::Restore => {
                self.start();
                Ok(())
            }
            Retry::Reload => {
                self.reload_settings();
                Ok(())
            }
        }
    }
}
