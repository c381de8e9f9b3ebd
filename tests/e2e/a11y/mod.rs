//! Everyone can sign in: axe-core in every state, in both languages and both themes; what
//! screen readers hear over a minute of waiting; the whole journey by keyboard; 200 % text
//! at the window's smallest size.

mod announcements;
mod keyboard;
mod screen_reader;
mod zoom;

use std::time::Duration;

use demo_platform::{Decision, Fault, Target};
use serde_json::json;

use super::driver::*;

/// axe-core, at the version `scripts/vendor-axe` pins.
const AXE: &str = include_str!("../../vendor/axe-core/axe.min.js");

/// Runs axe-core on the window as it is; panics with every violation found.
pub(crate) async fn axe(app: &App, state: &str) {
    let loaded = app
        .script("return typeof window.axe === 'object'", vec![])
        .await;
    if loaded != json!(true) {
        app.script(&format!("{AXE}\nreturn null;"), vec![]).await;
    }
    // Let the last change settle (the view may be fading in).
    tokio::time::sleep(Duration::from_millis(600)).await;
    let results = app
        .script_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document)
               .then(r => done({ passed: r.passes.length, violations: r.violations.map(v => ({
                  rule: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary) })) }))
               .catch(e => done({ passed: 0, violations: [{ rule: 'axe failed', help: String(e) }] }));",
            vec![],
        )
        .await;
    let violations = results["violations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let passed = results["passed"].as_u64().unwrap_or(0);
    assert!(
        passed >= 10,
        "axe-core checked {passed} rules in `{state}`: {results}"
    );
    if !violations.is_empty() {
        app.screenshot(&format!("axe-{state}")).await;
    }
    assert!(
        violations.is_empty(),
        "axe-core found {} violation(s) in `{state}`:\n{}",
        violations.len(),
        serde_json::to_string_pretty(&violations).unwrap()
    );
}

/// The view on screen, as the window rendered it.
async fn state(app: &App) -> String {
    let v = app
        .script(
            "const s = [...document.querySelectorAll('main > section')].find(s => !s.hidden); return s ? s.id : null;",
            vec![],
        )
        .await;
    v.as_str().unwrap_or_default().to_owned()
}

async fn wait_state(app: &App, id: &str) {
    for _ in 0..200 {
        if state(app).await == id {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.screenshot(&format!("timeout-{id}")).await;
    panic!(
        "the window never showed {id}; it shows {}",
        state(app).await
    );
}

/// Sign in, then an error of `fault` when asking for a code; axe on it; back.
async fn error_from_fault(
    app: &App,
    platform: &demo_platform::DemoPlatform,
    fault: Fault,
    name: &str,
) {
    platform
        .faults()
        .inject(Target::DeviceAuthorization, fault, 1);
    app.click("sign-in").await;
    wait_state(app, "view-error").await;
    axe(app, name).await;
    app.click("back").await;
    wait_state(app, "view-signed-out").await;
}

/// Every state, in English and French, light and dark: no violation.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn every_state_passes_axe_in_both_languages_and_themes() {
    let _turn = take_turn().await;
    for (lang, dark) in [
        ("en_US.UTF-8", false),
        ("fr_FR.UTF-8", false),
        ("en_US.UTF-8", true),
        ("fr_FR.UTF-8", true),
    ] {
        let tag = format!("{}-{}", &lang[..2], if dark { "dark" } else { "light" });
        let platform = platform(fast_options()).await;
        let launch = || Launch {
            lang,
            dark,
            keychain: true,
            ..Launch::first_start()
        };
        let app = App::launch(launch()).await;
        let dark_seen = app
            .script(
                "return matchMedia('(prefers-color-scheme: dark)').matches",
                vec![],
            )
            .await;
        assert_eq!(
            dark_seen,
            json!(dark),
            "the window follows the system's theme"
        );

        // First start, then with an error in the form.
        wait_state(&app, "view-setup").await;
        axe(&app, &format!("setup-{tag}")).await;
        app.type_into("setup-auth-url", "ftp://moncampus.example")
            .await;
        app.click("setup-save").await;
        app.wait_text("setup-error", |t| !t.is_empty()).await;
        axe(&app, &format!("setup-error-{tag}")).await;
        // Nobody supplies a client id: asked for under Advanced.
        app.type_into("setup-auth-url", platform.auth_url()).await;
        app.click("setup-save").await;
        app.wait_visible("setup-client-id").await;
        axe(&app, &format!("setup-client-id-needed-{tag}")).await;
        app.type_into("setup-client-id", demo_platform::DEMO_CLIENT_ID)
            .await;
        app.click("setup-save").await;

        wait_state(&app, "view-signed-out").await;
        axe(&app, &format!("signed-out-{tag}")).await;
        app.click("sign-in").await;
        let code = app.wait_text("user-code", |t| !t.is_empty()).await;
        app.wait_text("status", |t| !t.is_empty()).await;
        axe(&app, &format!("code-shown-{tag}")).await;
        if !dark && lang.starts_with("en") {
            app.screenshot("2-code-shown-light").await;
        }
        platform.go_down();
        wait_retrying(&app).await;
        axe(&app, &format!("retrying-{tag}")).await;
        platform.come_back().await.unwrap();
        assert!(platform.decide(&code, Decision::Approved));
        wait_state(&app, "view-signed-in").await;
        axe(&app, &format!("profile-{tag}")).await;
        if dark {
            app.screenshot(&format!("3-profile-{tag}")).await;
        }
        app.click("settings").await;
        wait_state(&app, "view-setup").await;
        app.click("setup-advanced-toggle").await;
        axe(&app, &format!("settings-{tag}")).await;
        app.click("setup-cancel").await;
        app.click("about").await;
        wait_state(&app, "view-about").await;
        axe(&app, &format!("about-{tag}")).await;
        app.click("about-close").await;

        // The same profile, restored at the next start.
        let app = app.restart(launch()).await;
        wait_state(&app, "view-signed-in").await;
        axe(&app, &format!("profile-restored-{tag}")).await;
        app.click("sign-out").await;
        app.wait_visible("notice").await;
        axe(&app, &format!("signed-out-notice-{tag}")).await;

        // Each error a sign-in can end in.
        app.click("sign-in").await;
        let code = app.wait_text("user-code", |t| !t.is_empty()).await;
        assert!(platform.decide(&code, Decision::Denied));
        wait_state(&app, "view-error").await;
        axe(&app, &format!("error-denied-{tag}")).await;
        app.click("back").await;
        platform.set_lifetimes(
            Duration::from_secs(2),
            Duration::from_secs(1),
            Duration::from_secs(7200),
        );
        app.click("sign-in").await;
        app.wait_text("error", |t| !t.is_empty()).await;
        axe(&app, &format!("error-expired-{tag}")).await;
        app.click("back").await;
        error_from_fault(
            &app,
            &platform,
            Fault::ServerError,
            &format!("error-server-{tag}"),
        )
        .await;
        error_from_fault(
            &app,
            &platform,
            Fault::NotJson,
            &format!("error-unexpected-{tag}"),
        )
        .await;
        platform.go_down();
        app.click("sign-in").await;
        wait_state(&app, "view-error").await;
        axe(&app, &format!("error-unreachable-{tag}")).await;
        if dark && lang.starts_with("fr") {
            app.screenshot("7-error-unreachable-fr-dark").await;
        }
        app.close().await;
    }
}

async fn wait_retrying(app: &App) {
    app.wait_text("status", |t| t.contains("—")).await;
}
