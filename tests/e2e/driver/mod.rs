//! Driving the real app and a real browser: the app started by tauri-driver (with
//! WebKitWebDriver), headless Chromium for the learner's side of the approval.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::Value;

mod app;
mod browser;
mod processes;

pub use app::{App, Launch};
pub use browser::Browser;

/// One window at a time: the machine running the tests may have two cores only.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub const WAIT: Duration = Duration::from_secs(20);

/// This test's turn at the screen.
pub async fn take_turn() -> tokio::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().await
}

pub fn find_tool(name: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> =
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    let exe = |d: PathBuf| d.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    dirs.into_iter()
        .map(exe)
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("`{name}` is needed for the end-to-end tests: run scripts/install-deps")
        })
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Where screenshots go: `test-artifacts/screenshots`, or `PASSERELLE_ARTIFACTS` (a test
/// run as another user, who cannot write in the project).
pub fn artifacts() -> PathBuf {
    let dir = std::env::var_os("PASSERELLE_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts/screenshots")
        });
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `import` (ImageMagick) of the window titled Passerelle, found with `xwininfo`.
/// WebKitWebDriver's own screenshot waits for a composited frame, which a webview painting
/// without GPU compositing never produces.
pub(crate) fn window_screenshot(path: &Path) -> Result<(), String> {
    let info = Command::new("xwininfo")
        .args(["-name", "Passerelle"])
        .output()
        .map_err(|e| format!("xwininfo: {e}"))?;
    let info = String::from_utf8_lossy(&info.stdout);
    let id = info
        .split_whitespace()
        .skip_while(|w| *w != "id:")
        .nth(1)
        .ok_or("no window titled Passerelle")?;
    let status = Command::new("import")
        .args(["-window", id])
        .arg(path)
        .status()
        .map_err(|e| format!("import: {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or(format!("import: {status}"))
}

/// Kills the child process when dropped, even when a test panics.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub async fn connect(port: u16, capabilities: Value) -> Client {
    let caps = capabilities.as_object().unwrap().clone();
    let deadline = Instant::now() + WAIT;
    loop {
        // WebDriver servers here are on loopback, over plain http.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return client,
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => panic!("could not start a WebDriver session on port {port}: {e}"),
        }
    }
}

/// Clicks Sign in and waits for the code; returns the code exactly as the window shows it.
pub async fn signed_out_to_code(app: &App) -> String {
    app.click("sign-in").await;
    app.wait_text("user-code", |t| !t.is_empty()).await
}

/// Signs in, approving with the demo platform directly (the browser side is covered in
/// the sign-in journey).
pub async fn sign_in(app: &App, platform: &demo_platform::DemoPlatform) -> String {
    let code = signed_out_to_code(app).await;
    assert!(platform.decide(&code, demo_platform::Decision::Approved));
    app.wait_text("profile-name", |t| !t.is_empty()).await
}

// Not every test binary starts its platforms this way (`tests/installed.rs` waits for a port).
#[allow(unused_imports)]
pub use demo_platform::{fast_options, running as platform};

/// The whole screen (a native dialog is a window of its own), into the test artifacts.
pub fn screen_shot(name: &str) {
    let path = artifacts().join(format!("{name}.png"));
    let status = Command::new("import")
        .args(["-window", "root"])
        .arg(&path)
        .status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("no screenshot {name}");
    }
}

/// Answers a native dialog of the app's — the one that says `title` — by pressing its
/// button named `button`, as a learner (or a screen reader) does, through AT-SPI. No page
/// script can do this.
pub async fn answer_dialog(title: &str, button: &str) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/e2e/native_dialog.py");
    let deadline = Instant::now() + WAIT;
    loop {
        let (title, button) = (title.to_owned(), button.to_owned());
        let output = tokio::task::spawn_blocking(move || {
            Command::new("/usr/bin/python3")
                .args([script, &title, &button])
                .output()
                .expect("python3 with pyatspi (scripts/install-deps installs it)")
        })
        .await
        .unwrap();
        if output.status.success() {
            return;
        }
        if Instant::now() > deadline {
            panic!(
                "the dialog was not answered: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
