//! Settings as given, before any check: from a TOML file, the environment or flags.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::address::same_platform;
use super::error::ConfigError;
use super::key::Key;
use super::value::{self, Written};

/// Some settings, by name. Blank values count as unset.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawSettings(BTreeMap<Key, String>);

impl RawSettings {
    /// The value, trimmed; `None` when unset or blank.
    pub fn get(&self, key: Key) -> Option<&str> {
        self.0.get(&key).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    pub fn set(&mut self, key: Key, value: impl Into<String>) {
        self.0.insert(key, value.into());
    }

    pub fn remove(&mut self, key: Key) {
        self.0.remove(&key);
    }

    /// `self` with `key` set, for building settings in code.
    pub fn with(mut self, key: Key, value: impl Into<String>) -> Self {
        self.set(key, value);
        self
    }

    /// Keys with a value.
    pub fn keys(&self) -> impl Iterator<Item = Key> + '_ {
        Key::all().filter(|k| self.get(*k).is_some())
    }

    pub fn is_empty(&self) -> bool {
        self.keys().next().is_none()
    }

    /// `PASSERELLE_AUTH_URL` and the like, read through `lookup` (the process environment
    /// in the app, a table in tests).
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let mut raw = Self::default();
        for key in Key::all() {
            if let Some(value) = lookup(&key.env_var()) {
                raw.set(key, value);
            }
        }
        raw
    }

    /// Parses TOML; an error says which line is wrong.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let table: toml::Table = toml::from_str(text).map_err(|e| toml_error(&e, text, path))?;
        Self::from_table(table, text, path)
    }

    /// The settings in an already parsed TOML table; an error names the line of the key.
    pub(super) fn from_table(
        table: toml::Table,
        text: &str,
        path: &Path,
    ) -> Result<Self, ConfigError> {
        let mut raw = Self::default();
        for (name, value) in table {
            let problem = |problem| ConfigError::file(path, line_of(text, &name), problem);
            let key = Key::from_name(&name)
                .ok_or_else(|| problem(format!("unknown setting `{name}`")))?;
            raw.set(
                key,
                value::read(key, Written::from(&value)).map_err(problem)?,
            );
        }
        Ok(raw)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Whether these settings' own platform settings are for `auth_url`: when they name a
    /// platform, it must be that one; when they name none, they apply to the one in force
    /// (`current`).
    pub fn is_for(&self, auth_url: &url::Url, current: Option<&url::Url>) -> bool {
        match self.get(Key::AuthUrl) {
            Some(own) => same_platform(own, auth_url.as_str()),
            None => current == Some(auth_url),
        }
    }

    /// The learner chose a platform in the Settings view. Unless these settings were for
    /// it (see [`RawSettings::is_for`]), everything that belonged to the old platform is
    /// dropped: its API address, endpoints, scope, allowed hosts and client id.
    pub fn choose_platform(
        &mut self,
        auth_url: &url::Url,
        current: Option<&url::Url>,
        client_id: Option<&str>,
    ) {
        if !self.is_for(auth_url, current) {
            for key in Key::all().filter(|k| k.follows_platform()) {
                self.remove(key);
            }
        }
        self.set(Key::AuthUrl, auth_url.as_str());
        if let Some(id) = client_id.map(str::trim).filter(|id| !id.is_empty()) {
            self.set(Key::ClientId, id);
        }
    }
}

/// A TOML error as a file error with the line it points at.
pub(super) fn toml_error(e: &toml::de::Error, text: &str, path: &Path) -> ConfigError {
    let line = e
        .span()
        .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
    ConfigError::file(path, line, e.message().to_owned())
}

/// The line where `key` is set, counting from 1.
pub(super) fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// What a settings file holds, and whether it could be read.
pub(super) fn read_text(path: &Path) -> Result<Option<String>, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConfigError::file(path, None, e.to_string())),
    }
}

/// Reads a settings file; a missing file is an empty one.
pub fn read_file(path: &Path) -> Result<RawSettings, ConfigError> {
    match read_text(path)? {
        Some(text) => RawSettings::parse(&text, path),
        None => Ok(RawSettings::default()),
    }
}

/// Keeps a copy of a file that could not be read, next to it, before it is replaced:
/// `config.toml.bak`, or `config.toml.bak.2` and on when earlier copies are there. Made
/// anew, never through a link someone left under that name, readable by the learner only.
fn keep(path: &Path) -> std::io::Result<PathBuf> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let bytes = std::fs::read(path)?;
    for n in 1.. {
        let backup = match n {
            1 => path.with_file_name(format!("{name}.bak")),
            n => path.with_file_name(format!("{name}.bak.{n}")),
        };
        match private_file(&backup) {
            Ok(mut file) => {
                std::io::Write::write_all(&mut file, &bytes)?;
                return Ok(backup);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    unreachable!("a free name")
}

/// A new file that only the learner may read: it must not exist yet (a link in its place
/// is not followed).
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Writes the learner's settings file (creating its folder). A file that is there but
/// cannot be read or does not parse is never lost: it is kept next to it first. The new
/// file is written to a temporary file of its own (an unpredictable name, readable by the
/// learner only) and renamed over the old one, so a crash leaves one or the other.
pub fn write_file(path: &Path, raw: &RawSettings) -> Result<(), ConfigError> {
    let fail = |e: std::io::Error| ConfigError::file(path, None, e.to_string());
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let unreadable = match read_text(path) {
        Ok(Some(text)) => RawSettings::parse(&text, path).is_err(),
        Ok(None) => false,
        Err(_) => true,
    };
    if unreadable {
        keep(path).map_err(fail)?;
    }
    let mut temporary = tempfile::Builder::new()
        .prefix(".config.")
        .tempfile_in(dir)
        .map_err(fail)?;
    std::io::Write::write_all(&mut temporary, raw.to_toml().as_bytes()).map_err(fail)?;
    temporary.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_unset_and_values_are_trimmed() {
        let raw = RawSettings::default()
            .with(Key::Scope, "  ")
            .with(Key::ClientId, " app ");
        assert_eq!(raw.get(Key::Scope), None);
        assert_eq!(raw.get(Key::ClientId), Some("app"));
        assert_eq!(raw.keys().collect::<Vec<_>>(), vec![Key::ClientId]);
    }

    #[test]
    fn reads_the_environment() {
        let raw = RawSettings::from_env(|name| match name {
            "PASSERELLE_AUTH_URL" => Some("https://env.example".into()),
            "PASSERELLE_TOKEN_STORE" => Some("memory".into()),
            "AUTH_URL" => Some("ignored".into()),
            _ => None,
        });
        assert_eq!(raw.get(Key::AuthUrl), Some("https://env.example"));
        assert_eq!(raw.get(Key::TokenStore), Some("memory"));
        assert_eq!(raw.keys().count(), 2);
    }

    #[test]
    fn toml_errors_name_the_line() {
        let path = Path::new("/x/config.toml");
        let e = RawSettings::parse("client_id = \"a\"\n\nauth_url = 3\n", path).unwrap_err();
        assert!(
            matches!(&e, ConfigError::File { line: Some(3), .. }),
            "{e:?}"
        );
        let e = RawSettings::parse("auth_urll = \"https://x\"\n", path).unwrap_err();
        assert!(
            matches!(&e, ConfigError::File { line: Some(1), problem, .. } if problem.contains("auth_urll")),
            "{e:?}"
        );
        let ok = RawSettings::parse("auth_url = \"https://x\"\nscope = \"read\"\n", path).unwrap();
        assert_eq!(ok.get(Key::Scope), Some("read"));
        assert_eq!(RawSettings::parse(&ok.to_toml(), path).unwrap(), ok);
    }

    #[test]
    fn a_broken_file_is_kept_before_it_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        let kept = |name: &str| std::fs::read(dir.path().join("sub").join(name)).ok();
        assert_eq!(read_file(&path).unwrap(), RawSettings::default());
        let good = RawSettings::default().with(Key::AuthUrl, "https://a.example");
        write_file(&path, &good).unwrap();
        assert_eq!(read_file(&path).unwrap(), good);
        assert_eq!(kept("config.toml.bak"), None, "nothing to keep");

        std::fs::write(&path, "auth_url = \"https://a.example\"\nbroken\n").unwrap();
        assert!(read_file(&path).is_err());
        write_file(&path, &good).unwrap();
        assert_eq!(
            kept("config.toml.bak").unwrap(),
            b"auth_url = \"https://a.example\"\nbroken\n"
        );
        assert_eq!(read_file(&path).unwrap(), good);

        // Not even text: kept too, and the first copy is not overwritten.
        std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
        write_file(&path, &good).unwrap();
        assert_eq!(kept("config.toml.bak.2").unwrap(), vec![0xff, 0xfe, 0x00]);
        assert!(kept("config.toml.bak").unwrap().starts_with(b"auth_url"));
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 3, "no temporary file is left: {names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn the_file_and_its_backup_are_the_learner_s_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let mode = |name: &str| {
            std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        std::fs::write(&path, "broken").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        // A link planted where the backup goes is not written through.
        let target = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&target, dir.path().join("config.toml.bak")).unwrap();
        write_file(&path, &RawSettings::default().with(Key::Scope, "read")).unwrap();
        assert!(!target.exists(), "the link was not followed");
        assert_eq!(mode("config.toml"), 0o600);
        assert_eq!(mode("config.toml.bak.2"), 0o600);
        assert_eq!(
            std::fs::read(dir.path().join("config.toml.bak.2")).unwrap(),
            b"broken"
        );
    }

    #[test]
    fn choosing_another_platform_drops_what_belonged_to_the_old_one() {
        let old = url::Url::parse("https://old.example/").unwrap();
        let new = url::Url::parse("https://new.example/").unwrap();
        let file = RawSettings::default()
            .with(Key::AuthUrl, old.as_str())
            .with(Key::ApiUrl, "https://api.old.example")
            .with(Key::TokenEndpoint, "https://old.example/t")
            .with(Key::Scope, "read")
            .with(Key::AllowedHosts, "sso.old.example")
            .with(Key::ClientId, "old-app")
            .with(Key::TokenStore, "memory");

        let mut same = file.clone();
        same.choose_platform(&old, Some(&old), None);
        assert_eq!(same, file);
        // The file is for another platform than the one in force (say, locked by the
        // school): saving the platform in force drops the file's own platform settings.
        let mut other = file.clone();
        other.choose_platform(&new, Some(&new), None);
        assert_eq!(other.get(Key::TokenEndpoint), None);
        assert_eq!(other.get(Key::ClientId), None);
        // A file that names no platform applies to the one in force.
        let bare = RawSettings::default().with(Key::Scope, "read");
        assert!(bare.is_for(&old, Some(&old)) && !bare.is_for(&new, Some(&old)));

        let mut switched = file.clone();
        switched.choose_platform(&new, Some(&old), Some(" new-app "));
        assert_eq!(
            switched,
            RawSettings::default()
                .with(Key::AuthUrl, new.as_str())
                .with(Key::ClientId, "new-app")
                .with(Key::TokenStore, "memory")
        );
    }
}
