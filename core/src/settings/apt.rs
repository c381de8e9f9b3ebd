//! The platform's APT repository, as a distribution file names it in its `[apt]` table: the
//! `.deb` registers it (a sources entry, and the repository's key as the keyring it is
//! signed with), so that the system's software updates bring Passerelle's, as VS Code's and
//! Chrome's packages do. Read at build time; nothing of it is a setting the app reads.

use std::path::{Path, PathBuf};

use url::Url;

use super::raw::{line_of, toml_error};
use super::{ConfigError, RawSettings};

/// The repository a `.deb` registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AptRepository {
    /// Where it is: `https://packages.moncampus.fr/apt`.
    pub url: Url,
    /// `stable` unless told.
    pub suite: String,
    /// `main` unless told.
    pub components: Vec<String>,
    /// The file of the key the repository is signed with (armoured or binary OpenPGP),
    /// relative to the distribution file.
    pub key: PathBuf,
}

/// Where the package installs the repository's key; its sources entry names it.
pub const KEYRING: &str = "/usr/share/keyrings/passerelle-archive-keyring";

/// A distribution file: its settings, and the repository its `[apt]` table names.
pub fn read_distribution(path: &Path) -> Result<(RawSettings, Option<AptRepository>), ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::file(path, None, format!("cannot be read: {e}")))?;
    parse_distribution(&text, path)
}

/// A distribution file's text, read from `path`: a relative `apt.key` is beside it.
pub fn parse_distribution(
    text: &str,
    path: &Path,
) -> Result<(RawSettings, Option<AptRepository>), ConfigError> {
    let mut table: toml::Table = toml::from_str(text).map_err(|e| toml_error(&e, text, path))?;
    let apt = match table.remove("apt") {
        None => None,
        Some(toml::Value::Table(apt)) => {
            let base = path.parent().unwrap_or(Path::new("."));
            let header = text.lines().position(|l| l.trim() == "[apt]");
            let repository = AptRepository::from_table(&apt, base)
                .map_err(|why| ConfigError::file(path, header.map(|i| i + 1), why))?;
            Some(repository)
        }
        Some(_) => {
            return Err(ConfigError::file(
                path,
                line_of(text, "apt"),
                "`apt` must be a table: [apt]",
            ))
        }
    };
    Ok((RawSettings::from_table(table, text, path)?, apt))
}

impl AptRepository {
    /// The `[apt]` table's repository; a relative `key` is read from `base`.
    pub fn from_table(table: &toml::Table, base: &Path) -> Result<Self, String> {
        let text = |name: &str| match table.get(name) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(format!("`apt.{name}` must be text")),
        };
        if let Some(unknown) = table
            .keys()
            .find(|k| !["url", "suite", "components", "key"].contains(&k.as_str()))
        {
            return Err(format!(
                "unknown `apt.{unknown}`: url, suite, components and key are read"
            ));
        }
        let url = text("url")?.ok_or("`apt.url` is missing")?;
        let url = Url::parse(url).map_err(|e| format!("`apt.url` is not an address: {e}"))?;
        let usable = matches!(url.scheme(), "https" | "http")
            && url.host_str().is_some()
            && url.username().is_empty()
            && url.password().is_none()
            && url.query().is_none()
            && url.fragment().is_none();
        if !usable {
            return Err(
                "`apt.url` must be an https:// (or http://) address, with no credentials or query"
                    .into(),
            );
        }
        // A word of the sources format each: no space or line break could add an entry.
        let word = |w: &str| {
            !w.is_empty()
                && w.len() <= 64
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c))
        };
        let suite = text("suite")?.unwrap_or("stable").to_owned();
        if !word(&suite) {
            return Err("`apt.suite` must be one word: stable".into());
        }
        let components = text("components")?.unwrap_or("main");
        let components: Vec<String> = components.split_whitespace().map(str::to_owned).collect();
        if components.is_empty() || !components.iter().all(|c| word(c)) {
            return Err("`apt.components` must be words: main".into());
        }
        let key = text("key")?.ok_or("`apt.key` is missing: the repository's signing key")?;
        Ok(Self {
            url,
            suite,
            components,
            key: base.join(key),
        })
    }

    /// The key's file read and checked as an OpenPGP public key — never with a secret key
    /// in it, which the package would hand to every computer — and the keyring's name
    /// (`.asc` armoured, `.gpg` binary, as apt tells them apart).
    pub fn keyring(&self) -> Result<(Vec<u8>, String), String> {
        let key = std::fs::read(&self.key)
            .map_err(|e| format!("`apt.key` {} cannot be read: {e}", self.key.display()))?;
        let not_public = || {
            format!(
                "`apt.key` {} is not an OpenPGP public key, or holds a secret one",
                self.key.display()
            )
        };
        let extension = if key.starts_with(b"-----BEGIN PGP PUBLIC KEY BLOCK-----") {
            let secret = key
                .windows(10)
                .any(|w| w == b"PRIVATE KE" || w == b"SECRET KEY");
            if secret {
                return Err(not_public());
            }
            "asc"
        } else if matches!(key.first(), Some(0x99 | 0x98 | 0xC6)) && packets_are_public(&key) {
            // A public key packet first, in the old or the new format.
            "gpg"
        } else {
            return Err(not_public());
        };
        Ok((key, format!("{KEYRING}.{extension}")))
    }

    /// What apt may take from it: Passerelle alone. The key that signs the repository could
    /// sign any package; pinned so, a package of another name, whatever its version, is
    /// never installed from there.
    pub fn preferences(&self) -> String {
        let origin = self.url.host_str().unwrap_or_default();
        format!(
            "# Only Passerelle from its platform's repository (added by the passerelle package).\n\
             Package: *\nPin: origin \"{origin}\"\nPin-Priority: -1\n\n\
             Package: passerelle\nPin: origin \"{origin}\"\nPin-Priority: 500\n"
        )
    }

    /// Its sources entry (deb822), signed by the key at `keyring`.
    pub fn sources(&self, keyring: &str) -> String {
        format!(
            "# Passerelle's updates, from its platform's repository (added by the passerelle package).\n\
             Types: deb\nURIs: {}\nSuites: {}\nComponents: {}\nSigned-By: {keyring}\n",
            self.url,
            self.suite,
            self.components.join(" ")
        )
    }
}

/// Whether binary OpenPGP data is packets, one after the other, each of a kind a public
/// keyring holds (signatures, public keys and subkeys, trust, user ids and attributes:
/// never a secret key, nor anything compressed or encrypted that could hide one). Lengths
/// as RFC 4880 §4.2 has them; what a keyring never holds (partial or indeterminate lengths)
/// is refused.
fn packets_are_public(mut data: &[u8]) -> bool {
    let number = |bytes: &[u8]| bytes.iter().fold(0usize, |n, b| (n << 8) | usize::from(*b));
    while let Some(&first) = data.first() {
        if first & 0x80 == 0 {
            return false;
        }
        let (tag, header, length) = if first & 0x40 != 0 {
            let tag = first & 0x3f;
            match data.get(1).copied() {
                Some(o @ 0..=191) => (tag, 2, usize::from(o)),
                Some(o @ 192..=223) => match data.get(2) {
                    Some(&next) => (
                        tag,
                        3,
                        ((usize::from(o) - 192) << 8) + usize::from(next) + 192,
                    ),
                    None => return false,
                },
                Some(255) if data.len() >= 6 => (tag, 6, number(&data[2..6])),
                _ => return false,
            }
        } else {
            let tag = (first >> 2) & 0x0f;
            let size = match first & 3 {
                0 => 1,
                1 => 2,
                2 => 4,
                _ => return false,
            };
            match data.get(1..1 + size) {
                Some(bytes) => (tag, 1 + size, number(bytes)),
                None => return false,
            }
        };
        if !matches!(tag, 2 | 6 | 12 | 13 | 14 | 17) {
            return false;
        }
        match header.checked_add(length).and_then(|end| data.get(end..)) {
            Some(rest) => data = rest,
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn a_repository_and_its_sources_entry() {
        let apt = AptRepository::from_table(
            &table("url = \"https://packages.moncampus.fr/apt\"\nkey = \"archive.asc\"\n"),
            Path::new("/build"),
        )
        .unwrap();
        assert_eq!(apt.key, Path::new("/build/archive.asc"));
        assert_eq!(
            apt.preferences(),
            "# Only Passerelle from its platform's repository (added by the passerelle package).\n\
             Package: *\nPin: origin \"packages.moncampus.fr\"\nPin-Priority: -1\n\n\
             Package: passerelle\nPin: origin \"packages.moncampus.fr\"\nPin-Priority: 500\n"
        );
        assert_eq!(
            apt.sources("/usr/share/keyrings/passerelle-archive-keyring.asc"),
            "# Passerelle's updates, from its platform's repository (added by the passerelle package).\n\
             Types: deb\nURIs: https://packages.moncampus.fr/apt\nSuites: stable\nComponents: main\n\
             Signed-By: /usr/share/keyrings/passerelle-archive-keyring.asc\n"
        );
    }

    #[test]
    fn what_could_change_the_entry_or_leak_is_refused() {
        let refused =
            |text: &str| AptRepository::from_table(&table(text), Path::new("/")).unwrap_err();
        assert!(refused("key = \"k\"").contains("`apt.url` is missing"));
        assert!(refused("url = \"https://p.example\"").contains("`apt.key` is missing"));
        for url in [
            "ftp://p.example/apt",
            "https://u:p@p.example/apt",
            "https://p.example/?a=1",
            "file:///srv/apt",
        ] {
            assert!(
                refused(&format!("url = \"{url}\"\nkey = \"k\"")).contains("`apt.url`"),
                "{url}"
            );
        }
        let entry = "url = \"https://p.example\"\nkey = \"k\"\n";
        assert!(
            refused(&format!("{entry}suite = \"stable\\nTypes: deb-src\"")).contains("apt.suite")
        );
        assert!(
            refused(&format!("{entry}components = \"main\\nSigned-By: /x\""))
                .contains("apt.components")
        );
        assert!(refused(&format!("{entry}trusted = \"yes\"")).contains("unknown `apt.trusted`"));
    }

    #[test]
    fn a_distribution_file_gives_its_settings_and_its_repository() {
        let path = Path::new("/build/distribution.toml");
        let (raw, apt) = parse_distribution(
            "auth_url = \"https://moncampus.fr\"\n\n[apt]\nurl = \"https://p.example/apt\"\nkey = \"k.asc\"\n",
            path,
        )
        .unwrap();
        assert_eq!(
            raw.get(super::super::Key::AuthUrl),
            Some("https://moncampus.fr")
        );
        assert_eq!(apt.unwrap().key, Path::new("/build/k.asc"));
        assert_eq!(
            parse_distribution("client_id = \"x\"\n", path).unwrap().1,
            None
        );
        let wrong = parse_distribution("client_id = \"x\"\n[apt]\nurl = \"ftp://p\"\n", path);
        assert!(wrong.unwrap_err().to_string().contains("line 2"));
        let wrong = parse_distribution("apt = \"https://p.example\"\n", path);
        assert!(wrong.unwrap_err().to_string().contains("must be a table"));
    }

    #[test]
    fn only_an_openpgp_public_key_is_a_keyring() {
        let dir = tempfile::tempdir().unwrap();
        let with = |bytes: &[u8]| {
            std::fs::write(dir.path().join("k"), bytes).unwrap();
            let apt = AptRepository::from_table(
                &table("url = \"https://p.example\"\nkey = \"k\""),
                dir.path(),
            );
            apt.unwrap().keyring()
        };
        let armoured = with(b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQ==\n").unwrap();
        assert_eq!(
            armoured.1,
            "/usr/share/keyrings/passerelle-archive-keyring.asc"
        );
        assert_eq!(
            with(&[0x99, 0, 2, 4, 0]).unwrap().1,
            "/usr/share/keyrings/passerelle-archive-keyring.gpg"
        );
        assert!(
            with(b"-----BEGIN PGP PRIVATE KEY BLOCK-----").is_err(),
            "never a private key"
        );
        assert!(
            with(b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQ==\n-----END PGP PUBLIC KEY BLOCK-----\n-----BEGIN PGP PRIVATE KEY BLOCK-----\n").is_err(),
            "nor one behind a public key"
        );
        // A public key packet (old format, tag 6, two bytes) then a secret subkey (new
        // format, tag 7, two bytes): refused; the public packet alone, or with a user id
        // (tag 13), is a keyring.
        assert!(with(&[0x98, 2, 4, 0, 0xC7, 2, 4, 0]).is_err());
        assert!(
            with(&[0x98, 2, 4, 0, 0xC8, 1, 0]).is_err(),
            "compressed: could hide one"
        );
        assert!(with(
            b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n-----BEGIN PGP SECRET KEY BLOCK-----"
        )
        .is_err());
        assert!(with(&[0x98, 2, 4, 0]).is_ok());
        assert!(with(&[0x98, 2, 4, 0, 0xCD, 1, b'a']).is_ok());
        assert!(with(&[0x98, 9, 4]).is_err(), "cut short");
        assert!(with(b"").is_err());
    }
}
