//! Stand-ins for the window and the desktop, for tests: they record what the machine asks
//! of them. Compiled for tests and with the `testing` feature.

use std::sync::Mutex;

use url::Url;

use super::ports::{Desktop, Question, Window};
use super::view::View;

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
#[derive(Default)]
pub struct RecordingInstaller {
    /// Each install: the version and the bytes' length.
    pub installed: Mutex<Vec<(String, usize)>>,
    pub restarts: Mutex<usize>,
}

impl super::ports::Installer for RecordingInstaller {
    fn targets(&self) -> Vec<String> {
        vec!["linux-x86_64-deb".into(), "linux-x86_64".into()]
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
