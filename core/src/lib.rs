//! Passerelle without the window: everything that signs a learner in, with no Tauri and no
//! WebKit in reach. Read it in this order:
//!
//! 1. [`settings`] — which platform, and how to reach it: the layers settings come from
//!    (build, school, learner), the locks a school puts on them, and the checks every
//!    value passes.
//! 2. [`flow`] — the OAuth 2.0 device flow (RFC 8628), step by step: ask for a code, show
//!    it, poll the token endpoint at the server's pace, read the profile.
//! 3. [`session`] — staying signed in: where the tokens are kept (the OS keychain), and
//!    resuming, refreshing and ending a session.
//! 4. [`machine`] — the app without its window: the sign-in machine, its state, the views
//!    it derives and pushes, and the traits the window, the desktop and the installer
//!    implement.
//!
//! Beside them: [`http`], how every request reaches the web (the platform's and the update
//! feed's); [`paths`], where each file lives on each system; [`update`], how a copy updates
//! itself; [`language`], the window's language; [`epoch`], [`awake`] and [`sync`], small
//! helpers.

/// The app's identifier, as in `tauri.conf.json`: the keychain's service name and the name
/// of the app's folders.
pub const APP_ID: &str = "fr.passerelle.desktop";

#[cfg(feature = "client")]
pub mod awake;
pub mod epoch;
pub mod language;
pub mod paths;
pub mod settings;
pub mod sync;
pub mod update;

#[cfg(feature = "client")]
pub mod flow;
#[cfg(feature = "client")]
pub mod http;
#[cfg(feature = "client")]
pub mod machine;
#[cfg(feature = "client")]
pub mod session;
