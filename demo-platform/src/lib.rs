//! A demo learning platform: an OAuth 2.0 device-flow server that behaves like the
//! platform's Rails + Doorkeeper server, with fault switches for tests.

mod api;
mod app;
mod fault_layer;
mod faults;
mod learner;
mod oauth;
mod options;
mod page;
pub mod proxy;
mod releases;
pub mod school;
mod serve;
mod state;
pub mod tls;
mod trap;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

// The clock of the runtime it serves on: a test on a paused clock sees the same time on
// both sides.
use tokio::time::Instant;

use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use app::PollLog;
use app::{purge, purge_regularly, App, Shared};
pub use faults::{Fault, FaultSwitch, Target};
pub use options::{fast_options, DemoOptions, Hostile, TlsOptions, DEMO_CLIENT_ID};
pub use state::{Decision, DemoUser};
pub use trap::Trap;

/// A demo platform on loopback, for tests: panics when it cannot listen.
pub async fn running(options: DemoOptions) -> DemoPlatform {
    DemoPlatform::start(options)
        .await
        .expect("the demo platform starts")
}

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
    acceptor: Option<tokio_rustls::TlsAcceptor>,
}

impl Drop for DemoPlatform {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

impl DemoPlatform {
    pub async fn start(options: DemoOptions) -> std::io::Result<DemoPlatform> {
        // The provider the app installs too; the clients a test makes beside it need one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let listener = TcpListener::bind(options.listen).await?;
        // Over https, under the name its certificate is for (which only a proxy resolves).
        let auth_url = match &options.tls {
            Some(tls) => format!("https://{}:{}", tls.name, listener.local_addr()?.port()),
            None => format!("http://{}", listener.local_addr()?),
        };
        let acceptor = options.tls.as_ref().map(|tls| tls::acceptor(&tls.identity));
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
                access_suffix: options
                    .hostile
                    .access_token_suffix
                    .clone()
                    .unwrap_or_default(),
                fixed_user_code: options.hostile.user_code.clone(),
                doorkeeper_5_5: options.doorkeeper_5_5,
                refresh_error: None,
            }),
            store: Mutex::default(),
            user: options.user,
            faults: FaultSwitch::default(),
            polls: Mutex::default(),
            auth_base: auth_url.clone(),
            discovery: options.discovery,
            issued: Mutex::default(),
            hostile: options.hostile,
            feed: Mutex::default(),
        });
        let stop = CancellationToken::new();
        let api = api::api_routes().with_state(shared.clone());
        let auth = oauth::auth_routes(options.discovery)
            .merge(releases::feed_routes())
            .with_state(shared.clone());
        let with_faults = |router: Router| {
            router.layer(axum::middleware::from_fn_with_state(
                shared.clone(),
                fault_layer::apply_faults,
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
            tokio::spawn(serve::run(
                listener,
                router.clone(),
                serving.clone(),
                acceptor.clone(),
            ));
        }
        tokio::spawn(purge_regularly(shared.clone(), stop.clone()));
        Ok(DemoPlatform {
            shared,
            auth_url,
            api_url,
            stop,
            sites,
            serving: Mutex::new(serving),
            acceptor,
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
            tokio::spawn(serve::run(
                listener,
                router.clone(),
                serving.clone(),
                self.acceptor.clone(),
            ));
        }
        *self.serving.lock().unwrap() = serving;
        Ok(())
    }

    /// The authorization server's address, e.g. `http://127.0.0.1:4321`.
    pub fn auth_url(&self) -> &str {
        &self.auth_url
    }

    /// Where it listens: its loopback address, which its name stands for over https.
    pub fn address(&self) -> SocketAddr {
        self.sites[0].0
    }

    /// The API's address: the same as [`Self::auth_url`] unless `separate_api` was set.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// Where its release feed is.
    pub fn feed_url(&self) -> String {
        format!("{}/updates/latest.json", self.auth_url)
    }

    /// Serves `manifest` as its release feed's answer (as is: tests send bad ones too).
    pub fn publish(&self, manifest: &str) {
        self.shared.feed.lock().unwrap().manifest = Some(manifest.into());
    }

    /// Hosts an artifact, sent a chunk each `pace`; returns its address.
    pub fn host_artifact(&self, name: &str, bytes: Vec<u8>, pace: Duration) -> String {
        let mut feed = self.shared.feed.lock().unwrap();
        feed.artifacts.insert(name.into(), bytes.into());
        feed.pace = pace;
        format!("{}/updates/files/{name}", self.auth_url)
    }

    /// Requests its release feed received: the manifest and the artifacts.
    pub fn feed_requests(&self) -> usize {
        self.shared.feed.lock().unwrap().requests
    }

    /// Requests for its artifacts.
    pub fn downloads(&self) -> usize {
        self.shared.feed.lock().unwrap().downloads
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

    /// Revokes the session holding this token, as an administrator of the platform would.
    pub fn revoke(&self, token: &str) {
        let settings = self.shared.settings.lock().unwrap().clone();
        let mut store = self.shared.store.lock().unwrap();
        let clients = settings.clients.clone();
        for client in &clients {
            store.revoke(
                &state::Settings {
                    doorkeeper_5_5: false,
                    ..settings.clone()
                },
                token,
                client,
                Instant::now(),
            );
        }
    }

    /// True while the access token opens the API (not expired, not revoked).
    pub fn access_token_is_valid(&self, access_token: &str) -> bool {
        self.shared
            .store
            .lock()
            .unwrap()
            .access_is_valid(access_token, Instant::now())
    }

    /// From now on, every refresh is answered with this OAuth error (401 for
    /// `invalid_client`), or, with `None`, as usual again.
    pub fn refuse_refreshes(&self, error: Option<&str>) {
        self.shared.settings.lock().unwrap().refresh_error = error.map(str::to_owned);
    }

    /// Refresh tokens that would still give new tokens: the platform's own record, to prove
    /// a sign-out left none behind.
    pub fn live_refresh_tokens(&self) -> Vec<String> {
        self.shared.store.lock().unwrap().live_refresh_tokens()
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

    /// Makes every code still pending expire `after` from now, whenever it was issued.
    pub fn expire_pending_after(&self, after: Duration) {
        let at = Instant::now() + after;
        for grant in self.shared.store.lock().unwrap().grants.values_mut() {
            grant.expires_at = at;
        }
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
