//! The settings a distributor built into this copy (`PASSERELLE_DISTRIBUTION` at build
//! time, checked by `build.rs` with the same rules as every other setting). A plain build
//! has none, and asks for the platform at first start.

use std::path::Path;

use passerelle_core::settings::{RawSettings, Settings};

const BUILT_IN: &str = include_str!(concat!(env!("OUT_DIR"), "/distribution.toml"));

pub fn settings() -> RawSettings {
    RawSettings::parse(BUILT_IN, Path::new("(built in)")).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the built-in settings cannot be read");
        RawSettings::default()
    })
}

/// The platform this copy was built for, as the learner knows it.
pub fn built_for() -> Option<String> {
    Settings::check(&settings())
        .ok()
        .map(|s| s.platform_label())
}
