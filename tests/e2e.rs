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
use demo_platform::{Decision, DemoOptions, DemoUser, DEMO_CLIENT_ID};
use fantoccini::{Client, ClientBuilder, Locator};
use passerelle::core::session::KeychainStore;
use passerelle::core::session::TokenStore;
use serde_json::json;

/// One window at a time: the machine running the tests may have two cores only.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const WAIT: Duration = Duration::from_secs(20);

/// This test's turn at the screen; none when the end-to-end tests are left out on purpose.
async fn take_turn() -> Option<tokio::sync::MutexGuard<'static, ()>> {
    if std::env::var_os("PASSERELLE_SKIP_E2E").is_some_and(|v| v == "1") {
        eprintln!("PASSERELLE_SKIP_E2E=1: end-to-end test left out");
        return None;
    }
    Some(ONE_AT_A_TIME.lock().await)
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

/// `import` (ImageMagick) of the window titled Passerelle, found with `xwininfo`.
fn window_screenshot(path: &Path) -> Result<(), String> {
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

/// How to start the app.
struct Launch<'a> {
    auth_url: &'a str,
    lang: &'a str,
    /// Keep the session in the OS keychain (the Secret Service) instead of memory.
    keychain: bool,
}

impl<'a> Launch<'a> {
    fn new(auth_url: &'a str) -> Self {
        Self {
            auth_url,
            lang: "en_US.UTF-8",
            keychain: false,
        }
    }
}

/// The app, started by tauri-driver with a stand-in `xdg-open` first on `PATH`, its own
/// config and data folders, and its output captured to a file.
struct App {
    client: Client,
    scratch: tempfile::TempDir,
    _driver: Process,
}

impl App {
    async fn launch(options: Launch<'_>) -> App {
        Self::launch_in(options, tempfile::tempdir().unwrap()).await
    }

    async fn launch_in(options: Launch<'_>, scratch: tempfile::TempDir) -> App {
        let bin = scratch.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let stub = bin.join("xdg-open");
        std::fs::write(
            &stub,
            format!(
                "#!/bin/sh\necho \"$1\" >> '{}'\n",
                scratch.path().join("opened.txt").display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )))
        .unwrap();
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(scratch.path().join("output.log"))
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
            .env(
                "PASSERELLE_TOKEN_STORE",
                if options.keychain {
                    "keychain"
                } else {
                    "memory"
                },
            )
            .env("XDG_CONFIG_HOME", scratch.path().join("config"))
            .env("XDG_DATA_HOME", scratch.path().join("data"))
            .env("XDG_CACHE_HOME", scratch.path().join("cache"))
            .env("RUST_LOG", "passerelle=trace")
            .env("LANG", options.lang)
            .stdout(output.try_clone().unwrap())
            .stderr(output)
            .spawn()
            .expect("tauri-driver starts");
        let driver = Process(driver);
        let client = connect(
            port,
            json!({
                "browserName": "wry",
                "tauri:options": {
                    "application": env!("CARGO_BIN_EXE_passerelle"),
                    "args": ["--auth-url", options.auth_url, "--client-id", DEMO_CLIENT_ID],
                }
            }),
        )
        .await;
        App {
            client,
            scratch,
            _driver: driver,
        }
    }

    /// Quits the app and starts it again, with the same folders.
    async fn restart(self, options: Launch<'_>) -> App {
        let App {
            client,
            scratch,
            _driver,
        } = self;
        let _ = client.close().await;
        drop(_driver);
        end_app(scratch.path()).await;
        Self::launch_in(options, scratch).await
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

    /// The window as the X server shows it. WebKitWebDriver's own screenshot waits for a
    /// composited frame, which a webview painting without GPU compositing never produces.
    async fn screenshot(&self, name: &str) {
        // Let the last change be painted.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let path = artifacts().join(format!("{name}.png"));
        if let Err(e) = tokio::task::spawn_blocking(move || window_screenshot(&path))
            .await
            .unwrap()
        {
            eprintln!("no screenshot {name}: {e}");
        }
    }

    async fn script(&self, code: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
        self.client.execute(code, args).await.unwrap()
    }

    async fn script_async(&self, code: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
        self.client.execute_async(code, args).await.unwrap()
    }

    /// Every file under the app's folders and its captured output.
    fn files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    out.push((path, bytes));
                }
            }
        }
        let mut out = Vec::new();
        walk(self.scratch.path(), &mut out);
        out
    }

    /// The URLs the app asked the desktop to open.
    async fn opened(&self) -> Vec<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let text =
                std::fs::read_to_string(self.scratch.path().join("opened.txt")).unwrap_or_default();
            if !text.is_empty() || Instant::now() > deadline {
                return text.lines().map(str::to_owned).collect();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn close(self) {
        let _ = self.client.close().await;
        end_app(self.scratch.path()).await;
    }
}

/// Makes sure the app started with `scratch` has exited: a second instance would otherwise
/// hand over to it and quit.
async fn end_app(scratch: &Path) {
    let binary = Path::new(env!("CARGO_BIN_EXE_passerelle"));
    let marker = format!(
        "PASSERELLE_CONFIG={}",
        scratch.join("config.toml").display()
    );
    let ours = |pid: &str| {
        std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary)
            && std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|var| var == marker.as_bytes()))
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let pids: Vec<String> = std::fs::read_dir("/proc")
            .unwrap()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| name.bytes().all(|b| b.is_ascii_digit()) && ours(name))
            .collect();
        if pids.is_empty() || Instant::now() > deadline {
            return;
        }
        let _ = Command::new("kill").arg("-9").args(&pids).status();
        tokio::time::sleep(Duration::from_millis(100)).await;
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
    let Some(_turn) = take_turn().await else {
        return;
    };
    let platform = platform(fast_options()).await;
    let app = App::launch(Launch::new(platform.auth_url())).await;
    app.wait_visible("sign-in").await;
    app.screenshot("1-signed-out").await;

    let code = signed_out_to_code(&app).await;
    assert_eq!(code.len(), 8);
    app.wait_visible("qr-code").await;
    let uri = app.wait_visible("verification-uri").await;
    assert_eq!(uri, format!("{}/oauth/device", platform.auth_url()));
    // The countdown starts at the platform's five minutes and ticks.
    let left = |t: &str| {
        let (m, s) = t.strip_prefix("The code expires in ")?.split_once(':')?;
        Some(m.parse::<u32>().ok()? * 60 + s.parse::<u32>().ok()?)
    };
    let first = app
        .wait_text("expires-in", |t| {
            left(t).is_some_and(|s| s > 280 && s <= 300)
        })
        .await;
    app.wait_text("expires-in", |t| left(t) < left(&first))
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
    let Some(_turn) = take_turn().await else {
        return;
    };
    let platform = platform(fast_options()).await;
    let app = App::launch(Launch::new(platform.auth_url())).await;
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
    let Some(_turn) = take_turn().await else {
        return;
    };
    let platform = platform(DemoOptions {
        expires_in: Duration::from_secs(4),
        ..fast_options()
    })
    .await;
    let app = App::launch(Launch::new(platform.auth_url())).await;
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
    let Some(_turn) = take_turn().await else {
        return;
    };
    let down = format!("http://127.0.0.1:{}", free_port());
    let app = App::launch(Launch::new(&down)).await;
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
    assert_eq!(
        field.prop("value").await.unwrap().unwrap(),
        format!("{down}/")
    );
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
async fn speaks_french_on_a_french_system() {
    let Some(_turn) = take_turn().await else {
        return;
    };
    let platform = platform(fast_options()).await;
    let app = App::launch(Launch {
        lang: "fr_FR.UTF-8",
        ..Launch::new(platform.auth_url())
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
        .env("PASSERELLE_CONFIG", app.scratch.path().join("config.toml"))
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

/// Signs in, approving with the demo platform directly (the browser side is covered above).
async fn sign_in(app: &App, platform: &demo_platform::DemoPlatform) -> String {
    let code = signed_out_to_code(app).await;
    assert!(platform.decide(&code, Decision::Approved));
    app.wait_text("profile-name", |t| !t.is_empty()).await
}

#[tokio::test(flavor = "multi_thread")]
async fn stays_signed_in_across_restarts_and_leaves_nothing_behind() {
    let Some(_turn) = take_turn().await else {
        return;
    };
    let platform = platform(fast_options()).await;
    let launch = || Launch {
        keychain: true,
        ..Launch::new(platform.auth_url())
    };
    let keychain = KeychainStore::for_platform(
        passerelle::core::APP_ID,
        &url::Url::parse(platform.auth_url()).unwrap(),
    )
    .unwrap();
    let app = App::launch(launch()).await;
    assert_eq!(sign_in(&app, &platform).await, "Camille Martin");
    assert!(
        !app.client
            .find(App::testid("not-remembered"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap(),
        "the keychain is used"
    );
    let stored = keychain
        .load()
        .expect("the Secret Service answers")
        .expect("the session is in the keychain");

    // No secret in the page, its storage, the app's folders or its output.
    let secrets = platform.issued_secrets();
    assert_eq!(
        secrets.len(),
        3,
        "a device code, an access token and a refresh token"
    );
    assert!(secrets.contains(&stored.access_token.as_ref().unwrap().expose().to_owned()));
    let page = app.client.source().await.unwrap();
    let storage = app
        .script(
            "return JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie, document.title])",
            vec![],
        )
        .await
        .to_string();
    let files = app.files();
    let output = files
        .iter()
        .find(|(p, _)| p.ends_with("output.log"))
        .expect("captured output");
    assert!(
        String::from_utf8_lossy(&output.1).contains("got a user code"),
        "the app's logs are captured"
    );
    for secret in &secrets {
        assert!(!page.contains(secret.as_str()), "a secret is in the page");
        assert!(
            !storage.contains(secret.as_str()),
            "a secret is in web storage"
        );
        for (path, bytes) in &files {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "a secret is in {}", path.display());
        }
    }

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
    assert!(
        !platform.access_token_is_valid(stored.access_token.as_ref().unwrap().expose()),
        "revoked on the platform"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_input_stays_text_and_the_webview_is_locked_down() {
    let Some(_turn) = take_turn().await else {
        return;
    };
    let user = DemoUser {
        firstname: "<img src=x onerror=\"document.title='pwned'\">".into(),
        lastname: "<script>document.title='pwned'</script>".into(),
        email: "<b>bold</b>@example.com".into(),
        created_at: "not a date".into(),
        ..DemoUser::default()
    };
    let platform = platform(DemoOptions {
        user: user.clone(),
        ..fast_options()
    })
    .await;
    let app = App::launch(Launch::new(platform.auth_url())).await;
    let name = sign_in(&app, &platform).await;
    assert_eq!(name, format!("{} {}", user.firstname, user.lastname));
    assert_eq!(app.wait_visible("profile-email").await, user.email);
    let injected = app
        .script(
            "return [document.querySelectorAll('#view-signed-in img, #view-signed-in script, #view-signed-in b').length, document.title]",
            vec![],
        )
        .await;
    assert_eq!(
        injected,
        json!([0, "Passerelle"]),
        "profile fields are inserted as text"
    );
    app.screenshot("10-hostile-profile").await;

    // The webview has no opener: it cannot open a page itself.
    let opener = app
        .script_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI__.core.invoke('plugin:opener|open_url', { url: arguments[0] })
               .then(() => done('opened'), (e) => done('refused: ' + e));",
            vec![json!(platform.auth_url())],
        )
        .await;
    assert!(opener.as_str().unwrap().starts_with("refused"), "{opener}");
    assert!(!app.scratch.path().join("opened.txt").exists());

    // Nor reach the network (the CSP allows no remote origin).
    let fetched = app
        .script_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(() => done('fetched'), () => done('blocked'));",
            vec![json!(platform.auth_url())],
        )
        .await;
    assert_eq!(fetched, json!("blocked"));

    // Nor leave the app's pages.
    app.script(
        "window.location.href = arguments[0]; return null;",
        vec![json!(platform.auth_url())],
    )
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let url = app.client.current_url().await.unwrap();
    assert_eq!(url.scheme(), "tauri", "still on the app's page: {url}");
    assert_eq!(app.wait_visible("profile-name").await, name);
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_rides_out_a_platform_that_goes_down_and_comes_back() {
    let Some(_turn) = take_turn().await else {
        return;
    };
    let platform = platform(fast_options()).await;
    platform.go_down();
    let app = App::launch(Launch::new(platform.auth_url())).await;

    // Down at start: a clear error, and Try again works once it is back.
    app.click("sign-in").await;
    assert_eq!(
        app.wait_visible("error").await,
        "The platform cannot be reached"
    );
    platform.come_back().await.unwrap();
    app.click("retry").await;
    let code = app
        .wait_text("user-code", |t| !t.is_empty())
        .await
        .replace('-', "");

    // Down while polling: the window says so and keeps trying.
    app.wait_text("status", |t| t.starts_with("Waiting")).await;
    platform.go_down();
    app.wait_text("status", |t| t.starts_with("Connection lost — retrying in"))
        .await;
    app.screenshot("11-connection-lost").await;
    assert!(platform.decide(&code, Decision::Approved));
    platform.come_back().await.unwrap();
    assert_eq!(app.wait_visible("profile-name").await, "Camille Martin");
    app.close().await;
}
