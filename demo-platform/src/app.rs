//! What the platform's routes share: its settings and store, its learner, its faults, and
//! what it records for the tests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

// The clock of the runtime it serves on: a test on a paused clock sees the same time on
// both sides.
use axum::body::Bytes;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::faults::FaultSwitch;
use crate::options::Hostile;
use crate::state::{self, DemoUser};

/// When the token requests for one device code arrived, for the fault run's figures.
#[derive(Debug, Clone, Default)]
pub struct PollLog {
    pub polls: Vec<Instant>,
}

pub struct Shared {
    pub settings: Mutex<state::Settings>,
    pub store: Mutex<state::Store>,
    pub user: DemoUser,
    pub faults: FaultSwitch,
    /// Token requests received, by device code, whatever their answer.
    pub polls: Mutex<HashMap<String, PollLog>>,
    pub auth_base: String,
    pub discovery: bool,
    /// Every device code and token handed out, so tests can look for leaks.
    pub issued: Mutex<Vec<String>>,
    pub hostile: Hostile,
    /// The release feed it hosts for its copies of Passerelle.
    pub feed: Mutex<Feed>,
}

pub type App = Arc<Shared>;

pub async fn purge_regularly(app: App, stop: CancellationToken) {
    const EVERY: Duration = Duration::from_secs(10);
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(EVERY) => {}
        }
        purge(&app, Duration::from_secs(60));
    }
}

/// Forgets grants expired for longer than `grace`, dead tokens, and the poll log of every
/// grant that is gone.
pub fn purge(app: &Shared, grace: Duration) {
    let mut store = app.store.lock().unwrap();
    store.purge(Instant::now(), grace);
    app.polls
        .lock()
        .unwrap()
        .retain(|code, _| store.grants.contains_key(code));
}

/// The release feed it hosts: the manifest, the artifacts, how fast they go out, and how
/// often they were asked for.
#[derive(Default)]
pub struct Feed {
    pub manifest: Option<String>,
    pub artifacts: HashMap<String, Bytes>,
    pub pace: Duration,
    pub requests: usize,
    /// Of those, the artifacts'.
    pub downloads: usize,
}
