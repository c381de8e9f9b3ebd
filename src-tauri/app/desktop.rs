//! What the app asks of the desktop: open a page in the browser, put text on the clipboard.
//! Behind a trait so that tests can record the calls instead of opening a browser.

use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_opener::OpenerExt;
use url::Url;

pub trait Desktop: Send + Sync {
    fn open_url(&self, url: &Url) -> Result<(), String>;
    fn copy_text(&self, text: &str) -> Result<(), String>;
}

/// The real desktop, through tauri-plugin-opener and the clipboard plugin, from Rust only.
pub struct TauriDesktop<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> Desktop for TauriDesktop<R> {
    fn open_url(&self, url: &Url) -> Result<(), String> {
        self.0
            .opener()
            .open_url(url.as_str(), None::<&str>)
            .map_err(|e| e.to_string())
    }

    fn copy_text(&self, text: &str) -> Result<(), String> {
        self.0
            .clipboard()
            .write_text(text.to_owned())
            .map_err(|e| e.to_string())
    }
}
