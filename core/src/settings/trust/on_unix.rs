//! The Unix side of the trust check: owners and modes read from the system.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use super::unix::verdict;
use super::verdict::Verdict;

/// Whether `file` and its `folder` are the system's; `also` is a user trusted besides root.
pub fn check(file: &std::fs::File, folder: &Path, also: Option<u32>) -> Verdict {
    let check = |what: &str, meta: std::io::Result<std::fs::Metadata>| match meta {
        Ok(meta) => verdict(what, meta.uid(), meta.mode(), also),
        Err(e) => Verdict::Exposed(format!("{what} cannot be checked: {e}")),
    };
    check("the file", file.metadata()).and(check("its folder", std::fs::metadata(folder)))
}

/// Whether the entry at `path` and its `folder`, links not followed, are the system's;
/// `None` when either is missing. A link's own mode means nothing: only its owner counts.
pub fn check_named(path: &Path, folder: &Path, also: Option<u32>) -> Option<Verdict> {
    let check = |what: &str, at: &Path| {
        let meta = match std::fs::symlink_metadata(at) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => return Some(Verdict::Exposed(format!("{what} cannot be checked: {e}"))),
            Ok(meta) => meta,
        };
        let mode = if meta.file_type().is_symlink() {
            0o755
        } else {
            meta.mode()
        };
        Some(verdict(what, meta.uid(), mode, also))
    };
    Some(check("its folder", folder)?.and(check("the file", path)?))
}
