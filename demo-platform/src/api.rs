//! The platform's API: the learner, in the platform's shape and in OpenID Connect's.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tokio::time::Instant;

use crate::app::App;

pub(crate) fn api_routes() -> Router<App> {
    Router::new()
        .route("/api/v1/users/current_user", get(current_user))
        .route("/oauth/userinfo", get(userinfo))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// Doorkeeper's 401: empty body, the reason in `WWW-Authenticate`.
fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(
            header::WWW_AUTHENTICATE,
            "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"The access token is invalid\"",
        )],
    )
        .into_response()
}

/// Doorkeeper's `doorkeeper_authorize!`: the token opens the API, and its first use
/// retires the refresh token it was rotated from.
fn authorised(app: &App, headers: &HeaderMap) -> bool {
    bearer(headers).is_some_and(|t| app.store.lock().unwrap().use_access(t, Instant::now()))
}

async fn current_user(State(app): State<App>, headers: HeaderMap) -> Response {
    if let Some(delay) = app.hostile.profile_delay {
        tokio::time::sleep(delay).await;
    }
    if !authorised(&app, &headers) {
        return unauthorized();
    }
    if let Some(body) = &app.hostile.profile_body {
        return ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response();
    }
    let u = &app.user;
    Json(json!({
        "id": u.id,
        "email": u.email,
        "firstname": u.firstname,
        "lastname": u.lastname,
        "created_at": u.created_at,
        "created_date": u.created_date,
    }))
    .into_response()
}

/// The same learner in OpenID Connect's userinfo shape.
async fn userinfo(State(app): State<App>, headers: HeaderMap) -> Response {
    if !authorised(&app, &headers) {
        return unauthorized();
    }
    let u = &app.user;
    Json(json!({
        "sub": u.id.to_string(),
        "email": u.email,
        "given_name": u.firstname,
        "family_name": u.lastname,
        "name": format!("{} {}", u.firstname, u.lastname),
    }))
    .into_response()
}
