//! What the app starts with on this system: the machine's [`Startup`] — the settings'
//! layers, where its files are, where sessions are kept — and, for tests, a desktop that
//! records instead of opening a browser.

use std::path::PathBuf;
use std::sync::Arc;

use passerelle_core::http::{Network, Proxies};
use passerelle_core::machine::{Desktop, Startup};
use passerelle_core::paths::Paths;
use passerelle_core::session::{self, Patience};
use passerelle_core::settings::{Policies, RawSettings, Settings, Trust};
use passerelle_core::APP_ID;

use crate::distribution;

/// The keychain's service name. A development build keeps its sessions under a name of its
/// own, so that `cargo run` against a real platform never touches the learner's entry.
pub const KEYCHAIN_SERVICE: &str = if cfg!(debug_assertions) {
    "fr.passerelle.desktop.development"
} else {
    APP_ID
};

pub struct Launch {
    pub startup: Startup,
    /// None: the real desktop (browser, clipboard, dialogs).
    pub desktop: Option<Arc<dyn Desktop>>,
    /// Tell the learner, and end, when the system cannot draw the window (Windows without
    /// the WebView2 runtime). Off for the tests on Tauri's mock runtime, which draws none.
    pub check_webview: bool,
}

impl Launch {
    /// On this system, with these command-line flags.
    pub fn new(flags: RawSettings) -> Self {
        let paths = Paths::current();
        Self {
            startup: Startup {
                flags,
                env: RawSettings::from_env(|name| std::env::var(name).ok()),
                build: distribution::settings(),
                built_for: distribution::built_for(),
                config_file: paths.config_file,
                school_trust: school_trust(),
                school_file: school_file(paths.school_file),
                policies: Arc::new(Policies::of_this_system),
                remembered: Arc::new(session::KeychainSessions(KEYCHAIN_SERVICE.into())),
                keepers: Arc::new(|settings: &Settings| {
                    session::keeper_for(KEYCHAIN_SERVICE, settings, Patience::default())
                }),
                clock: Arc::new(passerelle_core::awake::since_boot),
                network: Network {
                    proxies: Proxies::of_this_system(),
                    // A PAC file runs in a process of its own: this program's (see main.rs).
                    pac_program: std::env::current_exe().ok(),
                    ..Network::default()
                },
                // Both set once the app is built: its bundle's version, Tauri's updater.
                version: String::new(),
                installer: None,
                update_note: paths.update_note,
            },
            desktop: None,
            check_webview: true,
        }
    }
}

/// A development build may be pointed at another machine-wide file (the end-to-end tests
/// do); a release build reads only the system's, so that no learner can step around a
/// school's locks with an environment variable.
fn school_file(system: PathBuf) -> PathBuf {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os("PASSERELLE_MANAGED_CONFIG") {
        return path.into();
    }
    system
}

/// The system's file must be the system's; one a development build was pointed at may be
/// its user's too.
fn school_trust() -> Trust {
    if cfg!(debug_assertions) && std::env::var_os("PASSERELLE_MANAGED_CONFIG").is_some() {
        Trust::AlsoMe
    } else {
        Trust::System
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_development_build_keeps_its_sessions_apart() {
        assert_ne!(super::KEYCHAIN_SERVICE, passerelle_core::APP_ID);
        assert!(super::KEYCHAIN_SERVICE.starts_with(passerelle_core::APP_ID));
    }
}
