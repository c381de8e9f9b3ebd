//! Policies in the registry, as Group Policy and Intune write them from Passerelle's ADMX
//! templates (`policies/windows/`): one value per setting, named as the setting, under
//! [`KEY`] (mandatory) and [`RECOMMENDED`] (defaults), in `HKEY_LOCAL_MACHINE` and
//! `HKEY_CURRENT_USER`. Text as `REG_SZ`; true or false as a `REG_DWORD` of 1 or 0, or the
//! words; lists of hosts as a `REG_MULTI_SZ`, or a comma-separated `REG_SZ`. Read on
//! Windows only; what the values mean is decided here, on every system.

use super::super::error::ConfigError;
use super::super::key::Key;
use super::super::raw::RawSettings;
use super::super::value::{self, Written};

/// The policies' key, under each hive. Never under `SOFTWARE\Policies\Microsoft`, which
/// Intune's ADMX ingestion refuses.
pub const KEY: &str = r"SOFTWARE\Policies\Passerelle";
/// The defaults a learner may change: a subkey of [`KEY`].
pub const RECOMMENDED: &str = r"SOFTWARE\Policies\Passerelle\Recommended";

/// A registry value, as the system typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryValue {
    Sz(String),
    Dword(u32),
    MultiSz(Vec<String>),
    /// Another type (`REG_BINARY`, `REG_QWORD`, `REG_EXPAND_SZ`…), named.
    Other(&'static str),
}

impl From<RegistryValue> for Written {
    fn from(value: RegistryValue) -> Self {
        match value {
            RegistryValue::Sz(text) => Written::Text(text),
            RegistryValue::Dword(n) => Written::Number(n.into()),
            RegistryValue::MultiSz(items) => Written::List(items),
            RegistryValue::Other(kind) => Written::Other(kind.into()),
        }
    }
}

/// The settings the values under one policy key set; `key` names it in errors
/// (`HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Passerelle`), and the values that name no
/// setting of this version — a newer template's, say — which are not used, rather than
/// stopping every learner's app. Value names are matched as the registry matches them,
/// whatever their case; a value whose type or value cannot be used is an error naming the
/// policy and the value.
pub fn settings_of(
    key: &str,
    values: impl IntoIterator<Item = (String, RegistryValue)>,
) -> Result<(RawSettings, Vec<String>), ConfigError> {
    let mut raw = RawSettings::default();
    let mut unknown = Vec::new();
    for (name, value) in values {
        // The key's default value, which no template writes.
        if name.is_empty() {
            continue;
        }
        let policy = format!(r"{key}\{name}");
        let Some(setting) = Key::from_name(&name.to_ascii_lowercase()) else {
            unknown.push(policy);
            continue;
        };
        let problem = |problem: String| ConfigError::Policy {
            policy: policy.clone(),
            problem,
        };
        let written = Written::from(value);
        let text = match written {
            Written::Number(_) if setting.kind() != super::super::key::Kind::Flag => {
                return Err(problem(format!(
                    "`{}` must be {}, as a REG_SZ",
                    setting.name(),
                    setting.kind().expects()
                )))
            }
            written => value::read(setting, written).map_err(problem)?,
        };
        raw.set(setting, text);
    }
    Ok((raw, unknown))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HKLM: &str = r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Passerelle";

    fn values(list: &[(&str, RegistryValue)]) -> Vec<(String, RegistryValue)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn values_as_group_policy_writes_them() {
        let raw = settings_of(
            HKLM,
            values(&[
                ("auth_url", RegistryValue::Sz("https://moncampus.fr".into())),
                ("Remember_Session", RegistryValue::Dword(0)),
                (
                    "allowed_hosts",
                    RegistryValue::MultiSz(vec!["sso.example".into(), "id.example:8443".into()]),
                ),
                ("updates", RegistryValue::Sz("off".into())),
                ("", RegistryValue::Sz("the key's default value".into())),
                ("a_later_setting", RegistryValue::Sz("x".into())),
            ]),
        )
        .unwrap();
        let (raw, unknown) = raw;
        assert_eq!(unknown, [format!(r"{HKLM}\a_later_setting")]);
        assert_eq!(raw.get(Key::AuthUrl), Some("https://moncampus.fr"));
        assert_eq!(raw.get(Key::RememberSession), Some("false"));
        assert_eq!(
            raw.get(Key::AllowedHosts),
            Some("sso.example,id.example:8443")
        );
        assert_eq!(raw.get(Key::Updates), Some("off"));
        assert_eq!(raw.keys().count(), 4);
    }

    #[test]
    fn a_value_that_cannot_be_used_names_the_policy_and_the_value() {
        let e = settings_of(
            HKLM,
            values(&[("remember_session", RegistryValue::Dword(7))]),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Passerelle\remember_session: `remember_session` must be true or false"
        );
        let e = settings_of(HKLM, values(&[("auth_url", RegistryValue::Dword(1))])).unwrap_err();
        assert!(
            e.to_string()
                .contains(r"Passerelle\auth_url: `auth_url` must be"),
            "{e}"
        );
        let e = settings_of(
            HKLM,
            values(&[("scope", RegistryValue::Other("REG_BINARY"))]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("`scope` must be text"), "{e}");
    }
}
