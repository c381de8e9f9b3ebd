//! Where settings come from, and which one wins.
//!
//! From strongest to weakest: what a school locked in the machine-wide file, command-line
//! flags, environment variables, the learner's own file, the rest of the machine-wide
//! file, and what the build was made with (a distribution file). A setting that belongs to
//! a platform (its API address, endpoints, scope, client id…) is taken only from a layer
//! that names no other platform, so one platform's settings are never sent with another's
//! tokens; and a locked platform address locks them all.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use super::address::same_platform;
use super::checked::Settings;
use super::error::ConfigError;
use super::key::Key;
use super::raw::{toml_error, RawSettings};
use super::trust::{untrusted, Trust};
use super::updates::Updates;

/// Says why the school's file is not used, in the logs when there are logs.
fn tracing_warn(why: &str) {
    #[cfg(feature = "client")]
    tracing::warn!(why, "the machine-wide settings file is not used");
    #[cfg(not(feature = "client"))]
    let _ = why;
}

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::EnumIter)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Set by the school in the machine-wide file, and locked.
    Locked,
    Flags,
    Environment,
    /// The learner's own settings file (what the Settings view writes).
    File,
    /// Set by the school in the machine-wide file, not locked.
    Managed,
    /// Built into this copy of the app by its distributor.
    Build,
}

/// Which settings the school locked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Locks {
    #[default]
    None,
    All,
    Keys(BTreeSet<Key>),
}

impl Layer {
    /// The layers a learner can change; they do not count for a locked setting.
    fn is_learners(self) -> bool {
        matches!(self, Layer::Flags | Layer::Environment | Layer::File)
    }
}

impl Locks {
    /// Whether `key` is locked, named or not: a locked platform address locks every
    /// setting that belongs to the platform too, so the learner cannot send its tokens
    /// elsewhere.
    pub fn covers(&self, key: Key) -> bool {
        let named = |key| match self {
            Locks::None => false,
            Locks::All => true,
            Locks::Keys(keys) => keys.contains(&key),
        };
        named(key) || (key.follows_platform() && named(Key::AuthUrl))
    }
}

/// The machine-wide settings file a school installs, with `locked = true` or
/// `locked = ["auth_url", "client_id"]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Managed {
    pub settings: RawSettings,
    pub locks: Locks,
}

impl Managed {
    pub fn parse(text: &str, path: &Path) -> Result<Managed, ConfigError> {
        let mut table: toml::Table =
            toml::from_str(text).map_err(|e| toml_error(&e, text, path))?;
        let problem = |problem: String| ConfigError::file(path, None, problem);
        let locks = match table.remove("locked") {
            None | Some(toml::Value::Boolean(false)) => Locks::None,
            Some(toml::Value::Boolean(true)) => Locks::All,
            Some(toml::Value::Array(names)) => Locks::Keys(
                names
                    .iter()
                    .map(|name| {
                        name.as_str()
                            .and_then(Key::from_name)
                            .ok_or_else(|| problem(format!("`locked` names no setting {name}")))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Some(_) => {
                return Err(problem(
                    "`locked` must be true, false or a list of settings".into(),
                ))
            }
        };
        let settings = RawSettings::from_table(table, text, path)?;
        Ok(Managed { settings, locks })
    }

    /// Reads the machine-wide file; a missing file sets and locks nothing. A file that
    /// anyone but the system's administrators could have written (see [`super::trust`])
    /// is not used, and says why.
    pub fn read(path: &Path, trust: Trust) -> Result<Managed, ConfigError> {
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Managed::default()),
            Err(e) => return Err(ConfigError::file(path, None, e.to_string())),
        };
        if let Some(why) = untrusted(path, &file, trust) {
            tracing_warn(&why);
            return Err(ConfigError::Untrusted {
                path: path.to_owned(),
                why,
            });
        }
        let mut text = String::new();
        std::io::Read::read_to_string(&mut &file, &mut text)
            .map_err(|e| ConfigError::file(path, None, e.to_string()))?;
        Managed::parse(&text, path)
    }
}

/// Every layer, as read at start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    pub build: RawSettings,
    pub managed: Managed,
    pub file: RawSettings,
    pub env: RawSettings,
    pub flags: RawSettings,
}

/// The settings in force, and where each came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merged {
    pub raw: RawSettings,
    pub from: BTreeMap<Key, Layer>,
    pub locks: Locks,
}

impl Merged {
    pub fn settings(&self) -> Result<Settings, ConfigError> {
        Settings::check(&self.raw)
    }

    /// Whether and how this copy updates itself: known without a platform, since a copy
    /// updates before anyone chose one too.
    pub fn updates(&self) -> Result<Updates, ConfigError> {
        Updates::check(&self.raw)
    }

    pub fn is_locked(&self, key: Key) -> bool {
        self.locks.covers(key)
    }
}

impl Sources {
    pub fn merge(&self) -> Merged {
        let locks = &self.managed.locks;
        // Strongest first.
        let layers = [
            (Layer::Flags, &self.flags),
            (Layer::Environment, &self.env),
            (Layer::File, &self.file),
            (Layer::Managed, &self.managed.settings),
            (Layer::Build, &self.build),
        ];
        // The first layer that may give `key` a value and does, skipping a layer that names
        // another platform than `platform` for a setting that belongs to one.
        let pick = |key: Key, platform: Option<&str>| {
            layers.iter().find_map(|(layer, raw)| {
                let elsewhere = key.follows_platform()
                    && raw
                        .get(Key::AuthUrl)
                        .zip(platform)
                        .is_some_and(|(own, used)| !same_platform(own, used));
                let kept_from_learners = locks.covers(key) || key.is_the_distributors();
                if elsewhere || (kept_from_learners && layer.is_learners()) {
                    return None;
                }
                raw.get(key).map(|value| (*layer, value))
            })
        };
        let platform = pick(Key::AuthUrl, None).map(|(_, value)| value);
        let mut merged = Merged {
            locks: locks.clone(),
            ..Merged::default()
        };
        for key in Key::all() {
            if let Some((layer, value)) = pick(key, platform) {
                let locked = layer == Layer::Managed && locks.covers(key);
                merged.raw.set(key, value);
                merged
                    .from
                    .insert(key, if locked { Layer::Locked } else { layer });
            }
        }
        merged
    }
}

#[cfg(test)]
#[path = "layers_tests.rs"]
mod tests;
