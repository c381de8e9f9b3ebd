//! Stand-ins for the window and the desktop, for tests: they record what the machine asks
//! of them. Compiled for tests and with the `testing` feature.

use std::sync::Mutex;

use url::Url;

use super::ports::{Desktop, Question, Window};
use super::view::View;
use crate::update::install::Bundle;

/// Records every view shown, as the window received it.
#[derive(Default)]
pub struct RecordingWindow {
    pub shown: Mutex<Vec<View>>,
}

impl Window for RecordingWindow {
    fn show(&self, view: &View) {
        self.shown.lock().unwrap().push(view.clone());
    }
}

impl RecordingWindow {
    pub fn views(&self) -> Vec<View> {
        self.shown.lock().unwrap().clone()
    }
}

/// Records what the machine asked the desktop to do, instead of opening a browser, and
/// answers every question with `answer`.
pub struct RecordingDesktop {
    pub opened: Mutex<Vec<String>>,
    pub copied: Mutex<Vec<String>>,
    pub asked: Mutex<Vec<Question>>,
    pub answer: Mutex<bool>,
}

impl Default for RecordingDesktop {
    fn default() -> Self {
        Self {
            opened: Mutex::default(),
            copied: Mutex::default(),
            asked: Mutex::default(),
            answer: Mutex::new(true),
        }
    }
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

    fn confirm(&self, question: Question, answer: Box<dyn FnOnce(bool) + Send>) {
        self.asked.lock().unwrap().push(question);
        answer(*self.answer.lock().unwrap());
    }
}

/// Records the updates installed and the restarts asked for, instead of installing.
pub struct RecordingInstaller {
    /// Each install: the version and the bytes' length.
    pub installed: Mutex<Vec<(String, usize)>>,
    pub restarts: Mutex<usize>,
    /// The copy's bundle, and whether its learner could replace it.
    pub bundle: Bundle,
    pub replaceable: bool,
}

impl Default for RecordingInstaller {
    /// An AppImage of the learner's own.
    fn default() -> Self {
        Self {
            installed: Mutex::default(),
            restarts: Mutex::default(),
            bundle: Bundle::AppImage,
            replaceable: true,
        }
    }
}

impl super::ports::Installer for RecordingInstaller {
    fn targets(&self) -> Vec<String> {
        let base = "linux-x86_64".to_owned();
        let named = self.bundle.feed_name().map(|name| format!("{base}-{name}"));
        named.into_iter().chain([base]).collect()
    }

    fn bundle(&self) -> Bundle {
        self.bundle
    }

    fn replaceable(&self) -> bool {
        self.replaceable
    }

    fn accepts(&self, _release: &crate::update::Release) -> bool {
        true
    }

    fn install(
        &self,
        release: &crate::update::Release,
        bytes: &[u8],
        _key: &crate::settings::UpdateKey,
    ) -> Result<(), String> {
        let installed = (release.version.to_string(), bytes.len());
        self.installed.lock().unwrap().push(installed);
        Ok(())
    }

    fn restart(&self) {
        *self.restarts.lock().unwrap() += 1;
    }
}

/// A key pair, as `tauri signer generate` makes one, to sign releases as a platform does.
pub struct Signer(minisign::KeyPair);

impl Default for Signer {
    fn default() -> Self {
        Self(minisign::KeyPair::generate_unencrypted_keypair().expect("a key pair"))
    }
}

impl Signer {
    /// The public key as a copy carries it: the `.pub` file's text, in base64.
    pub fn pubkey(&self) -> String {
        b64(&self.0.pk.to_box().expect("a public key").into_string())
    }

    /// As `tauri signer sign --app-version` signs: the version in the trusted comment.
    pub fn sign(&self, bytes: &[u8], version: &str) -> String {
        let trusted = format!("timestamp:1796134076\tfile:passerelle\tversion:{version}");
        let signature = minisign::sign(
            Some(&self.0.pk),
            &self.0.sk,
            std::io::Cursor::new(bytes),
            Some(&trusted),
            Some("signature from tauri secret key"),
        )
        .expect("a signature");
        b64(&signature.into_string())
    }
}

fn b64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// An artifact of `len` bytes that is an AppImage by its first bytes, as the recording
/// installer's copy is by default.
pub fn appimage(len: usize) -> Vec<u8> {
    let mut appimage = vec![7; len.max(16)];
    appimage[..4].copy_from_slice(b"\x7fELF");
    appimage[8..11].copy_from_slice(b"AI\x02");
    appimage
}
