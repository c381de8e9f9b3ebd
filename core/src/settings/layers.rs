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
use super::checked::{ConfigError, Settings};
use super::key::Key;
use super::raw::{read_text, toml_error, RawSettings};

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::EnumIter)]
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

    /// Reads the machine-wide file; a missing file sets and locks nothing.
    pub fn read(path: &Path) -> Result<Managed, ConfigError> {
        match read_text(path)? {
            Some(text) => Managed::parse(&text, path),
            None => Ok(Managed::default()),
        }
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
                if elsewhere || (locks.covers(key) && layer.is_learners()) {
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
mod tests {
    use super::*;

    fn path() -> &'static Path {
        Path::new("/etc/passerelle/config.toml")
    }

    fn only(key: Key, value: &str) -> RawSettings {
        RawSettings::default().with(key, value)
    }

    /// Each layer alone sets a value; with every layer set, each one beats those below it.
    #[test]
    fn precedence_from_the_strongest() {
        let key = Key::Scope;
        let layered = |layers: &[Layer]| {
            let mut s = Sources::default();
            for layer in layers {
                let v = format!("{layer:?}");
                match layer {
                    Layer::Build => s.build = only(key, &v),
                    Layer::Managed => s.managed.settings = only(key, &v),
                    Layer::File => s.file = only(key, &v),
                    Layer::Environment => s.env = only(key, &v),
                    Layer::Flags => s.flags = only(key, &v),
                    Layer::Locked => {
                        s.managed.settings = only(key, &v);
                        s.managed.locks = Locks::Keys([key].into());
                    }
                }
            }
            let merged = s.merge();
            (
                merged.raw.get(key).map(str::to_owned),
                merged.from.get(&key).copied(),
            )
        };
        // Weakest to strongest, as the README's table lists them bottom-up.
        let order = [
            Layer::Build,
            Layer::Managed,
            Layer::File,
            Layer::Environment,
            Layer::Flags,
        ];
        for (i, layer) in order.iter().enumerate() {
            assert_eq!(
                layered(&[*layer]),
                (Some(format!("{layer:?}")), Some(*layer))
            );
            assert_eq!(
                layered(&order[..=i]),
                (Some(format!("{layer:?}")), Some(*layer)),
                "{layer:?} beats the layers below it"
            );
        }
        // A locked managed value beats every layer.
        let mut s = Sources {
            build: only(key, "build"),
            file: only(key, "file"),
            env: only(key, "env"),
            flags: only(key, "flags"),
            managed: Managed {
                settings: only(key, "school"),
                locks: Locks::All,
            },
        };
        let merged = s.merge();
        assert_eq!(merged.raw.get(key), Some("school"));
        assert_eq!(merged.from[&key], Layer::Locked);
        assert!(merged.is_locked(key));
        // Locked but not set by the school: the build's value, never the learner's.
        s.managed.settings = RawSettings::default();
        assert_eq!(s.merge().raw.get(key), Some("build"));
        s.build = RawSettings::default();
        assert_eq!(s.merge().raw.get(key), None);
    }

    /// Each setting can be locked on its own; the others stay the learner's.
    #[test]
    fn each_key_can_be_locked() {
        for locked in Key::all() {
            let mut school = RawSettings::default();
            let mut learner = RawSettings::default();
            for key in Key::all() {
                school.set(key, format!("school-{}", key.name()));
                learner.set(key, format!("learner-{}", key.name()));
            }
            // One platform for both, so that platform settings are comparable.
            school.set(Key::AuthUrl, "https://campus.example");
            learner.set(Key::AuthUrl, "https://campus.example/");
            if locked == Key::AuthUrl {
                learner.set(Key::AuthUrl, "https://elsewhere.example");
            }
            for layer in [Layer::Flags, Layer::Environment, Layer::File] {
                let mut s = Sources {
                    managed: Managed {
                        settings: school.clone(),
                        locks: Locks::Keys([locked].into()),
                    },
                    ..Sources::default()
                };
                match layer {
                    Layer::Flags => s.flags = learner.clone(),
                    Layer::Environment => s.env = learner.clone(),
                    _ => s.file = learner.clone(),
                }
                let merged = s.merge();
                assert_eq!(
                    merged.from[&locked],
                    Layer::Locked,
                    "{locked:?} from {layer:?}"
                );
                assert_eq!(
                    merged.raw.get(locked),
                    school.get(locked),
                    "{locked:?} from {layer:?}"
                );
                for other in Key::all().filter(|k| *k != locked && *k != Key::AuthUrl) {
                    let expected = if locked == Key::AuthUrl && other.follows_platform() {
                        // A locked platform locks its settings: the school's are used.
                        Layer::Locked
                    } else {
                        layer
                    };
                    assert_eq!(
                        merged.from[&other], expected,
                        "{other:?} with {locked:?} locked, from {layer:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn settings_of_another_platform_are_not_used() {
        let s = Sources {
            build: RawSettings::default()
                .with(Key::AuthUrl, "https://built.example")
                .with(Key::ClientId, "built-app")
                .with(Key::ApiUrl, "https://api.built.example")
                .with(Key::TokenStore, "memory"),
            file: RawSettings::default().with(Key::AuthUrl, "https://other.example"),
            ..Sources::default()
        };
        let merged = s.merge();
        assert_eq!(merged.raw.get(Key::AuthUrl), Some("https://other.example"));
        assert_eq!(
            merged.raw.get(Key::ApiUrl),
            None,
            "the built platform's API is not this one's"
        );
        assert_eq!(merged.raw.get(Key::ClientId), None);
        assert_eq!(
            merged.raw.get(Key::TokenStore),
            Some("memory"),
            "not a platform setting"
        );

        // The same platform written another way keeps its settings.
        let same = Sources {
            file: RawSettings::default().with(Key::AuthUrl, "BUILT.example/"),
            ..s
        };
        assert_eq!(same.merge().raw.get(Key::ClientId), Some("built-app"));
        // A layer that names no platform applies to whichever is in force.
        let env = Sources {
            env: only(Key::ClientId, "env-app"),
            ..Sources::default()
        };
        assert_eq!(env.merge().raw.get(Key::ClientId), Some("env-app"));
    }

    /// A locked address: a learner's layer that names no platform still cannot send the
    /// platform's tokens elsewhere.
    #[test]
    fn a_locked_platform_keeps_its_own_endpoints() {
        let s = Sources {
            managed: Managed {
                settings: RawSettings::default()
                    .with(Key::AuthUrl, "https://campus.example")
                    .with(Key::ClientId, "campus"),
                locks: Locks::Keys([Key::AuthUrl].into()),
            },
            env: RawSettings::default()
                .with(Key::TokenEndpoint, "https://evil.example/token")
                .with(Key::ClientId, "mine")
                .with(Key::TokenStore, "memory"),
            ..Sources::default()
        };
        let merged = s.merge();
        assert_eq!(merged.raw.get(Key::TokenEndpoint), None);
        assert_eq!(merged.raw.get(Key::ClientId), Some("campus"));
        assert_eq!(merged.from[&Key::ClientId], Layer::Locked);
        assert!(merged.is_locked(Key::ClientId));
        assert_eq!(
            merged.raw.get(Key::TokenStore),
            Some("memory"),
            "not a platform setting"
        );
    }

    #[test]
    fn the_machine_wide_file() {
        let m = Managed::parse(
            "auth_url = \"https://campus.example\"\nclient_id = \"campus\"\nlocked = [\"auth_url\", \"client_id\"]\n",
            path(),
        )
        .unwrap();
        assert_eq!(m.settings.get(Key::ClientId), Some("campus"));
        assert_eq!(m.locks, Locks::Keys([Key::AuthUrl, Key::ClientId].into()));
        assert!(
            m.locks.covers(Key::TokenEndpoint),
            "the platform's settings with it"
        );
        assert!(!m.locks.covers(Key::TokenStore));
        assert_eq!(
            Managed::parse("locked = true\nscope = \"read\"", path())
                .unwrap()
                .locks,
            Locks::All
        );
        assert_eq!(Managed::parse("", path()).unwrap(), Managed::default());
        let e = Managed::parse("locked = [\"auth_urls\"]", path()).unwrap_err();
        assert!(e.to_string().contains("auth_urls"), "{e}");
        let e = Managed::parse("locked = 1", path()).unwrap_err();
        assert!(matches!(e, ConfigError::File { .. }), "{e}");
        let e = Managed::parse("locked = true\n\nscope = 3\n", path()).unwrap_err();
        assert!(
            matches!(e, ConfigError::File { line: Some(3), .. }),
            "{e:?}"
        );
        assert_eq!(
            Managed::read(Path::new("/nonexistent/x.toml")).unwrap(),
            Managed::default()
        );
    }
}
