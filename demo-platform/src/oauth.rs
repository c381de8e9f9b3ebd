//! The OAuth endpoints, as Doorkeeper answers them: device authorization, token (device
//! code and refresh), revocation, and RFC 8414 metadata when asked to publish some.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::app::App;
use crate::{learner, page, state};

/// The device authorization, token and revocation paths: the platform's, or those a
/// standard provider publishes in its metadata.
pub(crate) fn oauth_paths(discovery: bool) -> (&'static str, &'static str, &'static str) {
    if discovery {
        ("/o2/device_authorization", "/o2/token", "/o2/revoke")
    } else {
        ("/oauth/authorize_device", "/oauth/token", "/oauth/revoke")
    }
}

pub(crate) fn auth_routes(discovery: bool) -> Router<App> {
    let (device, token, revoke) = oauth_paths(discovery);
    let router = Router::new()
        .route("/", get(|| async { Html(page::home()) }))
        .route(device, post(authorize_device))
        .route(token, post(token_endpoint))
        .route(revoke, post(revoke_endpoint))
        .route(
            "/oauth/device",
            get(learner::device_page).post(learner::device_decision),
        );
    if discovery {
        router.route("/.well-known/oauth-authorization-server", get(metadata))
    } else {
        router
    }
}

const INVALID_GRANT: &str = "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.";

pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

/// An error answer whose description carries the canary, when there is one.
fn described_error(app: &App, status: StatusCode, error: &str, description: &str) -> Response {
    match &app.hostile.canary {
        Some(canary) => oauth_error(status, error, &format!("{description} {canary}")),
        None => oauth_error(status, error, description),
    }
}

/// Reads the parameters from a form or JSON body, as Rails does.
pub(crate) fn params(headers: &HeaderMap, body: &Bytes) -> HashMap<String, String> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map
                .into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => (k, s),
                    other => (k, other.to_string()),
                })
                .collect(),
            _ => HashMap::new(),
        }
    } else {
        serde_urlencoded::from_bytes(body).unwrap_or_default()
    }
}

fn known_client(app: &App, params: &HashMap<String, String>) -> Option<String> {
    let client_id = params.get("client_id")?;
    app.settings
        .lock()
        .unwrap()
        .clients
        .contains(client_id)
        .then(|| client_id.clone())
}

fn invalid_client(app: &App) -> Response {
    described_error(
        app,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
    )
}

async fn authorize_device(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let params = params(&headers, &body);
    let Some(client_id) = known_client(&app, &params) else {
        return invalid_client(&app);
    };
    let settings = app.settings.lock().unwrap().clone();
    let mut store = app.store.lock().unwrap();
    if store.grants.len() >= settings.max_pending {
        return described_error(
            &app,
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "Too many pending device codes; try again later.",
        );
    }
    let (device_code, user_code) = store.authorize_device(
        &settings,
        &client_id,
        params.get("scope").map(String::as_str),
    );
    drop(store);
    app.issued.lock().unwrap().push(device_code.clone());
    let own = format!("{}/oauth/device", app.auth_base);
    let h = &app.hostile;
    let verification_uri = h.verification_uri.clone().unwrap_or_else(|| own.clone());
    let complete = h.verification_uri_complete.as_deref().unwrap_or(&own);
    Json(json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": verification_uri,
        "verification_uri_complete": format!("{complete}?user_code={user_code}"),
        "expires_in": settings.expires_in.as_secs(),
        "interval": settings.interval.as_secs(),
    }))
    .into_response()
}

fn token_json(app: &App, t: &state::TokenRecord, lifetime: Duration) -> Response {
    app.issued
        .lock()
        .unwrap()
        .extend([t.access_token.clone(), t.refresh_token.clone()]);
    let h = &app.hostile;
    Json(json!({
        "access_token": t.access_token,
        "token_type": h.token_type.as_deref().unwrap_or("Bearer"),
        "expires_in": h.expires_in.clone().unwrap_or(json!(lifetime.as_secs())),
        "refresh_token": t.refresh_token,
        "scope": t.scope,
        "created_at": h.created_at.clone().unwrap_or(json!(state::unix_now())),
    }))
    .into_response()
}

async fn token_endpoint(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let params = params(&headers, &body);
    let Some(client_id) = known_client(&app, &params) else {
        return invalid_client(&app);
    };
    let settings = app.settings.lock().unwrap().clone();
    let bad = StatusCode::BAD_REQUEST;
    let oauth_error =
        |status, error: &str, description: &str| described_error(&app, status, error, description);
    match params.get("grant_type").map(String::as_str) {
        Some("urn:ietf:params:oauth:grant-type:device_code") => {
            let device_code = params.get("device_code").map(String::as_str).unwrap_or("");
            let outcome =
                app.store
                    .lock()
                    .unwrap()
                    .poll(&settings, device_code, &client_id, Instant::now());
            use state::PollOutcome::*;
            match outcome {
                Token(t) => token_json(&app, &t, settings.token_lifetime),
                Pending => oauth_error(bad, "authorization_pending", "The authorization request is still pending."),
                SlowDown => oauth_error(bad, "slow_down", "A variation of 'authorization_pending', the authorization server is still waiting for the user to approve the request, but polling should be slowed down."),
                Denied => oauth_error(bad, "access_denied", "The resource owner or authorization server denied the request."),
                Expired => oauth_error(bad, "expired_token", "The device code has expired."),
                InvalidGrant => oauth_error(bad, "invalid_grant", INVALID_GRANT),
            }
        }
        Some("refresh_token") if settings.refresh_error.is_some() => {
            let error = settings.refresh_error.as_deref().unwrap_or_default();
            let status = if error == "invalid_client" {
                StatusCode::UNAUTHORIZED
            } else {
                bad
            };
            oauth_error(status, error, "Refused.")
        }
        Some("refresh_token") => {
            let refresh = params
                .get("refresh_token")
                .map(String::as_str)
                .unwrap_or("");
            match app
                .store
                .lock()
                .unwrap()
                .refresh(&settings, refresh, &client_id)
            {
                Some(t) => token_json(&app, &t, settings.token_lifetime),
                None => oauth_error(bad, "invalid_grant", INVALID_GRANT),
            }
        }
        _ => oauth_error(
            bad,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        ),
    }
}

async fn revoke_endpoint(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let params = params(&headers, &body);
    let Some(client_id) = known_client(&app, &params) else {
        return invalid_client(&app);
    };
    if let Some(token) = params.get("token") {
        let settings = app.settings.lock().unwrap().clone();
        app.store
            .lock()
            .unwrap()
            .revoke(&settings, token, &client_id, Instant::now());
    }
    // RFC 7009 §2.2: 200 whether or not the token was known.
    Json(json!({})).into_response()
}

async fn metadata(State(app): State<App>) -> Response {
    let h = &app.hostile;
    let issuer = h.issuer.as_deref().unwrap_or(&app.auth_base);
    let base = h.endpoints_at.as_deref().unwrap_or(&app.auth_base);
    let (device, token, revoke) = oauth_paths(true);
    let mut meta = json!({
        "issuer": issuer,
        "device_authorization_endpoint": format!("{base}{device}"),
        "token_endpoint": format!("{base}{token}"),
        "revocation_endpoint": format!("{base}{revoke}"),
        "grant_types_supported": ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
    });
    if h.no_device_endpoint {
        meta.as_object_mut()
            .unwrap()
            .remove("device_authorization_endpoint");
    }
    Json(meta).into_response()
}
