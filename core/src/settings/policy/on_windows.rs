//! The registry's policies, read on Windows: [`super::registry`] says what they mean.

use windows_registry::{Type, Value, CURRENT_USER, LOCAL_MACHINE};

use super::registry::{settings_of, RegistryValue, KEY, RECOMMENDED};
use super::sets::{Policies, PolicySet};
use crate::settings::{ConfigError, RawSettings};

pub fn read() -> Result<Policies, ConfigError> {
    let policies = Policies {
        machine: set(&LOCAL_MACHINE, "HKEY_LOCAL_MACHINE")?,
        user: set(&CURRENT_USER, "HKEY_CURRENT_USER")?,
    };
    #[cfg(feature = "client")]
    for why in policies.not_used() {
        tracing::warn!(why, "a policy is not used");
    }
    Ok(policies)
}

fn set(hive: &windows_registry::Key, hive_name: &str) -> Result<PolicySet, ConfigError> {
    let (mandatory, mut unknown) = values(hive, hive_name, KEY)?;
    let (recommended, more) = values(hive, hive_name, RECOMMENDED)?;
    unknown.extend(more);
    Ok(PolicySet {
        mandatory,
        recommended,
        unknown,
    })
}

/// The settings the values under `hive\path` set, and the values that name none; nothing
/// when the key is not there.
fn values(
    hive: &windows_registry::Key,
    hive_name: &str,
    path: &str,
) -> Result<(RawSettings, Vec<String>), ConfigError> {
    let name = format!(r"{hive_name}\{path}");
    let Ok(key) = hive.open(path) else {
        return Ok(Default::default());
    };
    let values = key.values().map_err(|e| ConfigError::Policy {
        policy: name.clone(),
        problem: format!("cannot be read: {e}"),
    })?;
    settings_of(
        &name,
        values.map(|(value_name, value)| (value_name, typed(value))),
    )
}

fn typed(value: Value) -> RegistryValue {
    match value.ty() {
        Type::String => {
            String::try_from(value).map_or(RegistryValue::Other("REG_SZ"), RegistryValue::Sz)
        }
        Type::U32 => {
            u32::try_from(value).map_or(RegistryValue::Other("REG_DWORD"), RegistryValue::Dword)
        }
        Type::MultiString => Vec::<String>::try_from(value)
            .map_or(RegistryValue::Other("REG_MULTI_SZ"), RegistryValue::MultiSz),
        Type::ExpandString => RegistryValue::Other("REG_EXPAND_SZ"),
        Type::U64 => RegistryValue::Other("REG_QWORD"),
        Type::Bytes => RegistryValue::Other("REG_BINARY"),
        Type::Other(_) => RegistryValue::Other("an unknown type"),
    }
}
