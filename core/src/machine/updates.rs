//! When and how the copy updates itself: the feed is asked after the first paint and then
//! once a day, never when the school switched updates off; `notify` offers the release in
//! the calm views, `auto` downloads it and installs it at the next quit. An update is
//! installed only once verified and of this copy's kind, never in the middle of a sign-in,
//! and the window then says what it was until the learner has read it. A copy installed for
//! the whole computer installs nothing: the window says who does.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use semver::Version;

use super::error::CommandError;
use super::message::Message;
use super::ports::Installer;
use super::startup::Startup;
use super::state::{Note, Stage};
use super::Machine;
use crate::http::Http;
use crate::settings::{UpdateKey, Updates};
use crate::update::install::UpdatedBy;
use crate::update::manifest::plain;
use crate::update::verify::verify;
use crate::update::{fetch, Release, UpdateError};

/// The first check leaves the window's first seconds to the learner's session.
const FIRST_CHECK: Duration = Duration::from_secs(3);
/// At most once a day while the app runs.
const EVERY: Duration = Duration::from_secs(24 * 3600);
/// Far more than a note with the longest release notes takes.
const NOTE_BYTES: u64 = 16 * 1024;

/// The note as it waits in the learner's folder: the version installed, and its notes as
/// they were signed, with their signature — checked again when read, since anything
/// running as the learner could have written the file.
#[derive(serde::Serialize, serde::Deserialize)]
struct NoteFile {
    version: String,
    notes: Option<String>,
    notes_signature: Option<String>,
}

impl Machine {
    /// The note left for the version just installed, if this is that version: it stays
    /// until the learner has read it (OK), with its notes when `updates` has the key that
    /// signed them. One for another version (an install that did not go through) goes.
    pub(super) fn read_note(startup: &Startup, updates: Option<Updates>) -> Option<Note> {
        let key = match updates {
            Some(Updates::On { key, .. }) => Some(key),
            _ => None,
        };
        read_note(
            startup.update_note.as_deref()?,
            &startup.version,
            key.as_ref(),
        )
    }
}

fn read_note(path: &Path, version: &str, key: Option<&UpdateKey>) -> Option<Note> {
    use std::io::Read;
    // The learner's own folder: read like any file from outside, within bounds.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(NOTE_BYTES)
        .read_to_end(&mut bytes)
        .ok()?;
    match serde_json::from_slice::<NoteFile>(&bytes).ok() {
        Some(note) if note.version == version => {
            let signed = match (&note.notes, &note.notes_signature, key, version.parse()) {
                (Some(notes), Some(signature), Some(key), Ok(version)) => {
                    verify(notes.as_bytes(), signature, key, &version).is_ok()
                }
                _ => false,
            };
            Some(Note {
                notes: note.notes.as_deref().filter(|_| signed).map(plain),
                version: note.version,
            })
        }
        _ => {
            let _ = std::fs::remove_file(path);
            None
        }
    }
}

impl Machine {
    /// Asks the feed after the first paint, then once a day — unless updates are off, or
    /// this copy has nothing to install them with.
    pub(super) fn watch_for_updates(&self) {
        let Some(installer) = self.0.startup.installer.clone() else {
            return;
        };
        let Ok(Updates::On { auto, feed, key }) = self.lock().config.merged.updates() else {
            tracing::info!("updates are off");
            return;
        };
        let Ok(current) = Version::parse(&self.0.startup.version) else {
            return;
        };
        let by = installer.bundle().updated_by(installer.replaceable());
        tracing::info!(bundle = ?installer.bundle(), updated_by = ?by, "this copy's updates");
        let this = self.clone();
        self.spawn(async move {
            let Ok(http) = Http::new(&this.0.startup.network) else {
                return;
            };
            tokio::time::sleep(FIRST_CHECK).await;
            loop {
                match fetch::check(&http, &feed, &current, &installer.targets()).await {
                    Ok(Some(release)) if installer.accepts(&release) => {
                        let release = Arc::new(release.with_signed_notes(&key));
                        match by {
                            UpdatedBy::Itself => this.found(&http, release, auto, &key).await,
                            UpdatedBy::TheComputer => this.managed(release),
                        }
                    }
                    Ok(Some(_)) => tracing::info!("a release the installer cannot read"),
                    Ok(None) => tracing::info!("no newer release"),
                    Err(e) => tracing::info!(code = ?e, "no release read from the feed"),
                }
                tokio::time::sleep(EVERY).await;
            }
        });
    }

    /// A copy installed for the computer: the window says who installs the release, and
    /// nothing is downloaded.
    fn managed(&self, release: Arc<Release>) {
        tracing::info!(version = %release.version, "a newer release, for the computer to install");
        self.apply(|state| state.updates.stage = Stage::Managed(release));
    }

    async fn found(&self, http: &Http, release: Arc<Release>, auto: bool, key: &UpdateKey) {
        tracing::info!(version = %release.version, "a newer release");
        let already = {
            let state = self.lock();
            matches!(&state.updates.stage, Stage::Offered(r) | Stage::Ready { release: r, .. } if r.version >= release.version)
                || matches!(state.updates.stage, Stage::Downloading { .. })
        };
        if already {
            return;
        }
        if !auto {
            self.apply(|state| state.updates.stage = Stage::Offered(release));
            return;
        }
        let downloaded = fetch::download(http, &release, key, |_, _| {}).await;
        let installer = self.0.startup.installer.as_deref();
        match downloaded.and_then(|bytes| fitting(installer, bytes)) {
            Ok(bytes) => self.apply(|state| {
                state.updates.stage = Stage::Ready {
                    release,
                    bytes: Arc::new(bytes),
                }
            }),
            Err(e) => tracing::warn!(code = ?e, "the release could not be downloaded"),
        }
    }

    /// "Update": downloads the release offered (the window shows how far), verifies it,
    /// installs it and restarts — from a calm view only, never during a sign-in.
    pub fn update_now(&self) -> Result<(), CommandError> {
        let installer = self.0.startup.installer.clone();
        let (release, installer, key) = self.apply(|state| {
            let (Stage::Offered(release), Some(installer), Ok(Updates::On { key, .. })) = (
                &state.updates.stage,
                installer,
                state.config.merged.updates(),
            ) else {
                return Err(CommandError::NotNow);
            };
            if !state.phase.is_calm() || state.saving {
                return Err(CommandError::NotNow);
            }
            let release = release.clone();
            state.updates.stage = Stage::Downloading {
                release: release.clone(),
                done: 0,
                total: None,
            };
            Ok((release, installer, key))
        })?;
        let this = self.clone();
        self.spawn(async move {
            let downloaded = match Http::new(&this.0.startup.network) {
                Ok(http) => {
                    fetch::download(&http, &release, &key, |done, total| {
                        this.downloaded(done, total);
                    })
                    .await
                }
                Err(_) => Err(UpdateError::Unreachable),
            };
            let installed = match downloaded.and_then(|b| fitting(Some(installer.as_ref()), b)) {
                Ok(bytes) => this.install(installer.clone(), release, bytes, key).await,
                Err(e) => Err(e),
            };
            match installed {
                Ok(true) => {
                    let _ = tokio::task::spawn_blocking(move || installer.restart()).await;
                }
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(code = ?e, "the update was not installed");
                    let message = match e {
                        UpdateError::Unverified => Message::UpdateUnverified,
                        _ => Message::UpdateFailed,
                    };
                    this.apply(|state| state.updates.stage = Stage::Failed(message));
                }
            }
        });
        Ok(())
    }

    /// Progress, shown when it moves by a percent (or a mebibyte, when the size is unknown).
    fn downloaded(&self, done: u64, total: Option<u64>) {
        let step = |bytes: u64| match total {
            Some(total) if total > 0 => bytes.saturating_mul(100) / total,
            _ => bytes >> 20,
        };
        // The state holds the progress as far as it was shown.
        self.apply(|state| {
            if let Stage::Downloading {
                done: shown,
                total: known,
                ..
            } = &mut state.updates.stage
            {
                if step(done) != step(*shown) || *known != total {
                    *shown = done;
                    *known = total;
                }
            }
        });
    }

    /// Installs, and leaves the note for the next start; true when the copy may restart.
    /// A sign-in begun during the download is not cut short: the release then waits for
    /// the next quit. A shared computer's session ends first, since an installer may end
    /// the app at once (Windows').
    async fn install(
        &self,
        installer: Arc<dyn Installer>,
        release: Arc<Release>,
        bytes: Vec<u8>,
        key: UpdateKey,
    ) -> Result<bool, UpdateError> {
        // The bytes go to the state when they wait, back here when they are installed now:
        // never copied.
        let Some(bytes) = self.apply(|state| {
            if state.phase.is_calm() {
                return Some(bytes);
            }
            state.updates.stage = Stage::Ready {
                release: release.clone(),
                bytes: Arc::new(bytes),
            };
            None
        }) else {
            return Ok(false);
        };
        self.leave_note(&release);
        if self.ends_with_the_app() {
            self.end_with_the_app().await;
        }
        tokio::task::spawn_blocking(move || installer.install(&release, &bytes, &key))
            .await
            .map_err(|e| UpdateError::NotInstalled(e.to_string()))?
            .map_err(UpdateError::NotInstalled)?;
        Ok(true)
    }

    fn leave_note(&self, release: &Release) {
        let Some(path) = &self.0.startup.update_note else {
            return;
        };
        // The notes as signed, when they were found signed: checked again when read.
        let signed = |name: &str| {
            release.notes.as_ref()?;
            release.manifest.get(name)?.as_str().map(str::to_owned)
        };
        let mut note = NoteFile {
            version: release.version.to_string(),
            notes: signed("notes"),
            notes_signature: signed("notes_signature"),
        };
        // Notes longer than a note is read: the version alone is said.
        if serde_json::to_vec(&note).map_or(true, |bytes| bytes.len() as u64 > NOTE_BYTES) {
            (note.notes, note.notes_signature) = (None, None);
        }
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(path, serde_json::to_vec(&note).unwrap_or_default());
    }

    /// At quit, with `auto`: the release downloaded meanwhile is installed, for the next
    /// start. Bounded by the installer's own work.
    pub fn install_at_quit(&self) {
        let (stage, updates) = {
            let state = self.lock();
            (state.updates.stage.clone(), state.config.merged.updates())
        };
        let (Some(installer), Stage::Ready { release, bytes }, Ok(Updates::On { key, .. })) =
            (self.0.startup.installer.clone(), stage, updates)
        else {
            return;
        };
        self.leave_note(&release);
        if let Err(e) = installer.install(&release, &bytes, &key) {
            tracing::warn!(error = %e, "the update downloaded was not installed");
        }
    }

    /// The learner read "Updated to X", or that an update failed: it is not said again.
    pub fn dismiss_update(&self) {
        if let (Some(path), true) = (
            &self.0.startup.update_note,
            self.lock().updates.note.is_some(),
        ) {
            let _ = std::fs::remove_file(path);
        }
        self.apply(|state| {
            state.updates.note = None;
            if matches!(state.updates.stage, Stage::Failed(_)) {
                state.updates.stage = Stage::Quiet;
            }
        });
    }
}

/// `bytes`, when they are of the kind of the copy `installer` installs.
fn fitting(installer: Option<&dyn Installer>, bytes: Vec<u8>) -> Result<Vec<u8>, UpdateError> {
    match installer {
        Some(installer) if installer.bundle().fits(&bytes) => Ok(bytes),
        _ => Err(UpdateError::WrongKind),
    }
}
