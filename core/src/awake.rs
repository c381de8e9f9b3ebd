//! A clock that counts the time the computer sleeps. The idle time before a shared
//! computer's session ends must count a lab's night; tokio's clock does not count it on Linux
//! (`CLOCK_MONOTONIC`) nor on macOS (`mach_absolute_time`).

use std::time::Duration;

/// Time since the computer started, its sleep included: `CLOCK_BOOTTIME` on Linux,
/// `CLOCK_MONOTONIC` on macOS (which, there, counts sleep), `GetTickCount64` on Windows.
pub fn since_boot() -> Duration {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    return clock(libc::CLOCK_BOOTTIME);
    #[cfg(target_os = "macos")]
    return clock(libc::CLOCK_MONOTONIC);
    #[cfg(windows)]
    // SAFETY: no preconditions.
    return Duration::from_millis(unsafe {
        windows_sys::Win32::System::SystemInformation::GetTickCount64()
    });
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        windows
    )))]
    return std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
}

#[cfg(any(target_os = "linux", target_os = "android", target_os = "macos"))]
fn clock(id: libc::clockid_t) -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid clock id and a valid out pointer.
    unsafe { libc::clock_gettime(id, &mut now) };
    Duration::new(
        now.tv_sec.max(0) as u64,
        now.tv_nsec.clamp(0, 999_999_999) as u32,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn it_moves_forward() {
        let before = super::since_boot();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let after = super::since_boot();
        assert!(after > before && after - before >= std::time::Duration::from_millis(15));
    }
}
