//! Everyone can sign in: axe-core in every state, in both languages and both themes; what
//! screen readers hear over a minute of waiting; the whole journey by keyboard; 200 % text
//! at the window's smallest size.

use std::time::Duration;

use demo_platform::{Decision, DemoOptions, Fault, Target};
use fantoccini::key::Key;
use serde_json::json;

use super::driver::*;

/// axe-core, at the version `scripts/vendor-axe` pins.
const AXE: &str = include_str!("../vendor/axe-core/axe.min.js");

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

/// The whole journey with Tab, Shift+Tab, Enter, Space and Escape only, checking where the
/// focus lands after each change of view, and that it is always visible.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn the_whole_journey_by_keyboard() {
    let _turn = take_turn().await;
    let platform = platform(fast_options()).await;
    let app = App::launch(Launch::platform(platform.auth_url())).await;
    let at = |id: &'static str| {
        let app = &app;
        async move {
            app.wait_focus(id).await;
            let outline = app
                .script(
                    "return getComputedStyle(document.activeElement).outlineStyle",
                    vec![],
                )
                .await;
            assert_ne!(outline, json!("none"), "the focus on {id} is visible");
        }
    };
    at("sign-in").await;
    // Sign in; copy with Space; open with Enter (Shift+Tab back to it); cancel with Escape.
    app.press(&[Key::Enter]).await;
    at("open-browser").await;
    app.press(&[Key::Tab]).await;
    at("copy-code").await;
    app.press(&[Key::Space]).await;
    app.wait_text("copied", |t| t == "Code copied").await;
    app.press_shifted(Key::Tab).await;
    at("open-browser").await;
    app.press(&[Key::Enter]).await;
    assert_eq!(app.opened().await.len(), 1, "the browser was opened");
    app.press(&[Key::Escape]).await;
    at("sign-in").await;

    // An error, then Try again with Enter, and Cancel reached with Tab.
    platform
        .faults()
        .inject(Target::DeviceAuthorization, Fault::ServerError, 1);
    app.press(&[Key::Enter]).await;
    at("retry").await;
    app.press(&[Key::Enter]).await;
    at("open-browser").await;
    let mut tabs = 0;
    while app.focused().await != "cancel" {
        app.press(&[Key::Tab]).await;
        tabs += 1;
        assert!(tabs < 10, "Cancel is reachable with Tab");
    }
    app.press(&[Key::Enter]).await;
    at("sign-in").await;

    // Settings and about, from the header, closed with Escape.
    app.press_shifted(Key::Tab).await;
    at("about").await;
    app.press_shifted(Key::Tab).await;
    at("settings").await;
    app.press(&[Key::Enter]).await;
    at("setup-auth-url").await;
    // Closed, the focus goes back to what opened it.
    app.press(&[Key::Escape]).await;
    at("settings").await;
    app.press(&[Key::Tab]).await;
    at("about").await;
    app.press(&[Key::Enter]).await;
    at("about-close").await;
    app.press(&[Key::Escape]).await;
    at("about").await;
    app.press(&[Key::Tab]).await;
    at("sign-in").await;

    // Sign in for real, and sign out.
    app.press(&[Key::Enter]).await;
    let code = app.wait_text("user-code", |t| !t.is_empty()).await;
    assert!(platform.decide(&code, Decision::Approved));
    at("sign-out").await;
    app.press(&[Key::Enter]).await;
    at("sign-in").await;
    assert_eq!(app.wait_visible("notice").await, "You are signed out.");
    app.close().await;
}

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

/// One node of the window's accessibility tree, as AT-SPI gives it to a screen reader.
#[derive(Debug, serde::Deserialize)]
struct Node {
    role: String,
    name: String,
    text: String,
    showing: bool,
}

/// The window's accessibility tree, read from outside by `atspi_tree.py` (Debian's
/// python3-pyatspi) on the session's accessibility bus.
async fn accessibility_tree() -> Vec<Node> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/e2e/atspi_tree.py");
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("/usr/bin/python3")
            .arg(script)
            .output()
            .expect("python3 with pyatspi (scripts/install-deps installs it)")
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "the accessibility tree could not be read: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON from atspi_tree.py")
}

/// Waits until the tree has a showing node with this role whose name or text satisfies
/// `wanted`.
async fn screen_reader_finds(role: &str, wanted: impl Fn(&str) -> bool) {
    let mut last = Vec::new();
    for _ in 0..40 {
        last = accessibility_tree().await;
        if last
            .iter()
            .any(|n| n.showing && n.role == role && (wanted(&n.name) || wanted(&n.text)))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let seen: Vec<String> = last
        .iter()
        .filter(|n| n.showing)
        .map(|n| format!("{}: {:?} {:?}", n.role, n.name, n.text))
        .collect();
    panic!(
        "no showing {role} as wanted in the accessibility tree:\n{}",
        seen.join("\n")
    );
}

/// What screen readers see, read from outside through the platform's accessibility bus:
/// the buttons by their names, the code, the profile.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "AT-SPI is the Linux desktop's accessibility bus"
)]
async fn a_screen_reader_finds_the_buttons_the_code_and_the_profile() {
    let _turn = take_turn().await;
    let platform = platform(fast_options()).await;
    let app = App::launch(Launch::platform(platform.auth_url())).await;
    app.wait_visible("sign-in").await;
    screen_reader_finds("push button", |s| s == "Sign in").await;
    screen_reader_finds("heading", |s| s == "Sign in to your learning platform").await;

    let code = signed_out_to_code(&app).await;
    let spelled = code
        .chars()
        .map(String::from)
        .collect::<Vec<_>>()
        .join(", ");
    screen_reader_finds("paragraph", |s| s.contains(&spelled)).await;
    for button in ["Open the browser", "Copy", "Cancel"] {
        screen_reader_finds("push button", |s| s == button).await;
    }

    assert!(platform.decide(&code, Decision::Approved));
    app.wait_visible("profile-name").await;
    screen_reader_finds("heading", |s| s.contains("Camille Martin")).await;
    screen_reader_finds("paragraph", |s| s.contains("camille.martin@example.com")).await;
    screen_reader_finds("push button", |s| s == "Sign out").await;
    app.close().await;
}
