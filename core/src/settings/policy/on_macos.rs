//! The managed preferences, read on macOS through CFPreferences: [`super::preferences`] says
//! what they mean. Type-checked here; linked and run on the macOS runners.

use core_foundation::array::CFArray;
use core_foundation::base::TCFType;
use core_foundation::boolean::CFBoolean;
use core_foundation::number::CFNumber;
use core_foundation::propertylist::CFPropertyList;
use core_foundation::string::{CFString, CFStringRef};
use core_foundation_sys::base::Boolean;
use core_foundation_sys::preferences::CFPreferencesCopyAppValue;

use super::preferences::{settings_of, Preference, PreferenceValue};
use super::sets::{Policies, PolicySet};
use crate::settings::{ConfigError, Key};
use crate::APP_ID;

#[link(name = "CoreFoundation", kind = "framework")]
extern "C" {
    /// Whether the value is forced by a configuration profile (core-foundation-sys does not
    /// declare it).
    fn CFPreferencesAppValueIsForced(key: CFStringRef, application_id: CFStringRef) -> Boolean;
}

pub fn read() -> Result<Policies, ConfigError> {
    let domain = CFString::new(APP_ID);
    let mut found = Vec::new();
    for key in Key::all() {
        let name = CFString::new(key.name());
        // SAFETY: two valid CFStrings; the value is ours to release (the Copy rule), which
        // wrapping it under the create rule does.
        let value = unsafe {
            let value =
                CFPreferencesCopyAppValue(name.as_concrete_TypeRef(), domain.as_concrete_TypeRef());
            if value.is_null() {
                continue;
            }
            CFPropertyList::wrap_under_create_rule(value)
        };
        // SAFETY: two valid CFStrings.
        let forced = unsafe {
            CFPreferencesAppValueIsForced(name.as_concrete_TypeRef(), domain.as_concrete_TypeRef())
        } != 0;
        found.push((
            key,
            Preference {
                value: typed(&value),
                forced,
            },
        ));
    }
    Ok(Policies {
        machine: PolicySet {
            mandatory: settings_of(APP_ID, found)?,
            ..PolicySet::default()
        },
        user: PolicySet::default(),
    })
}

fn typed(value: &CFPropertyList) -> PreferenceValue {
    if let Some(text) = value.downcast::<CFString>() {
        PreferenceValue::String(text.to_string())
    } else if let Some(flag) = value.downcast::<CFBoolean>() {
        PreferenceValue::Bool(flag.into())
    } else if let Some(number) = value.downcast::<CFNumber>() {
        number
            .to_i64()
            .map_or(PreferenceValue::Other("a number"), PreferenceValue::Integer)
    } else if let Some(items) = value.downcast::<CFArray>() {
        PreferenceValue::Array(
            items
                .iter()
                // SAFETY: an array of a property list holds property lists.
                .map(|item| typed(&unsafe { CFPropertyList::wrap_under_get_rule(*item) }))
                .collect(),
        )
    } else {
        PreferenceValue::Other("another type")
    }
}
