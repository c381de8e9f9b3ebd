//! 200 % text at the window's smallest size.

use std::time::Duration;

use demo_platform::Decision;
use serde_json::json;

use super::super::driver::*;

/// Nothing clipped or overlapping at 200 % text in the window's smallest size, in every
/// calm view.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn twice_the_text_in_the_smallest_window() {
    let _turn = take_turn().await;
    let platform = platform(fast_options()).await;
    let app = App::launch(Launch::platform(platform.auth_url())).await;
    app.wait_visible("sign-in").await;
    app.client.set_window_size(360, 560).await.unwrap();
    app.script(
        "document.documentElement.style.fontSize = '200%'; return null;",
        vec![],
    )
    .await;
    let check = |name: &'static str| {
        let app = &app;
        async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            app.screenshot(&format!("zoom-200-{name}")).await;
            let problems = app.script(OVERLAPS, vec![]).await;
            assert_eq!(problems, json!([]), "{name} at 200 % in 360×560");
        }
    };
    check("signed-out").await;
    app.click("sign-in").await;
    let code = app.wait_text("user-code", |t| !t.is_empty()).await;
    check("code-shown").await;
    assert!(platform.decide(&code, Decision::Denied));
    app.wait_visible("error").await;
    check("error").await;
    app.click("back").await;
    app.click("settings").await;
    app.click("setup-advanced-toggle").await;
    check("settings").await;
    app.click("setup-cancel").await;
    app.click("about").await;
    check("about").await;
    app.click("about-close").await;
    let code = signed_out_to_code(&app).await;
    assert!(platform.decide(&code, Decision::Approved));
    app.wait_visible("profile-name").await;
    check("profile").await;
    app.close().await;
}

/// Visible leaves (text, controls, images) that overlap one another or stick out of the
/// window sideways; an empty list when there are none.
const OVERLAPS: &str = r#"
const visible = (e) => { const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && e.checkVisibility({ visibilityProperty: true })
    && !e.closest('.visually-hidden'); };
const leaves = [...document.querySelectorAll('button, input, img, summary, h1, h2, p, dt, dd, span, bdi, label, a')]
  .filter(visible)
  .filter(e => !e.querySelector('button, input, img, p, dt, dd, span, bdi, label'));
const problems = [];
const name = (e) => e.dataset.testid || e.id || (e.tagName + ':' + e.textContent.trim().slice(0, 20));
const width = document.documentElement.clientWidth;
if (document.documentElement.scrollWidth > width) problems.push('the page scrolls sideways');
for (const e of leaves) {
  const r = e.getBoundingClientRect();
  if (r.right > width + 1 || r.left < -1) problems.push(name(e) + ' sticks out');
  if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'hidden') problems.push(name(e) + ' is clipped');
}
for (let i = 0; i < leaves.length; i++) for (let j = i + 1; j < leaves.length; j++) {
  const [a, b] = [leaves[i], leaves[j]];
  if (a.contains(b) || b.contains(a)) continue;
  // Line by line: a wrapped inline element's bounding box covers lines it does not.
  const hit = [...a.getClientRects()].some(p => [...b.getClientRects()].some(q =>
    Math.min(p.right, q.right) - Math.max(p.left, q.left) > 1
    && Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 1));
  if (hit) problems.push(name(a) + ' overlaps ' + name(b));
}
return problems;
"#;
