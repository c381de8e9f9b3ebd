//! Settings, in this order of precedence: command-line flags, environment variables, the
//! TOML file in the OS config directory, built-in defaults.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use url::Url;

/// The platform's paths (see the platform's device-flow documentation).
pub const DEFAULT_DEVICE_AUTHORIZATION_PATH: &str = "/oauth/authorize_device";
pub const DEFAULT_TOKEN_PATH: &str = "/oauth/token";
pub const DEFAULT_REVOCATION_PATH: &str = "/oauth/revoke";
pub const DEFAULT_PROFILE_PATH: &str = "/api/v1/users/current_user";

/// Settings as given, before checks. The same struct is read from flags (with their
/// environment variables) and from the TOML file, then merged field by field.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
#[serde(default, deny_unknown_fields)]
pub struct RawSettings {
    /// Address of the platform's authorization server.
    #[arg(long, env = "PASSERELLE_AUTH_URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_url: Option<String>,
    /// Address of the platform's API (defaults to the authorization server's).
    #[arg(long, env = "PASSERELLE_API_URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// This app's client id, registered with the platform.
    #[arg(long, env = "PASSERELLE_CLIENT_ID")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// OAuth scope to ask for (none by default).
    #[arg(long, env = "PASSERELLE_SCOPE")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[arg(long, env = "PASSERELLE_DEVICE_AUTHORIZATION_ENDPOINT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_authorization_endpoint: Option<String>,
    #[arg(long, env = "PASSERELLE_TOKEN_ENDPOINT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<String>,
    #[arg(long, env = "PASSERELLE_REVOCATION_ENDPOINT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    #[arg(long, env = "PASSERELLE_PROFILE_ENDPOINT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_endpoint: Option<String>,
    /// Other hosts the verification page may be on, comma-separated.
    #[arg(long, env = "PASSERELLE_ALLOWED_HOSTS")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_hosts: Option<String>,
    /// Where the session is kept: `keychain` (default) or `memory`.
    #[arg(long, env = "PASSERELLE_TOKEN_STORE")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_store: Option<String>,
}

impl RawSettings {
    /// Fills every field left empty in `self` from `lower`.
    pub fn or(self, lower: RawSettings) -> RawSettings {
        RawSettings {
            auth_url: self.auth_url.or(lower.auth_url),
            api_url: self.api_url.or(lower.api_url),
            client_id: self.client_id.or(lower.client_id),
            scope: self.scope.or(lower.scope),
            device_authorization_endpoint: self
                .device_authorization_endpoint
                .or(lower.device_authorization_endpoint),
            token_endpoint: self.token_endpoint.or(lower.token_endpoint),
            revocation_endpoint: self.revocation_endpoint.or(lower.revocation_endpoint),
            profile_endpoint: self.profile_endpoint.or(lower.profile_endpoint),
            allowed_hosts: self.allowed_hosts.or(lower.allowed_hosts),
            token_store: self.token_store.or(lower.token_store),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStoreKind {
    Keychain,
    Memory,
}

/// Checked settings, ready to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub auth_url: Url,
    pub api_url: Url,
    pub client_id: String,
    pub scope: Option<String>,
    /// Set explicitly; otherwise they come from the server's metadata or the defaults.
    pub device_authorization_endpoint: Option<Url>,
    pub token_endpoint: Option<Url>,
    pub revocation_endpoint: Option<Url>,
    /// Never discovered: the setting, else the platform's path under `api_url`.
    pub profile_endpoint: Url,
    pub allowed_hosts: Vec<String>,
    pub token_store: TokenStoreKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("`{0}` is not set")]
    Missing(&'static str),
    #[error("`{setting}` is invalid: {reason}")]
    Invalid {
        setting: &'static str,
        reason: String,
    },
    #[error("the settings file {path} could not be read: {reason}")]
    File { path: PathBuf, reason: String },
}

impl ConfigError {
    /// True when the platform simply has not been chosen yet (first start).
    pub fn is_not_configured(&self) -> bool {
        matches!(self, Self::Missing("auth_url" | "client_id"))
    }
}

/// `$PASSERELLE_CONFIG`, else `config.toml` in the OS config directory.
pub fn default_config_path() -> Option<PathBuf> {
    std::env::var_os("PASSERELLE_CONFIG")
        .map(PathBuf::from)
        .or_else(|| dirs::config_dir().map(|d| d.join("passerelle").join("config.toml")))
}

/// Reads the TOML settings file; a missing file is an empty one.
pub fn read_file(path: &Path) -> Result<RawSettings, ConfigError> {
    let file_error = |reason: String| ConfigError::File {
        path: path.to_owned(),
        reason,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).map_err(|e| file_error(e.message().to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(RawSettings::default()),
        Err(e) => Err(file_error(e.to_string())),
    }
}

/// Writes the TOML settings file (creating its folder), replacing what was there.
pub fn write_file(path: &Path, raw: &RawSettings) -> Result<(), ConfigError> {
    let file_error = |reason: String| ConfigError::File {
        path: path.to_owned(),
        reason,
    };
    let text = toml::to_string(raw).map_err(|e| file_error(e.to_string()))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| file_error(e.to_string()))?;
    }
    std::fs::write(path, text).map_err(|e| file_error(e.to_string()))
}

/// Loopback hosts may use plain http: the demo platform and tests run there.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// https anywhere, http on loopback only; nothing else.
pub fn check_url(setting: &'static str, value: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::Invalid {
        setting,
        reason: reason.to_owned(),
    };
    let url = Url::parse(value.trim()).map_err(|e| invalid(&format!("not a URL ({e})")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(invalid(
                "must use https (http is allowed only on this computer)",
            ))
        }
        _ => return Err(invalid("must be an https:// address")),
    }
    if url.host().is_none() {
        return Err(invalid("has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("must not contain a user name or password"));
    }
    Ok(url)
}

/// `base` with `path` appended to its own path (`https://h/p` + `/oauth/token` =
/// `https://h/p/oauth/token`).
pub fn join_path(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let joined = format!("{}{}", base.path().trim_end_matches('/'), path);
    url.set_path(&joined);
    url.set_query(None);
    url.set_fragment(None);
    url
}

impl Settings {
    pub fn from_raw(raw: RawSettings) -> Result<Settings, ConfigError> {
        let nonempty = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let url =
            |setting, v: Option<String>| nonempty(v).map(|s| check_url(setting, &s)).transpose();
        let auth_url = url("auth_url", raw.auth_url)?.ok_or(ConfigError::Missing("auth_url"))?;
        let client_id = nonempty(raw.client_id).ok_or(ConfigError::Missing("client_id"))?;
        if client_id.len() > 256 || client_id.chars().any(char::is_control) {
            return Err(ConfigError::Invalid {
                setting: "client_id",
                reason: "is not a client id".into(),
            });
        }
        let api_url = url("api_url", raw.api_url)?.unwrap_or_else(|| auth_url.clone());
        let profile_endpoint = url("profile_endpoint", raw.profile_endpoint)?
            .unwrap_or_else(|| join_path(&api_url, DEFAULT_PROFILE_PATH));
        let token_store = match nonempty(raw.token_store).as_deref() {
            None | Some("keychain") => TokenStoreKind::Keychain,
            Some("memory") => TokenStoreKind::Memory,
            Some(_) => {
                return Err(ConfigError::Invalid {
                    setting: "token_store",
                    reason: "must be `keychain` or `memory`".into(),
                })
            }
        };
        let allowed_hosts = nonempty(raw.allowed_hosts)
            .map(|s| {
                s.split(',')
                    .map(|h| h.trim().to_ascii_lowercase())
                    .filter(|h| !h.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Ok(Settings {
            device_authorization_endpoint: url(
                "device_authorization_endpoint",
                raw.device_authorization_endpoint,
            )?,
            token_endpoint: url("token_endpoint", raw.token_endpoint)?,
            revocation_endpoint: url("revocation_endpoint", raw.revocation_endpoint)?,
            scope: nonempty(raw.scope),
            auth_url,
            api_url,
            client_id,
            profile_endpoint,
            allowed_hosts,
            token_store,
        })
    }

    /// Flags and environment (`cli`) over the settings file at `path`.
    pub fn load(cli: RawSettings, path: Option<&Path>) -> Result<Settings, ConfigError> {
        let file = match path {
            Some(p) => read_file(p)?,
            None => RawSettings::default(),
        };
        Settings::from_raw(cli.or(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(auth: &str) -> RawSettings {
        RawSettings {
            auth_url: Some(auth.into()),
            client_id: Some("app".into()),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_follow_the_platform() {
        let s = Settings::from_raw(raw("https://auth.example/")).unwrap();
        assert_eq!(s.api_url.as_str(), "https://auth.example/");
        assert_eq!(
            s.profile_endpoint.as_str(),
            "https://auth.example/api/v1/users/current_user"
        );
        assert_eq!(s.token_endpoint, None);
        assert_eq!(s.token_store, TokenStoreKind::Keychain);
    }

    #[test]
    fn the_profile_is_on_the_api_host() {
        let s = Settings::from_raw(RawSettings {
            api_url: Some("https://api.example/v2/".into()),
            ..raw("https://auth.example")
        })
        .unwrap();
        assert_eq!(
            s.profile_endpoint.as_str(),
            "https://api.example/v2/api/v1/users/current_user"
        );
    }

    #[test]
    fn only_https_or_loopback() {
        for ok in [
            "https://x.example",
            "http://127.0.0.1:3000",
            "http://localhost:1",
            "http://[::1]:8",
        ] {
            assert!(Settings::from_raw(raw(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "http://x.example",
            "ftp://x.example",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "nope",
            "https://u:p@x.example",
        ] {
            let e = Settings::from_raw(raw(bad)).unwrap_err();
            assert!(
                matches!(
                    e,
                    ConfigError::Invalid {
                        setting: "auth_url",
                        ..
                    }
                ),
                "{bad}: {e}"
            );
        }
        let e = Settings::from_raw(RawSettings {
            token_endpoint: Some("http://evil.example/token".into()),
            ..raw("https://x.example")
        })
        .unwrap_err();
        assert!(e.to_string().contains("token_endpoint"), "{e}");
    }

    #[test]
    fn missing_platform_is_not_configured() {
        let e = Settings::from_raw(RawSettings::default()).unwrap_err();
        assert!(e.is_not_configured());
        let e = Settings::from_raw(RawSettings {
            client_id: Some("  ".into()),
            ..raw("https://x.example")
        })
        .unwrap_err();
        assert_eq!(e, ConfigError::Missing("client_id"));
    }

    #[test]
    fn flags_win_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        write_file(
            &path,
            &RawSettings {
                scope: Some("read".into()),
                ..raw("https://file.example")
            },
        )
        .unwrap();
        let s = Settings::load(raw("https://flag.example"), Some(&path)).unwrap();
        assert_eq!(s.auth_url.as_str(), "https://flag.example/");
        assert_eq!(s.scope.as_deref(), Some("read"));
        std::fs::write(&path, "auth_url = 3").unwrap();
        let e = Settings::load(RawSettings::default(), Some(&path)).unwrap_err();
        assert!(matches!(e, ConfigError::File { .. }), "{e}");
    }

    #[test]
    fn a_missing_file_is_empty() {
        let e = Settings::load(
            RawSettings::default(),
            Some(Path::new("/nonexistent/p.toml")),
        )
        .unwrap_err();
        assert!(e.is_not_configured());
    }

    #[test]
    fn token_store_and_allowed_hosts() {
        let s = Settings::from_raw(RawSettings {
            token_store: Some("memory".into()),
            allowed_hosts: Some(" Login.Example , ,sso.example".into()),
            ..raw("https://x.example")
        })
        .unwrap();
        assert_eq!(s.token_store, TokenStoreKind::Memory);
        assert_eq!(s.allowed_hosts, vec!["login.example", "sso.example"]);
        assert!(Settings::from_raw(RawSettings {
            token_store: Some("disk".into()),
            ..raw("https://x.example")
        })
        .is_err());
    }
}
