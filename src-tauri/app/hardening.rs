//! No copy of a session outside the keychain and the process: a crash leaves no core dump
//! holding the tokens, and another process of the same user cannot read the app's memory. On
//! Linux the process is made non-dumpable (which also refuses ptrace and `/proc/…/mem` to the
//! user's other processes) and its core size limited to nothing; on macOS the core size, and
//! debuggers refused. Windows writes no dump unless a school configures one (WER's
//! LocalDumps), which is the school's choice.

/// Called first thing in `main`.
pub fn keep_the_session_in() {
    #[cfg(unix)]
    {
        let nothing = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: a valid rlimit; it only lowers this process's own limit.
        unsafe { libc::setrlimit(libc::RLIMIT_CORE, &nothing) };
    }
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_DUMPABLE takes one integer argument and affects this process only.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
    #[cfg(target_os = "macos")]
    // SAFETY: PT_DENY_ATTACH takes no other argument and affects this process only.
    unsafe {
        libc::ptrace(libc::PT_DENY_ATTACH, 0, std::ptr::null_mut(), 0);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// Set in the process that checks itself.
    const ALONE: &str = "PASSERELLE_HARDENING_TEST_ALONE";

    #[test]
    fn no_core_dump_and_no_reader_of_the_memory() {
        if std::env::var_os(ALONE).is_some() {
            super::keep_the_session_in();
            let mut limit = libc::rlimit {
                rlim_cur: 1,
                rlim_max: 1,
            };
            // SAFETY: valid pointers; reading this process's own state.
            let (dumpable, read) = unsafe {
                (
                    libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0),
                    libc::getrlimit(libc::RLIMIT_CORE, &mut limit),
                )
            };
            assert_eq!(dumpable, 0, "not dumpable");
            assert_eq!(
                (read, limit.rlim_cur, limit.rlim_max),
                (0, 0, 0),
                "no core size"
            );
            return;
        }
        // In a process of its own: this one stays as the test runner made it.
        let alone = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "app::hardening::tests::no_core_dump_and_no_reader_of_the_memory",
            ])
            .env(ALONE, "1")
            .output()
            .unwrap();
        assert!(
            alone.status.success(),
            "{}{}",
            String::from_utf8_lossy(&alone.stdout),
            String::from_utf8_lossy(&alone.stderr)
        );
        let stdout = String::from_utf8_lossy(&alone.stdout);
        assert!(stdout.contains("1 passed"), "the check ran: {stdout}");
    }
}
