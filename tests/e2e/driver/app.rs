//! The app in its real window, started by tauri-driver with WebKitWebDriver.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use super::processes::{end_app, pids_of, stand_in_browser};
use super::{artifacts, connect, find_tool, free_port, window_screenshot, Process, WAIT};

/// How to start the app.
pub struct Launch {
    /// Command-line flags: the platform, unless a first start is wanted.
    pub args: Vec<String>,
    pub lang: &'static str,
    /// The system asks for dark colours.
    pub dark: bool,
    /// Keep the session in the OS keychain (the Secret Service) instead of memory.
    pub keychain: bool,
    /// The machine-wide settings file's text (development builds read it from the scratch
    /// folder; none means no school settings).
    pub managed: Option<String>,
    /// `RUST_LOG` for the app.
    pub log: &'static str,
    /// The program: this build's, or an installed one.
    pub program: PathBuf,
    /// More of the app's environment, over the test's own (`SSL_CERT_FILE`, a desktop).
    pub env: Vec<(String, String)>,
}

impl Launch {
    /// The app pointed at a platform with flags, as a learner's shortcut might.
    pub fn platform(auth_url: &str) -> Self {
        Self {
            args: vec![
                "--auth-url".into(),
                auth_url.into(),
                "--client-id".into(),
                demo_platform::DEMO_CLIENT_ID.into(),
            ],
            ..Self::first_start()
        }
    }

    /// The app with nothing configured.
    pub fn first_start() -> Self {
        Self {
            args: Vec::new(),
            lang: "en_US.UTF-8",
            dark: false,
            keychain: false,
            managed: None,
            log: "passerelle=trace",
            program: PathBuf::from(env!("CARGO_BIN_EXE_passerelle")),
            env: Vec::new(),
        }
    }
}

/// The app, started by tauri-driver with a stand-in `xdg-open` first on `PATH`, its own
/// config and data folders, and its output captured to a file.
pub struct App {
    pub client: Client,
    pub scratch: tempfile::TempDir,
    program: PathBuf,
    _driver: Process,
}

impl App {
    pub async fn launch(options: Launch) -> App {
        Self::launch_in(options, tempfile::tempdir().unwrap()).await
    }

    pub async fn launch_in(options: Launch, scratch: tempfile::TempDir) -> App {
        let bin = scratch.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        stand_in_browser(&bin, &scratch.path().join("opened.txt"));
        let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )))
        .unwrap();
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(scratch.path().join("output.log"))
            .unwrap();
        let managed = scratch.path().join("managed.toml");
        match &options.managed {
            Some(text) => std::fs::write(&managed, text).unwrap(),
            None => {
                let _ = std::fs::remove_file(&managed);
            }
        }

        let (port, native_port) = (free_port(), free_port());
        let mut driver = Command::new(find_tool("tauri-driver"));
        driver
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
            .env("PASSERELLE_MANAGED_CONFIG", &managed)
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
            .env("RUST_LOG", options.log)
            .env("LANG", options.lang)
            .env_remove("GTK_THEME")
            .stdout(output.try_clone().unwrap())
            .stderr(output);
        if options.dark {
            driver.env("GTK_THEME", "Adwaita:dark");
        }
        driver.envs(options.env.iter().map(|(k, v)| (k, v)));
        let driver = Process(driver.spawn().expect("tauri-driver starts"));
        let client = connect(
            port,
            json!({
                "browserName": "wry",
                "tauri:options": {
                    "application": options.program,
                    "args": options.args,
                }
            }),
        )
        .await;
        App {
            client,
            scratch,
            program: options.program,
            _driver: driver,
        }
    }

    /// Quits the app and starts it again, with the same folders.
    pub async fn restart(self, options: Launch) -> App {
        let App {
            client,
            scratch,
            program,
            _driver,
        } = self;
        let _ = client.close().await;
        drop(_driver);
        end_app(&program, scratch.path()).await;
        Self::launch_in(options, scratch).await
    }

    pub fn testid(id: &str) -> Locator<'_> {
        Locator::Css(Box::leak(
            format!("[data-testid=\"{id}\"]").into_boxed_str(),
        ))
    }

    /// Waits until the element is displayed, and returns its text.
    pub async fn wait_visible(&self, id: &str) -> String {
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

    pub async fn wait_text(&self, id: &str, wanted: impl Fn(&str) -> bool) -> String {
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

    /// Whether the element is rendered at all (the content of a closed `<details>` is not,
    /// whatever WebDriver's displayedness says).
    pub async fn is_visible(&self, id: &str) -> bool {
        let rendered = self
            .script(
                "const e = document.querySelector(`[data-testid=\"${arguments[0]}\"]`);
                 return !!e && e.checkVisibility({ visibilityProperty: true });",
                vec![json!(id)],
            )
            .await;
        rendered == json!(true)
    }

    pub async fn click(&self, id: &str) {
        self.wait_visible(id).await;
        self.client
            .find(Self::testid(id))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    pub async fn type_into(&self, id: &str, text: &str) {
        let field = self.client.find(Self::testid(id)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Presses keys, as a keyboard does: each key down then up.
    pub async fn press(&self, keys: &[Key]) {
        let mut actions = KeyActions::new("keyboard".into());
        for key in keys {
            let value = char::from(*key);
            actions = actions
                .then(KeyAction::Down { value })
                .then(KeyAction::Up { value });
        }
        self.client.perform_actions(actions).await.unwrap();
    }

    /// Presses a key with Shift held.
    pub async fn press_shifted(&self, key: Key) {
        let (shift, value) = (char::from(Key::Shift), char::from(key));
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: shift })
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value })
            .then(KeyAction::Up { value: shift });
        self.client.perform_actions(actions).await.unwrap();
    }

    /// The `data-testid` (else the id) of the focused element.
    pub async fn focused(&self) -> String {
        let v = self
            .script(
                "const e = document.activeElement; return e ? (e.dataset.testid || e.id || e.tagName) : null;",
                vec![],
            )
            .await;
        v.as_str().unwrap_or_default().to_owned()
    }

    /// Waits until the element with this `data-testid` (or id) has the focus.
    pub async fn wait_focus(&self, id: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let focused = self.focused().await;
            if focused == id {
                return;
            }
            if Instant::now() > deadline {
                self.screenshot(&format!("focus-{id}")).await;
                panic!("the focus is on {focused:?}, not {id:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn screenshot(&self, name: &str) {
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

    pub async fn script(&self, code: &str, args: Vec<Value>) -> Value {
        self.client.execute(code, args).await.unwrap()
    }

    pub async fn script_async(&self, code: &str, args: Vec<Value>) -> Value {
        self.client.execute_async(code, args).await.unwrap()
    }

    /// Every file under the app's folders and its captured output.
    pub fn files(&self) -> Vec<(PathBuf, Vec<u8>)> {
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

    /// What the app printed (its logs, at the level the launch asked for).
    pub fn output(&self) -> String {
        std::fs::read_to_string(self.scratch.path().join("output.log")).unwrap_or_default()
    }

    /// The URLs the app asked the desktop to open.
    pub async fn opened(&self) -> Vec<String> {
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

    /// What the app put on the clipboard of its display, read as another program reads it
    /// (`xclip`); empty when nothing came within the wait.
    pub async fn clipboard(&self) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let read = std::process::Command::new("xclip")
                .args(["-o", "-selection", "clipboard"])
                .output()
                .expect("xclip reads the clipboard: scripts/install-deps installs it");
            let text = String::from_utf8_lossy(&read.stdout).into_owned();
            if !text.is_empty() || Instant::now() > deadline {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The app's own process ids (it runs as one process, with WebKit's below it).
    pub fn pids(&self) -> Vec<String> {
        pids_of(&self.program, self.scratch.path())
    }

    pub fn config_file(&self) -> PathBuf {
        self.scratch.path().join("config.toml")
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
        end_app(&self.program, self.scratch.path()).await;
    }
}
