// No console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::{Arg, ArgAction, Command};
use passerelle::app::{self, Launch};
use passerelle::core::paths::Paths;
use passerelle::core::settings::{Key, RawSettings};

/// What the command line asks: one flag per setting (`--auth-url`…), as
/// docs/configuration.md lists them; and whether to print the settings in force and quit.
fn command_line() -> (RawSettings, bool) {
    let command = Key::all().fold(
        Command::new("passerelle")
            .version(env!("CARGO_PKG_VERSION"))
            .about("Sign in to your learning platform and see your profile.")
            .arg(
                Arg::new("show-settings")
                    .long("show-settings")
                    .action(ArgAction::SetTrue)
                    .help("Print every setting in force, where it comes from and whether it is locked, then quit"),
            ),
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
    (flags, matches.get_flag("show-settings"))
}

/// `--show-settings`: the report on stdout, or what cannot be used on stderr (exit 1).
fn show_settings(launch: &Launch) -> ! {
    app::console::attach();
    match launch.startup.settings_report() {
        Ok(report) => {
            print!("{report}");
            std::process::exit(0)
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1)
        }
    }
}

fn main() {
    app::hardening::keep_the_session_in();
    #[cfg(target_os = "linux")]
    app::engine::lean_webview();
    // Everything the app writes — settings, logs, caches — is the learner's alone.
    #[cfg(unix)]
    // SAFETY: umask has no preconditions; it only sets this process's creation mask.
    unsafe {
        libc::umask(0o077);
    }
    let (flags, show) = command_line();
    if show {
        show_settings(&Launch::new(flags));
    }
    let _log_guard = passerelle::logging::init(Paths::current().log_dir);
    app::run(Launch::new(flags));
}
