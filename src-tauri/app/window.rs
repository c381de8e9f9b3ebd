//! The main window: the app's own pages only, in the learner's language, and put back
//! where the learner left it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use passerelle_core::language::Language;
use tauri::{App, Manager, Runtime, WebviewWindowBuilder, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// Only the app's own pages load in its webview — `tauri://localhost` on Linux and macOS,
/// `http(s)://tauri.localhost` on Windows, on no other port — and links elsewhere are
/// refused.
pub fn is_app_url(url: &url::Url) -> bool {
    let host = match url.scheme() {
        "tauri" => "localhost",
        "http" | "https" => "tauri.localhost",
        _ => return false,
    };
    url.host_str() == Some(host) && url.port().is_none()
}

/// Creates the window described in `tauri.conf.json`.
pub fn create<R: Runtime>(app: &App<R>) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    WebviewWindowBuilder::from_config(app.handle(), &config)?
        .initialization_script(format!(
            "window.__PASSERELLE_LOCALE__ = {}; window.__PASSERELLE_LANGUAGE__ = {};",
            serde_json::Value::String(locale()),
            serde_json::Value::String(language().code().into()),
        ))
        .on_navigation(|url| {
            let allowed = is_app_url(url);
            if !allowed {
                let origin = passerelle_core::settings::origin_of(url);
                tracing::warn!(%origin, "blocked navigation away from the app");
            }
            allowed
        })
        .build()?;
    Ok(())
}

/// The system's locale, which the webview does not always see (e.g. a locale the C library
/// lacks): the window formats dates and numbers with it.
pub fn locale() -> String {
    sys_locale::get_locale().unwrap_or_else(|| "en".into())
}

/// The language the window, native dialogs and messages speak, from the system's locale.
pub fn language() -> Language {
    Language::of(&locale())
}

/// Moves and resizes come by the dozen during a drag: the window's place is saved once it
/// has stayed put this long, and at close (the plugin saves again when the app exits).
const SETTLED: Duration = Duration::from_millis(500);

/// Saves the window's place when moving stops, so that a crash or a log-out keeps it.
pub fn remember_place<R: Runtime>(window: &tauri::Window<R>, event: &WindowEvent) {
    static LAST_MOVE: AtomicU64 = AtomicU64::new(0);
    let app = window.app_handle().clone();
    match event {
        WindowEvent::Moved(_) | WindowEvent::Resized(_) => {
            let this_move = LAST_MOVE.fetch_add(1, Ordering::SeqCst) + 1;
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(SETTLED).await;
                if LAST_MOVE.load(Ordering::SeqCst) == this_move {
                    let _ = app.save_window_state(StateFlags::all());
                }
            });
        }
        WindowEvent::CloseRequested { .. } => {
            let _ = app.save_window_state(StateFlags::all());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_app_s_own_pages() {
        let ok = |u: &str| is_app_url(&url::Url::parse(u).unwrap());
        assert!(ok("tauri://localhost/index.html"));
        assert!(ok("http://tauri.localhost/"));
        assert!(!ok("https://platform.example/"));
        assert!(!ok("http://localhost:3000/"));
        assert!(!ok("http://tauri.localhost:8080/"));
        assert!(!ok("tauri://localhost:1/"));
        assert!(!ok("file:///etc/passwd"));
    }
}
