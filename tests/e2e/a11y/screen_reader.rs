//! What screen readers see, read from outside through AT-SPI.

use std::time::Duration;

use demo_platform::Decision;

use super::super::driver::*;

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
