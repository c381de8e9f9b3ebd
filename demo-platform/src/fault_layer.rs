//! The fault switches, applied before the real handlers run, and the log of token polls.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use tokio::time::Instant;

use crate::app::App;
use crate::faults::{Fault, Target};
use crate::oauth::{oauth_error, oauth_paths, params};
use crate::serve;

fn route_of(path: &str, discovery: bool) -> Target {
    let (device, token, revoke) = oauth_paths(discovery);
    if path == device {
        Target::DeviceAuthorization
    } else if path == token {
        Target::Token
    } else if path == revoke {
        Target::Revocation
    } else if path.starts_with("/api/") || path == "/oauth/userinfo" {
        Target::Api
    } else {
        Target::Any
    }
}

/// Logs token requests and applies the fault switches before the real handler runs.
pub(crate) async fn apply_faults(State(app): State<App>, request: Request, next: Next) -> Response {
    let route = route_of(request.uri().path(), app.discovery);
    let request = if route == Target::Token {
        log_poll(&app, request).await
    } else {
        request
    };
    let header_fault = request
        .headers()
        .get("x-demo-fault")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<Fault>().ok());
    // The verification page and metadata are never faulted at random.
    let fault = header_fault.or_else(|| {
        (route != Target::Any)
            .then(|| app.faults.take(route))
            .flatten()
    });
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    match fault {
        Fault::ServerError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Html("<html><body><h1>We're sorry, but something went wrong.</h1></body></html>"),
        )
            .into_response(),
        Fault::TooManyRequests => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "1")],
            "Retry later\n",
        )
            .into_response(),
        Fault::Slow(delay) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Fault::Drop => {
            if let Some(conn) = request.extensions().get::<serve::DropConnection>() {
                conn.0.notify_one();
            }
            std::future::pending().await
        }
        Fault::NotJson => (
            StatusCode::OK,
            Html("<html><body>Maintenance in progress</body></html>"),
        )
            .into_response(),
        Fault::Huge => {
            let filler = "x".repeat(4 * 1024 * 1024);
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                Body::from(format!("{{\"padding\":\"{filler}\"}}")),
            )
                .into_response()
        }
        Fault::SlowDown => oauth_error(StatusCode::BAD_REQUEST, "slow_down", "Polling too fast."),
        Fault::ErrorIn200 => {
            let mut response = next.run(request).await;
            if response.status().is_client_error() {
                *response.status_mut() = StatusCode::OK;
            }
            response
        }
    }
}

/// Notes when a token request for a device code arrived, then hands the request on.
async fn log_poll(app: &App, request: Request) -> Request {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let params = params(&parts.headers, &bytes);
    if let Some(code) = params.get("device_code") {
        app.polls
            .lock()
            .unwrap()
            .entry(code.clone())
            .or_default()
            .polls
            .push(Instant::now());
    }
    Request::from_parts(parts, Body::from(bytes))
}
