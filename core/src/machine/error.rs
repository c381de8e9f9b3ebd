//! Errors of the app's commands, sent to the window as an [`ErrorAnswer`].

use serde::Serialize;

use super::message::Message;
use crate::flow::FlowError;
use crate::settings::{ConfigError, Invalid, Key};

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("no platform is configured")]
    NotConfigured,
    #[error("no sign-in is in progress")]
    NoSignIn,
    /// The verification page is not on the platform; the window shows it as text.
    #[error("the verification page's address is not one this app opens")]
    UnsafeUrl,
    #[error("the desktop refused: {0}")]
    Desktop(String),
    /// Not in the view it belongs to (a window reconfiguring the app behind its back).
    #[error("this cannot be done now")]
    NotNow,
    #[error("this platform needs a client id")]
    ClientIdNeeded,
    #[error("`{name}` is set by the school", name = .0.name())]
    Locked(Key),
    /// A setting that cannot be used, named.
    #[error(transparent)]
    Setting(ConfigError),
    #[error("the settings could not be saved: {0}")]
    SaveFailed(ConfigError),
    /// The learner did not confirm moving to another platform.
    #[error("the learner kept the platform in use")]
    NotConfirmed,
    /// Asked too often in the last minute (a page looping on it).
    #[error("asked too often; wait a moment")]
    TooFast,
    #[error(transparent)]
    Flow(#[from] FlowError),
}

impl CommandError {
    pub fn message(&self) -> Message {
        match self {
            Self::NotConfigured => Message::NotConfigured,
            Self::NoSignIn => Message::NoSignIn,
            Self::UnsafeUrl => Message::UnsafeUrl,
            Self::Desktop(_) => Message::Desktop,
            Self::NotNow => Message::NotNow,
            Self::ClientIdNeeded => Message::ClientIdNeeded,
            Self::Locked(_) => Message::Locked,
            Self::Setting(e) => e.into(),
            Self::SaveFailed(_) => Message::SaveFailed,
            Self::NotConfirmed => Message::NotConfirmed,
            Self::TooFast => Message::TooFast,
            Self::Flow(e) => e.into(),
        }
    }

    /// The setting an error is about, and why it cannot be used.
    pub fn setting(&self) -> (Option<Key>, Option<Invalid>) {
        match self {
            Self::Locked(key) => (Some(*key), None),
            Self::ClientIdNeeded => (Some(Key::ClientId), None),
            Self::Setting(ConfigError::Missing(key)) => (Some(*key), None),
            Self::Setting(ConfigError::Invalid { key, reason }) => (Some(*key), Some(*reason)),
            _ => (None, None),
        }
    }
}

impl From<ConfigError> for CommandError {
    fn from(e: ConfigError) -> Self {
        match e {
            ConfigError::File { .. }
            | ConfigError::Untrusted { .. }
            | ConfigError::Policy { .. } => Self::SaveFailed(e),
            e => Self::Setting(e),
        }
    }
}

/// A command's error as the window reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ErrorAnswer {
    pub message: Message,
    /// The setting it is about, and why that cannot be used.
    pub setting: Option<Key>,
    pub reason: Option<Invalid>,
    /// Our own words, for support.
    pub detail: String,
}

impl Serialize for CommandError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (setting, reason) = self.setting();
        ErrorAnswer {
            message: self.message(),
            setting,
            reason,
            detail: self.to_string(),
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_message_setting_reason_and_detail() {
        let e = CommandError::from(ConfigError::Invalid {
            key: Key::AuthUrl,
            reason: Invalid::NeedsHttps,
        });
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({
                "message": "invalid_setting",
                "setting": "auth_url",
                "reason": "needs_https",
                "detail": "`auth_url` must use https (plain http only between this computer's own addresses)"
            })
        );
        // A client that cannot be built is not "unreachable"; a file that cannot be
        // written is not a bad setting.
        let e = CommandError::from(FlowError::ClientSetup("no roots".into()));
        assert_eq!(e.message(), Message::ClientSetup);
        let e = CommandError::from(ConfigError::File {
            path: "/x".into(),
            line: None,
            problem: "read-only".into(),
        });
        assert_eq!(e.message(), Message::SaveFailed);
    }
}
