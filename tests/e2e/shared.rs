//! A shared school computer and a laptop off the Wi-Fi, in the real window: a session that
//! ends with the app (the window closed, SIGTERM as a log-out sends it, an idle time),
//! each proven by the platform's own record; and the profile shown while the platform
//! cannot be reached.

use std::process::Command;
use std::time::{Duration, Instant};

use super::driver::*;

fn shared(auth_url: &str) -> Launch {
    let mut launch = Launch::platform(auth_url);
    launch
        .args
        .extend(["--remember-session".into(), "false".into()]);
    launch
}

/// Waits until the platform holds no live refresh token: the session was revoked there.
async fn revoked(platform: &demo_platform::DemoPlatform) {
    let deadline = Instant::now() + WAIT;
    while !platform.live_refresh_tokens().is_empty() {
        assert!(
            Instant::now() < deadline,
            "the session is still live on the platform"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn closing_the_window_of_a_shared_computer_ends_the_session() {
    let _turn = take_turn().await;
    let platform = platform(fast_options()).await;
    let app = App::launch(shared(platform.auth_url())).await;
    assert_eq!(sign_in(&app, &platform).await, "Camille Martin");
    assert!(app
        .wait_visible("session-kept")
        .await
        .starts_with("Signed in since"));
    assert_eq!(
        app.wait_visible("not-remembered").await,
        "This computer is shared: your session ends when you close Passerelle."
    );
    app.screenshot("19-shared-computer-profile").await;
    assert_eq!(platform.live_refresh_tokens().len(), 1);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/e2e/close_window.py");
    let status = Command::new("/usr/bin/python3")
        .arg(script)
        .status()
        .unwrap();
    assert!(status.success(), "the window was asked to close");
    revoked(&platform).await;
    let deadline = Instant::now() + WAIT;
    while !app.pids().is_empty() {
        assert!(Instant::now() < deadline, "the app did not close");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn a_log_out_ends_a_shared_computer_s_session() {
    let _turn = take_turn().await;
    let platform = platform(fast_options()).await;
    let app = App::launch(shared(platform.auth_url())).await;
    sign_in(&app, &platform).await;
    // What the system sends at log-out.
    let status = Command::new("kill")
        .arg("-TERM")
        .args(app.pids())
        .status()
        .unwrap();
    assert!(status.success());
    revoked(&platform).await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn a_session_left_idle_ends_and_the_window_says_why() {
    let _turn = take_turn().await;
    let platform = platform(fast_options()).await;
    let mut launch = Launch::platform(platform.auth_url());
    launch
        .args
        .extend(["--sign-out-when-idle".into(), "4s".into()]);
    let app = App::launch(launch).await;
    sign_in(&app, &platform).await;
    // Nobody touches the window (reading it through WebDriver is not using it).
    assert_eq!(
        app.wait_visible("notice").await,
        "You were signed out because Passerelle was not used for a while."
    );
    app.screenshot("20-signed-out-idle").await;
    super::a11y::axe(&app, "signed out after an idle time").await;
    revoked(&platform).await;
    app.close().await;
}

/// Learner A signs in on a shared computer; the profile cannot be read right after the
/// approval, and A walks away from the error. At the idle limit A's session ends, revoked on
/// the platform, and the window says why: learner B's Try again cannot become A.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn a_session_behind_an_error_ends_at_the_idle_limit() {
    let _turn = take_turn().await;
    let platform = platform(fast_options()).await;
    let mut launch = shared(platform.auth_url());
    launch
        .args
        .extend(["--sign-out-when-idle".into(), "4s".into()]);
    let app = App::launch(launch).await;
    platform.faults().inject(
        demo_platform::Target::Api,
        demo_platform::Fault::ServerError,
        1,
    );
    let code = signed_out_to_code(&app).await;
    assert!(platform.decide(&code, demo_platform::Decision::Approved));
    app.wait_visible("error").await;
    assert_eq!(
        platform.live_refresh_tokens().len(),
        1,
        "A's session is held"
    );
    assert_eq!(
        app.wait_visible("notice").await,
        "You were signed out because Passerelle was not used for a while."
    );
    revoked(&platform).await;
    assert!(!app.is_visible("retry").await, "nothing to try again");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn offline_the_profile_is_still_there() {
    let _turn = take_turn().await;
    let platform = platform(fast_options()).await;
    let launch = || Launch {
        keychain: true,
        ..Launch::platform(platform.auth_url())
    };
    let app = App::launch(launch()).await;
    sign_in(&app, &platform).await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Quit, the platform goes away, start again: the profile last read, marked offline.
    platform.go_down();
    let app = app.restart(launch()).await;
    assert_eq!(app.wait_visible("profile-name").await, "Camille Martin");
    let mark = app.wait_visible("offline").await;
    assert!(mark.starts_with("Offline — last updated"), "{mark}");
    app.wait_visible("profile-retry").await;
    app.screenshot("21-offline-profile").await;
    super::a11y::axe(&app, "the profile, offline").await;

    // Back: refreshed without a click, the mark gone.
    platform.come_back().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(40);
    while app.is_visible("offline").await {
        assert!(Instant::now() < deadline, "still marked offline");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(!app.is_visible("profile-retry").await);
    assert_eq!(app.wait_visible("profile-name").await, "Camille Martin");
    app.click("sign-out").await;
    app.wait_visible("sign-in").await;
    app.close().await;
}
