//! The core's integration tests, in one binary: the client against the demo platform on
//! loopback (its device flow, hostile servers, load, proxies, clean logs), the parsers
//! against arbitrary input, the real keychain, what only Windows has, and the sign-in
//! machine on a paused clock.

mod common;
mod device_flow;
mod docs;
mod hostile_servers;
mod keychain;
mod load;
mod logs;
mod machine;
mod network;
mod parsers;
mod policies;

#[cfg(windows)]
mod windows;
