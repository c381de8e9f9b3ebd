//! Whether the machine-wide file is the school's: only the system's administrators may
//! have written it. On Windows, ordinary users may create folders in `%ProgramData%`, and
//! own what they create: a learner could plant `Passerelle\config.toml` there, lock every
//! other learner of the computer onto a platform of their choosing, and have it shown as
//! "managed by your school". So the file, and its folder, are used only when owned by the
//! system (root; or SYSTEM, Administrators, TrustedInstaller) and writable by no one else.

use std::path::Path;

#[cfg(unix)]
mod on_unix;
#[cfg(windows)]
mod on_windows;
pub mod unix;
pub mod windows;

#[cfg(windows)]
pub use on_windows::{current_user_sid, descriptor_from_sddl, descriptor_of};

/// Whose files are the school's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// The system's administrators only: the app reads the system's file so.
    System,
    /// The current user too: for the files tests and development builds point the app at.
    AlsoMe,
}

/// Why the machine-wide file at `path` (opened as `file`) is not used; `None` when it is
/// the school's.
pub fn untrusted(path: &Path, file: &std::fs::File, trust: Trust) -> Option<String> {
    let folder = path
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().map(Path::to_owned));
    let Some(folder) = folder else {
        return Some("its folder cannot be found".into());
    };
    let also_me = trust == Trust::AlsoMe;
    #[cfg(unix)]
    // SAFETY: geteuid has no preconditions and cannot fail.
    return on_unix::untrusted(file, &folder, also_me.then(|| unsafe { libc::geteuid() }));
    #[cfg(windows)]
    return on_windows::untrusted(file, &folder, also_me.then(current_user_sid).flatten());
    #[cfg(not(any(unix, windows)))]
    return {
        let _ = (file, also_me);
        None
    };
}
