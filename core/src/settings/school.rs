//! The machine-wide settings file a school installs — `/etc/passerelle/config.toml`,
//! `/Library/Application Support/Passerelle/config.toml`, `%ProgramData%\Passerelle\config.toml`
//! — which may lock some settings for every learner of the computer, and is used only when
//! it is the school's (see [`super::trust`]).

use std::collections::BTreeSet;
use std::path::Path;

use super::error::ConfigError;
use super::key::Key;
use super::raw::{toml_error, RawSettings};
use super::trust::{self, Trust, Verdict};

/// Which settings the school locked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Locks {
    #[default]
    None,
    All,
    Keys(BTreeSet<Key>),
}

impl Locks {
    /// These locks, and `key`'s too.
    pub fn with(self, key: Key) -> Locks {
        match self {
            Locks::All => Locks::All,
            Locks::None => Locks::Keys(BTreeSet::from([key])),
            Locks::Keys(mut keys) => {
                keys.insert(key);
                Locks::Keys(keys)
            }
        }
    }

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

/// The school's file, with `locked = true` or `locked = ["auth_url", "client_id"]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchoolFile {
    pub settings: RawSettings,
    pub locks: Locks,
    /// Why a file found there is not used: an ordinary user's, so possibly planted by one.
    pub ignored: Option<String>,
}

impl SchoolFile {
    pub fn parse(text: &str, path: &Path) -> Result<SchoolFile, ConfigError> {
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
        Ok(SchoolFile {
            settings,
            locks,
            ignored: None,
        })
    }

    /// Reads the machine-wide file; a missing file sets and locks nothing. One an ordinary
    /// user owns is ignored, and says why; one the system owns but others may change is
    /// refused (see [`super::trust`]).
    pub fn read(path: &Path, trust: Trust) -> Result<SchoolFile, ConfigError> {
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SchoolFile::default()),
            Err(e) => return Err(ConfigError::file(path, None, e.to_string())),
        };
        match trust::check(path, &file, trust) {
            Verdict::System => {}
            Verdict::Planted(why) => {
                let ignored = format!("{} is not used: {why}", path.display());
                warn(&ignored);
                return Ok(SchoolFile {
                    ignored: Some(ignored),
                    ..SchoolFile::default()
                });
            }
            Verdict::Exposed(why) => {
                warn(&why);
                return Err(ConfigError::Untrusted {
                    path: path.to_owned(),
                    why,
                });
            }
        }
        let mut text = String::new();
        std::io::Read::read_to_string(&mut &file, &mut text)
            .map_err(|e| ConfigError::file(path, None, e.to_string()))?;
        SchoolFile::parse(&text, path)
    }
}

/// Says why the school's file is not used, in the logs when there are logs.
fn warn(why: &str) {
    #[cfg(feature = "client")]
    tracing::warn!(why, "the machine-wide settings file is not used");
    #[cfg(not(feature = "client"))]
    let _ = why;
}
