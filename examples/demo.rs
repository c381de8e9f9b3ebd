//! `cargo run --example demo`: starts the demo platform on a free loopback port and opens
//! Passerelle configured for it. Sign in to the demo in your browser with the account the
//! verification page shows. The demo lives only in this example, never in the app itself.

use demo_platform::{DemoOptions, DemoPlatform, DEMO_CLIENT_ID};
use passerelle::flow::RawSettings;

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
    // The demo's settings come from here; the learner's own settings file is left alone.
    let scratch = std::env::temp_dir().join("passerelle-demo-config.toml");
    std::env::set_var("PASSERELLE_CONFIG", &scratch);
    passerelle::app::run(RawSettings {
        auth_url: Some(platform.auth_url().into()),
        client_id: Some(DEMO_CLIENT_ID.into()),
        ..RawSettings::default()
    });
}
