//! The installed package, as a learner gets it from a school: built for a platform (a
//! distribution file), installed with apt, started by an ordinary user with no settings at
//! all. It must open on Sign in — no setup, no client id — and sign in; offered an update,
//! it says who installs it. A copy of the learner's own updates itself. Neither ever starts
//! a privileged helper.
//!
//! `scripts/check-deb` builds and installs that package, then runs these tests as an
//! ordinary user with `PASSERELLE_INSTALLED` (the installed program), `PASSERELLE_DEMO_PORT`
//! (where the distribution file says the platform is) and the releases it built and
//! signed. Left out of plain `cargo test`: there is no installed package to try.
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

/// The feed's answer for `version`: its artifact for `target` at `url`, signed with
/// `signature`, and its notes signed with `notes_signature`.
fn manifest(
    version: &str,
    target: &str,
    url: &str,
    signature: &str,
    notes_signature: &str,
) -> String {
    serde_json::json!({
        "version": version,
        "notes": NOTES,
        "notes_signature": notes_signature,
        "pub_date": "2026-12-01T00:00:00Z",
        "platforms": {target: {"url": url, "signature": signature}}
    })
    .to_string()
}

/// The release notes `scripts/check-deb` signed.
const NOTES: &str = "Faster start.\nClearer messages.";

fn read(name: &str) -> String {
    std::fs::read_to_string(env(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What the stand-ins for `pkexec`, `sudo`, `zenity`, `kdialog` and `gksudo`, first in
/// `PATH`, were asked: each notes its name and arguments.
fn elevations() -> String {
    std::fs::read_to_string(env("PASSERELLE_ELEVATION_LOG")).unwrap_or_default()
}

/// The app as a learner starts it: `program`, with the session in memory.
fn as_a_learner(program: &str) -> Launch {
    Launch {
        keychain: false,
        log: "passerelle=info,passerelle_core=info",
        program: PathBuf::from(program),
        ..Launch::first_start()
    }
}

/// The installed package — `/usr/bin/passerelle`, root's, run by an ordinary user — is
/// offered N+1, correctly signed with its own key: it says who installs it, offers no
/// button, downloads nothing, and starts no privileged helper.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the installed package and a signed update: scripts/check-deb runs it"]
async fn a_copy_installed_for_the_computer_says_who_updates_it_and_asks_no_one() {
    let _turn = take_turn().await;
    let port: u16 = env("PASSERELLE_DEMO_PORT").parse().expect("a port");
    let next = env("PASSERELLE_UPDATE_VERSION");
    let deb = std::fs::read(env("PASSERELLE_UPDATE_DEB")).expect("the update's .deb");
    let platform = platform_on(port).await;
    let url = platform.host_artifact("passerelle.deb", deb, std::time::Duration::ZERO);
    let signature = read("PASSERELLE_UPDATE_DEB_SIG");
    let notes = read("PASSERELLE_NOTES_SIG");
    platform.publish(&manifest(
        &next,
        "linux-x86_64-deb",
        &url,
        &signature,
        &notes,
    ));

    let app = App::launch(as_a_learner(&env("PASSERELLE_INSTALLED"))).await;
    app.wait_visible("sign-in").await;
    let said = app.wait_visible("update-text").await;
    assert_eq!(
        said,
        format!("Passerelle {next} is available. This copy is installed for the whole computer: your system’s software updates or your school install it.")
    );
    assert!(
        !app.is_visible("update-now").await,
        "no button that cannot work"
    );
    app.screenshot("update-managed").await;
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    assert_eq!(platform.downloads(), 0, "nothing downloaded");
    assert_eq!(elevations(), "", "no privileged helper started");
    app.close().await;

    // A copy of the kind a learner may own — an AppImage — in a folder only root can write,
    // with updates set to `auto`: the same words, and still nothing downloaded.
    let appimage = std::fs::read(env("PASSERELLE_UPDATE_APPIMAGE")).expect("the AppImage");
    let url = platform.host_artifact("Passerelle.AppImage", appimage, std::time::Duration::ZERO);
    let signature = read("PASSERELLE_UPDATE_SIG");
    platform.publish(&manifest(
        &next,
        "linux-x86_64-appimage",
        &url,
        &signature,
        &notes,
    ));
    let program = env("PASSERELLE_MACHINE_COPY");
    let app = App::launch(Launch {
        env: vec![
            ("APPIMAGE".into(), program.clone()),
            ("PASSERELLE_UPDATES".into(), "auto".into()),
        ],
        ..as_a_learner(&program)
    })
    .await;
    app.wait_visible("sign-in").await;
    let said = app.wait_visible("update-text").await;
    assert!(said.contains("installed for the whole computer"), "{said}");
    assert!(!app.is_visible("update-now").await);
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    assert_eq!(platform.downloads(), 0, "auto, but nothing downloaded");
    assert_eq!(elevations(), "", "no privileged helper started");
    app.close().await;
}

/// A copy of the learner's own — an AppImage in their home — is offered N+1, updates
/// through its progress bar, restarts as N+1 and says so, with the notes its key signed.
/// Then an artifact tampered with, and one signed by another key, are refused. Never a
/// privileged helper.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the installed package and a signed update: scripts/check-deb runs it"]
async fn a_copy_of_the_learner_s_own_updates_itself_and_only_with_its_key() {
    let _turn = take_turn().await;
    let port: u16 = env("PASSERELLE_DEMO_PORT").parse().expect("a port");
    let next = env("PASSERELLE_UPDATE_VERSION");
    let program = env("PASSERELLE_OWN_COPY");
    let update = std::fs::read(env("PASSERELLE_UPDATE_APPIMAGE")).expect("the update");
    let platform = platform_on(port).await;
    let pace = std::time::Duration::from_millis(150);
    let target = "linux-x86_64-appimage";
    let url = platform.host_artifact("Passerelle.AppImage", update.clone(), pace);
    let (signature, notes) = (read("PASSERELLE_UPDATE_SIG"), read("PASSERELLE_NOTES_SIG"));
    platform.publish(&manifest(&next, target, &url, &signature, &notes));
    // As the AppImage runtime says where the AppImage is.
    let options = || Launch {
        env: vec![("APPIMAGE".into(), program.clone())],
        ..as_a_learner(&program)
    };
    let before = std::fs::read(&program).unwrap();
    assert_ne!(before, update);

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
    // The AppImage replaced, then started again by itself: a new process of the same
    // program, outside the driver's reach.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while std::fs::read(&program).ok().as_ref() != Some(&update) {
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

    // Started again under the driver: N+1, and it says so until read, with its notes.
    let app = app.restart(options()).await;
    let said = app.wait_visible("update-text").await;
    assert_eq!(said, format!("Updated to Passerelle {next}."));
    assert_eq!(app.wait_visible("update-notes").await, NOTES);
    app.screenshot("update-done").await;
    app.click("dismiss-update").await;
    app.click("about").await;
    assert_eq!(app.wait_visible("about-version").await, next);
    app.click("about-close").await;

    // N+2 announced, its artifact tampered with, then signed by a stranger: refused.
    let mut tampered = update.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x55;
    let refusals = [
        (tampered, "PASSERELLE_UPDATE_SIG_NEXT"),
        (update.clone(), "PASSERELLE_STRANGER_SIG_NEXT"),
    ];
    let mut app = app;
    for (bytes, signature) in refusals {
        let url = platform.host_artifact("Passerelle-next.AppImage", bytes, pace);
        platform.publish(&manifest("99.0.0", target, &url, &read(signature), ""));
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
        assert_eq!(
            std::fs::read(&program).unwrap(),
            update,
            "{signature}: nothing installed"
        );
        assert!(app.is_visible("sign-in").await, "the app goes on as it was");
    }
    app.screenshot("update-refused").await;
    assert_eq!(elevations(), "", "no privileged helper started");
    app.close().await;
}

/// The school switched updates off and locked it (`scripts/check-deb` wrote its file, as
/// root): not one request goes to the feed.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the installed package and the school's file: scripts/check-deb runs it"]
async fn a_school_that_switched_updates_off_sends_nothing_to_the_feed() {
    let _turn = take_turn().await;
    let school = std::fs::read_to_string("/etc/passerelle/config.toml").unwrap_or_default();
    assert!(school.contains("updates = \"off\""), "{school}");
    let port: u16 = env("PASSERELLE_DEMO_PORT").parse().expect("a port");
    let platform = platform_on(port).await;
    platform.publish(&manifest(
        &env("PASSERELLE_UPDATE_VERSION"),
        "linux-x86_64-deb",
        &format!("{}/nothing", platform.auth_url()),
        &read("PASSERELLE_UPDATE_DEB_SIG"),
        "",
    ));
    let app = App::launch(as_a_learner(&env("PASSERELLE_INSTALLED"))).await;
    app.wait_visible("sign-in").await;
    // Three times as long as the first check waits.
    tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    assert_eq!(
        platform.feed_requests(),
        0,
        "updates off: the feed was asked"
    );
    assert!(!app.is_visible("update").await);
    app.close().await;
}
