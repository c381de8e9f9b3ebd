//! What the machine starts with: the settings' layers, where its files are, where a
//! platform's session is kept. The app builds one from the system; tests build their own.

use std::path::PathBuf;
use std::sync::Arc;

use super::ports::Installer;
use crate::http::Network;
use crate::session::{Remembered, SessionKeeper};
use crate::settings::{
    read_file, report, ConfigError, Policies, RawSettings, SchoolFile, Settings, Sources, Trust,
};

/// Gives the keeper of a platform's session (its keychain entry, or memory).
pub type KeeperFactory = Arc<dyn Fn(&Settings) -> SessionKeeper + Send + Sync>;

/// A clock that counts the computer's sleep ([`crate::awake::since_boot`]; the tests give
/// their own, to make a night pass).
pub type Clock = Arc<dyn Fn() -> std::time::Duration + Send + Sync>;

/// Reads the policies the system's management tools set ([`Policies::of_this_system`]; the
/// tests give their own).
pub type PolicyReader = Arc<dyn Fn() -> Result<Policies, ConfigError> + Send + Sync>;

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
    pub school_file: PathBuf,
    pub school_trust: Trust,
    pub policies: PolicyReader,
    pub keepers: KeeperFactory,
    /// Every session this app keeps on this computer, whatever its platform.
    pub remembered: Arc<dyn Remembered>,
    /// How this computer reaches the web: timeouts, proxies.
    pub network: Network,
    /// What the idle time is counted with.
    pub clock: Clock,
    /// This copy's version, as its bundle says (About, updates).
    pub version: String,
    /// What installs updates; none where this copy does not update itself.
    pub installer: Option<Arc<dyn Installer>>,
    /// Where the note "Updated to X" waits for the restart after an update.
    pub update_note: Option<PathBuf>,
}

impl Startup {
    /// What the school set, read now: the system's policies and the machine-wide file.
    pub fn read_school(&self) -> Result<(Policies, SchoolFile), ConfigError> {
        let policies = (self.policies)()?;
        let school = SchoolFile::read(&self.school_file, self.school_trust)?;
        Ok((policies, school))
    }

    /// Every layer, with what the school set and the learner's own `file`.
    pub fn sources(&self, policies: Policies, school: SchoolFile, file: RawSettings) -> Sources {
        Sources {
            build: self.build.clone(),
            policies,
            school,
            file,
            env: self.env.clone(),
            flags: self.flags.clone(),
        }
    }

    /// What `--show-settings` prints: every setting in force, where it comes from and
    /// whether it is locked, read now from every layer; or what cannot be used.
    pub fn settings_report(&self) -> Result<String, ConfigError> {
        let (policies, school) = self.read_school()?;
        let file = self.config_file.as_deref().map(read_file).transpose()?;
        let not_used: Vec<String> = school
            .ignored
            .iter()
            .cloned()
            .chain(policies.not_used())
            .collect();
        let merged = self
            .sources(policies, school, file.unwrap_or_default())
            .merge();
        Ok(report(&merged, &not_used))
    }
}
