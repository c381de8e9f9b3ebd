//! What the app asks of the desktop: open a page in the browser, put text on the clipboard.
//! Behind a trait so that command tests record the calls instead of opening a browser.

use std::sync::Mutex;

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

/// Records what it was asked, for tests.
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
