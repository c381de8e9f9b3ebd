//! Whether the machine-wide file is the school's: only the system's administrators may
//! have written it. On Windows, ordinary users may create folders in `%ProgramData%`, and
//! own what they create: a learner could plant `Passerelle\config.toml` there, lock every
//! other learner of the computer onto a platform of their choosing, and have it shown as
//! "managed by your school". So the file, and its folder, are used only when owned by the
//! system (root; or SYSTEM, Administrators, TrustedInstaller) and writable by no one else.

use std::path::Path;

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
    platform::untrusted(file, &folder, trust)
}

/// Unix: owned by root, writable by neither the group nor others.
pub mod unix {
    /// Why a file or folder with this owner and mode is not the school's.
    pub fn judge(what: &str, uid: u32, mode: u32, also: Option<u32>) -> Result<(), String> {
        if uid != 0 && Some(uid) != also {
            return Err(format!("{what} belongs to user {uid}, not to root"));
        }
        if mode & 0o022 != 0 {
            return Err(format!(
                "{what} may be changed by other users (mode {:o})",
                mode & 0o7777
            ));
        }
        Ok(())
    }
}

/// Windows: owned by SYSTEM, Administrators or TrustedInstaller; no access-allowed entry
/// lets anyone else write, append, delete or change it.
pub mod windows {
    /// SYSTEM, Administrators, TrustedInstaller.
    pub const TRUSTED: [&str; 3] = [
        "S-1-5-18",
        "S-1-5-32-544",
        "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464",
    ];

    /// What changes a file or a folder: write or append data (add a file or a folder to
    /// a folder), write its attributes, delete it or what it holds, change its
    /// permissions or owner, and the generic rights that include those.
    pub const CHANGES: u32 = 0x0002 // FILE_WRITE_DATA / FILE_ADD_FILE
        | 0x0004 // FILE_APPEND_DATA / FILE_ADD_SUBDIRECTORY
        | 0x0010 // FILE_WRITE_EA
        | 0x0040 // FILE_DELETE_CHILD
        | 0x0100 // FILE_WRITE_ATTRIBUTES
        | 0x0001_0000 // DELETE
        | 0x0004_0000 // WRITE_DAC
        | 0x0008_0000 // WRITE_OWNER
        | 0x1000_0000 // GENERIC_ALL
        | 0x4000_0000; // GENERIC_WRITE

    /// One entry of a discretionary access control list.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Ace {
        /// An access-allowed entry (others deny, or audit: they grant nothing).
        pub allows: bool,
        /// Only a template for what is created inside: it grants nothing on this one.
        pub inherit_only: bool,
        pub mask: u32,
        pub sid: String,
    }

    /// A security descriptor as the check reads it: the owner, and the DACL (`None` for a
    /// null DACL, which lets everyone do everything).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Descriptor {
        pub owner: String,
        pub dacl: Option<Vec<Ace>>,
    }

    /// Why a file or folder with this descriptor is not the school's; `also` is a SID
    /// trusted besides the system's (the current user's, for tests).
    pub fn judge(what: &str, d: &Descriptor, also: Option<&str>) -> Result<(), String> {
        let trusted = |sid: &str| TRUSTED.contains(&sid) || Some(sid) == also;
        if !trusted(&d.owner) {
            return Err(format!("{what} belongs to {}, not to the system", d.owner));
        }
        let Some(aces) = &d.dacl else {
            return Err(format!("{what} has no access list: anyone may change it"));
        };
        match aces
            .iter()
            .find(|a| a.allows && !a.inherit_only && a.mask & CHANGES != 0 && !trusted(&a.sid))
        {
            Some(ace) => Err(format!("{what} may be changed by {}", ace.sid)),
            None => Ok(()),
        }
    }
}

#[cfg(unix)]
mod platform {
    use std::os::unix::fs::MetadataExt;
    use std::path::Path;

    use super::{unix, Trust};

    pub fn untrusted(file: &std::fs::File, folder: &Path, trust: Trust) -> Option<String> {
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = (trust == Trust::AlsoMe).then(|| unsafe { libc::geteuid() });
        let check = |what: &str, meta: std::io::Result<std::fs::Metadata>| match meta {
            Ok(meta) => unix::judge(what, meta.uid(), meta.mode(), me),
            Err(e) => Err(format!("{what} cannot be checked: {e}")),
        };
        check("the file", file.metadata())
            .and_then(|()| check("its folder", std::fs::metadata(folder)))
            .err()
    }
}

#[cfg(windows)]
mod platform;

#[cfg(not(any(unix, windows)))]
mod platform {
    pub fn untrusted(_: &std::fs::File, _: &std::path::Path, _: super::Trust) -> Option<String> {
        None
    }
}

#[cfg(windows)]
pub use platform::{current_user_sid, descriptor_from_sddl, descriptor_of};

#[cfg(test)]
mod tests {
    use super::windows::{judge, Ace, Descriptor, TRUSTED};
    use super::*;

    #[test]
    fn unix_files_of_root_that_only_root_may_change() {
        assert_eq!(unix::judge("the file", 0, 0o100644, None), Ok(()));
        assert_eq!(unix::judge("its folder", 0, 0o40755, None), Ok(()));
        let e = unix::judge("the file", 1000, 0o100644, None).unwrap_err();
        assert_eq!(e, "the file belongs to user 1000, not to root");
        let e = unix::judge("its folder", 0, 0o40777, None).unwrap_err();
        assert_eq!(e, "its folder may be changed by other users (mode 777)");
        assert!(
            unix::judge("the file", 0, 0o100664, None).is_err(),
            "group-writable"
        );
        assert!(
            unix::judge("its folder", 0, 0o41777, None).is_err(),
            "like /tmp"
        );
        assert_eq!(unix::judge("the file", 1000, 0o100600, Some(1000)), Ok(()));
    }

    fn ace(sid: &str, mask: u32) -> Ace {
        Ace {
            allows: true,
            inherit_only: false,
            mask,
            sid: sid.into(),
        }
    }

    /// `%ProgramData%\Passerelle` as the installer makes it: the system and administrators
    /// in full, users may read.
    fn installed() -> Descriptor {
        Descriptor {
            owner: "S-1-5-32-544".into(),
            dacl: Some(vec![
                ace("S-1-5-18", 0x1f01ff),
                ace("S-1-5-32-544", 0x1f01ff),
                ace("S-1-5-32-545", 0x1200a9),
            ]),
        }
    }

    #[test]
    fn windows_files_of_the_system_that_only_the_system_may_change() {
        assert_eq!(judge("the file", &installed(), None), Ok(()));
        for owner in TRUSTED {
            let d = Descriptor {
                owner: owner.into(),
                ..installed()
            };
            assert_eq!(judge("the file", &d, None), Ok(()));
        }
        // A learner created the folder: they own it.
        let planted = Descriptor {
            owner: "S-1-5-21-1-2-3-1001".into(),
            ..installed()
        };
        assert_eq!(
            judge("its folder", &planted, None).unwrap_err(),
            "its folder belongs to S-1-5-21-1-2-3-1001, not to the system"
        );
        assert_eq!(
            judge("its folder", &planted, Some("S-1-5-21-1-2-3-1001")),
            Ok(())
        );
        // Users, Everyone or Authenticated Users may write, append or delete.
        for (sid, mask) in [
            ("S-1-5-32-545", 0x0002),
            ("S-1-1-0", 0x0004),
            ("S-1-5-11", 0x0001_0000),
            ("S-1-5-32-545", 0x4000_0000),
            ("S-1-5-32-545", 0x0004_0000),
            ("S-1-3-0", 0x1f01ff),
        ] {
            let mut d = installed();
            d.dacl.as_mut().unwrap().push(ace(sid, mask));
            assert!(judge("the file", &d, None).is_err(), "{sid} {mask:#x}");
        }
        // An inherit-only template and a deny entry grant nothing here.
        let mut d = installed();
        d.dacl.as_mut().unwrap().push(Ace {
            inherit_only: true,
            ..ace("S-1-3-0", 0x1f01ff)
        });
        d.dacl.as_mut().unwrap().push(Ace {
            allows: false,
            ..ace("S-1-1-0", 0x1f01ff)
        });
        assert_eq!(judge("the file", &d, None), Ok(()));
        let open = Descriptor {
            dacl: None,
            ..installed()
        };
        assert!(judge("the file", &open, None).is_err(), "a null DACL");
    }
}
