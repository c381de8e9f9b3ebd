//! The app's processes, from outside: a stand-in for the browser it opens, and the app
//! found and ended by the folders it was started with.

use std::path::Path;
#[cfg(target_os = "linux")]
use std::process::Command;
#[cfg(target_os = "linux")]
use std::time::{Duration, Instant};

/// A stand-in `xdg-open` that notes what it was asked to open.
#[cfg(unix)]
pub fn stand_in_browser(bin: &Path, log: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let stub = bin.join("xdg-open");
    std::fs::write(
        &stub,
        // What the browser would inherit of the webview's engine settings is written too.
        format!(
            "#!/bin/sh\necho \"$1${{JSC_useJIT:+ JSC_useJIT}}${{WEBKIT_DISABLE_COMPOSITING_MODE:+ WEBKIT_DISABLE_COMPOSITING_MODE}}\" >> '{}'\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(not(unix))]
pub fn stand_in_browser(_bin: &Path, _log: &Path) {}

/// Makes sure the app started with `scratch` has exited: a second instance would otherwise
/// hand over to it and quit.
#[cfg(target_os = "linux")]
pub async fn end_app(program: &Path, scratch: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let pids = pids_of(program, scratch);
        if pids.is_empty() || Instant::now() > deadline {
            return;
        }
        let _ = Command::new("kill").arg("-9").args(&pids).status();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The processes of `program` started with `scratch`'s folders. The app is not dumpable
/// (`app/hardening.rs`): for a user other than root its environment cannot be read, and
/// its command line names the program instead (the installed tests run one at a time).
#[cfg(target_os = "linux")]
pub fn pids_of(program: &Path, scratch: &Path) -> Vec<String> {
    use std::os::unix::ffi::OsStrExt;
    let marker = format!(
        "PASSERELLE_CONFIG={}",
        scratch.join("config.toml").display()
    );
    let ours = |pid: &str| match std::fs::read(format!("/proc/{pid}/environ")) {
        Ok(env) => {
            std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == program)
                && env.split(|b| *b == 0).any(|var| var == marker.as_bytes())
        }
        Err(_) => std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|line| {
            line.split(|b| *b == 0).next() == Some(program.as_os_str().as_bytes())
        }),
    };
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.bytes().all(|b| b.is_ascii_digit()) && ours(name))
        .collect()
}

#[cfg(not(target_os = "linux"))]
pub async fn end_app(_program: &Path, _scratch: &Path) {}

#[cfg(not(target_os = "linux"))]
pub fn pids_of(_program: &Path, _scratch: &Path) -> Vec<String> {
    Vec::new()
}
