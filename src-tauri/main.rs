// No console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::{Arg, Command};
use passerelle::app::{self, Launch};
use passerelle::core::paths::Paths;
use passerelle::core::settings::{Key, RawSettings};

/// One flag per setting (`--auth-url`…), as the README's table lists them.
fn flags() -> RawSettings {
    let command = Key::all().fold(
        Command::new("passerelle")
            .version(env!("CARGO_PKG_VERSION"))
            .about("Sign in to your learning platform and see your profile."),
        |command, key| {
            command.arg(
                Arg::new(key.name())
                    .long(key.flag())
                    .value_name("VALUE")
                    .help(key.help()),
            )
        },
    );
    let matches = command.get_matches();
    let mut flags = RawSettings::default();
    for key in Key::all() {
        if let Some(value) = matches.get_one::<String>(key.name()) {
            flags.set(key, value);
        }
    }
    flags
}

/// The webview's engine, set before its first process starts (the webview's own settings
/// would come too late: its web process would have set up OpenGL already). One small page
/// that changes a few characters a second gains nothing from GPU compositing, and pays for
/// it: without a GPU (a virtual machine, a remote desktop) Mesa emulates it on the CPU, and
/// some drivers leave the window blank. Nor from a JavaScript JIT, whose code pools cost
/// 4 MB for a page that runs for milliseconds; without it, as in Safari's Lockdown Mode,
/// the engine runs no code it wrote itself. A learner's own values stay. Programs
/// Passerelle starts (the browser) inherit them; only WebKit reads them.
#[cfg(target_os = "linux")]
fn lean_webview() {
    for (name, value) in [
        ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
        ("JSC_useJIT", "false"),
    ] {
        if std::env::var_os(name).is_none() {
            // Before any thread is started: nothing reads the environment meanwhile.
            std::env::set_var(name, value);
        }
    }
}

fn main() {
    #[cfg(target_os = "linux")]
    lean_webview();
    // Everything the app writes — settings, logs, caches — is the learner's alone.
    #[cfg(unix)]
    // SAFETY: umask has no preconditions; it only sets this process's creation mask.
    unsafe {
        libc::umask(0o077);
    }
    let flags = flags();
    let _log_guard = passerelle::logging::init(Paths::current().log_dir);
    app::run(Launch::new(flags));
}
