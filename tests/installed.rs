//! The installed package, as a learner gets it from a school: built for a platform (a
//! distribution file), installed with dpkg, started with no settings at all. It must open
//! on Sign in — no setup, no client id — and sign in.
//!
//! `scripts/check-deb` builds and installs that package, then runs this test with
//! `PASSERELLE_INSTALLED` (the installed program) and `PASSERELLE_DEMO_PORT` (where the
//! distribution file says the platform is). Left out of plain `cargo test`: there is no
//! installed package to try.
#![cfg(target_os = "linux")]

#[path = "e2e/driver/mod.rs"]
mod driver;

use std::path::PathBuf;

use demo_platform::DemoOptions;
use driver::*;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by scripts/check-deb"))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the installed package: scripts/check-deb runs it"]
async fn the_installed_package_opens_on_sign_in_and_signs_in() {
    let _turn = take_turn().await;
    let port: u16 = env("PASSERELLE_DEMO_PORT").parse().expect("a port");
    let platform = platform(DemoOptions {
        listen: ([127, 0, 0, 1], port).into(),
        ..fast_options()
    })
    .await;
    let app = App::launch(Launch {
        keychain: true,
        log: "passerelle=info",
        program: PathBuf::from(env("PASSERELLE_INSTALLED")),
        ..Launch::first_start()
    })
    .await;
    assert_eq!(app.wait_visible("sign-in").await, "Sign in");
    assert!(
        !app.is_visible("setup-auth-url").await,
        "no setup: the build knows its platform"
    );
    app.screenshot("installed-app").await;
    app.click("about").await;
    let built_for = app.wait_visible("about-built-for").await;
    assert_eq!(built_for, format!("127.0.0.1:{port}"));
    app.click("about-close").await;

    let code = signed_out_to_code(&app).await;
    let browser = Browser::launch().await;
    let page = format!("{}/oauth/device", platform.auth_url());
    assert_eq!(
        browser.decide(&page, &code, "authorize").await,
        "Device connected"
    );
    browser.close().await;
    assert_eq!(
        app.wait_text("profile-name", |t| !t.is_empty()).await,
        "Camille Martin"
    );
    app.screenshot("installed-app-profile").await;
    app.close().await;
}
