//! The app with Tauri's mock runtime and an in-memory token store, for command tests.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use demo_platform::{Decision, DemoPlatform};
use passerelle::app::controller::StoreFactory;
use passerelle::app::desktop::RecordingDesktop;
use passerelle::app::view::View;
use passerelle::app::Controller;
use passerelle::flow::{RawSettings, Settings};
use passerelle::session::{MemoryStore, TokenStore};
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

pub struct Harness {
    pub app: tauri::App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    pub desktop: Arc<RecordingDesktop>,
    /// Every view pushed over the channel, as the window received it (JSON).
    pub pushed: Arc<Mutex<Vec<String>>>,
    pub config: tempfile::TempDir,
}

pub fn harness(raw: RawSettings) -> Harness {
    harness_with(raw, Arc::new(MemoryStore::default()))
}

/// The app with `store` as its token store, started (restoring what `store` holds).
pub fn harness_with(raw: RawSettings, store: Arc<MemoryStore>) -> Harness {
    let desktop = Arc::new(RecordingDesktop::default());
    let config = tempfile::tempdir().unwrap();
    let stores: StoreFactory = Arc::new(move |_: &Settings| store.clone() as Arc<dyn TokenStore>);
    let controller = Controller::new(
        desktop.clone(),
        stores,
        raw,
        Some(config.path().join("config.toml")),
    );
    let app = mock_builder()
        .invoke_handler(passerelle::app_commands!())
        .build(mock_context(noop_assets()))
        .unwrap();
    app.manage(controller);
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let pushed = Arc::new(Mutex::new(Vec::new()));
    let sink = pushed.clone();
    let channel = tauri::ipc::Channel::<View>::new(move |body| {
        if let InvokeResponseBody::Json(json) = body {
            sink.lock().unwrap().push(json);
        }
        Ok(())
    });
    let state = app.state::<Controller>();
    state.connect(channel);
    state.start();
    Harness {
        app,
        window,
        desktop,
        pushed,
        config,
    }
}

impl Harness {
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
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

    pub fn view(&self) -> View {
        self.window.state::<Controller>().view()
    }

    pub async fn wait_for(&self, what: &str, done: impl Fn(&View) -> bool) -> View {
        for _ in 0..200 {
            let view = self.view();
            if done(&view) {
                return view;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("timed out waiting for {what}; view is {:?}", self.view());
    }

    /// Waits for the error view; returns its kind.
    pub async fn wait_for_error(&self) -> &'static str {
        match self
            .wait_for("an error", |v| matches!(v, View::Error { .. }))
            .await
        {
            View::Error { kind, .. } => kind,
            _ => unreachable!(),
        }
    }

    /// Clicks Sign in, and the learner answers the code in the browser.
    pub async fn sign_in_and_decide(&self, platform: &DemoPlatform, decision: Decision) {
        self.invoke("start_sign_in", Value::Null).unwrap();
        let code = self.wait_for_code().await;
        platform.decide(&code, decision);
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
