//! The sign-in machine: what the app does, without its window. Plain Rust on tokio, so
//! that its races are tested on a paused clock. In reading order:
//!
//! 1. [`Machine`] (here): the one state behind a lock, and the tasks that act on it — each
//!    bound to the platform it serves. Every change goes through [`Machine::apply`] (or a
//!    guarded form of it), which shows the view it leads to: elsewhere the state can only
//!    be read.
//! 2. [`state`]: the facts — one phase, what covers it, the platform in use, updates.
//! 3. What each command does, by job: `sign_in`, `restore` (the kept session, the platform
//!    offline), `sign_out` (and the ends a shared computer's session meets), `platform`
//!    (choosing it), `overlays` (settings, about, support details), `updates`.
//! 4. [`view`]: what the window is shown, derived from the state, one way; `feed` keeps
//!    the last view sent, beside the window; [`message`]: every message it can be told;
//!    [`error`]: what a command answers when it cannot.
//! 5. [`ports`]: the traits the shell implements: where views go, the desktop, and what
//!    installs an update.

pub mod error;
mod feed;
mod limits;
pub mod message;
mod overlays;
mod platform;
pub mod ports;
mod restore;
mod sign_in;
mod sign_out;
pub mod startup;
pub mod state;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod updates;
pub mod view;

use std::future::Future;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use tokio::runtime::Handle;

pub use error::CommandError;
pub use message::Message;
pub use ports::{Desktop, Installer, Question, Window, Words};
pub use startup::{Clock, KeeperFactory, Startup};
pub use view::View;

use crate::flow::FlowError;
use crate::sync::LockAnyway;
use feed::Feed;
use state::{Failure, Phase, Platform, Retry, State, Task};

/// Cheap to clone: every clone is the same app.
#[derive(Clone)]
pub struct Machine(Arc<Shared>);

struct Shared {
    /// Where views go, and the last one sent.
    feed: Feed,
    desktop: Arc<dyn Desktop>,
    startup: Startup,
    /// Where its tasks run: the app's runtime, whichever thread a command comes from.
    runtime: Handle,
    state: Mutex<State>,
    /// One save of the settings at a time, from its checks to the change of platform.
    saving: tokio::sync::Mutex<()>,
}

impl Machine {
    /// Reads the settings; call [`Machine::begin`] once the window shows.
    pub fn new(
        startup: Startup,
        window: Arc<dyn Window>,
        desktop: Arc<dyn Desktop>,
        runtime: Handle,
    ) -> Self {
        let state = Self::initial_state(&startup);
        let machine = Machine(Arc::new(Shared {
            feed: Feed::new(window),
            desktop,
            startup,
            runtime,
            state: Mutex::new(state),
            saving: tokio::sync::Mutex::new(()),
        }));
        machine.serve_platform();
        machine
    }

    /// Restores a stored session, once the window is showing, so that neither the
    /// keychain nor the network delays the first paint.
    pub fn begin(&self) {
        self.forget_remembered_sessions();
        self.restore_session();
        self.watch_for_updates();
    }

    /// The state, to read: it changes only through [`Machine::apply`].
    fn lock(&self) -> impl Deref<Target = State> + '_ {
        ReadOnly(self.0.state.lock_anyway())
    }

    /// Now, on the clock that counts the computer's sleep.
    fn now(&self) -> Duration {
        (self.0.startup.clock)()
    }

    fn weak(&self) -> Weak<Shared> {
        Arc::downgrade(&self.0)
    }

    /// Applies `change` to the state and shows the view it leads to, if it changed.
    fn apply<T>(&self, change: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self.0.state.lock_anyway();
        let out = change(&mut state);
        self.0.feed.show(&state);
        out
    }

    /// [`Machine::apply`], if `task` still owns the phase; false when it was overtaken.
    fn apply_for(&self, task: Task, change: impl FnOnce(&mut State)) -> bool {
        self.apply(|state| {
            let owned = state.owned_by(task);
            if owned {
                change(state);
            }
            owned
        })
    }

    /// Starts a background task on the platform in use, giving it the phase `phase(task)`.
    fn begin_task(&self, phase: impl FnOnce(Task) -> Phase) -> Option<(Platform, Task)> {
        self.apply(|state| {
            let platform = state.platform.clone()?;
            Some((platform, state.begin(phase)))
        })
    }

    fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.0.runtime.spawn(task);
    }

    fn fail(&self, task: Task, retry: Retry, error: &FlowError) {
        let failure = failure(retry, error);
        self.apply_for(task, |state| state.phase = Phase::Failed(failure));
    }

    /// The window connects once it has loaded; it gets the current view at once, and every
    /// change after it through [`Window::show`].
    pub fn connect(&self) -> View {
        self.0.feed.connect(&self.lock())
    }

    pub fn view(&self) -> View {
        View::of(&self.lock())
    }

    /// "Try again": a new code, the kept session again, or the settings read again; while
    /// the profile shown is the one last read, the platform at once.
    pub fn retry(&self) -> Result<(), CommandError> {
        if self.try_now() {
            return Ok(());
        }
        let retry = match &self.lock().phase {
            Phase::Failed(failure) => Some(failure.retry),
            Phase::Unusable(_) => None,
            _ => return Ok(()),
        };
        match retry {
            Some(Retry::NewCode) => self.start_sign_in(),
            Some(Retry::Restore) => {
                self.restore_session();
                Ok(())
            }
            None => {
                self.reload_settings();
                Ok(())
            }
        }
    }
}

/// The state behind its lock, to read only.
struct ReadOnly<'a>(MutexGuard<'a, State>);

impl Deref for ReadOnly<'_> {
    type Target = State;

    fn deref(&self) -> &State {
        &self.0
    }
}

/// The failure `error` makes, and what Try again does.
fn failure(retry: Retry, error: &FlowError) -> Failure {
    let message = Message::from(error);
    tracing::warn!(message = message.name(), %error, "failed");
    Failure {
        message,
        detail: error.to_string(),
        retry,
    }
}
