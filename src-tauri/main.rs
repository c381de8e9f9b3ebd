// No console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use passerelle::app::{self, Launch};
use passerelle::core::paths::Paths;
use passerelle::core::settings::{Key, RawSettings};

/// What the command line asks: one flag per setting (`--auth-url VALUE`, or
/// `--auth-url=VALUE`), as docs/configuration.md lists them; and whether to print the
/// settings in force and quit. `--help` and `--version` answer and quit; anything else is
/// an error that says what was not understood.
fn command_line() -> (RawSettings, bool) {
    match read_command_line(lexopt::Parser::from_env()) {
        Ok(asked) => asked,
        Err(e) => {
            app::console::attach();
            eprintln!("error: {e}\n\nFor more information, try '--help'.");
            std::process::exit(2)
        }
    }
}

fn read_command_line(mut parser: lexopt::Parser) -> Result<(RawSettings, bool), lexopt::Error> {
    use lexopt::Arg::{Long, Short};
    use lexopt::ValueExt;
    let (mut flags, mut show) = (RawSettings::default(), false);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("show-settings") => show = true,
            Long("help") | Short('h') => {
                app::console::attach();
                print!("{}", help());
                std::process::exit(0)
            }
            Long("version") | Short('V') => {
                app::console::attach();
                println!("passerelle {}", env!("CARGO_PKG_VERSION"));
                std::process::exit(0)
            }
            Long(name) => match flag_keys().find(|key| key.flag() == name) {
                Some(key) => {
                    let option = format!("--{name}");
                    let value = parser.value()?.string()?;
                    // `--auth-url --show-settings`: a flag where its value should be.
                    if value.starts_with("--") {
                        return Err(lexopt::Error::MissingValue {
                            option: Some(option),
                        });
                    }
                    flags.set(key, value)
                }
                None => return Err(Long(name).unexpected()),
            },
            arg => return Err(arg.unexpected()),
        }
    }
    Ok((flags, show))
}

/// The settings a flag may give: not where updates come from nor their key, which only the
/// build or the school may name.
fn flag_keys() -> impl Iterator<Item = Key> {
    Key::all().filter(|key| !key.is_the_distributors())
}

/// `--help`'s text: every flag, with what it sets.
fn help() -> String {
    let mut text = String::from(
        "Sign in to your learning platform and see your profile.\n\n\
         Usage: passerelle [OPTIONS]\n\nOptions:\n      --show-settings\n          \
         Print every setting in force, where it comes from and whether it is locked, then quit\n",
    );
    for key in flag_keys() {
        text.push_str(&format!(
            "      --{} <VALUE>\n          {}\n",
            key.flag(),
            key.help()
        ));
    }
    text.push_str("  -h, --help\n          Print help\n  -V, --version\n          Print version\n");
    text
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
    // Asked to evaluate a PAC file, in a process of its own, by the app itself: nothing else.
    #[cfg(target_os = "linux")]
    if std::env::var_os(passerelle::core::http::proxy::PAC_REQUEST).is_some() {
        passerelle::core::http::proxy::serve_pac_request();
    }
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
