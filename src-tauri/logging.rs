//! Logs to stderr and to daily-rotated files in the OS log folder (`core::paths`). Secrets
//! never reach a log: they print `<redacted>`, and a server's error descriptions are never
//! kept, only their length.

use std::path::PathBuf;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, Layer};

/// Log files kept: one per day, a week's worth.
const KEPT_FILES: usize = 7;

/// Lines waiting for the file: a burst's worth, beyond which lines are dropped rather than
/// the window waiting for the disk. The writer's queue is allocated whole at start, and its
/// default (128,000 lines) would cost 4 MB of memory to hold nothing.
const BUFFERED_LINES: usize = 2048;

/// Starts logging; keep the returned guard alive until the app exits, so the last lines
/// reach the file. `RUST_LOG` (e.g. `passerelle=debug`) sets the level.
pub fn init(dir: Option<PathBuf>) -> Option<WorkerGuard> {
    // `RUST_LOG` in the `target=level,level` form; a plain filter, no regex engine.
    let filter = || {
        std::env::var("RUST_LOG")
            .ok()
            .and_then(|s| s.parse::<Targets>().ok())
            .unwrap_or_else(|| {
                Targets::new()
                    .with_target("passerelle", tracing::Level::INFO)
                    .with_default(tracing::Level::WARN)
            })
    };
    let appender = dir.and_then(|d| {
        private_folder(&d);
        Builder::new()
            .rotation(Rotation::DAILY)
            .max_log_files(KEPT_FILES)
            .filename_prefix("passerelle")
            .filename_suffix("log")
            .build(d)
            .ok()
    });
    let (file, guard) = match appender {
        Some(appender) => {
            let (writer, guard) = NonBlockingBuilder::default()
                .buffered_lines_limit(BUFFERED_LINES)
                .finish(appender);
            let layer = fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(filter());
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };
    let _ = tracing_subscriber::registry()
        .with(
            fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(filter()),
        )
        .with(file)
        .try_init();
    guard
}

/// The log folder is the learner's alone, even when an earlier version made it readable
/// by others (new files in it follow the process's umask, set in `main`).
fn private_folder(dir: &std::path::Path) {
    let _ = std::fs::create_dir_all(dir);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
}
