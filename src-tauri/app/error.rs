//! Errors of the app's commands, sent to the window as `{kind, setting, reason, message}`.

use passerelle_core::flow::FlowError;
use passerelle_core::settings::{ConfigError, Invalid, Key};
use serde::ser::SerializeStruct;

use super::words::Kind;

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
    #[error(transparent)]
    Flow(#[from] FlowError),
}

impl CommandError {
    pub fn kind(&self) -> Kind {
        match self {
            Self::NotConfigured => Kind::NotConfigured,
            Self::NoSignIn => Kind::NoSignIn,
            Self::UnsafeUrl => Kind::UnsafeUrl,
            Self::Desktop(_) => Kind::Desktop,
            Self::NotNow => Kind::NotNow,
            Self::ClientIdNeeded => Kind::ClientIdNeeded,
            Self::Locked(_) => Kind::Locked,
            Self::Setting(e) => e.into(),
            Self::SaveFailed(_) => Kind::SaveFailed,
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
            ConfigError::File { .. } => Self::SaveFailed(e),
            e => Self::Setting(e),
        }
    }
}

impl serde::Serialize for CommandError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (setting, reason) = self.setting();
        let mut s = serializer.serialize_struct("CommandError", 4)?;
        s.serialize_field("kind", &self.kind())?;
        s.serialize_field("setting", &setting)?;
        s.serialize_field("reason", &reason)?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_kind_setting_reason_and_message() {
        let e = CommandError::from(ConfigError::Invalid {
            key: Key::AuthUrl,
            reason: Invalid::NeedsHttps,
        });
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({
                "kind": "invalid_setting",
                "setting": "auth_url",
                "reason": "needs_https",
                "message": "`auth_url` must use https (plain http only between this computer's own addresses)"
            })
        );
        // A client that cannot be built is not "unreachable"; a file that cannot be
        // written is not a bad setting.
        let e = CommandError::from(FlowError::ClientSetup("no roots".into()));
        assert_eq!(e.kind(), Kind::ClientSetup);
        let e = CommandError::from(ConfigError::File {
            path: "/x".into(),
            line: None,
            problem: "read-only".into(),
        });
        assert_eq!(e.kind(), Kind::SaveFailed);
    }
}
