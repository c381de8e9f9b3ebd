//! Passerelle: sign in to a learning platform with the OAuth 2.0 device flow.

/// The app's identifier, as in `tauri.conf.json`: the keychain's service name and the name
/// of its folders.
pub const APP_ID: &str = "fr.passerelle.desktop";

pub mod app;
pub mod flow;
pub mod logging;
pub mod session;
