//! A learner's journeys in the real window: signing in through the browser, a denial, an
//! expired code, a platform that is down, French, a session remembered across restarts.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use demo_platform::{Decision, DemoOptions};
use passerelle::core::session::{Keychain, Vault};

use super::driver::*;

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn sign_in_through_the_browser_and_see_the_profile() {
    let _turn = take_turn().await;
    let platform = platform(fast_options()).await;
    let app = App::launch(Launch::platform(platform.auth_url())).await;
    app.wait_visible("sign-in").await;
    app.screenshot("1-signed-out").await;

    let code = signed_out_to_code(&app).await;
    assert_eq!(
        code.len(),
        8,
        "the demo's eight characters, and nothing added: {code:?}"
    );
    app.wait_visible("qr-code").await;
    let uri = app.wait_visible("verification-uri").await;
    assert_eq!(uri, format!("{}/oauth/device", platform.auth_url()));
    // The countdown starts at the platform's five minutes and ticks.
    let left = |t: &str| -> Option<u32> {
        let (m, s) = t.strip_prefix("The code expires in ")?.split_once(':')?;
        Some(m.parse::<u32>().ok()? * 60 + s.parse::<u32>().ok()?)
    };
    let first = app
        .wait_text("expires-in", |t| {
            left(t).is_some_and(|s| s > 280 && s <= 300)
        })
        .await;
    let first = left(&first).unwrap();
    app.wait_text("expires-in", |t| left(t).is_some_and(|s| s < first))
        .await;
    app.wait_text("status", |t| t.contains("Waiting")).await;
    app.screenshot("2-code-shown").await;

    app.click("open-browser").await;
    let opened = app.opened().await;
    let complete = format!("{}/oauth/device?user_code={code}", platform.auth_url());
    assert_eq!(
        opened,
        vec![complete.clone()],
        "the desktop was asked to open the verification page, in a browser that inherits none \
         of the webview's engine settings"
    );
    assert_eq!(
        app.clipboard().await,
        code,
        "the code copied, as the button says"
    );

    // The learner's browser: the link filled in the code; the learner types it anyway, as
    // they read it on the screen — a space wherever two characters stand further apart than
    // the others — and the platform (which matches codes exactly) accepts it.
    let read = as_read_on_screen(&app).await;
    assert_eq!(read, code, "drawn as one run of evenly spaced characters");
    let browser = Browser::launch().await;
    assert_eq!(browser.prefilled(&complete).await, code);
    let typed = browser
        .decide(
            &format!("{}/oauth/device", platform.auth_url()),
            &read,
            "authorize",
        )
        .await;
    assert_eq!(typed, "Device connected");
    browser.close().await;

    assert_eq!(
        app.wait_text("profile-name", |t| !t.is_empty()).await,
        "Camille Martin"
    );
    assert_eq!(
        app.wait_visible("profile-email").await,
        "camille.martin@example.com"
    );
    let since = app.wait_visible("profile-member-since").await;
    assert!(since.contains("2024"), "{since}");
    app.screenshot("3-profile").await;

    app.click("sign-out").await;
    assert_eq!(app.wait_visible("notice").await, "You are signed out.");
    app.screenshot("4-signed-out-again").await;
    // Gone from the page, not only hidden: the next learner's tools find nothing of this one.
    let page = app.client.source().await.unwrap();
    for trace in ["Camille Martin", "camille.martin@example.com", "2024"] {
        assert!(!page.contains(trace), "{trace} is still in the page");
    }
    // And no core dump of the app could hold its session.
    for pid in app.pids() {
        let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
        let core = limits
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .unwrap();
        assert!(core.split_whitespace().nth(4) == Some("0"), "{core}");
    }
    app.close().await;
}

/// The code as a person reads it off the screen: each character drawn, and a space where
/// the distance from one character to the next is clearly wider than the narrowest.
async fn as_read_on_screen(app: &App) -> String {
    let drawn = app
        .script(
            "const text = document.querySelector('[data-testid=user-code]').firstChild;
             const range = document.createRange();
             return [...text.data].map((c, i) => {
               range.setStart(text, i); range.setEnd(text, i + 1);
               return [c, range.getBoundingClientRect().left];
             });",
            vec![],
        )
        .await;
    let drawn: Vec<(String, f64)> = serde_json::from_value(drawn).unwrap();
    let steps: Vec<f64> = drawn.windows(2).map(|w| w[1].1 - w[0].1).collect();
    let narrowest = steps.iter().copied().fold(f64::INFINITY, f64::min);
    let mut read = String::new();
    for (i, (c, _)) in drawn.iter().enumerate() {
        if i > 0 && steps[i - 1] > narrowest * 1.4 {
            read.push(' ');
        }
        read.push_str(c);
    }
    read
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn denied_in_the_browser() {
    let _turn = take_turn().await;
    let platform = platform(fast_options()).await;
    let app = App::launch(Launch::platform(platform.auth_url())).await;
    let code = signed_out_to_code(&app).await;
    let browser = Browser::launch().await;
    let url = format!("{}/oauth/device", platform.auth_url());
    // A code typed with a character the platform never issued is another code.
    let dashed = format!("{}-{}", &code[..4], &code[4..]);
    assert!(browser
        .decide(&url, &dashed, "deny")
        .await
        .contains("unknown"));
    assert_eq!(browser.decide(&url, &code, "deny").await, "Request denied");
    browser.close().await;
    assert_eq!(app.wait_visible("error").await, "Sign-in declined");
    app.screenshot("5-error-denied").await;
    app.click("back").await;
    app.wait_visible("sign-in").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn expired_code_then_try_again() {
    let _turn = take_turn().await;
    let platform = platform(DemoOptions {
        expires_in: Duration::from_secs(4),
        ..fast_options()
    })
    .await;
    let app = App::launch(Launch::platform(platform.auth_url())).await;
    let first = signed_out_to_code(&app).await;
    assert_eq!(app.wait_visible("error").await, "The code expired");
    app.screenshot("6-error-expired").await;
    app.click("retry").await;
    let second = app
        .wait_text("user-code", |t| !t.is_empty() && t != first)
        .await;
    assert_ne!(second, first);
    app.click("cancel").await;
    app.wait_visible("sign-in").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn the_platform_is_down_at_start() {
    let _turn = take_turn().await;
    let down = format!("http://127.0.0.1:{}", free_port());
    let app = App::launch(Launch::platform(&down)).await;
    app.click("sign-in").await;
    assert_eq!(
        app.wait_visible("error").await,
        "The platform cannot be reached"
    );
    app.screenshot("7-error-unreachable").await;
    // Try again while still down: the same words, and the window still answers.
    app.click("retry").await;
    app.wait_visible("error").await;

    // Settings and about are reachable from here, and lead back.
    app.click("settings").await;
    let field = app
        .client
        .find(App::testid("setup-auth-url"))
        .await
        .unwrap();
    assert_eq!(field.prop("value").await.unwrap().unwrap(), down);
    app.screenshot("12-settings").await;
    app.click("setup-cancel").await;
    app.wait_visible("error").await;
    app.click("about").await;
    assert_eq!(
        app.wait_visible("about-version").await,
        env!("CARGO_PKG_VERSION")
    );
    app.screenshot("13-about").await;
    app.click("about-close").await;
    app.wait_visible("error").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn speaks_french_on_a_french_system() {
    let _turn = take_turn().await;
    let platform = platform(fast_options()).await;
    let app = App::launch(Launch {
        lang: "fr_FR.UTF-8",
        ..Launch::platform(platform.auth_url())
    })
    .await;
    assert_eq!(app.wait_visible("sign-in").await, "Se connecter");
    app.click("sign-in").await;
    app.wait_text("status", |t| t.starts_with("En attente"))
        .await;
    app.wait_text("expires-in", |t| t.starts_with("Le code expire"))
        .await;
    app.screenshot("8-code-shown-fr").await;

    // A second launch hands over to the running window and quits.
    let second = Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .env("PASSERELLE_CONFIG", app.config_file())
        .env("PASSERELLE_TOKEN_STORE", "memory")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut second = Process(second);
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = second.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the second launch did not hand over"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "{status}");
    app.wait_visible("user-code").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn stays_signed_in_across_restarts() {
    let _turn = take_turn().await;
    let platform = platform(fast_options()).await;
    let launch = || Launch {
        keychain: true,
        ..Launch::platform(platform.auth_url())
    };
    let keychain = Keychain::for_platform(
        passerelle::app::launch::KEYCHAIN_SERVICE,
        &url::Url::parse(platform.auth_url()).unwrap(),
    )
    .unwrap();
    let app = App::launch(launch()).await;
    assert_eq!(sign_in(&app, &platform).await, "Camille Martin");
    assert!(
        !app.is_visible("not-remembered").await,
        "the keychain is used"
    );
    let stored = keychain
        .load()
        .expect("the Secret Service answers")
        .expect("the session is in the keychain");

    // Quit and start again: the profile, without a code, in the window's last place.
    let app = app.restart(launch()).await;
    let window_state = app
        .scratch
        .path()
        .join("config/fr.passerelle.desktop/.window-state.json");
    assert!(
        window_state.exists(),
        "the window's size and position are remembered"
    );
    assert_eq!(app.wait_visible("profile-name").await, "Camille Martin");
    assert_eq!(
        platform.issued_secrets().len(),
        3,
        "no new code, no new token"
    );
    app.screenshot("9-profile-restored").await;

    app.click("sign-out").await;
    app.wait_visible("sign-in").await;
    assert_eq!(keychain.load().unwrap(), None, "the keychain entry is gone");
    let access = stored.access_token.as_ref().unwrap().expose();
    assert!(
        !platform.access_token_is_valid(access),
        "revoked on the platform"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn the_window_rides_out_a_platform_that_goes_down_and_comes_back() {
    let _turn = take_turn().await;
    let platform = platform(fast_options()).await;
    platform.go_down();
    let app = App::launch(Launch::platform(platform.auth_url())).await;

    // Down at start: a clear error, and Try again works once it is back.
    app.click("sign-in").await;
    assert_eq!(
        app.wait_visible("error").await,
        "The platform cannot be reached"
    );
    platform.come_back().await.unwrap();
    app.click("retry").await;
    let code = app.wait_text("user-code", |t| !t.is_empty()).await;

    // Down while polling: the window says so and keeps trying.
    app.wait_text("status", |t| t.starts_with("Waiting")).await;
    platform.go_down();
    app.wait_text("status", |t| {
        t.starts_with("The platform cannot be reached — retrying in")
    })
    .await;
    app.screenshot("11-platform-down-while-polling").await;
    assert!(platform.decide(&code, Decision::Approved));
    platform.come_back().await.unwrap();
    assert_eq!(app.wait_visible("profile-name").await, "Camille Martin");
    app.close().await;
}
