//! End to end: the real app in a real window (tauri-driver and WebKitWebDriver, under
//! Xvfb), the demo platform on loopback, and headless Chromium for the learner's side.
//! `scripts/test` installs nothing: it runs them under Xvfb with the tools
//! `scripts/install-deps` installs, and they fail, never skip, when one is missing.
//!
//! Built wherever tauri-driver exists (Linux, Windows); run on Linux, where this machine
//! and CI have Xvfb and WebKitWebDriver.
#![cfg(any(target_os = "linux", windows))]

mod a11y;
mod driver;
mod journeys;
mod network;
mod security;
mod settings;
mod shared;
