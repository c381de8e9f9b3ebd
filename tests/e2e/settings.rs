//! Choosing the platform: a first start in a learner's words, and a school's locks.

use super::driver::*;

/// Nothing configured: only the platform's address is asked for; the client id only when
/// nobody supplies one, under Advanced.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn a_first_start_asks_for_the_address_only() {
    let _turn = take_turn().await;
    let platform = platform(fast_options()).await;
    let app = App::launch(Launch::first_start()).await;
    app.wait_visible("setup-auth-url").await;
    assert!(
        !app.is_visible("setup-client-id").await,
        "no client id in sight"
    );
    let words = app
        .script(
            "const walk = document.createTreeWalker(document.getElementById('app'), NodeFilter.SHOW_TEXT);
             let seen = 0;
             while (walk.nextNode()) {
               const n = walk.currentNode;
               if (/client id/i.test(n.data) && n.parentElement.checkVisibility()) seen++;
             }
             return seen;",
            vec![],
        )
        .await;
    assert_eq!(words, 0, "the words client id are nowhere in sight");
    app.wait_focus("setup-auth-url").await;
    app.screenshot("15-first-start").await;

    // Precise words for what cannot be used.
    app.type_into("setup-auth-url", "http://moncampus.example")
        .await;
    app.click("setup-save").await;
    let error = app.wait_text("setup-error", |t| !t.is_empty()).await;
    assert!(error.contains("https://"), "{error}");
    let invalid = app
        .script(
            "return document.getElementById('setup-auth-url').getAttribute('aria-invalid')",
            vec![],
        )
        .await;
    assert_eq!(invalid, "true");

    // The address as a person types it; the platform supplies no client id here, so it is
    // asked for, under Advanced.
    let typed = platform.auth_url().replace("http://", "HTTP://") + "/";
    app.type_into("setup-auth-url", &typed).await;
    app.click("setup-save").await;
    app.wait_visible("setup-client-id").await;
    app.wait_focus("setup-client-id").await;
    app.screenshot("16-client-id-needed").await;
    app.type_into("setup-client-id", demo_platform::DEMO_CLIENT_ID)
        .await;
    app.click("setup-save").await;
    assert_eq!(sign_in(&app, &platform).await, "Camille Martin");
    app.close().await;
}

/// A school's machine-wide file pins the platform: the Settings view shows it, read-only,
/// and says who manages it.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn the_settings_a_school_locked_are_shown_read_only() {
    let _turn = take_turn().await;
    let platform = platform(fast_options()).await;
    let app = App::launch(Launch {
        managed: Some(format!(
            "auth_url = \"{}\"\nclient_id = \"{}\"\nlocked = [\"auth_url\", \"client_id\"]\n",
            platform.auth_url(),
            demo_platform::DEMO_CLIENT_ID
        )),
        ..Launch::first_start()
    })
    .await;
    // Nothing configured by the learner, yet straight to Sign in.
    app.wait_visible("sign-in").await;
    app.click("settings").await;
    assert_eq!(
        app.wait_visible("setup-managed").await,
        "Your school manages some of these settings."
    );
    let read_only = app
        .script(
            "return document.getElementById('setup-auth-url').readOnly",
            vec![],
        )
        .await;
    assert_eq!(read_only, true);
    app.click("setup-advanced-toggle").await;
    let in_use = app.wait_visible("setup-in-use").await;
    assert!(in_use.contains("set by your school, locked"), "{in_use}");
    assert!(
        !app.is_visible("setup-client-id").await,
        "a locked client id is not typed"
    );
    app.screenshot("17-settings-locked").await;
    super::a11y::axe(&app, "settings-locked").await;
    app.click("setup-cancel").await;
    assert_eq!(sign_in(&app, &platform).await, "Camille Martin");
    app.close().await;
}
