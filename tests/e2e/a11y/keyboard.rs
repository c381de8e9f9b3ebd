//! The whole journey by keyboard.

use demo_platform::{Decision, Fault, Target};
use fantoccini::key::Key;
use serde_json::json;

use super::super::driver::*;

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
