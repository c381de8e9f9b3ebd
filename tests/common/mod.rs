//! The app as its shell tests run it: the real builder and context on Tauri's mock runtime,
//! a desktop that records what it is asked, a demo platform on loopback.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use demo_platform::{DemoPlatform, DEMO_CLIENT_ID};
use passerelle::app::{builder, context, Launch};
use passerelle::core::http::Network;
use passerelle::core::machine::testing::RecordingDesktop;
use passerelle::core::machine::{Installer, Machine, Startup, View};
use passerelle::core::session::{MemoryVault, Patience, SessionKeeper, Vault};
use passerelle::core::settings::{Key, RawSettings, Settings};
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

pub use demo_platform::{fast_options, running as platform};

pub fn raw_settings(platform: &DemoPlatform) -> RawSettings {
    RawSettings::default()
        .with(Key::AuthUrl, platform.auth_url())
        .with(Key::ApiUrl, platform.api_url())
        .with(Key::ClientId, DEMO_CLIENT_ID)
}

/// The origin the app's pages are served from on this system: `tauri://localhost` on
/// Linux and macOS, `http://tauri.localhost` on Windows (WebView2 serves custom schemes
/// as http).
pub fn app_origin() -> &'static str {
    if cfg!(windows) {
        "http://tauri.localhost"
    } else {
        "tauri://localhost"
    }
}

pub struct Harness {
    pub app: tauri::App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    pub desktop: Arc<RecordingDesktop>,
    /// The view `connect` answered, then every view pushed over the channel (JSON).
    pub pushed: Arc<Mutex<Vec<String>>>,
    pub dir: tempfile::TempDir,
}

/// The app as `run` builds it, on the mock runtime, started; its session in memory.
pub fn harness(flags: RawSettings) -> Harness {
    harness_with(flags, RawSettings::default(), None)
}

/// The same, with a distribution file's settings and an installer of the test's.
pub fn harness_with(
    flags: RawSettings,
    build: RawSettings,
    installer: Option<Arc<dyn Installer>>,
) -> Harness {
    let desktop = Arc::new(RecordingDesktop::default());
    let dir = tempfile::tempdir().unwrap();
    let memory: Arc<dyn Vault> = Arc::new(MemoryVault::default());
    let startup = Startup {
        flags,
        env: RawSettings::default(),
        build,
        built_for: None,
        config_file: Some(dir.path().join("config.toml")),
        school_file: dir.path().join("school.toml"),
        school_trust: passerelle::core::settings::Trust::AlsoMe,
        policies: Arc::new(|| Ok(Default::default())),
        keepers: Arc::new(move |_: &Settings| {
            SessionKeeper::new(Some(memory.clone()), true, Patience::default())
        }),
        network: Network::default(),
        clock: Arc::new(passerelle::core::awake::since_boot),
        version: String::new(),
        installer,
        update_note: None,
        remembered: Arc::new(passerelle::core::session::fake::FakeRemembered::default()),
    };
    let launch = Launch {
        startup,
        desktop: Some(desktop.clone()),
        check_webview: false,
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
    let h = Harness {
        app,
        window,
        desktop,
        pushed,
        dir,
    };
    // As the `connect` command does (a channel made here cannot go through the IPC and
    // still call back here): the page renders the view it answers, then each one the
    // channel brings.
    h.app
        .state::<Arc<passerelle::app::desktop::ChannelWindow>>()
        .connect(channel);
    let first = h.machine().connect();
    h.pushed
        .lock()
        .unwrap()
        .insert(0, serde_json::to_string(&first).unwrap());
    h
}

impl Harness {
    /// Calls a command as the page does, from the app's own origin on this system, through
    /// Tauri's IPC and its permission checks.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        self.invoke_from(app_origin(), cmd, args)
    }

    pub fn invoke_from(&self, origin: &str, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: origin.parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    }

    pub fn call(&self, cmd: &str) -> Result<Value, Value> {
        self.invoke(cmd, Value::Null)
    }

    pub fn machine(&self) -> Machine {
        self.app.state::<Machine>().inner().clone()
    }

    /// The last view pushed over the channel, as JSON.
    pub fn last_pushed(&self) -> Option<Value> {
        let pushed = self.pushed.lock().unwrap();
        pushed
            .last()
            .map(|json| serde_json::from_str(json).unwrap())
    }

    /// Waits (in real time: the mock runtime's clock is the real one) for a pushed view
    /// in `state`.
    pub async fn pushed_state(&self, state: &str) -> Value {
        for _ in 0..400 {
            if let Some(view) = self.last_pushed().filter(|v| v["state"] == state) {
                return view;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("never pushed `{state}`; last: {:?}", self.last_pushed());
    }
}
