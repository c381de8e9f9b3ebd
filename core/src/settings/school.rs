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
    /// refused (see [`super::trust`]). The file and its folder are judged as they are named
    /// before anything is opened, then as what they lead to.
    pub fn read(path: &Path, trust: Trust) -> Result<SchoolFile, ConfigError> {
        let Some(named) = trust::check_named(path, trust) else {
            return Ok(SchoolFile::default());
        };
        if let Some(judged) = judged(path, named)? {
            return Ok(judged);
        }
        // The system's: what goes wrong from here is the school's to mend.
        let file =
            std::fs::File::open(path).map_err(|e| ConfigError::file(path, None, e.to_string()))?;
        if let Some(judged) = judged(path, trust::check(path, &file, trust))? {
            return Ok(judged);
        }
        let mut text = String::new();
        std::io::Read::read_to_string(&mut &file, &mut text)
            .map_err(|e| ConfigError::file(path, None, e.to_string()))?;
        SchoolFile::parse(&text, path)
    }
}

/// What the trust check's verdict makes of the file at `path`: nothing of it used (a
/// learner's), the app stopped (the school's, open to others), or `None`: read on.
fn judged(path: &Path, verdict: Verdict) -> Result<Option<SchoolFile>, ConfigError> {
    match verdict {
        Verdict::System => Ok(None),
        Verdict::Planted(why) => {
            let ignored = format!("{} is not used: {why}", path.display());
            warn(&ignored);
            Ok(Some(SchoolFile {
                ignored: Some(ignored),
                ..SchoolFile::default()
            }))
        }
        Verdict::Exposed(why) => {
            warn(&why);
            Err(ConfigError::Untrusted {
                path: path.to_owned(),
                why,
            })
        }
    }
}

/// Says why the school's file is not used, in the logs when there are logs.
fn warn(why: &str) {
    #[cfg(feature = "client")]
    tracing::warn!(why, "the machine-wide settings file is not used");
    #[cfg(not(feature = "client"))]
    let _ = why;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether this process is root, which owns what it makes: then what a learner would
    /// make is given to nobody (65534) by hand.
    #[cfg(unix)]
    fn root() -> bool {
        // SAFETY: geteuid has no preconditions.
        unsafe { libc::geteuid() == 0 }
    }

    /// `paths` as a learner would have made them (links themselves, not what they name).
    fn made_by_a_learner(paths: &[&Path]) {
        #[cfg(unix)]
        if root() {
            for path in paths {
                std::os::unix::fs::lchown(path, Some(65534), Some(65534)).unwrap();
            }
        }
        // Elsewhere the test's user is not the system, and owns what it makes.
        #[cfg(not(unix))]
        let _ = paths;
    }

    /// What a learner can make where the school's file goes — a folder called
    /// `config.toml` in a folder of theirs — is theirs: ignored, never an error that would
    /// stop the app for every account of the computer.
    #[test]
    fn a_folder_a_learner_called_config_toml_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("Passerelle");
        let path = folder.join("config.toml");
        std::fs::create_dir_all(&path).unwrap();
        made_by_a_learner(&[&folder, &path]);
        let read = SchoolFile::read(&path, Trust::System).unwrap();
        assert!(read.ignored.is_some(), "{read:?}");
        assert_eq!(read.settings, RawSettings::default());
    }

    /// A learner's link to a folder of the system's, holding a file that is not the
    /// school's, is judged as the learner's link: ignored, not read and refused.
    #[cfg(unix)]
    #[test]
    fn a_learner_s_link_to_the_system_s_folder_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let system = dir.path().join("system");
        std::fs::create_dir(&system).unwrap();
        std::fs::write(system.join("config.toml"), "another program's (settings\n").unwrap();
        let folder = dir.path().join("Passerelle");
        std::os::unix::fs::symlink(&system, &folder).unwrap();
        made_by_a_learner(&[&folder]);
        let read = SchoolFile::read(&folder.join("config.toml"), Trust::System).unwrap();
        assert!(read.ignored.is_some(), "{read:?}");
        if root() {
            // The system's own folder, read as named: its file is the school's to mend.
            assert!(SchoolFile::read(&system.join("config.toml"), Trust::System).is_err());
        }
    }
}
