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

use demo_platform::{DemoOptions, DemoPlatform};
use driver::*;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by scripts/check-deb"))
}

/// The demo platform on the port the build names, once the other test's has let go of it
/// (its runtime may still be shutting down when this test's turn comes).
async fn platform_on(port: u16) -> DemoPlatform {
    let options = DemoOptions {
        listen: ([127, 0, 0, 1], port).into(),
        ..fast_options()
    };
    for _ in 0..100 {
        if let Ok(platform) = DemoPlatform::start(options.clone()).await {
            return platform;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("port {port} stays taken");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the installed package: scripts/check-deb runs it"]
async fn the_installed_package_opens_on_sign_in_and_signs_in() {
    let _turn = take_turn().await;
    let port: u16 = env("PASSERELLE_DEMO_PORT").parse().expect("a port");
    let platform = platform_on(port).await;
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

/// The feed's answer for `version`, its artifact at `url` signed with `signature`.
fn manifest(version: &str, url: &str, signature: &str) -> String {
    serde_json::json!({
        "version": version,
        "notes": "Faster start.\nClearer messages.",
        "pub_date": "2026-12-01T00:00:00Z",
        "platforms": {"linux-x86_64-deb": {"url": url, "signature": signature}}
    })
    .to_string()
}

fn installed_version() -> String {
    let out = std::process::Command::new("dpkg-query")
        .args(["-W", "-f=${Version}", "passerelle"])
        .output()
        .expect("dpkg-query runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The installed version N, built to take its updates from the demo platform's feed and
/// to trust the tests' throw-away key, is offered N+1 (built and signed by
/// `scripts/check-deb`), updates through its progress bar, restarts as N+1 and says so.
/// Then an artifact tampered with, and one signed by another key, are refused; and with
/// `updates = "off"` locked by the school, the feed is not asked at all.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the installed package and a signed update: scripts/check-deb runs it"]
async fn the_installed_package_updates_itself_and_only_with_its_key() {
    let _turn = take_turn().await;
    let port: u16 = env("PASSERELLE_DEMO_PORT").parse().expect("a port");
    let next = env("PASSERELLE_UPDATE_VERSION");
    let deb = std::fs::read(env("PASSERELLE_UPDATE_DEB")).expect("the update's .deb");
    let read = |name: &str| std::fs::read_to_string(env(name)).expect("a signature");
    let platform = platform_on(port).await;
    let pace = std::time::Duration::from_millis(150);
    let url = platform.host_artifact("passerelle.deb", deb.clone(), pace);
    platform.publish(&manifest(&next, &url, &read("PASSERELLE_UPDATE_SIG")));
    let program = PathBuf::from(env("PASSERELLE_INSTALLED"));
    let options = || Launch {
        // In memory: the other test's session, in the same keyring, is not this platform's.
        keychain: false,
        log: "passerelle=info,passerelle_core=info",
        program: program.clone(),
        ..Launch::first_start()
    };
    let before = installed_version();
    assert_ne!(before, next);

    let app = App::launch(options()).await;
    app.wait_visible("sign-in").await;
    let offer = app.wait_visible("update-text").await;
    assert_eq!(offer, format!("Passerelle {next} is available."));
    app.screenshot("update-offer").await;
    // This version's process: once its program is replaced, its own goes by another name.
    let first = app.pids();
    assert_eq!(first.len(), 1, "{first:?}");
    app.click("update-now").await;
    app.wait_visible("update-progress").await;
    app.wait_text("update-amount", |t| t.contains(" of ")).await;
    app.screenshot("update-progress").await;
    // Installed with dpkg (through sudo, as root here), then started again by itself: a
    // new process of the same program, outside the driver's reach.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while installed_version() != next {
        // Gone once the program restarts: then only the version installed tells.
        let shown = app
            .client
            .execute(
                "return document.getElementById('update-text').textContent",
                vec![],
            )
            .await;
        let failed = shown.ok().and_then(|v| v.as_str().map(str::to_owned));
        let failed = failed.unwrap_or_default();
        assert!(!failed.contains("could not"), "{failed}\n{}", app.output());
        assert!(
            std::time::Instant::now() < deadline,
            "never installed\n{}",
            app.output()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let restarted = loop {
        let now = app.pids();
        if !now.is_empty() && now != first {
            break now;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never restarted\n{}",
            app.output()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert_eq!(restarted.len(), 1, "{restarted:?}");
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    // The restarted window, as the learner sees it (not the driver's: none drives it).
    if let Err(e) = window_screenshot(&artifacts().join("update-restarted.png")) {
        eprintln!("no screenshot update-restarted: {e}");
    }

    // Started again under the driver: N+1, and it says so until read.
    let app = app.restart(options()).await;
    let said = app.wait_visible("update-text").await;
    assert_eq!(said, format!("Updated to Passerelle {next}."));
    assert_eq!(
        app.wait_visible("update-notes").await,
        "Faster start.\nClearer messages."
    );
    app.screenshot("update-done").await;
    app.click("dismiss-update").await;
    app.click("about").await;
    assert_eq!(app.wait_visible("about-version").await, next);
    app.click("about-close").await;

    // N+2 announced, its artifact tampered with, then signed by a stranger: refused.
    let mut tampered = deb.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x55;
    let refusals = [
        (tampered, "PASSERELLE_UPDATE_SIG_NEXT"),
        (deb.clone(), "PASSERELLE_STRANGER_SIG_NEXT"),
    ];
    let mut app = app;
    for (bytes, signature) in refusals {
        let url = platform.host_artifact("passerelle-next.deb", bytes, pace);
        platform.publish(&manifest("99.0.0", &url, &read(signature)));
        app = app.restart(options()).await;
        app.wait_visible("sign-in").await;
        app.wait_text("update-text", |t| t.contains("99.0.0")).await;
        app.click("update-now").await;
        let refused = app
            .wait_text("update-text", |t| t.contains("verified"))
            .await;
        assert_eq!(
            refused,
            "The update could not be verified, so it was not installed. Passerelle goes on as it was."
        );
        assert_eq!(installed_version(), next, "{signature}: nothing installed");
        assert!(app.is_visible("sign-in").await, "the app goes on as it was");
    }
    app.screenshot("update-refused").await;

    // The school switches updates off and locks it: not one request to the feed.
    let school = std::path::Path::new("/etc/passerelle/config.toml");
    std::fs::create_dir_all(school.parent().unwrap()).unwrap();
    std::fs::write(school, "updates = \"off\"\nlocked = [\"updates\"]\n").unwrap();
    let asked = platform.feed_requests();
    let app = app.restart(options()).await;
    app.wait_visible("sign-in").await;
    // Three times as long as the first check waits.
    tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    assert_eq!(
        platform.feed_requests(),
        asked,
        "updates off: the feed was asked"
    );
    assert!(!app.is_visible("update").await);
    std::fs::remove_file(school).unwrap();
    app.close().await;
}
