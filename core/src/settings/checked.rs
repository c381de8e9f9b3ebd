//! Checked settings, and the rules every value passes wherever it comes from.

use std::time::Duration;

use url::Url;

use super::address::{check_url, is_loopback, join_path, label_of, scheme_allowed};
use super::error::{ConfigError, Invalid};
use super::key::Key;
use super::raw::RawSettings;
use super::updates::Updates;

/// The shortest and longest idle time before a sign-out: a second (tests), a day.
pub const MIN_IDLE: Duration = Duration::from_secs(1);
pub const MAX_IDLE: Duration = Duration::from_secs(24 * 3600);

/// The platform's paths (see the platform's device-flow documentation).
pub const DEFAULT_DEVICE_AUTHORIZATION_PATH: &str = "/oauth/authorize_device";
pub const DEFAULT_TOKEN_PATH: &str = "/oauth/token";
pub const DEFAULT_REVOCATION_PATH: &str = "/oauth/revoke";
pub const DEFAULT_PROFILE_PATH: &str = "/api/v1/users/current_user";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStoreKind {
    Keychain,
    Memory,
}

/// A host the platform's pages and endpoints may also be on; without a port, only the
/// scheme's default port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    pub host: String,
    pub port: Option<u16>,
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
    pub allowed_hosts: Vec<AllowedHost>,
    pub token_store: TokenStoreKind,
    /// False on a computer shared by many learners: the session lives in memory only, and
    /// ends (here and on the platform) when the app closes.
    pub remember_session: bool,
    /// After this long without the learner using the window, the session ends.
    pub sign_out_when_idle: Option<Duration>,
    pub updates: Updates,
}

fn allowed_hosts(value: &str) -> Result<Vec<AllowedHost>, ConfigError> {
    let invalid = || ConfigError::Invalid {
        key: Key::AllowedHosts,
        reason: Invalid::NotHosts,
    };
    value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            if entry.contains("://") || entry.contains(['/', '?', '#', '@']) {
                return Err(invalid());
            }
            let url = Url::parse(&format!("https://{entry}")).map_err(|_| invalid())?;
            let host = url
                .host_str()
                .filter(|h| !h.is_empty())
                .ok_or_else(invalid)?;
            Ok(AllowedHost {
                host: host.to_owned(),
                port: url.port(),
            })
        })
        .collect()
}

impl Settings {
    /// Checks every value; the first that cannot be used is named in the error.
    pub fn check(raw: &RawSettings) -> Result<Settings, ConfigError> {
        let auth_url = raw
            .get(Key::AuthUrl)
            .map(|v| check_url(Key::AuthUrl, v))
            .transpose()?
            .ok_or(ConfigError::Missing(Key::AuthUrl))?;
        // Every other address is held to the platform's: plain http only when the platform
        // itself is on this computer.
        let on_loopback = is_loopback(&auth_url);
        let url = |key| {
            raw.get(key)
                .map(|v| {
                    let url = check_url(key, v)?;
                    if scheme_allowed(&url, on_loopback) {
                        Ok(url)
                    } else {
                        Err(ConfigError::Invalid {
                            key,
                            reason: Invalid::NeedsHttps,
                        })
                    }
                })
                .transpose()
        };
        let client_id = raw
            .get(Key::ClientId)
            .ok_or(ConfigError::Missing(Key::ClientId))?;
        if client_id.len() > 256 || client_id.chars().any(char::is_control) {
            return Err(ConfigError::Invalid {
                key: Key::ClientId,
                reason: Invalid::NotAClientId,
            });
        }
        let api_url = url(Key::ApiUrl)?.unwrap_or_else(|| auth_url.clone());
        let profile_endpoint =
            url(Key::ProfileEndpoint)?.unwrap_or_else(|| join_path(&api_url, DEFAULT_PROFILE_PATH));
        let value = |key: Key| raw.get(key).or(key.default_value());
        let token_store = match value(Key::TokenStore) {
            Some("keychain") => TokenStoreKind::Keychain,
            Some("memory") => TokenStoreKind::Memory,
            _ => {
                return Err(ConfigError::Invalid {
                    key: Key::TokenStore,
                    reason: Invalid::NotAStore,
                })
            }
        };
        let invalid = |key, reason| ConfigError::Invalid { key, reason };
        let remember_session = match value(Key::RememberSession) {
            Some("true") => true,
            Some("false") => false,
            _ => return Err(invalid(Key::RememberSession, Invalid::NotYesOrNo)),
        };
        let sign_out_when_idle = match value(Key::SignOutWhenIdle) {
            None | Some("off") | Some("never") => None,
            Some(text) => Some(
                humantime::parse_duration(text)
                    .ok()
                    .filter(|d| (MIN_IDLE..=MAX_IDLE).contains(d))
                    .ok_or(invalid(Key::SignOutWhenIdle, Invalid::NotADuration))?,
            ),
        };
        let updates = Updates::check(raw)?;
        Ok(Settings {
            remember_session,
            sign_out_when_idle,
            updates,
            device_authorization_endpoint: url(Key::DeviceAuthorizationEndpoint)?,
            token_endpoint: url(Key::TokenEndpoint)?,
            revocation_endpoint: url(Key::RevocationEndpoint)?,
            scope: raw.get(Key::Scope).map(str::to_owned),
            allowed_hosts: raw
                .get(Key::AllowedHosts)
                .map(allowed_hosts)
                .transpose()?
                .unwrap_or_default(),
            client_id: client_id.to_owned(),
            auth_url,
            api_url,
            profile_endpoint,
            token_store,
        })
    }

    /// The platform as the learner knows it: its host (and port, when not the default).
    pub fn platform_label(&self) -> String {
        label_of(&self.auth_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(auth: &str) -> RawSettings {
        RawSettings::default()
            .with(Key::AuthUrl, auth)
            .with(Key::ClientId, "app")
    }

    #[test]
    fn defaults_follow_the_platform() {
        let s = Settings::check(&raw("https://auth.example/")).unwrap();
        assert_eq!(s.api_url.as_str(), "https://auth.example/");
        assert_eq!(
            s.profile_endpoint.as_str(),
            "https://auth.example/api/v1/users/current_user"
        );
        assert_eq!(s.token_endpoint, None);
        assert_eq!(s.token_store, TokenStoreKind::Keychain);
        assert_eq!(s.platform_label(), "auth.example");
    }

    #[test]
    fn the_profile_is_on_the_api_host() {
        let s = Settings::check(
            &raw("https://auth.example").with(Key::ApiUrl, "https://api.example/v2/"),
        )
        .unwrap();
        assert_eq!(
            s.profile_endpoint.as_str(),
            "https://api.example/v2/api/v1/users/current_user"
        );
    }

    #[test]
    fn an_https_platform_sends_nothing_over_plain_http() {
        let e =
            Settings::check(&raw("https://x.example").with(Key::ApiUrl, "http://127.0.0.1:3000"))
                .unwrap_err();
        assert_eq!(
            e,
            ConfigError::Invalid {
                key: Key::ApiUrl,
                reason: Invalid::NeedsHttps
            }
        );
        let local =
            Settings::check(&raw("http://127.0.0.1:4000").with(Key::ApiUrl, "http://[::1]:4001"))
                .unwrap();
        assert_eq!(local.api_url.as_str(), "http://[::1]:4001/");
    }

    #[test]
    fn every_value_is_checked_and_named() {
        let e = Settings::check(
            &raw("https://x.example").with(Key::TokenEndpoint, "http://evil.example/token"),
        )
        .unwrap_err();
        assert_eq!(
            e,
            ConfigError::Invalid {
                key: Key::TokenEndpoint,
                reason: Invalid::NeedsHttps
            }
        );
        assert_eq!(
            e.to_string(),
            "`token_endpoint` must use https (plain http only between this computer's own addresses)"
        );
        let e =
            Settings::check(&raw("https://x.example").with(Key::ClientId, "a\u{7}b")).unwrap_err();
        assert!(matches!(
            e,
            ConfigError::Invalid {
                key: Key::ClientId,
                ..
            }
        ));
        let e =
            Settings::check(&raw("https://x.example").with(Key::TokenStore, "disk")).unwrap_err();
        assert!(matches!(
            e,
            ConfigError::Invalid {
                key: Key::TokenStore,
                ..
            }
        ));
    }

    #[test]
    fn missing_platform_is_not_configured() {
        let e = Settings::check(&RawSettings::default()).unwrap_err();
        assert!(e.is_not_configured());
        let e = Settings::check(&raw("https://x.example").with(Key::ClientId, "  ")).unwrap_err();
        assert_eq!(e, ConfigError::Missing(Key::ClientId));
    }

    #[test]
    fn token_store_and_allowed_hosts() {
        let s = Settings::check(
            &raw("https://x.example")
                .with(Key::TokenStore, "memory")
                .with(Key::AllowedHosts, " Login.Example , ,sso.example:8443"),
        )
        .unwrap();
        assert_eq!(s.token_store, TokenStoreKind::Memory);
        assert_eq!(
            s.allowed_hosts,
            vec![
                AllowedHost {
                    host: "login.example".into(),
                    port: None
                },
                AllowedHost {
                    host: "sso.example".into(),
                    port: Some(8443)
                },
            ]
        );
        for bad in [
            "https://sso.example",
            "sso.example/path",
            "a@sso.example",
            "sso example",
        ] {
            let e = Settings::check(&raw("https://x.example").with(Key::AllowedHosts, bad))
                .unwrap_err();
            assert!(
                matches!(
                    e,
                    ConfigError::Invalid {
                        key: Key::AllowedHosts,
                        ..
                    }
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_shared_computer_and_an_idle_time() {
        let s = Settings::check(&raw("https://x.example")).unwrap();
        assert!(s.remember_session);
        assert_eq!(s.sign_out_when_idle, None);
        let s = Settings::check(
            &raw("https://x.example")
                .with(Key::RememberSession, "false")
                .with(Key::SignOutWhenIdle, "15m"),
        )
        .unwrap();
        assert!(!s.remember_session);
        assert_eq!(s.sign_out_when_idle, Some(Duration::from_secs(900)));
        for (key, value, reason) in [
            (Key::RememberSession, "no", Invalid::NotYesOrNo),
            (Key::SignOutWhenIdle, "soon", Invalid::NotADuration),
            (Key::SignOutWhenIdle, "0s", Invalid::NotADuration),
            (Key::SignOutWhenIdle, "3d", Invalid::NotADuration),
        ] {
            let e = Settings::check(&raw("https://x.example").with(key, value)).unwrap_err();
            assert_eq!(e, ConfigError::Invalid { key, reason }, "{value}");
        }
        let off = Settings::check(&raw("https://x.example").with(Key::SignOutWhenIdle, "off"));
        assert_eq!(off.unwrap().sign_out_when_idle, None);
    }
}
