//! Passerelle: sign in to a learning platform with the OAuth 2.0 device flow.

pub mod app;
pub mod flow;
pub mod logging;
pub mod session;
