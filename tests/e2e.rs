//! End to end: the real app in a real window (tauri-driver and WebKitWebDriver, under Xvfb),
//! the demo platform on loopback, and headless Chromium for the learner's side.
//!
//! These tests fail, never skip, when a tool is missing; set `PASSERELLE_SKIP_E2E=1` to
//! leave them out on purpose.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use demo_platform::{DemoOptions, DEMO_CLIENT_ID};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// One window at a time: the machine running the tests may have two cores only.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const WAIT: Duration = Duration::from_secs(20);

fn skip() -> bool {
    if std::env::var_os("PASSERELLE_SKIP_E2E").is_some_and(|v| v == "1") {
        eprintln!("PASSERELLE_SKIP_E2E=1: end-to-end test left out");
        return true;
    }
    false
}

fn find_tool(name: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> =
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    dirs.into_iter()
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("`{name}` is needed for the end-to-end tests: run scripts/install-deps (or set PASSERELLE_SKIP_E2E=1)")
        })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Kills the child process when dropped, even when a test panics.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn connect(port: u16, capabilities: serde_json::Value) -> Client {
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
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => panic!("could not start a WebDriver session on port {port}: {e}"),
        }
    }
}

/// The app, started by tauri-driver with a stand-in `xdg-open` first on `PATH`.
struct App {
    client: Client,
    opened_log: PathBuf,
    _driver: Process,
    _scratch: tempfile::TempDir,
}

impl App {
    async fn launch(auth_url: &str) -> App {
        Self::launch_in(auth_url, "en_US.UTF-8").await
    }

    async fn launch_in(auth_url: &str, lang: &str) -> App {
        let scratch = tempfile::tempdir().unwrap();
        let bin = scratch.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let opened_log = scratch.path().join("opened.txt");
        let stub = bin.join("xdg-open");
        std::fs::write(
            &stub,
            format!("#!/bin/sh\necho \"$1\" >> '{}'\n", opened_log.display()),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )))
        .unwrap();

        let (port, native_port) = (free_port(), free_port());
        let driver = Command::new(find_tool("tauri-driver"))
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .arg("--native-driver")
            .arg(find_tool("WebKitWebDriver"))
            .env("PATH", path)
            .env("PASSERELLE_CONFIG", scratch.path().join("config.toml"))
            .env("PASSERELLE_TOKEN_STORE", "memory")
            .env("XDG_CONFIG_HOME", scratch.path().join("config"))
            .env("XDG_DATA_HOME", scratch.path().join("data"))
            .env("LANG", lang)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver starts");
        let driver = Process(driver);
        let client = connect(
            port,
            json!({
                "browserName": "wry",
                "tauri:options": {
                    "application": env!("CARGO_BIN_EXE_passerelle"),
                    "args": ["--auth-url", auth_url, "--client-id", DEMO_CLIENT_ID],
                }
            }),
        )
        .await;
        App {
            client,
            opened_log,
            _driver: driver,
            _scratch: scratch,
        }
    }

    fn testid(id: &str) -> Locator<'_> {
        Locator::Css(Box::leak(
            format!("[data-testid=\"{id}\"]").into_boxed_str(),
        ))
    }

    /// Waits until the element is displayed, and returns its text.
    async fn wait_visible(&self, id: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(el) = self.client.find(Self::testid(id)).await {
                if el.is_displayed().await.unwrap_or(false) {
                    return el.text().await.unwrap_or_default();
                }
            }
            if Instant::now() > deadline {
                self.screenshot(&format!("timeout-{id}")).await;
                panic!("`{id}` never showed up");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn wait_text(&self, id: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.wait_visible(id).await;
            if wanted(&text) {
                return text;
            }
            if Instant::now() > deadline {
                panic!("`{id}` says {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn click(&self, id: &str) {
        self.wait_visible(id).await;
        self.client
            .find(Self::testid(id))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    async fn screenshot(&self, name: &str) {
        if let Ok(png) = self.client.screenshot().await {
            std::fs::write(artifacts().join(format!("{name}.png")), png).unwrap();
        }
    }

    /// The URLs the app asked the desktop to open.
    async fn opened(&self) -> Vec<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = std::fs::read_to_string(&self.opened_log).unwrap_or_default();
            if !text.is_empty() || Instant::now() > deadline {
                return text.lines().map(str::to_owned).collect();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// Headless Chromium, where the learner approves or denies.
struct Browser {
    client: Client,
    _driver: Process,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn launch() -> Browser {
        let port = free_port();
        let driver = Process(
            Command::new(find_tool("chromedriver"))
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("chromedriver starts"),
        );
        let profile = tempfile::tempdir().unwrap();
        let client = connect(
            port,
            json!({
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": find_tool("chromium"),
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                        format!("--user-data-dir={}", profile.path().display()),
                    ]
                }
            }),
        )
        .await;
        Browser {
            client,
            _driver: driver,
            _profile: profile,
        }
    }

    /// Signs in to the demo on the verification page and presses `button`.
    async fn decide(&self, url: &str, user_code: &str, button: &str) -> String {
        self.client.goto(url).await.unwrap();
        let code = self.client.find(Locator::Id("user_code")).await.unwrap();
        let prefilled = code.prop("value").await.unwrap().unwrap_or_default();
        assert_eq!(
            prefilled, user_code,
            "the page shows the code of the desktop"
        );
        self.client
            .find(Locator::Id("password"))
            .await
            .unwrap()
            .send_keys("passerelle")
            .await
            .unwrap();
        if let Ok(png) = self.client.screenshot().await {
            std::fs::write(artifacts().join("browser-verification-page.png"), png).unwrap();
        }
        self.client
            .find(Locator::Id(button))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let result = self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Id("result"))
            .await
            .unwrap();
        result.text().await.unwrap()
    }

    async fn close(self) {
        let _ = self.client.close().await;
    }
}

async fn signed_out_to_code(app: &App) -> String {
    app.click("sign-in").await;
    let shown = app.wait_text("user-code", |t| !t.is_empty()).await;
    shown.replace('-', "")
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_through_the_browser_and_see_the_profile() {
    if skip() {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let platform = platform(fast_options()).await;
    let app = App::launch(platform.auth_url()).await;
    app.wait_visible("sign-in").await;
    app.screenshot("1-signed-out").await;

    let code = signed_out_to_code(&app).await;
    assert_eq!(code.len(), 8);
    app.wait_visible("qr-code").await;
    let uri = app.wait_visible("verification-uri").await;
    assert_eq!(uri, format!("{}/oauth/device", platform.auth_url()));
    app.wait_text("expires-in", |t| t.contains("4:5") || t.contains("5:00"))
        .await;
    app.wait_text("status", |t| t.contains("Waiting")).await;
    app.screenshot("2-code-shown").await;

    app.click("open-browser").await;
    let opened = app.opened().await;
    let expected = format!("{}/oauth/device?user_code={code}", platform.auth_url());
    assert_eq!(
        opened,
        vec![expected.clone()],
        "the desktop was asked to open the verification page"
    );

    let browser = Browser::launch().await;
    let result = browser.decide(&expected, &code, "authorize").await;
    assert_eq!(result, "Device connected");
    browser.close().await;

    let name = app.wait_text("profile-name", |t| !t.is_empty()).await;
    assert_eq!(name, "Camille Martin");
    assert_eq!(
        app.wait_visible("profile-email").await,
        "camille.martin@example.com"
    );
    let since = app.wait_visible("profile-member-since").await;
    assert!(since.contains("2024"), "{since}");
    app.screenshot("3-profile").await;

    app.click("sign-out").await;
    app.wait_visible("sign-in").await;
    app.screenshot("4-signed-out-again").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn denied_in_the_browser() {
    if skip() {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let platform = platform(fast_options()).await;
    let app = App::launch(platform.auth_url()).await;
    let code = signed_out_to_code(&app).await;
    let browser = Browser::launch().await;
    let url = format!("{}/oauth/device?user_code={code}", platform.auth_url());
    assert_eq!(browser.decide(&url, &code, "deny").await, "Request denied");
    browser.close().await;
    let error = app.wait_visible("error").await;
    assert_eq!(error, "Sign-in declined");
    app.screenshot("5-error-denied").await;
    app.click("back").await;
    app.wait_visible("sign-in").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_code_then_try_again() {
    if skip() {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let platform = platform(DemoOptions {
        expires_in: Duration::from_secs(4),
        ..fast_options()
    })
    .await;
    let app = App::launch(platform.auth_url()).await;
    let first = signed_out_to_code(&app).await;
    assert_eq!(app.wait_visible("error").await, "The code expired");
    app.screenshot("6-error-expired").await;
    app.click("retry").await;
    let second = app
        .wait_text("user-code", |t| {
            !t.is_empty() && t.replace('-', "") != first
        })
        .await;
    assert_ne!(second.replace('-', ""), first);
    app.click("cancel").await;
    app.wait_visible("sign-in").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_platform_is_down_at_start() {
    if skip() {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let down = format!("http://127.0.0.1:{}", free_port());
    let app = App::launch(&down).await;
    app.click("sign-in").await;
    assert_eq!(
        app.wait_visible("error").await,
        "The platform cannot be reached"
    );
    app.screenshot("7-error-unreachable").await;
    // Try again while still down: the same words, and the window still answers.
    app.click("retry").await;
    app.wait_visible("error").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn speaks_french_on_a_french_system() {
    if skip() {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let platform = platform(fast_options()).await;
    let app = App::launch_in(platform.auth_url(), "fr_FR.UTF-8").await;
    assert_eq!(app.wait_visible("sign-in").await, "Se connecter");
    app.click("sign-in").await;
    app.wait_text("status", |t| t.starts_with("En attente")).await;
    app.wait_text("expires-in", |t| t.starts_with("Le code expire")).await;
    app.screenshot("8-code-shown-fr").await;
    app.close().await;
}
