//! The device-flow client: plain Rust, no Tauri types, usable and testable on its own.

pub mod client;
pub mod config;
pub mod error;
pub mod http;
pub mod poll;
pub mod protocol;
pub mod secret;

pub use client::{DeviceFlowClient, Endpoints, PendingSignIn};
pub use config::{RawSettings, Settings};
pub use error::FlowError;
pub use poll::PollProgress;
pub use protocol::{DeviceAuthorization, Profile, TokenResponse};
pub use secret::Secret;
