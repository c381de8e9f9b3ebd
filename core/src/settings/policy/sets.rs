//! The settings policies set: the machine's and the user's, each mandatory or recommended.

use super::super::raw::RawSettings;

/// The policies in force on this computer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policies {
    /// For every account of the computer (`HKLM`; a configuration profile).
    pub machine: PolicySet,
    /// For this account (`HKCU`, which only an administrator can write).
    pub user: PolicySet,
}

/// The settings one source of policies sets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicySet {
    /// Locked: no learner's layer can change them.
    pub mandatory: RawSettings,
    /// Defaults the learner may change.
    pub recommended: RawSettings,
}

impl Policies {
    pub fn is_empty(&self) -> bool {
        [&self.machine, &self.user]
            .iter()
            .all(|set| set.mandatory.is_empty() && set.recommended.is_empty())
    }
}
