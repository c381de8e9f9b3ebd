//! Unix: owned by root, writable by neither the group nor others.

/// Why a file or folder with this owner and mode is not the school's.
pub fn system_only(what: &str, uid: u32, mode: u32, also: Option<u32>) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_files_of_root_that_only_root_may_change() {
        assert_eq!(system_only("the file", 0, 0o100644, None), Ok(()));
        assert_eq!(system_only("its folder", 0, 0o40755, None), Ok(()));
        let e = system_only("the file", 1000, 0o100644, None).unwrap_err();
        assert_eq!(e, "the file belongs to user 1000, not to root");
        let e = system_only("its folder", 0, 0o40777, None).unwrap_err();
        assert_eq!(e, "its folder may be changed by other users (mode 777)");
        assert!(
            system_only("the file", 0, 0o100664, None).is_err(),
            "group-writable"
        );
        assert!(
            system_only("its folder", 0, 0o41777, None).is_err(),
            "like /tmp"
        );
        assert_eq!(system_only("the file", 1000, 0o100600, Some(1000)), Ok(()));
    }
}
