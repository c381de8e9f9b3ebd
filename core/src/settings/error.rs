//! Why a setting or a settings file cannot be used, in terms the window can put into words.

use std::path::PathBuf;

use serde::Serialize;
use strum::{EnumIter, IntoStaticStr};

use super::key::Key;

/// Why a value cannot be used, in terms the window can put into words.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, EnumIter, IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Invalid {
    #[error("is not a web address")]
    NotAnAddress,
    #[error("must use https (plain http only between this computer's own addresses)")]
    NeedsHttps,
    #[error("must be an https:// address")]
    NotWeb,
    #[error("must not contain a user name or password")]
    HasCredentials,
    #[error("must not contain `?` or `#`")]
    HasQuery,
    #[error("is not a client id")]
    NotAClientId,
    #[error("must be `keychain` or `memory`")]
    NotAStore,
    #[error("must be host names (or host:port), separated by commas")]
    NotHosts,
    #[error("must be `true` or `false`")]
    NotYesOrNo,
    #[error("must be a duration such as `15m` or `1h`, or `off`")]
    NotADuration,
    #[error("must be `notify`, `auto` or `off`")]
    NotAnUpdateMode,
    #[error("must be an https:// address")]
    NotAnUpdateFeed,
    #[error("is not a minisign public key (as `tauri signer generate` writes it)")]
    NotAKey,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("`{name}` is not set", name = .0.name())]
    Missing(Key),
    #[error("`{key}` {reason}", key = .key.name())]
    Invalid { key: Key, reason: Invalid },
    /// The machine-wide file could have been written by someone other than the system's
    /// administrators: it is not used (see `settings::trust`).
    #[error("{}: not used: {why}", path.display())]
    Untrusted { path: PathBuf, why: String },
    /// A policy the system's management tools set (a registry value, a managed preference)
    /// that cannot be used: named, with what it must be.
    #[error("{policy}: {problem}")]
    Policy { policy: String, problem: String },
    /// A settings file that cannot be read or does not parse; `problem` is the parser's
    /// own words, for the learner's support.
    #[error("{}{}: {problem}", path.display(), line.map(|l| format!(", line {l}")).unwrap_or_default())]
    File {
        path: PathBuf,
        line: Option<usize>,
        problem: String,
    },
}

impl ConfigError {
    pub fn file(path: &std::path::Path, line: Option<usize>, problem: impl Into<String>) -> Self {
        Self::File {
            path: path.to_owned(),
            line,
            problem: problem.into(),
        }
    }

    /// True when the platform simply has not been chosen yet (first start).
    pub fn is_not_configured(&self) -> bool {
        matches!(self, Self::Missing(Key::AuthUrl | Key::ClientId))
    }
}
