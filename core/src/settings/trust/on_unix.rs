//! The Unix side of the trust check: owners and modes read from the system.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use super::unix::system_only;

/// Why `file` or its `folder` is not the system's; `also` is a user trusted besides root.
pub fn untrusted(file: &std::fs::File, folder: &Path, also: Option<u32>) -> Option<String> {
    let check = |what: &str, meta: std::io::Result<std::fs::Metadata>| match meta {
        Ok(meta) => system_only(what, meta.uid(), meta.mode(), also),
        Err(e) => Err(format!("{what} cannot be checked: {e}")),
    };
    check("the file", file.metadata())
        .and_then(|()| check("its folder", std::fs::metadata(folder)))
        .err()
}
