//! Passerelle: sign in to a learning platform with the OAuth 2.0 device flow.

pub mod app;
pub mod flow;
pub mod session;

/// Logs to stderr; `RUST_LOG` (e.g. `passerelle=debug`) sets the level. Secrets are never
/// logged: they are `Secret`s, which print `<redacted>`.
pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("passerelle=info,warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
