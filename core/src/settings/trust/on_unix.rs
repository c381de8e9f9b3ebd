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
