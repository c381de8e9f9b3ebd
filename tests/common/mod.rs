//! The app as its tests run it: the real builder and context on Tauri's mock runtime, a
//! desktop that records what it is asked, a demo platform on loopback.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use demo_platform::{Decision, DemoPlatform, DEMO_CLIENT_ID};
use passerelle::app::desktop::Desktop;
use passerelle::app::launch::StoreFactory;
use passerelle::app::view::View;
use passerelle::app::words::Kind;
use passerelle::app::{builder, context, Controller, Launch};
use passerelle::core::session::fake::FakeKeychain;
use passerelle::core::session::{Patience, SessionKeeper, Vault};
use passerelle::core::settings::{Key, RawSettings, Settings};
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};
use url::Url;

/// Records what the app asked the desktop to do, instead of opening a browser.
#[derive(Default)]
pub struct RecordingDesktop {
    pub opened: Mutex<Vec<String>>,
    pub copied: Mutex<Vec<String>>,
}

impl Desktop for RecordingDesktop {
    fn open_url(&self, url: &Url) -> Result<(), String> {
        self.opened.lock().unwrap().push(url.to_string());
        Ok(())
    }

    fn copy_text(&self, text: &str) -> Result<(), String> {
        self.copied.lock().unwrap().push(text.to_owned());
        Ok(())
    }
}

pub use demo_platform::{fast_options, running as platform};

pub fn raw_settings(platform: &DemoPlatform) -> RawSettings {
    RawSettings::default()
        .with(Key::AuthUrl, platform.auth_url())
        .with(Key::ApiUrl, platform.api_url())
        .with(Key::ClientId, DEMO_CLIENT_ID)
}

/// A port nothing listens on.
pub fn nothing_on() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", l.local_addr().unwrap())
}

/// What a test starts the app with.
pub struct Setup {
    pub flags: RawSettings,
    pub build: RawSettings,
    /// The machine-wide file's text, if any.
    pub managed: Option<String>,
    /// The learner's file's text, if any.
    pub file: Option<String>,
    /// Stands in for the keychain.
    pub keychain: Arc<dyn Vault>,
    pub timeouts: Patience,
}

impl Setup {
    pub fn new(flags: RawSettings) -> Self {
        Self {
            flags,
            build: RawSettings::default(),
            managed: None,
            file: None,
            keychain: Arc::new(FakeKeychain::default()),
            timeouts: Patience::default(),
        }
    }
}

pub struct Harness {
    pub app: tauri::App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    pub desktop: Arc<RecordingDesktop>,
    /// Every view pushed over the channel, as the window received it (JSON).
    pub pushed: Arc<Mutex<Vec<String>>>,
    pub dir: tempfile::TempDir,
}

pub fn harness(flags: RawSettings) -> Harness {
    start(Setup::new(flags))
}

pub fn harness_with(flags: RawSettings, keychain: Arc<dyn Vault>) -> Harness {
    start(Setup {
        keychain,
        ..Setup::new(flags)
    })
}

/// The app as `run` builds it, on the mock runtime, started (restoring what the stand-in
/// keychain holds).
pub fn start(setup: Setup) -> Harness {
    let desktop = Arc::new(RecordingDesktop::default());
    let dir = tempfile::tempdir().unwrap();
    let config_file = dir.path().join("config.toml");
    let managed_file = dir.path().join("managed.toml");
    if let Some(text) = &setup.file {
        std::fs::write(&config_file, text).unwrap();
    }
    if let Some(text) = &setup.managed {
        std::fs::write(&managed_file, text).unwrap();
    }
    let keychain = setup.keychain.clone();
    let timeouts = setup.timeouts;
    let stores: StoreFactory =
        Arc::new(move |_: &Settings| SessionKeeper::new(Some(keychain.clone()), true, timeouts));
    let launch = Launch {
        flags: setup.flags,
        env: RawSettings::default(),
        build: setup.build,
        config_file: Some(config_file),
        managed_file,
        stores,
        desktop: Some(desktop.clone()),
    };
    let mut app = builder(mock_builder(), launch)
        .build(context())
        .expect("the app builds");
    // The app's setup runs with its event loop's first turn; the mock loop has nothing
    // more to do after it.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let window = app.get_webview_window("main").expect("the main window");
    let pushed = Arc::new(Mutex::new(Vec::new()));
    let sink = pushed.clone();
    let channel = tauri::ipc::Channel::<View>::new(move |body| {
        if let InvokeResponseBody::Json(json) = body {
            sink.lock().unwrap().push(json);
        }
        Ok(())
    });
    app.state::<Controller>().connect(channel);
    Harness {
        app,
        window,
        desktop,
        pushed,
        dir,
    }
}

/// Calls a command as the window does, through Tauri's IPC and its permission checks.
pub fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

impl Harness {
    /// Calls a command as the window does, through Tauri's IPC and its permission checks.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        invoke(&self.window, cmd, args)
    }

    pub fn call(&self, cmd: &str) -> Result<Value, Value> {
        self.invoke(cmd, Value::Null)
    }

    pub fn view(&self) -> View {
        self.app.state::<Controller>().view()
    }

    pub fn config_file(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    pub async fn wait_for(&self, what: &str, done: impl Fn(&View) -> bool) -> View {
        for _ in 0..300 {
            let view = self.view();
            if done(&view) {
                return view;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("timed out waiting for {what}; view is {:?}", self.view());
    }

    pub async fn signed_out(&self) -> Option<Kind> {
        match self
            .wait_for("the sign-in view", |v| matches!(v, View::SignedOut { .. }))
            .await
        {
            View::SignedOut { notice } => notice,
            _ => unreachable!(),
        }
    }

    pub async fn signed_in(&self) -> View {
        self.wait_for("the profile", |v| matches!(v, View::SignedIn { .. }))
            .await
    }

    /// Waits for the error view; returns its kind.
    pub async fn wait_for_error(&self) -> Kind {
        match self
            .wait_for("an error", |v| matches!(v, View::Error(_)))
            .await
        {
            View::Error(e) => e.kind,
            _ => unreachable!(),
        }
    }

    /// Clicks Sign in, and the learner answers the code in the browser.
    pub async fn sign_in_and_decide(&self, platform: &DemoPlatform, decision: Decision) {
        self.call("start_sign_in").unwrap();
        let code = self.wait_for_code().await;
        assert!(
            platform.decide(&code, decision),
            "the platform knows the code shown"
        );
    }

    pub async fn wait_for_code(&self) -> String {
        match self
            .wait_for("a code", |v| matches!(v, View::CodeShown(_)))
            .await
        {
            View::CodeShown(c) => c.user_code,
            _ => unreachable!(),
        }
    }
}
