//! The machine's two ports, as Tauri provides them: the page's channel is where views go,
//! and the desktop is the browser, the clipboard and native dialogs, from Rust only. On
//! Linux the browser is started by the launchers tauri-plugin-opener uses, and the
//! clipboard is GTK's own, which the window already runs on (and which speaks Wayland's
//! clipboard as GNOME has it); elsewhere the opener's and the clipboard manager's plugins.

use std::sync::Mutex;

use passerelle_core::machine::{Desktop, Question, View, Window};
use passerelle_core::sync::LockAnyway;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};
#[cfg(not(target_os = "linux"))]
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
#[cfg(not(target_os = "linux"))]
use tauri_plugin_opener::OpenerExt;
use url::Url;

/// The channel the page connected with; views sent before it connects are not kept (the
/// page asks for the current one when it does).
#[derive(Default)]
pub struct ChannelWindow(Mutex<Option<Channel<View>>>);

impl ChannelWindow {
    pub fn connect(&self, channel: Channel<View>) {
        *self.0.lock_anyway() = Some(channel);
    }
}

impl Window for ChannelWindow {
    fn show(&self, view: &View) {
        if let Some(channel) = &*self.0.lock_anyway() {
            // The page may be reloading; it asks for the view again when it connects.
            let _ = channel.send(view.clone());
        }
    }
}

/// The real desktop.
pub struct TauriDesktop<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> Desktop for TauriDesktop<R> {
    #[cfg(not(target_os = "linux"))]
    fn open_url(&self, url: &Url) -> Result<(), String> {
        self.0
            .opener()
            .open_url(url.as_str(), None::<&str>)
            .map_err(|e| e.to_string())
    }

    /// The first of the launchers tauri-plugin-opener tries (xdg-open, then gio, …) that
    /// starts, without the webview's engine settings: a WebKitGTK browser would otherwise
    /// run its whole session without JIT nor compositing.
    #[cfg(target_os = "linux")]
    fn open_url(&self, url: &Url) -> Result<(), String> {
        use std::os::unix::process::CommandExt;
        use std::process::Stdio;
        let mut failed = String::from("no launcher for links on this system");
        for mut launcher in open::commands(url.as_str()) {
            super::engine::unset_in(&mut launcher);
            launcher
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                // Apart from the app's process group: a Ctrl+C to it leaves the browser be.
                .process_group(0);
            match launcher.spawn() {
                Ok(mut child) => {
                    // Reaped when it ends; a launcher may outlive the hand-off.
                    std::thread::spawn(move || child.wait());
                    return Ok(());
                }
                Err(e) => failed = e.to_string(),
            }
        }
        Err(failed)
    }

    fn copy_text(&self, text: &str) -> Result<(), String> {
        #[cfg(target_os = "linux")]
        return {
            let text = text.to_owned();
            // GTK's clipboard is the main thread's.
            self.0
                .run_on_main_thread(move || {
                    gtk::Clipboard::get(&gtk::gdk::SELECTION_CLIPBOARD).set_text(&text);
                })
                .map_err(|e| e.to_string())
        };
        #[cfg(not(target_os = "linux"))]
        return self
            .0
            .clipboard()
            .write_text(text.to_owned())
            .map_err(|e| e.to_string());
    }

    fn confirm(&self, question: Question, answer: Box<dyn FnOnce(bool) + Send>) {
        let words = question.words(super::window::language());
        self.0
            .dialog()
            .message(words.text)
            .title(words.title)
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(words.yes, words.no))
            .show(answer);
    }
}
