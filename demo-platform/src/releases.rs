//! The platform's own release feed, as a platform that hosts its copies' updates does:
//! `/updates/latest.json` (204 while nothing is published) and the artifacts it names,
//! served at a pace tests can slow down, with a count of every request.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::app::App;

/// Artifacts go out in chunks this large, one per `pace`.
const CHUNK: usize = 256 * 1024;

pub(crate) fn feed_routes() -> Router<App> {
    Router::new()
        .route("/updates/latest.json", get(manifest))
        .route("/updates/files/{name}", get(artifact))
}

async fn manifest(State(app): State<App>) -> Response {
    let mut feed = app.feed.lock().unwrap();
    feed.requests += 1;
    match &feed.manifest {
        Some(body) => ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

async fn artifact(State(app): State<App>, Path(name): Path<String>) -> Response {
    let (bytes, pace) = {
        let mut feed = app.feed.lock().unwrap();
        feed.requests += 1;
        feed.downloads += 1;
        match feed.artifacts.get(&name) {
            Some(bytes) => (bytes.clone(), feed.pace),
            None => return StatusCode::NOT_FOUND.into_response(),
        }
    };
    let length = bytes.len();
    let chunks = futures_util::stream::unfold(bytes, move |mut rest| async move {
        if rest.is_empty() {
            return None;
        }
        tokio::time::sleep(pace).await;
        let chunk = rest.split_to(CHUNK.min(rest.len()));
        Some((Ok::<_, std::io::Error>(chunk), rest))
    });
    (
        [(header::CONTENT_LENGTH, length.to_string())],
        Body::from_stream(chunks),
    )
        .into_response()
}
