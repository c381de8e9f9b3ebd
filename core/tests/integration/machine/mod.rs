//! The sign-in machine on tokio's paused clock, against the demo platform on loopback (in
//! the same runtime, so it keeps the same time) or stand-ins for the keychain, the window
//! and the desktop. Every race the app has to win is here, in virtual time.

pub mod harness;
mod hostile;
mod installs;
mod offline;
mod races;
mod school;
mod sessions;
mod settings;
mod shared;
mod sign_in;
mod updates;
