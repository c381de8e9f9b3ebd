//! Installs an update with Tauri's updater. The core chose the release, downloaded it and
//! checked its signature; the plugin checks it again, with the same key and the version
//! bound, and installs it as the bundle this copy came from expects (dpkg or rpm, the
//! AppImage replaced, the Windows installer, the macOS app's folder).

use passerelle_core::machine::Installer;
use passerelle_core::settings::UpdateKey;
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
        self.0
            .updater_builder()
            .endpoints(vec![never_asked])
            .and_then(|b| b.pubkey(key).build())
            .and_then(|updater| updater.restore_update(release.manifest.clone()))
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "the release is not newer than this copy".into())
    }
}

impl<R: Runtime> Installer for TauriInstaller<R> {
    /// As the plugin looks them up: `{os}-{arch}-{bundle}`, then `{os}-{arch}`.
    fn targets(&self) -> Vec<String> {
        let Some(base) = tauri_plugin_updater::target() else {
            return vec![];
        };
        let bundle = bundle_type().map(|kind| match kind {
            BundleType::Deb => "deb",
            BundleType::Rpm => "rpm",
            BundleType::AppImage => "appimage",
            BundleType::Msi => "msi",
            BundleType::Nsis => "nsis",
            _ => "app",
        });
        bundle
            .map(|bundle| format!("{base}-{bundle}"))
            .into_iter()
            .chain([base])
            .collect()
    }

    fn accepts(&self, release: &Release) -> bool {
        // Any key will do to read the manifest: the artifact is checked with the copy's.
        self.restore(release, "")
            .inspect_err(|e| tracing::info!(error = %e, "the updater cannot read the release"))
            .is_ok()
    }

    fn install(&self, release: &Release, bytes: &[u8], key: &UpdateKey) -> Result<(), String> {
        self.restore(release, key.as_str())?
            .install(bytes)
            .map_err(|e| e.to_string())
    }

    fn restart(&self) {
        self.0.restart();
    }
}
