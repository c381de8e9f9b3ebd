//! What the app starts with: the settings' layers, where its files are, where sessions
//! are kept and what opens pages. The app builds one from the system; tests build their
//! own.

use std::path::PathBuf;
use std::sync::Arc;

use passerelle_core::paths::Paths;
use passerelle_core::session::{self, Patience, SessionKeeper};
use passerelle_core::settings::{RawSettings, Settings};
use passerelle_core::APP_ID;

use super::desktop::Desktop;
use crate::distribution;

/// The keychain's service name. A development build keeps its sessions under a name of its
/// own, so that `cargo run` against a real platform never touches the learner's entry.
pub const KEYCHAIN_SERVICE: &str = if cfg!(debug_assertions) {
    "fr.passerelle.desktop.development"
} else {
    APP_ID
};

/// Gives the session store for a platform's settings (its keychain entry, or memory).
pub type StoreFactory = Arc<dyn Fn(&Settings) -> SessionKeeper + Send + Sync>;

pub struct Launch {
    pub flags: RawSettings,
    pub env: RawSettings,
    /// The settings this copy was built with (a distribution file), if any.
    pub build: RawSettings,
    /// The learner's own settings file.
    pub config_file: Option<PathBuf>,
    /// The machine-wide file a school installs.
    pub managed_file: PathBuf,
    pub stores: StoreFactory,
    /// None: the real desktop (browser and clipboard).
    pub desktop: Option<Arc<dyn Desktop>>,
}

impl Launch {
    /// On this system, with these command-line flags.
    pub fn new(flags: RawSettings) -> Self {
        let paths = Paths::current();
        match passerelle_core::paths::migrate_config(&paths) {
            Ok(Some(_)) => tracing::info!("the settings file was moved to the app's folder"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "the settings file could not be moved"),
        }
        Self {
            flags,
            env: RawSettings::from_env(|name| std::env::var(name).ok()),
            build: distribution::settings(),
            config_file: paths.config_file,
            managed_file: managed_file(paths.managed_file),
            stores: Arc::new(|settings: &Settings| {
                session::keeper_for(KEYCHAIN_SERVICE, settings, Patience::default())
            }),
            desktop: None,
        }
    }
}

/// A development build may be pointed at another machine-wide file (the end-to-end tests
/// do); a release build reads only the system's, so that no learner can step around a
/// school's locks with an environment variable.
fn managed_file(system: PathBuf) -> PathBuf {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os("PASSERELLE_MANAGED_CONFIG") {
        return path.into();
    }
    system
}
