//! A `.app` replaced by its update, on macOS: the new bundle unpacked beside the old one, in
//! a folder of the app's own folder, then put in its place by renames, as the user who runs
//! it. Tauri's updater does the same, but asks for an administrator's password when a
//! rename is refused, and then moves a folder the learner owns into place as root: here a
//! refusal ends the update, and the app goes on as it was.

use std::path::{Path, PathBuf};

/// Replaces the bundle at `app` with the one `archive` holds (a gzip'd tar of `Name.app/…`,
/// as the bundler makes it, already verified).
pub fn replace(app: &Path, archive: &[u8]) -> Result<(), String> {
    let folder = app.parent().ok_or("the app has no folder")?;
    // In the app's folder: the renames stay on one volume, and nothing leaves the user's.
    let staging = tempfile::Builder::new()
        .prefix(".passerelle-update-")
        .tempdir_in(folder)
        .map_err(|e| format!("a folder beside the app: {e}"))?;
    let new = unpack(archive, staging.path())?;
    let old = staging.path().join("old.app");
    std::fs::rename(app, &old).map_err(|e| format!("the app cannot be moved: {e}"))?;
    if let Err(e) = std::fs::rename(&new, app) {
        // Put back as it was. Were that refused too, the staging folder stays: it holds
        // the only copy of the app.
        if std::fs::rename(&old, app).is_err() {
            let kept = staging.keep();
            return Err(format!(
                "the update cannot be put in place ({e}); the app is kept in {}",
                kept.display()
            ));
        }
        return Err(format!("the update cannot be put in place: {e}"));
    }
    Ok(())
}

/// The archive unpacked into `into` — never out of it, through `..` or a link, as the tar
/// crate's `unpack` guards — and the one bundle it holds.
fn unpack(archive: &[u8], into: &Path) -> Result<PathBuf, String> {
    let unreadable = |e: std::io::Error| format!("the archive cannot be read: {e}");
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    tar.set_preserve_permissions(true);
    tar.unpack(into).map_err(unreadable)?;
    let bundles: Vec<PathBuf> = std::fs::read_dir(into)
        .map_err(unreadable)?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| {
            path.extension().is_some_and(|e| e == "app")
                && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
        })
        .collect();
    match bundles.as_slice() {
        [bundle] => Ok(bundle.clone()),
        _ => Err("the archive does not hold one .app".into()),
    }
}
