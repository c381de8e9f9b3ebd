//! Passerelle: sign in to a learning platform with the OAuth 2.0 device flow. The window
//! (`app`) over the core crate, `passerelle_core`, which holds everything else.

pub mod app;
pub mod distribution;
pub mod logging;

pub use passerelle_core as core;
