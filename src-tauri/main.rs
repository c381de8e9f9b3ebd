// No console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::{Arg, Command};
use passerelle::app::{self, Launch};
use passerelle::core::paths::Paths;
use passerelle::core::settings::{Key, RawSettings};

/// One flag per setting (`--auth-url`…), as docs/configuration.md lists them.
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

fn main() {
    #[cfg(target_os = "linux")]
    app::engine::lean_webview();
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
