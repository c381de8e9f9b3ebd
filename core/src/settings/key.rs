//! The name of each setting: as a TOML key, a flag and an environment variable.

use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumString, IntoEnumIterator, IntoStaticStr};

/// One setting. Its TOML key is its snake_case name (`auth_url`), its flag the same with
/// dashes (`--auth-url`), its environment variable `PASSERELLE_` and the name in capitals.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    EnumIter,
    EnumString,
    IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Key {
    AuthUrl,
    ApiUrl,
    ClientId,
    Scope,
    DeviceAuthorizationEndpoint,
    TokenEndpoint,
    RevocationEndpoint,
    ProfileEndpoint,
    AllowedHosts,
    TokenStore,
    RememberSession,
    SignOutWhenIdle,
    Updates,
    UpdateUrl,
    UpdatePubkey,
}

/// What a setting's value is: how a file, the registry or a configuration profile writes it,
/// and how the policy templates offer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A web address.
    Address,
    /// A line of text.
    Text,
    /// `true` or `false`.
    Flag,
    /// A duration such as `15m` or `1h`, or `off`.
    Duration,
    /// Host names, each `host` or `host:port`.
    Hosts,
    /// One of a few words.
    Choice(&'static [&'static str]),
}

impl Key {
    pub fn all() -> impl Iterator<Item = Key> {
        Key::iter()
    }

    /// The TOML key, e.g. `auth_url`.
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn from_name(name: &str) -> Option<Key> {
        name.parse().ok()
    }

    /// `--auth-url`, without the dashes in front.
    pub fn flag(self) -> String {
        self.name().replace('_', "-")
    }

    /// `PASSERELLE_AUTH_URL`.
    pub fn env_var(self) -> String {
        format!("PASSERELLE_{}", self.name().to_ascii_uppercase())
    }

    /// What this setting's value is.
    pub fn kind(self) -> Kind {
        match self {
            Key::AuthUrl
            | Key::ApiUrl
            | Key::DeviceAuthorizationEndpoint
            | Key::TokenEndpoint
            | Key::RevocationEndpoint
            | Key::ProfileEndpoint
            | Key::UpdateUrl => Kind::Address,
            Key::ClientId | Key::Scope | Key::UpdatePubkey => Kind::Text,
            Key::AllowedHosts => Kind::Hosts,
            Key::TokenStore => Kind::Choice(&["keychain", "memory"]),
            Key::RememberSession => Kind::Flag,
            Key::SignOutWhenIdle => Kind::Duration,
            Key::Updates => Kind::Choice(&["notify", "auto", "off"]),
        }
    }

    /// The value used when no layer gives one, for the settings that have one of their own
    /// (the others follow the platform, or the server's metadata).
    pub fn default_value(self) -> Option<&'static str> {
        match self {
            Key::TokenStore => Some("keychain"),
            Key::RememberSession => Some("true"),
            Key::SignOutWhenIdle => Some("off"),
            Key::Updates => Some("notify"),
            _ => None,
        }
    }

    pub fn help(self) -> &'static str {
        match self {
            Key::AuthUrl => "Address of the platform's authorization server",
            Key::ApiUrl => "Address of the platform's API (default: the authorization server's)",
            Key::ClientId => "This app's client id, registered with the platform",
            Key::Scope => "OAuth scope to ask for (none by default)",
            Key::DeviceAuthorizationEndpoint => {
                "Device authorization endpoint (default: server metadata, else the platform's path)"
            }
            Key::TokenEndpoint => {
                "Token endpoint (default: server metadata, else the platform's path)"
            }
            Key::RevocationEndpoint => {
                "Revocation endpoint (default: server metadata, else the platform's path)"
            }
            Key::ProfileEndpoint => "Profile endpoint (default: the platform's path under api_url)",
            Key::AllowedHosts => {
                "Other hosts (host or host:port, comma-separated) the platform's pages may be on"
            }
            Key::TokenStore => "Where the session is kept: keychain (default) or memory",
            Key::RememberSession => {
                "Keep the session between runs: true (default), or false on a shared computer"
            }
            Key::SignOutWhenIdle => {
                "Sign out after this long without use, e.g. 15m (default: never)"
            }
            Key::Updates => "Updates: notify (default), auto, or off",
            Key::UpdateUrl => "Where this copy's updates are announced (a release manifest)",
            Key::UpdatePubkey => "The public key this copy's updates are signed with",
        }
    }

    /// Where updates come from and the key they are signed with: only the build's or the
    /// school's, never a learner's layer — what runs as the learner must not be able to
    /// have a copy install an update signed by a key of its own.
    pub fn is_the_distributors(self) -> bool {
        matches!(self, Key::UpdateUrl | Key::UpdatePubkey)
    }

    /// Settings that belong to one platform: given with another platform's address, they
    /// are not used, and changing platform drops them. Where and how long sessions are kept
    /// does not depend on the platform.
    pub fn follows_platform(self) -> bool {
        !matches!(
            self,
            Key::AuthUrl
                | Key::TokenStore
                | Key::RememberSession
                | Key::SignOutWhenIdle
                | Key::Updates
                | Key::UpdateUrl
                | Key::UpdatePubkey
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_flags_and_variables() {
        assert_eq!(
            Key::DeviceAuthorizationEndpoint.name(),
            "device_authorization_endpoint"
        );
        assert_eq!(Key::AuthUrl.flag(), "auth-url");
        assert_eq!(Key::AllowedHosts.env_var(), "PASSERELLE_ALLOWED_HOSTS");
        assert_eq!(Key::from_name("token_store"), Some(Key::TokenStore));
        assert_eq!(Key::from_name("tokenstore"), None);
        assert_eq!(Key::all().count(), 15);
        for key in Key::all() {
            assert_eq!(Key::from_name(key.name()), Some(key));
            let json = serde_json_name(key);
            assert_eq!(json, key.name());
        }
    }

    fn serde_json_name(key: Key) -> String {
        toml::Value::try_from(key)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }
}
