//! `cargo run --example demo`: starts the demo platform on a free loopback port and opens
//! Passerelle configured for it. Sign in to the demo in your browser with the account the
//! verification page shows. The demo lives only in this example, never in the app itself;
//! it keeps its session in memory and its settings in a scratch folder removed at the end,
//! so it never touches your own keychain or settings.

use demo_platform::{DemoOptions, DemoPlatform, DEMO_CLIENT_ID};
use passerelle::app::{self, Launch};
use passerelle::core::settings::{Key, RawSettings};

fn main() {
    let _log_guard = passerelle::logging::init(None);
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let platform = runtime
        .block_on(DemoPlatform::start(DemoOptions::default()))
        .expect("the demo platform could not start");
    let user = platform.user();
    eprintln!(
        "Demo platform on {} — learner {} / {}",
        platform.auth_url(),
        user.email,
        user.password
    );
    let mut launch = Launch::new(
        RawSettings::default()
            .with(Key::AuthUrl, platform.auth_url())
            .with(Key::ClientId, DEMO_CLIENT_ID)
            .with(Key::TokenStore, "memory"),
    );
    let scratch = tempfile::tempdir().expect("a scratch folder");
    launch.startup.config_file = Some(scratch.path().join("config.toml"));
    app::run(launch);
}
