//! Unix: owned by root, writable by neither the group nor others.

use super::verdict::Verdict;

/// Whether a file or folder with this owner and mode is the school's; `also` is a user
/// trusted besides root.
pub fn verdict(what: &str, uid: u32, mode: u32, also: Option<u32>) -> Verdict {
    if uid != 0 && Some(uid) != also {
        return Verdict::Planted(format!("{what} belongs to user {uid}, not to root"));
    }
    if mode & 0o022 != 0 {
        return Verdict::Exposed(format!(
            "{what} may be changed by other users (mode {:o})",
            mode & 0o7777
        ));
    }
    Verdict::System
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_files_of_root_that_only_root_may_change() {
        assert_eq!(verdict("the file", 0, 0o100644, None), Verdict::System);
        assert_eq!(verdict("its folder", 0, 0o40755, None), Verdict::System);
        assert_eq!(
            verdict("the file", 1000, 0o100644, None),
            Verdict::Planted("the file belongs to user 1000, not to root".into()),
            "a user's file is planted, whatever its mode"
        );
        assert!(matches!(
            verdict("its folder", 1000, 0o40777, None),
            Verdict::Planted(_)
        ));
        assert_eq!(
            verdict("its folder", 0, 0o40777, None),
            Verdict::Exposed("its folder may be changed by other users (mode 777)".into()),
            "root's, with the wrong mode: the school is told"
        );
        assert!(
            matches!(verdict("the file", 0, 0o100664, None), Verdict::Exposed(_)),
            "group-writable"
        );
        assert!(
            matches!(verdict("its folder", 0, 0o41777, None), Verdict::Exposed(_)),
            "like /tmp"
        );
        assert_eq!(
            verdict("the file", 1000, 0o100600, Some(1000)),
            Verdict::System
        );
    }
}
