//! The app's log files: written to the folder it is given (the system's log folder, from
//! `core::paths`), and on Linux and macOS readable by the learner only.

use std::time::{Duration, Instant};

#[test]
fn logs_go_to_their_folder() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("fr.passerelle.desktop").join("logs");
    let guard = passerelle::logging::init(Some(logs.clone()));
    tracing::info!(target: "passerelle", "a line for the log file");
    drop(guard);
    let deadline = Instant::now() + Duration::from_secs(10);
    let written = loop {
        let text: String = std::fs::read_dir(&logs)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        if text.contains("a line for the log file") || Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(written.contains("a line for the log file"), "{written:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&logs).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the log folder is {mode:o}");
    }
}
