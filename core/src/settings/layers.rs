//! Where settings come from, and which one wins.
//!
//! From strongest to weakest: what is locked — the machine's policies, the user's policies,
//! the keys the school's file locks — then command-line flags, environment variables, the
//! learner's own file, then defaults a learner may change — the machine's and the user's
//! recommended policies, the rest of the school's file — and what the build was made with
//! (a distribution file). A setting that belongs to a platform (its API address, endpoints,
//! scope, client id…) is taken only from a layer that names no other platform, so one
//! platform's settings are never sent with another's tokens; and a locked platform address
//! locks them all.

use std::collections::BTreeMap;

use serde::Serialize;

use super::address::same_platform;
use super::checked::Settings;
use super::error::ConfigError;
use super::key::Key;
use super::policy::Policies;
use super::raw::RawSettings;
use super::school::{Locks, SchoolFile};
use super::updates::Updates;

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::EnumIter)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Built into this copy of the app by its distributor.
    Build,
    /// A default the school recommends: a `Recommended` policy.
    Recommended,
    /// The school's machine-wide file.
    School,
    /// The learner's own settings file (what the Settings view writes).
    File,
    Environment,
    Flags,
    /// A policy for this account (`HKEY_CURRENT_USER`).
    UserPolicy,
    /// A policy for the whole computer (`HKEY_LOCAL_MACHINE`, a configuration profile).
    MachinePolicy,
}

impl Layer {
    /// The layers a learner can change; they do not count for a locked setting.
    fn is_learners(self) -> bool {
        matches!(self, Layer::Flags | Layer::Environment | Layer::File)
    }

    /// Set by the school (or whoever manages the computer).
    pub fn is_schools(self) -> bool {
        matches!(
            self,
            Layer::Recommended | Layer::School | Layer::UserPolicy | Layer::MachinePolicy
        )
    }
}

/// Every layer, as read at start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    pub build: RawSettings,
    pub policies: Policies,
    pub school: SchoolFile,
    pub file: RawSettings,
    pub env: RawSettings,
    pub flags: RawSettings,
}

/// The settings in force, and where each came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merged {
    pub raw: RawSettings,
    pub from: BTreeMap<Key, Layer>,
    pub locks: Locks,
}

impl Merged {
    pub fn settings(&self) -> Result<Settings, ConfigError> {
        Settings::check(&self.raw)
    }

    /// Whether and how this copy updates itself: known without a platform, since a copy
    /// updates before anyone chose one too.
    pub fn updates(&self) -> Result<Updates, ConfigError> {
        Updates::check(&self.raw)
    }

    pub fn is_locked(&self, key: Key) -> bool {
        self.locks.covers(key)
    }

    /// A computer shared by a class (`remember_session = false`), whatever the platform, or
    /// none chosen yet.
    pub fn is_shared_computer(&self) -> bool {
        self.raw.get(Key::RememberSession) == Some("false")
    }

    /// Some setting in force is the school's.
    pub fn is_managed(&self) -> bool {
        self.from.values().any(|layer| layer.is_schools()) || self.locks != Locks::None
    }
}

impl Sources {
    /// What is locked: the school file's locks, and every setting a mandatory policy sets.
    fn locks(&self) -> Locks {
        let mandatory = [
            &self.policies.machine.mandatory,
            &self.policies.user.mandatory,
        ];
        mandatory
            .iter()
            .flat_map(|raw| raw.keys())
            .fold(self.school.locks.clone(), Locks::with)
    }

    pub fn merge(&self) -> Merged {
        let locks = self.locks();
        let (machine, user) = (&self.policies.machine, &self.policies.user);
        let school_locks = &self.school.locks;
        // Strongest first, each with the keys it may give: the school file's locked keys
        // count among the locked layers, the others among the defaults.
        let layers: [(Layer, &RawSettings, Gives); 10] = [
            (Layer::MachinePolicy, &machine.mandatory, &|_| true),
            (Layer::UserPolicy, &user.mandatory, &|_| true),
            (Layer::School, &self.school.settings, &|key| {
                school_locks.covers(key)
            }),
            (Layer::Flags, &self.flags, &|_| true),
            (Layer::Environment, &self.env, &|_| true),
            (Layer::File, &self.file, &|_| true),
            (Layer::Recommended, &machine.recommended, &|_| true),
            (Layer::Recommended, &user.recommended, &|_| true),
            (Layer::School, &self.school.settings, &|_| true),
            (Layer::Build, &self.build, &|_| true),
        ];
        // The first layer that may give `key` a value and does, skipping a layer that names
        // another platform than `platform` for a setting that belongs to one.
        let pick = |key: Key, platform: Option<&str>| {
            layers.iter().find_map(|(layer, raw, gives)| {
                let elsewhere = key.follows_platform()
                    && raw
                        .get(Key::AuthUrl)
                        .zip(platform)
                        .is_some_and(|(own, used)| !same_platform(own, used));
                let kept_from_learners = locks.covers(key) || key.is_the_distributors();
                if !gives(key) || elsewhere || (kept_from_learners && layer.is_learners()) {
                    return None;
                }
                raw.get(key).map(|value| (*layer, value))
            })
        };
        let platform = pick(Key::AuthUrl, None).map(|(_, value)| value);
        let mut merged = Merged {
            locks: locks.clone(),
            ..Merged::default()
        };
        for key in Key::all() {
            if let Some((layer, value)) = pick(key, platform) {
                merged.raw.set(key, value);
                merged.from.insert(key, layer);
            }
        }
        merged
    }
}

/// Which keys a layer may give.
type Gives<'a> = &'a dyn Fn(Key) -> bool;

#[cfg(test)]
#[path = "layers_tests.rs"]
mod tests;
