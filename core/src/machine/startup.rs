//! What the machine starts with: the settings' layers, where its files are, where a
//! platform's session is kept. The app builds one from the system; tests build their own.

use std::path::PathBuf;
use std::sync::Arc;

use super::ports::Installer;
use crate::http::Network;
use crate::session::SessionKeeper;
use crate::settings::{RawSettings, Settings, Trust};

/// Gives the keeper of a platform's session (its keychain entry, or memory).
pub type KeeperFactory = Arc<dyn Fn(&Settings) -> SessionKeeper + Send + Sync>;

pub struct Startup {
    pub flags: RawSettings,
    pub env: RawSettings,
    /// The settings this copy was built with (a distribution file), if any.
    pub build: RawSettings,
    /// The platform this copy was built for, as the learner knows it.
    pub built_for: Option<String>,
    /// The learner's own settings file.
    pub config_file: Option<PathBuf>,
    /// The machine-wide file a school installs, and whose it must be to be used.
    pub managed_file: PathBuf,
    pub managed_trust: Trust,
    pub keepers: KeeperFactory,
    /// How this computer reaches the web: timeouts, proxies.
    pub network: Network,
    /// This copy's version, as its bundle says (About, updates).
    pub version: String,
    /// What installs updates; none where this copy does not update itself.
    pub installer: Option<Arc<dyn Installer>>,
    /// Where the note "Updated to X" waits for the restart after an update.
    pub update_note: Option<PathBuf>,
}
