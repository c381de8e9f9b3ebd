//! Errors of the app's commands, sent to the window as `{kind, message}`.

use serde::ser::SerializeStruct;

use crate::flow::config::ConfigError;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("no platform is configured")]
    NotConfigured,
    #[error("no sign-in is in progress")]
    NoSignIn,
    /// The verification URL failed the safety checks; the window shows it as text.
    #[error("the verification page's address is not one this app opens")]
    UnsafeUrl,
    #[error("the desktop refused: {0}")]
    Desktop(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl CommandError {
    pub fn kind(&self) -> String {
        match self {
            Self::NotConfigured => "not_configured".into(),
            Self::NoSignIn => "no_sign_in".into(),
            Self::UnsafeUrl => "unsafe_url".into(),
            Self::Desktop(_) => "desktop".into(),
            Self::Config(ConfigError::Missing(setting) | ConfigError::Invalid { setting, .. }) => {
                format!("invalid_{setting}")
            }
            Self::Config(ConfigError::File { .. }) => "config_file".into(),
        }
    }
}

impl serde::Serialize for CommandError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("CommandError", 2)?;
        s.serialize_field("kind", &self.kind())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_kind_and_message() {
        let e = CommandError::Config(ConfigError::Invalid {
            setting: "auth_url",
            reason: "must use https".into(),
        });
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"kind": "invalid_auth_url", "message": "`auth_url` is invalid: must use https"})
        );
    }
}
