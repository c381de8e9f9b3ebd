//! The desktop app: Tauri wiring around the device-flow client.

pub mod commands;
pub mod controller;
pub mod desktop;
pub mod error;
pub mod qr;
pub mod url_policy;
pub mod view;

use std::sync::Arc;

use tauri::{Manager, WebviewWindowBuilder};

pub use controller::Controller;

use crate::flow::config::default_config_path;
use crate::flow::RawSettings;

/// Only the app's own pages load in its webview; links elsewhere are refused.
pub fn is_app_url(url: &url::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

/// One small page that changes a few characters a second gains nothing from GPU
/// compositing, and pays for it on every frame: without a GPU (a virtual machine, a
/// remote desktop) Mesa emulates it on the CPU, and some drivers leave the window blank.
/// Painting only what changed keeps the waiting screen at a fraction of a percent of CPU.
fn software_rendering(webview: tauri::webview::PlatformWebview) {
    #[cfg(target_os = "linux")]
    {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = webview.inner().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = webview;
}

/// Runs the app until its window is closed.
pub fn run(cli: RawSettings) {
    tauri::Builder::default()
        // First, so that a second launch hands over to the running one and exits.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .setup(move |app| {
            let desktop = Arc::new(desktop::TauriDesktop(app.handle().clone()));
            let stores: controller::StoreFactory = Arc::new(crate::session::store_for);
            let controller = Controller::new(desktop, stores, cli, default_config_path());
            app.manage(controller.clone());
            let config = app
                .config()
                .app
                .windows
                .first()
                .cloned()
                .ok_or("no window in tauri.conf.json")?;
            // The system's language, which the webview does not always see (e.g. a locale
            // the C library lacks): the window picks its strings from it.
            let locale = sys_locale::get_locale().unwrap_or_else(|| "en".into());
            WebviewWindowBuilder::from_config(app.handle(), &config)?
                .initialization_script(format!(
                    "window.__PASSERELLE_LOCALE__ = {};",
                    serde_json::Value::String(locale)
                ))
                .on_navigation(|url| {
                    let allowed = is_app_url(url);
                    if !allowed {
                        tracing::warn!(%url, "blocked navigation away from the app");
                    }
                    allowed
                })
                .build()?
                .with_webview(software_rendering)?;
            controller.start();
            Ok(())
        })
        .on_window_event(|window, event| {
            // Saved as it changes, not only at a clean exit, so a crash or a logout keeps it.
            if matches!(
                event,
                tauri::WindowEvent::Moved(_) | tauri::WindowEvent::Resized(_)
            ) {
                use tauri_plugin_window_state::{AppHandleExt, StateFlags};
                let _ = window.app_handle().save_window_state(StateFlags::all());
            }
        })
        .invoke_handler(crate::app_commands!())
        .run(tauri::generate_context!())
        .expect("Passerelle could not start");
}
