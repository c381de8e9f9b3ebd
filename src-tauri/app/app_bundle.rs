//! A `.app` replaced by its update, on macOS: the new bundle unpacked beside the old one, in
//! a folder of the app's own folder, then put in its place by renames, as the user who runs
//! it. Tauri's updater does the same, but asks for an administrator's password when a
//! rename is refused, and then moves a folder the learner owns into place as root: here a
//! refusal ends the update, and the app goes on as it was.

use std::path::{Component, Path, PathBuf};

/// Replaces the bundle at `app` with the one `archive` holds (a gzip'd tar of `Name.app/…`,
/// as the bundler makes it, already verified).
pub fn replace(app: &Path, archive: &[u8]) -> Result<(), String> {
    let folder = app.parent().ok_or("the app has no folder")?;
    // In the app's folder: the renames stay on one volume, and nothing leaves the user's.
    let staging = tempfile::Builder::new()
        .prefix(".passerelle-update-")
        .tempdir_in(folder)
        .map_err(|e| format!("a folder beside the app: {e}"))?;
    let new = staging.path().join("new.app");
    unpack(archive, &new)?;
    let old = staging.path().join("old.app");
    std::fs::rename(app, &old).map_err(|e| format!("the app cannot be moved: {e}"))?;
    if let Err(e) = std::fs::rename(&new, app) {
        // Put back as it was; the staging folder, and what it holds, goes when dropped.
        let _ = std::fs::rename(&old, app);
        return Err(format!("the update cannot be put in place: {e}"));
    }
    Ok(())
}

/// The archive's bundle, its top folder's contents written into `into`.
fn unpack(archive: &[u8], into: &Path) -> Result<(), String> {
    let unreadable = |e: std::io::Error| format!("the archive cannot be read: {e}");
    std::fs::create_dir(into).map_err(unreadable)?;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    tar.set_preserve_permissions(true);
    for entry in tar.entries().map_err(unreadable)? {
        let mut entry = entry.map_err(unreadable)?;
        let path = entry.path().map_err(unreadable)?.into_owned();
        // `Name.app/Contents/…`: below the top folder, and never out of it.
        let inside: PathBuf = path.components().skip(1).collect();
        if path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(format!("the archive names {}", path.display()));
        }
        let to = into.join(&inside);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(unreadable)?;
        }
        entry.unpack(&to).map_err(unreadable)?;
    }
    Ok(())
}
