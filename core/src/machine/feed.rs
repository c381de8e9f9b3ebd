//! Where views go, and the last one sent: it lives beside the window, not in the state, so
//! that the state holds facts only. An equal view is not sent again, so that a poll that
//! changes nothing does not repaint the window.

use std::sync::{Arc, Mutex};

use super::ports::Window;
use super::state::State;
use super::view::View;
use crate::sync::LockAnyway;

pub struct Feed {
    window: Arc<dyn Window>,
    /// The view the window shows now; none until it has connected.
    shown: Mutex<Option<View>>,
}

impl Feed {
    pub fn new(window: Arc<dyn Window>) -> Self {
        Self {
            window,
            shown: Mutex::new(None),
        }
    }

    /// The window has loaded: it gets `state`'s view now, and every change after it.
    pub fn connect(&self, state: &State) -> View {
        let view = View::of(state);
        *self.shown.lock_anyway() = Some(view.clone());
        view
    }

    /// Sends `state`'s view to the window, if it differs from the one shown. Called under
    /// the state's lock, so that views arrive in the order of the changes.
    pub fn show(&self, state: &State) {
        let mut shown = self.shown.lock_anyway();
        let Some(last) = shown.as_mut() else {
            // Not connected yet: the window asks for the view when it is.
            return;
        };
        let view = View::of(state);
        if *last != view {
            self.window.show(&view);
            *last = view;
        }
    }
}
