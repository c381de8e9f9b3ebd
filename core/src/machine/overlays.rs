//! Settings and about over the current view, and what support needs to help.

use std::time::SystemTime;

use super::error::CommandError;
use super::state::{Overlay, Phase};
use super::Machine;
use crate::settings::origin_of;

impl Machine {
    /// Shows the version, the licence and the platform over the current view.
    pub fn open_about(&self) {
        self.apply(|state| {
            if state.may_open(Overlay::About) {
                state.overlay = Some(Overlay::About);
            }
        });
    }

    /// Back from settings or about to what was there before.
    pub fn close_overlay(&self) {
        self.apply(|state| state.overlay = None);
    }

    /// What support needs to help, for the clipboard: the platform's origin, never a
    /// secret or a server's words.
    pub fn support_details(&self) -> String {
        let state = self.lock();
        let platform = state.platform.as_ref().map_or_else(
            || "not configured".to_owned(),
            |p| origin_of(&p.settings().auth_url),
        );
        // Our own words, never a server's: who issued a certificate refused, which proxy
        // asked what (its origin, never its credentials).
        let (error, detail) = match &state.phase {
            Phase::Failed(failure) => (failure.message.name(), failure.detail.as_str()),
            Phase::Unusable(problem) => (problem.message.name(), problem.detail.as_str()),
            _ => ("none", ""),
        };
        format!(
            "Passerelle {}\nOS: {} {}\nPlatform: {}\nBuilt for: {}\nError: {}\nDetail: {}\nTime: {}\n",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH,
            platform,
            state.built_for.as_deref().unwrap_or("any platform"),
            error,
            detail,
            humantime::format_rfc3339_seconds(SystemTime::now()),
        )
    }

    pub fn copy_support_details(&self) -> Result<(), CommandError> {
        self.0
            .desktop
            .copy_text(&self.support_details())
            .map_err(CommandError::Desktop)
    }
}
