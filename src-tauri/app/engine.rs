//! The webview's engine on Linux, set before its first process starts (the webview's own
//! settings would come too late: its web process would have set up OpenGL already). One
//! small page that changes a few characters a second gains nothing from GPU compositing,
//! and pays for it: without a GPU (a virtual machine, a remote desktop) Mesa emulates it on
//! the CPU, and some drivers leave the window blank. Nor from a JavaScript JIT, whose code
//! pools cost 4 MB for a page that runs for milliseconds; without it, as in Safari's
//! Lockdown Mode, the engine runs no code it wrote itself. A learner's own values stay, and
//! the browser Passerelle opens starts without the ones set here ([`unset_in`]).

use std::process::Command;
use std::sync::OnceLock;

const SETTINGS: [(&str, &str); 2] = [
    ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
    ("JSC_useJIT", "false"),
];

/// The names set by [`lean_webview`], for [`unset_in`].
static SET_HERE: OnceLock<Vec<&'static str>> = OnceLock::new();

/// Call first thing in `main`, before any thread is started: nothing may read the
/// environment while it changes.
pub fn lean_webview() {
    let mut set = Vec::new();
    for (name, value) in SETTINGS {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value);
            set.push(name);
        }
    }
    let _ = SET_HERE.set(set);
}

/// `command` as it would start had Passerelle set nothing.
pub fn unset_in(command: &mut Command) {
    for name in SET_HERE.get().into_iter().flatten() {
        command.env_remove(name);
    }
}
