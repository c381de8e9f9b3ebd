//! A demo learning platform: an OAuth 2.0 device-flow server that behaves like the
//! platform's Rails + Doorkeeper server, with fault switches for tests.

mod faults;
mod page;
mod serve;
mod state;
mod trap;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

// The clock of the runtime it serves on: a test on a paused clock sees the same time on
// both sides.
use tokio::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use faults::{Fault, FaultSwitch, Target};
pub use state::{Decision, DemoUser};
pub use trap::Trap;

/// How the demo platform behaves.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Client ids it knows; any other gets `invalid_client`.
    pub clients: Vec<String>,
    pub expires_in: Duration,
    pub interval: Duration,
    pub token_lifetime: Duration,
    pub user: DemoUser,
    /// Publish RFC 8414 metadata, and serve the OAuth endpoints only at the paths it names
    /// (`/o2/...`), as a standard provider would.
    pub discovery: bool,
    /// Serve the API on a second port, as the platform's API is on another host.
    pub separate_api: bool,
    /// Address to listen on (port 0 picks a free one).
    pub listen: SocketAddr,
    /// Most device codes pending at once; past it, new requests get 503 (memory stays bounded).
    pub max_pending: usize,
    /// What a hostile or merely odd server does.
    pub hostile: Hostile,
}

/// A server that misbehaves on purpose, for the tests: every field is off by default.
#[derive(Debug, Clone, Default)]
pub struct Hostile {
    /// The `issuer` its metadata names, instead of its own address.
    pub issuer: Option<String>,
    /// Its metadata puts the device authorization, token and revocation endpoints under
    /// this address (another origin) instead of its own.
    pub endpoints_at: Option<String>,
    /// Its metadata has no `device_authorization_endpoint`, as django-oauth-toolkit's.
    pub no_device_endpoint: bool,
    /// The `verification_uri` it sends, instead of its own page.
    pub verification_uri: Option<String>,
    /// The `verification_uri_complete` it sends (the code is appended).
    pub verification_uri_complete: Option<String>,
    /// How long the profile takes to answer.
    pub profile_delay: Option<Duration>,
    /// Put into every device code, token and `error_description`, for tests that look for
    /// it where it must not be.
    pub canary: Option<String>,
}

pub const DEMO_CLIENT_ID: &str = "passerelle-demo";

/// Codes that poll every second: quick tests.
pub fn fast_options() -> DemoOptions {
    DemoOptions {
        interval: Duration::from_secs(1),
        ..DemoOptions::default()
    }
}

impl DemoOptions {
    /// These options, with `canary` in every device code, token and error description.
    pub fn with_canary(self, canary: &str) -> Self {
        Self {
            hostile: Hostile {
                canary: Some(canary.into()),
                ..self.hostile
            },
            ..self
        }
    }
}

/// A demo platform on loopback, for tests: panics when it cannot listen.
pub async fn running(options: DemoOptions) -> DemoPlatform {
    DemoPlatform::start(options)
        .await
        .expect("the demo platform starts")
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            clients: vec![DEMO_CLIENT_ID.into()],
            expires_in: Duration::from_secs(300),
            interval: Duration::from_secs(5),
            token_lifetime: Duration::from_secs(7200),
            user: DemoUser::default(),
            discovery: false,
            separate_api: false,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            max_pending: 100_000,
            hostile: Hostile::default(),
        }
    }
}

/// When the token requests for one device code arrived, for the fault run's figures.
#[derive(Debug, Clone, Default)]
pub struct PollLog {
    pub polls: Vec<Instant>,
}

struct Shared {
    settings: Mutex<state::Settings>,
    store: Mutex<state::Store>,
    user: DemoUser,
    faults: FaultSwitch,
    /// Token requests received, by device code, whatever their answer.
    polls: Mutex<HashMap<String, PollLog>>,
    auth_base: String,
    discovery: bool,
    /// Every device code and token handed out, so tests can look for leaks.
    issued: Mutex<Vec<String>>,
    hostile: Hostile,
}

type App = Arc<Shared>;

/// A running demo platform. Stops when dropped.
pub struct DemoPlatform {
    shared: App,
    auth_url: String,
    api_url: String,
    stop: CancellationToken,
    /// Each address served and its routes, to serve them again after [`Self::go_down`].
    sites: Vec<(SocketAddr, Router)>,
    /// Stops the listeners and their connections, not the platform's memory.
    serving: Mutex<CancellationToken>,
}

impl Drop for DemoPlatform {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

impl DemoPlatform {
    pub async fn start(options: DemoOptions) -> std::io::Result<DemoPlatform> {
        let listener = TcpListener::bind(options.listen).await?;
        let auth_url = format!("http://{}", listener.local_addr()?);
        let api_listener = if options.separate_api {
            Some(TcpListener::bind(SocketAddr::new(options.listen.ip(), 0)).await?)
        } else {
            None
        };
        let api_url = match &api_listener {
            Some(l) => format!("http://{}", l.local_addr()?),
            None => auth_url.clone(),
        };
        let shared = Arc::new(Shared {
            settings: Mutex::new(state::Settings {
                clients: options.clients,
                expires_in: options.expires_in,
                interval: options.interval,
                token_lifetime: options.token_lifetime,
                scope: "read".into(),
                max_pending: options.max_pending,
                secret_prefix: options.hostile.canary.clone().unwrap_or_default(),
            }),
            store: Mutex::default(),
            user: options.user,
            faults: FaultSwitch::default(),
            polls: Mutex::default(),
            auth_base: auth_url.clone(),
            discovery: options.discovery,
            issued: Mutex::default(),
            hostile: options.hostile,
        });
        let stop = CancellationToken::new();
        let api = api_routes().with_state(shared.clone());
        let auth = auth_routes(options.discovery).with_state(shared.clone());
        let with_faults = |router: Router| {
            router.layer(axum::middleware::from_fn_with_state(
                shared.clone(),
                apply_faults,
            ))
        };
        let mut listeners = vec![listener];
        let mut sites = Vec::new();
        match api_listener {
            Some(api_listener) => {
                sites.push((listeners[0].local_addr()?, with_faults(auth)));
                sites.push((api_listener.local_addr()?, with_faults(api)));
                listeners.push(api_listener);
            }
            None => sites.push((listeners[0].local_addr()?, with_faults(auth.merge(api)))),
        }
        let serving = stop.child_token();
        for (listener, (_, router)) in listeners.into_iter().zip(&sites) {
            tokio::spawn(serve::run(listener, router.clone(), serving.clone()));
        }
        tokio::spawn(purge_regularly(shared.clone(), stop.clone()));
        Ok(DemoPlatform {
            shared,
            auth_url,
            api_url,
            stop,
            sites,
            serving: Mutex::new(serving),
        })
    }

    /// Stops answering, as a platform that restarts does: new connections are refused and
    /// open ones closed. What it knows (codes, tokens) is kept for [`Self::come_back`].
    pub fn go_down(&self) {
        self.serving.lock().unwrap().cancel();
    }

    /// Listens again on the same addresses after [`Self::go_down`].
    pub async fn come_back(&self) -> std::io::Result<()> {
        let serving = self.stop.child_token();
        for (addr, router) in &self.sites {
            let listener = TcpListener::bind(addr).await?;
            tokio::spawn(serve::run(listener, router.clone(), serving.clone()));
        }
        *self.serving.lock().unwrap() = serving;
        Ok(())
    }

    /// The authorization server's address, e.g. `http://127.0.0.1:4321`.
    pub fn auth_url(&self) -> &str {
        &self.auth_url
    }

    /// The API's address: the same as [`Self::auth_url`] unless `separate_api` was set.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    pub fn faults(&self) -> &FaultSwitch {
        &self.shared.faults
    }

    pub fn user(&self) -> &DemoUser {
        &self.shared.user
    }

    /// What a learner does on the verification page, without a browser.
    pub fn decide(&self, user_code: &str, decision: Decision) -> bool {
        self.shared
            .store
            .lock()
            .unwrap()
            .decide(user_code, decision)
    }

    /// True while the access token opens the API (not expired, not revoked).
    pub fn access_token_is_valid(&self, access_token: &str) -> bool {
        self.shared
            .store
            .lock()
            .unwrap()
            .access_is_valid(access_token, Instant::now())
    }

    /// Device grants the server still holds.
    pub fn pending_grants(&self) -> usize {
        self.shared.store.lock().unwrap().grants.len()
    }

    /// Token requests received for a device code, including those a fault answered.
    pub fn poll_log(&self, device_code: &str) -> PollLog {
        self.shared
            .polls
            .lock()
            .unwrap()
            .get(device_code)
            .cloned()
            .unwrap_or_default()
    }

    /// Every device code, access token and refresh token handed out so far.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.shared.issued.lock().unwrap().clone()
    }

    /// Changes the lifetime of codes and tokens issued from now on.
    pub fn set_lifetimes(
        &self,
        expires_in: Duration,
        interval: Duration,
        token_lifetime: Duration,
    ) {
        let mut s = self.shared.settings.lock().unwrap();
        s.expires_in = expires_in;
        s.interval = interval;
        s.token_lifetime = token_lifetime;
    }

    /// Forgets expired grants and dead tokens now, as the server does every few seconds.
    pub fn purge(&self, grace: Duration) {
        purge(&self.shared, grace);
    }

    /// Runs until `stop` fires (for the binary).
    pub async fn stopped(&self) {
        self.stop.cancelled().await
    }
}

async fn purge_regularly(app: App, stop: CancellationToken) {
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
fn purge(app: &Shared, grace: Duration) {
    let mut store = app.store.lock().unwrap();
    store.purge(Instant::now(), grace);
    app.polls
        .lock()
        .unwrap()
        .retain(|code, _| store.grants.contains_key(code));
}

/// The device authorization, token and revocation paths: the platform's, or those a
/// standard provider publishes in its metadata.
fn oauth_paths(discovery: bool) -> (&'static str, &'static str, &'static str) {
    if discovery {
        ("/o2/device_authorization", "/o2/token", "/o2/revoke")
    } else {
        ("/oauth/authorize_device", "/oauth/token", "/oauth/revoke")
    }
}

fn auth_routes(discovery: bool) -> Router<App> {
    let (device, token, revoke) = oauth_paths(discovery);
    let router = Router::new()
        .route("/", get(|| async { Html(page::home()) }))
        .route(device, post(authorize_device))
        .route(token, post(token_endpoint))
        .route(revoke, post(revoke_endpoint))
        .route("/oauth/device", get(device_page).post(device_decision));
    if discovery {
        router.route("/.well-known/oauth-authorization-server", get(metadata))
    } else {
        router
    }
}

fn api_routes() -> Router<App> {
    Router::new()
        .route("/api/v1/users/current_user", get(current_user))
        .route("/oauth/userinfo", get(userinfo))
}

const INVALID_GRANT: &str = "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.";

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
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
fn params(headers: &HeaderMap, body: &Bytes) -> HashMap<String, String> {
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
    Json(json!({
        "access_token": t.access_token,
        "token_type": "Bearer",
        "expires_in": lifetime.as_secs(),
        "refresh_token": t.refresh_token,
        "scope": t.scope,
        "created_at": state::unix_now(),
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
        app.store.lock().unwrap().revoke(token, &client_id);
    }
    // RFC 7009 §2.2: 200 whether or not the token was known.
    Json(json!({})).into_response()
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

fn authorised(app: &App, headers: &HeaderMap) -> bool {
    bearer(headers).is_some_and(|t| app.store.lock().unwrap().access_is_valid(t, Instant::now()))
}

async fn current_user(State(app): State<App>, headers: HeaderMap) -> Response {
    if let Some(delay) = app.hostile.profile_delay {
        tokio::time::sleep(delay).await;
    }
    if !authorised(&app, &headers) {
        return unauthorized();
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

#[derive(serde::Deserialize)]
struct DevicePageQuery {
    #[serde(default)]
    user_code: String,
}

async fn device_page(State(app): State<App>, Query(q): Query<DevicePageQuery>) -> Html<String> {
    Html(page::device_form(
        &q.user_code,
        &app.user.email,
        &app.user.password,
        None,
    ))
}

#[derive(serde::Deserialize)]
struct DecisionForm {
    #[serde(default)]
    user_code: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    decision: String,
}

async fn device_decision(State(app): State<App>, Form(f): Form<DecisionForm>) -> Response {
    let u = &app.user;
    let again = |error: &str| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(page::device_form(
                &f.user_code,
                &u.email,
                &u.password,
                Some(error),
            )),
        )
            .into_response()
    };
    if !f.email.trim().eq_ignore_ascii_case(&u.email) || f.password != u.password {
        return again("Wrong email or password.");
    }
    let approve = f.decision == "authorize";
    let decision = if approve {
        Decision::Approved
    } else {
        Decision::Denied
    };
    if !app.store.lock().unwrap().decide(&f.user_code, decision) {
        return again("This code is unknown or has expired. Check the code shown in Passerelle.");
    }
    Html(page::done(approve)).into_response()
}

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
async fn apply_faults(State(app): State<App>, request: Request, next: Next) -> Response {
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
