//! How the demo platform behaves: its lifetimes, its learner, and what it does wrong on
//! purpose.

use std::net::SocketAddr;
use std::time::Duration;

use crate::state::DemoUser;

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
    /// Behave like the platform's Doorkeeper 5.5 (`../shared/doorkeeper-behaviours.md`,
    /// #22 and #26): a rotated refresh token is retired only when the new access token is
    /// first used, and revoking a token whose access token has expired answers 200 and
    /// revokes nothing.
    pub doorkeeper_5_5: bool,
    /// Served over https, with this certificate, under this name (which only a proxy
    /// resolves: the tests' school network).
    pub tls: Option<TlsOptions>,
}

#[derive(Clone)]
pub struct TlsOptions {
    pub name: String,
    pub identity: crate::tls::Identity,
}

impl std::fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsOptions")
            .field("name", &self.name)
            .finish()
    }
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
    /// The user code it issues (one code for every request), instead of its own.
    pub user_code: Option<String>,
    /// The `token_type` its token answers carry, instead of `Bearer`.
    pub token_type: Option<String>,
    /// Appended to every access token it issues (characters a Bearer token cannot hold).
    pub access_token_suffix: Option<String>,
    /// `expires_in` and `created_at` in its token answers, as JSON, instead of its own.
    pub expires_in: Option<serde_json::Value>,
    pub created_at: Option<serde_json::Value>,
    /// The profile's answer, as is, instead of the learner.
    pub profile_body: Option<String>,
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
            doorkeeper_5_5: false,
            tls: None,
        }
    }
}
