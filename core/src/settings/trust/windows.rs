//! Windows: owned by SYSTEM, Administrators, TrustedInstaller or an administrator's account;
//! no access-allowed entry lets anyone else write, append, delete or change it.

use super::verdict::Verdict;

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

/// Whether `sid` is an administrator's account of a machine or a domain — its built-in
/// Administrator (RID 500), the Domain Admins (512) or the Enterprise Admins (519) — which
/// no ordinary user can be: a file an administrator copied keeps them as its owner.
fn is_an_administrator_account(sid: &str) -> bool {
    let Some(sub) = sid.strip_prefix("S-1-5-21-") else {
        return false;
    };
    let parts: Vec<&str> = sub.split('-').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && matches!(parts[3], "500" | "512" | "519")
}

/// Why a file or folder with this descriptor is not the school's; `also` is a SID
/// trusted besides the system's (the current user's, for tests).
pub fn verdict(what: &str, d: &Descriptor, also: Option<&str>) -> Verdict {
    let trusted =
        |sid: &str| TRUSTED.contains(&sid) || is_an_administrator_account(sid) || Some(sid) == also;
    if !trusted(&d.owner) {
        return Verdict::Planted(format!("{what} belongs to {}, not to the system", d.owner));
    }
    let Some(aces) = &d.dacl else {
        return Verdict::Exposed(format!("{what} has no access list: anyone may change it"));
    };
    match aces
        .iter()
        .find(|a| a.allows && !a.inherit_only && a.mask & CHANGES != 0 && !trusted(&a.sid))
    {
        Some(ace) => Verdict::Exposed(format!("{what} may be changed by {}", ace.sid)),
        None => Verdict::System,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(verdict("the file", &installed(), None), Verdict::System);
        for owner in TRUSTED {
            let d = Descriptor {
                owner: owner.into(),
                ..installed()
            };
            assert_eq!(verdict("the file", &d, None), Verdict::System);
        }
        // An administrator's own account, or a domain's administrators: the system's.
        for owner in [
            "S-1-5-21-1-2-3-500",
            "S-1-5-21-1-2-3-512",
            "S-1-5-21-1-2-3-519",
        ] {
            let d = Descriptor {
                owner: owner.into(),
                ..installed()
            };
            assert_eq!(verdict("the file", &d, None), Verdict::System, "{owner}");
        }
        for owner in ["S-1-5-21-1-2-3-1500", "S-1-5-21-1-2-500", "S-1-5-32-500"] {
            let d = Descriptor {
                owner: owner.into(),
                ..installed()
            };
            assert!(
                matches!(verdict("the file", &d, None), Verdict::Planted(_)),
                "{owner}"
            );
        }
        // A learner created the folder: they own it. Planted, whatever its access list.
        let planted = Descriptor {
            owner: "S-1-5-21-1-2-3-1001".into(),
            ..installed()
        };
        assert_eq!(
            verdict("its folder", &planted, None),
            Verdict::Planted("its folder belongs to S-1-5-21-1-2-3-1001, not to the system".into())
        );
        assert_eq!(
            verdict("its folder", &planted, Some("S-1-5-21-1-2-3-1001")),
            Verdict::System
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
            assert!(
                matches!(verdict("the file", &d, None), Verdict::Exposed(_)),
                "{sid} {mask:#x}: the system's, with the wrong access list"
            );
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
        assert_eq!(verdict("the file", &d, None), Verdict::System);
        let open = Descriptor {
            dacl: None,
            ..installed()
        };
        assert!(
            matches!(verdict("the file", &open, None), Verdict::Exposed(_)),
            "a null DACL"
        );
    }
}
