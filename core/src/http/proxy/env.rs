//! The proxies the environment names: `https_proxy`, `http_proxy`, `all_proxy` and their
//! capitalised forms, with `no_proxy`'s exceptions — read once, through a lookup (the
//! process's environment in the app, a table in tests), so that nothing changes under a
//! running client.

use url::Url;

use super::{Exceptions, ProxyAddress, Route};

/// The environment's proxy settings, as found.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct EnvProxies {
    pub http: Option<String>,
    pub https: Option<String>,
    pub all: Option<String>,
    pub no_proxy: Option<String>,
}

/// The proxies by their origins, never their credentials.
impl std::fmt::Debug for EnvProxies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let proxy = |value: &Option<String>| {
            value.as_deref().map(|v| {
                ProxyAddress::parse(v).map_or("(unusable)".to_owned(), |p| format!("{p:?}"))
            })
        };
        f.debug_struct("EnvProxies")
            .field("http", &proxy(&self.http))
            .field("https", &proxy(&self.https))
            .field("all", &proxy(&self.all))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl EnvProxies {
    /// The variables through `lookup`; the lower-case name wins, as curl has it.
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| {
            lookup(name)
                .or_else(|| lookup(&name.to_ascii_uppercase()))
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Self {
            http: var("http_proxy"),
            https: var("https_proxy"),
            all: var("all_proxy"),
            no_proxy: var("no_proxy"),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.http.is_none() && self.https.is_none() && self.all.is_none()
    }

    /// The way to `url` the environment names.
    pub fn route(&self, url: &Url) -> Route {
        if Exceptions::parse(self.no_proxy.as_deref().unwrap_or_default()).cover(url) {
            return Route::Direct;
        }
        let named = match url.scheme() {
            "https" => self.https.as_ref().or(self.all.as_ref()),
            _ => self.http.as_ref().or(self.all.as_ref()),
        };
        named
            .and_then(|p| ProxyAddress::parse(p))
            .map_or(Route::Direct, Route::Via)
    }
}
