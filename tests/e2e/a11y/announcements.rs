//! What screen readers hear over a minute of waiting.

use std::time::Duration;

use demo_platform::DemoOptions;
use serde_json::json;

use super::super::driver::*;

/// What the live regions say over a minute of waiting: the code once, a change of status
/// once, one minute left, the end — never the countdown second by second.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn announcements_a_person_can_live_with() {
    let _turn = take_turn().await;
    let platform = platform(DemoOptions {
        expires_in: Duration::from_secs(75),
        ..fast_options()
    })
    .await;
    let app = App::launch(Launch::platform(platform.auth_url())).await;
    app.wait_visible("sign-in").await;
    // Record every text the live regions are given, and every change of the status line.
    app.script(
        "window.__said = []; window.__status = [];
         const live = [...document.querySelectorAll('[aria-live], [role=status], [role=alert]')];
         new MutationObserver(() => {
           for (const el of live) {
             const text = el.textContent.trim();
             if (text && el.dataset.last !== text) { el.dataset.last = text; window.__said.push(text); }
           }
         }).observe(document.body, { subtree: true, childList: true, characterData: true });
         new MutationObserver(() => window.__status.push(document.getElementById('status').textContent))
           .observe(document.getElementById('status'), { subtree: true, childList: true, characterData: true });
         return null;",
        vec![],
    )
    .await;
    app.click("sign-in").await;
    app.wait_text("user-code", |t| !t.is_empty()).await;
    // Ten seconds in, the platform goes away for fifteen: "retrying in N s" ticks on screen.
    tokio::time::sleep(Duration::from_secs(10)).await;
    platform.go_down();
    tokio::time::sleep(Duration::from_secs(15)).await;
    platform.come_back().await.unwrap();
    // Past the one-minute mark, to the end of the code.
    tokio::time::sleep(Duration::from_secs(45)).await;
    app.wait_visible("error").await;
    // Said just after the view changes.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let said: Vec<String> =
        serde_json::from_value(app.script("return window.__said", vec![]).await).unwrap();
    let status: Vec<String> =
        serde_json::from_value(app.script("return window.__status", vec![]).await).unwrap();
    let count = |needle: &str| said.iter().filter(|s| s.contains(needle)).count();
    assert_eq!(
        count("Your code is"),
        1,
        "the code is announced once: {said:#?}"
    );
    assert!(
        said.iter().any(|s| s.contains("It expires in 1 minute.")),
        "with its time: {said:#?}"
    );
    assert_eq!(count("One minute left"), 1, "{said:#?}");
    assert_eq!(
        count("trying again shortly"),
        1,
        "a retry is said when it starts, not every second: {said:#?}"
    );
    assert_eq!(count("not approved in time"), 1, "the end, once: {said:#?}");
    assert!(
        said.len() <= 8,
        "a handful of announcements in a minute: {said:#?}"
    );
    let ticks = status.iter().filter(|s| s.contains("retrying in")).count();
    assert!(
        ticks >= 5,
        "the retry countdown still ticks on screen: {status:#?}"
    );
    let roles = app
        .script(
            "return [document.getElementById('status').getAttribute('aria-live'),
                     document.getElementById('error-title').getAttribute('role'),
                     document.getElementById('error-title').tagName]",
            vec![],
        )
        .await;
    assert_eq!(
        roles,
        json!([null, null, "H1"]),
        "the status line is not a live region; the error title keeps its heading role"
    );
    app.close().await;
}
