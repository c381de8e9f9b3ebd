//! Installs an update with Tauri's updater, for a copy that updates itself. The core chose
//! the release, downloaded it, checked its signature and its kind; the plugin checks it
//! again, with the same key and the version bound, and installs it as the bundle this copy
//! came from expects (the AppImage replaced, the per-user installer). A `.app` is replaced
//! here (`app_bundle`): the plugin would ask for an administrator when a rename is refused.
//! A copy installed for the whole computer never gets here, and is turned away again at
//! the last moment: nothing this module starts asks for an administrator.

use std::path::{Path, PathBuf};

use passerelle_core::machine::Installer;
use passerelle_core::settings::UpdateKey;
use passerelle_core::update::install::{Bundle, UpdatedBy};
use passerelle_core::update::Release;
use tauri::utils::config::BundleType;
use tauri::utils::platform::bundle_type;
use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};

pub struct TauriInstaller<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> TauriInstaller<R> {
    /// The plugin's update for `release`, from its manifest as it came: no request made.
    fn restore(&self, release: &Release, key: &str) -> Result<Update, String> {
        // The plugin builds only with an endpoint, which `restore_update` never asks: every
        // request is the core's. A reserved name (RFC 2606), so that none could ever be made.
        let never_asked = "https://updates.invalid/".parse().expect("an address");
        let mut builder = self.0.updater_builder();
        // What it replaces is what was checked: the program `replaceable` looked at.
        if let Some(program) = program(self.bundle()) {
            builder = builder.executable_path(program);
        }
        builder
            .endpoints(vec![never_asked])
            .and_then(|b| b.pubkey(key).build())
            .and_then(|updater| updater.restore_update(release.manifest.clone()))
            .map_err(|e| code(&e))?
            .ok_or_else(|| "the release is not newer than this copy".into())
    }
}

/// The plugin's error by its kind alone: its messages may quote the feed's strings, which
/// stay out of the logs.
fn code(e: &tauri_plugin_updater::Error) -> String {
    let debug = format!("{e:?}");
    let kind = debug.split(['(', '{', ' ']).next().unwrap_or_default();
    format!("the updater's {kind} error")
}

impl<R: Runtime> Installer for TauriInstaller<R> {
    /// As the plugin looks them up: `{os}-{arch}-{bundle}`, then `{os}-{arch}`.
    fn targets(&self) -> Vec<String> {
        let Some(base) = tauri_plugin_updater::target() else {
            return vec![];
        };
        let bundle = self.bundle().feed_name();
        bundle
            .map(|bundle| format!("{base}-{bundle}"))
            .into_iter()
            .chain([base])
            .collect()
    }

    fn bundle(&self) -> Bundle {
        match bundle_type() {
            Some(BundleType::Deb) => Bundle::Deb,
            Some(BundleType::Rpm) => Bundle::Rpm,
            Some(BundleType::AppImage) => Bundle::AppImage,
            Some(BundleType::Msi) => Bundle::Msi,
            Some(BundleType::Nsis) => Bundle::Nsis,
            Some(_) if cfg!(target_os = "macos") => Bundle::App,
            _ => Bundle::Bare,
        }
    }

    fn replaceable(&self) -> bool {
        program(self.bundle()).is_some_and(|program| {
            let folder = program.parent().map(Path::to_path_buf).unwrap_or_default();
            writable(&program) && writable(&folder)
        })
    }

    fn accepts(&self, release: &Release) -> bool {
        // Any key will do to read the manifest: the artifact is checked with the copy's.
        self.restore(release, "")
            .inspect_err(|e| tracing::info!(error = %e, "the updater cannot read the release"))
            .is_ok()
    }

    fn install(&self, release: &Release, bytes: &[u8], key: &UpdateKey) -> Result<(), String> {
        // Asked again now, however long ago the release was offered.
        let bundle = self.bundle();
        if bundle.updated_by(self.replaceable()) != UpdatedBy::Itself {
            return Err("this copy is updated by the computer, not by itself".into());
        }
        let update = self.restore(release, key.as_str())?;
        #[cfg(target_os = "macos")]
        if bundle == Bundle::App {
            // Checked by the plugin too, as its own install would.
            update.verify(bytes).map_err(|e| code(&e))?;
            let app = program(bundle).ok_or("the app's folder cannot be found")?;
            return super::app_bundle::replace(&app, bytes);
        }
        update.install(bytes).map_err(|e| code(&e))
    }

    fn restart(&self) {
        self.0.restart();
    }
}

/// What an update replaces: the AppImage (where its runtime says it is), the `.app`
/// folder, or the program itself.
fn program(bundle: Bundle) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    match bundle {
        Bundle::AppImage => std::env::var_os("APPIMAGE").map(PathBuf::from),
        // `Passerelle.app/Contents/MacOS/passerelle`, as the system resolves it: nothing
        // else is a bundle to replace.
        Bundle::App => {
            let exe = exe.canonicalize().ok()?;
            let names: Vec<_> = exe.ancestors().skip(1).take(3).collect();
            let laid_out = names.len() == 3
                && names[0].file_name()? == "MacOS"
                && names[1].file_name()? == "Contents"
                && names[2].extension()? == "app";
            laid_out.then(|| names[2].to_path_buf())
        }
        _ => Some(exe),
    }
}

/// Whether the running user may write `path`, as the system says: `access(2)`, which asks
/// with the real user's rights.
#[cfg(unix)]
fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a NUL-terminated path.
    unsafe { libc::access(path.as_ptr(), libc::W_OK) == 0 }
}

/// Whether the running user may write in `path`'s folder, as the system says: a file made
/// there and removed. (A running program cannot be opened for writing on Windows; its
/// folder tells: the learner's own for a per-user install, Program Files' otherwise.)
#[cfg(windows)]
fn writable(path: &Path) -> bool {
    let folder = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(path)
    };
    let probe = folder.join(format!(".passerelle-write-check-{}", std::process::id()));
    let made = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .is_ok();
    if made {
        let _ = std::fs::remove_file(&probe);
    }
    made
}
