//! Settings the system's management tools deliver: Group Policy or Intune on Windows (values
//! under `HKLM\SOFTWARE\Policies\Passerelle` and `HKCU\…`, [`registry`]), a configuration
//! profile on macOS (managed preferences the system reports as forced,
//! [`preferences`]). A value under the policy key is mandatory — locked, as the school
//! file's `locked` does — and one under its `Recommended` subkey a default the learner may
//! change. The machine's beat the user's. What each system gives is turned into settings by
//! plain functions, tested on every system; only the reading is the system's own.

#[cfg(target_os = "macos")]
mod on_macos;
#[cfg(windows)]
mod on_windows;
pub mod preferences;
pub mod registry;
mod sets;
#[cfg(any(test, feature = "testing"))]
pub mod templates;
#[cfg(any(test, feature = "testing"))]
mod texts;

pub use sets::{Policies, PolicySet};

/// How an administrator finds the policy that sets `key`, for the machine or for the user:
/// `HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Passerelle\updates` on Windows, the managed
/// preference `fr.passerelle.desktop updates` on macOS.
pub fn name(machine: bool, key: crate::settings::Key) -> String {
    let hive = if machine {
        "HKEY_LOCAL_MACHINE"
    } else {
        "HKEY_CURRENT_USER"
    };
    if cfg!(target_os = "macos") {
        format!("{} {}", crate::APP_ID, key.name())
    } else {
        format!(r"{hive}\{}\{}", registry::KEY, key.name())
    }
}

impl Policies {
    /// The policies this system's management tools set: the registry's on Windows, the
    /// forced managed preferences on macOS, none elsewhere (Linux schools use the file in
    /// `/etc`).
    pub fn of_this_system() -> Result<Policies, super::ConfigError> {
        #[cfg(windows)]
        return on_windows::read();
        #[cfg(target_os = "macos")]
        return on_macos::read();
        #[cfg(not(any(windows, target_os = "macos")))]
        return Ok(Policies::default());
    }
}
