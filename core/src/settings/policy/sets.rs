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
    /// The policies that name no setting of this version (a newer template's): not used,
    /// and said, rather than stopping every learner's app.
    pub unknown: Vec<String>,
}

impl Policies {
    /// What was found but is not used, and why, for `--show-settings`.
    pub fn not_used(&self) -> impl Iterator<Item = String> + '_ {
        [&self.machine, &self.user].into_iter().flat_map(|set| {
            set.unknown
                .iter()
                .map(|policy| format!("{policy} is not used: it names no setting of this version"))
        })
    }

    pub fn is_empty(&self) -> bool {
        [&self.machine, &self.user]
            .iter()
            .all(|set| set.mandatory.is_empty() && set.recommended.is_empty())
    }
}
