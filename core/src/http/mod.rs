//! How Passerelle reaches the web, for the platform and for the update feed alike: the way
//! the environment or the desktop names for each address ([`proxy`]), TLS as the system
//! verifies it ([`tls`]), timeouts, no redirects (but for an update's artifact), and answers
//! read whole within a size. Deciding what an answer means is the caller's job
//! (`flow::answer` for the platform).

mod auth;
mod error;
// Who issued a certificate refused: rustls tells it; macOS's own TLS does not.
#[cfg(not(target_os = "macos"))]
mod issuer;
mod limits;
pub mod proxy;
#[cfg(not(target_os = "macos"))]
mod tls;
mod ways;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use url::Url;
use zeroize::Zeroize;

pub use error::HttpError;
pub use limits::{Timeouts, MAX_BODY_BYTES};
pub use proxy::{EnvProxies, Proxies, ProxyAddress, Route};

use crate::sync::LockAnyway;
use ways::Ways;

/// How this computer reaches the web: how long to wait, the proxies, and (for the tests)
/// authorities trusted besides the system's.
#[derive(Debug, Clone, Default)]
pub struct Network {
    pub timeouts: Timeouts,
    pub proxies: Proxies,
    /// DER certificates of authorities trusted besides the system's.
    pub extra_roots: Vec<Vec<u8>>,
    /// The program a PAC file is evaluated by, in a process of its own: the app's, asked
    /// with `proxy::PAC_REQUEST`. None: in this process (the tests).
    pub pac_program: Option<std::path::PathBuf>,
}

/// An HTTP status, as every request reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    Success,
    /// 5xx and 429: the server is in trouble or busy; the same request may pass later.
    Trouble,
    /// Any other status: the server refused this request.
    Refused,
}

impl StatusClass {
    pub fn of(status: u16) -> Self {
        match status {
            200..=299 => Self::Success,
            429 | 500.. => Self::Trouble,
            _ => Self::Refused,
        }
    }
}

/// What a request may do on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    /// The platform's and the feed's: no redirect, which would resend a device code elsewhere.
    Answer,
    /// An update's artifact: a release's assets often redirect, over https only.
    Download,
}

/// The app's HTTP clients: one per way out (directly, or through each proxy) and kind of
/// request, each keeping its connections alive between requests.
pub struct Http {
    network: Network,
    ways: Ways,
    clients: Mutex<HashMap<(Route, Kind), reqwest::Client>>,
    #[cfg(not(target_os = "macos"))]
    refused: tls::Refused,
}

impl Http {
    pub fn new(network: &Network) -> Result<Self, HttpError> {
        // The provider Tauri's updater installs too; a PAC file's own requests use it.
        #[cfg(not(target_os = "macos"))]
        let _ = rustls::crypto::ring::default_provider().install_default();
        Ok(Self {
            ways: Ways::new(
                &network.proxies,
                network.timeouts,
                network.pac_program.clone(),
            ),
            network: network.clone(),
            clients: Mutex::default(),
            #[cfg(not(target_os = "macos"))]
            refused: tls::Refused::default(),
        })
    }

    pub async fn get(&self, url: Url) -> Result<Request, HttpError> {
        self.request(reqwest::Method::GET, url, Kind::Answer).await
    }

    pub async fn post(&self, url: Url) -> Result<Request, HttpError> {
        self.request(reqwest::Method::POST, url, Kind::Answer).await
    }

    /// Posts `form` to `url` and reads the answer, as every OAuth request is made.
    pub async fn post_form(&self, url: Url, form: &[(&str, &str)]) -> Result<Answer, HttpError> {
        send(self.post(url).await?.with(|r| r.form(form))).await
    }

    /// An update's artifact: redirects followed, over https only.
    pub async fn download(&self, url: Url) -> Result<Request, HttpError> {
        self.request(reqwest::Method::GET, url, Kind::Download)
            .await
    }

    /// The way a request to `url` goes.
    pub async fn route(&self, url: &Url) -> Route {
        if crate::settings::is_loopback(url) {
            // This computer: never through a proxy, which would see its tokens.
            Route::Direct
        } else {
            self.ways.route(url).await
        }
    }

    async fn request(
        &self,
        method: reqwest::Method,
        url: Url,
        kind: Kind,
    ) -> Result<Request, HttpError> {
        let route = self.route(&url).await;
        let client = self.client(&route, kind)?;
        Ok(Request {
            host: url.host_str().unwrap_or_default().to_owned(),
            port: url.port_or_known_default().unwrap_or(443),
            builder: client.request(method, url),
            via: match route {
                Route::Via(proxy) => Some(proxy),
                Route::Direct => None,
            },
            #[cfg(not(target_os = "macos"))]
            refused: self.refused.clone(),
        })
    }

    fn client(&self, route: &Route, kind: Kind) -> Result<reqwest::Client, HttpError> {
        let mut clients = self.clients.lock_anyway();
        if let Some(client) = clients.get(&(route.clone(), kind)) {
            return Ok(client.clone());
        }
        let timeouts = self.network.timeouts;
        let builder = reqwest::Client::builder()
            .user_agent(concat!("Passerelle/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(timeouts.connect)
            .pool_idle_timeout(Duration::from_secs(90))
            .no_proxy();
        let builder = match kind {
            Kind::Answer => builder
                .timeout(timeouts.request)
                .redirect(reqwest::redirect::Policy::none()),
            // Over https only; a build for the tests may take its updates from this computer.
            Kind::Download => builder
                .redirect(reqwest::redirect::Policy::limited(5))
                .https_only(!crate::settings::LOOPBACK_UPDATES),
        };
        let builder = match route {
            Route::Direct => builder,
            Route::Via(proxy) => builder.proxy(
                reqwest::Proxy::all(proxy.url().as_str())
                    .map_err(|e| HttpError::Setup(format!("the proxy {}: {e}", proxy.origin())))?,
            ),
        };
        #[cfg(not(target_os = "macos"))]
        let builder = builder.tls_backend_preconfigured(tls::client_config(
            &self.network.extra_roots,
            &self.refused,
        )?);
        #[cfg(target_os = "macos")]
        let builder = self
            .network
            .extra_roots
            .iter()
            .filter_map(|der| reqwest::Certificate::from_der(der).ok())
            .fold(
                builder.min_tls_version(reqwest::tls::Version::TLS_1_2),
                |b, c| b.add_root_certificate(c),
            );
        let client = builder
            .build()
            .map_err(|e| HttpError::Setup(e.to_string()))?;
        clients.insert((route.clone(), kind), client.clone());
        Ok(client)
    }
}

/// A request on its way, and what its failure is read with.
pub struct Request {
    builder: reqwest::RequestBuilder,
    host: String,
    port: u16,
    via: Option<ProxyAddress>,
    #[cfg(not(target_os = "macos"))]
    refused: tls::Refused,
}

impl Request {
    /// The request, with more to it (a form, a bearer token).
    pub fn with(
        self,
        more: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Self {
        Self {
            builder: more(self.builder),
            ..self
        }
    }

    /// The server's response, its body still to read; a failure read for what it is.
    pub async fn response(self) -> Result<reqwest::Response, HttpError> {
        let Request {
            builder,
            host,
            port,
            via,
            #[cfg(not(target_os = "macos"))]
            refused,
        } = self;
        match builder.send().await {
            Ok(response) if response.status().as_u16() == 407 && via.is_some() => {
                let asked = auth::schemes(response.headers());
                Err(HttpError::ProxyRefused {
                    proxy: via.map(|p| p.origin()).unwrap_or_default(),
                    asked,
                })
            }
            Ok(response) => Ok(response),
            Err(e) => {
                if error::is_untrusted_certificate(&e) {
                    // The system's TLS on macOS does not say who issued what it refused.
                    #[cfg(target_os = "macos")]
                    let issuer = None;
                    #[cfg(not(target_os = "macos"))]
                    let issuer = refused.issuer(&host);
                    return Err(HttpError::Untrusted { issuer });
                }
                match via {
                    Some(proxy) if error::is_proxy_authentication(&e) => {
                        Err(HttpError::ProxyRefused {
                            asked: auth::asked(&proxy, &host, port).await,
                            proxy: proxy.origin(),
                        })
                    }
                    _ => Err(e.into()),
                }
            }
        }
    }
}

/// An answer, read whole. Its body may hold tokens: it is overwritten when dropped.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Drop for Answer {
    fn drop(&mut self) {
        self.body.zeroize();
    }
}

/// Sends the request and reads the answer, refusing bodies over [`MAX_BODY_BYTES`].
pub async fn send(request: Request) -> Result<Answer, HttpError> {
    let mut response = request
        .with(|b| b.header(reqwest::header::ACCEPT, "application/json"))
        .response()
        .await?;
    let status = response.status().as_u16();
    let announced = response.content_length().unwrap_or(0);
    if announced > MAX_BODY_BYTES as u64 {
        return Err(HttpError::TooLarge);
    }
    // Sized up front where the length is known, so the body is not copied as it grows.
    let mut answer = Answer {
        status,
        body: Vec::with_capacity(announced.max(4096) as usize),
    };
    while let Some(chunk) = response.chunk().await? {
        if answer.body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(HttpError::TooLarge);
        }
        answer.body.extend_from_slice(&chunk);
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(StatusClass::of(200), StatusClass::Success);
        assert_eq!(StatusClass::of(204), StatusClass::Success);
        assert_eq!(StatusClass::of(429), StatusClass::Trouble);
        assert_eq!(StatusClass::of(503), StatusClass::Trouble);
        assert_eq!(StatusClass::of(404), StatusClass::Refused);
        assert_eq!(StatusClass::of(302), StatusClass::Refused);
    }
}
