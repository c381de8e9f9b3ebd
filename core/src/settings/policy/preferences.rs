//! Policies on macOS: the managed preferences a configuration profile (Jamf, Intune, Apple
//! School Manager) delivers for the app's identifier, one key per setting. Only the values
//! the system reports as forced are policy: a learner's own `defaults write` never is.
//! Read on macOS only; what the values mean is decided here, on every system.

use super::super::error::ConfigError;
use super::super::key::Key;
use super::super::raw::RawSettings;
use super::super::value::{self, Written};

/// A preference's value, as the property list holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum PreferenceValue {
    String(String),
    Bool(bool),
    Integer(i64),
    Array(Vec<PreferenceValue>),
    /// Another type (a date, data, a dictionary…), named.
    Other(&'static str),
}

impl From<PreferenceValue> for Written {
    fn from(value: PreferenceValue) -> Self {
        match value {
            PreferenceValue::String(text) => Written::Text(text),
            PreferenceValue::Bool(flag) => Written::Flag(flag),
            PreferenceValue::Integer(n) => Written::Number(n),
            PreferenceValue::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    PreferenceValue::String(text) => Some(text),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
                .map_or_else(
                    || Written::Other("an array of other things than strings".into()),
                    Written::List,
                ),
            PreferenceValue::Other(kind) => Written::Other(kind.into()),
        }
    }
}

/// A preference as the system reports it: its value, and whether it is forced.
#[derive(Debug, Clone, PartialEq)]
pub struct Preference {
    pub value: PreferenceValue,
    pub forced: bool,
}

/// The settings the forced preferences of `domain` (the app's identifier) set, one per
/// setting's name; a forced value that cannot be used is an error naming it.
pub fn settings_of(
    domain: &str,
    preferences: impl IntoIterator<Item = (Key, Preference)>,
) -> Result<RawSettings, ConfigError> {
    let mut raw = RawSettings::default();
    for (key, preference) in preferences.into_iter().filter(|(_, p)| p.forced) {
        let text =
            value::read(key, preference.value.into()).map_err(|problem| ConfigError::Policy {
                policy: format!("{domain} {}", key.name()),
                problem,
            })?;
        raw.set(key, text);
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forced(value: PreferenceValue) -> Preference {
        Preference {
            value,
            forced: true,
        }
    }

    #[test]
    fn forced_preferences_are_policy_and_a_learner_s_own_are_not() {
        let raw = settings_of(
            "fr.passerelle.desktop",
            [
                (
                    Key::AuthUrl,
                    forced(PreferenceValue::String("https://moncampus.fr".into())),
                ),
                (Key::RememberSession, forced(PreferenceValue::Bool(false))),
                (
                    Key::AllowedHosts,
                    forced(PreferenceValue::Array(vec![PreferenceValue::String(
                        "sso.example".into(),
                    )])),
                ),
                // `defaults write fr.passerelle.desktop client_id mine`: not forced.
                (
                    Key::ClientId,
                    Preference {
                        value: PreferenceValue::String("mine".into()),
                        forced: false,
                    },
                ),
            ],
        )
        .unwrap();
        assert_eq!(raw.get(Key::AuthUrl), Some("https://moncampus.fr"));
        assert_eq!(raw.get(Key::RememberSession), Some("false"));
        assert_eq!(raw.get(Key::AllowedHosts), Some("sso.example"));
        assert_eq!(raw.get(Key::ClientId), None);
        let e = settings_of(
            "fr.passerelle.desktop",
            [(Key::Updates, forced(PreferenceValue::Integer(3)))],
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "fr.passerelle.desktop updates: `updates` must be one of \"notify\", \"auto\", \"off\""
        );
    }
}
