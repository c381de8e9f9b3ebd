//! Whether the machine-wide file is the school's: only the system's administrators may
//! have written it. On Windows, ordinary users may create folders in `%ProgramData%`, and
//! own what they create: a learner could plant `Passerelle\config.toml` there, lock every
//! other learner of the computer onto a platform of their choosing, and have it shown as
//! "managed by your school". So the file, and its folder, are used only when owned by the
//! system (root; or SYSTEM, Administrators, TrustedInstaller, an administrator's account)
//! and writable by no one else: one an ordinary user owns is ignored (and the app goes on
//! without it), one the system owns but others may change is refused (and the school told).

use std::path::Path;

#[cfg(unix)]
mod on_unix;
#[cfg(windows)]
mod on_windows;
pub mod unix;
mod verdict;
pub mod windows;

#[cfg(windows)]
pub use on_windows::{current_user_sid, descriptor_from_sddl, descriptor_of};
pub use verdict::Verdict;

/// Whose files are the school's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// The system's administrators only: the app reads the system's file so.
    System,
    /// The current user too: for the files tests and development builds point the app at.
    AlsoMe,
}

/// Whether the machine-wide file at `path` and its folder are the school's as they are
/// named — links not followed, whatever kind of entry each is — before anything is opened:
/// a folder called `config.toml`, or a link to another program's file, that a learner made
/// is theirs, and ignored. `None` when there is no such file.
pub fn check_named(path: &Path, trust: Trust) -> Option<Verdict> {
    let folder = path.parent()?;
    let also_me = trust == Trust::AlsoMe;
    #[cfg(unix)]
    // SAFETY: geteuid has no preconditions and cannot fail.
    return on_unix::check_named(path, folder, also_me.then(|| unsafe { libc::geteuid() }));
    #[cfg(windows)]
    return on_windows::check_named(path, folder, also_me.then(current_user_sid).flatten());
    #[cfg(not(any(unix, windows)))]
    return {
        let _ = also_me;
        path.exists().then_some(Verdict::System)
    };
}

/// Whether the machine-wide file at `path` (opened as `file`, links followed) is the
/// school's.
pub fn check(path: &Path, file: &std::fs::File, trust: Trust) -> Verdict {
    let folder = path
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().map(Path::to_owned));
    let Some(folder) = folder else {
        return Verdict::Exposed("its folder cannot be found".into());
    };
    let also_me = trust == Trust::AlsoMe;
    #[cfg(unix)]
    // SAFETY: geteuid has no preconditions and cannot fail.
    return on_unix::check(file, &folder, also_me.then(|| unsafe { libc::geteuid() }));
    #[cfg(windows)]
    return on_windows::check(file, &folder, also_me.then(current_user_sid).flatten());
    #[cfg(not(any(unix, windows)))]
    return {
        let _ = (file, also_me);
        Verdict::System
    };
}
