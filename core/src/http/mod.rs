//! How Passerelle reaches the web, for the platform and for the update feed alike: one
//! kept-alive client per way out (through the proxy the environment names, or directly to
//! this computer), timeouts, no redirects, and answers read whole within a size.
//! Deciding what an answer means is the caller's job (`flow::answer` for the platform).

mod error;
mod proxy;

use std::time::Duration;

use url::Url;
use zeroize::Zeroize;

pub use error::HttpError;
pub use proxy::EnvProxies;

/// No answer Passerelle needs is anywhere near this; a larger one is refused unread.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    /// The whole request, from sending to the last byte of the answer.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(20),
        }
    }
}

/// How this computer reaches the web: how long to wait, and the proxies it names.
#[derive(Debug, Clone, Default)]
pub struct Network {
    pub timeouts: Timeouts,
    pub proxies: EnvProxies,
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

/// The app's HTTP clients: one through the proxies the environment names, and one for
/// loopback addresses, which are this computer and never go through a proxy. Each keeps its
/// connections alive between requests.
pub struct Http {
    proxied: reqwest::Client,
    direct: reqwest::Client,
}

impl Http {
    pub fn new(network: &Network) -> Result<Self, HttpError> {
        Ok(Self {
            proxied: build_client(network, Some(&network.proxies))?,
            direct: build_client(network, None)?,
        })
    }

    /// The client for `url`.
    pub fn to(&self, url: &Url) -> &reqwest::Client {
        if crate::settings::is_loopback(url) {
            &self.direct
        } else {
            &self.proxied
        }
    }

    pub fn get(&self, url: Url) -> reqwest::RequestBuilder {
        self.to(&url).get(url)
    }

    pub fn post(&self, url: Url) -> reqwest::RequestBuilder {
        self.to(&url).post(url)
    }
}

fn build_client(
    network: &Network,
    proxies: Option<&EnvProxies>,
) -> Result<reqwest::Client, HttpError> {
    let builder = reqwest::Client::builder()
        .user_agent(concat!("Passerelle/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(network.timeouts.connect)
        .timeout(network.timeouts.request)
        .pool_idle_timeout(Duration::from_secs(90))
        // Redirects on token requests would resend the device code elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .min_tls_version(reqwest::tls::Version::TLS_1_2)
        .https_only(false);
    let builder = match proxies {
        None => builder.no_proxy(),
        Some(proxies) => proxies.apply(builder)?,
    };
    builder.build().map_err(|e| HttpError::Setup(e.to_string()))
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
pub async fn send(request: reqwest::RequestBuilder) -> Result<Answer, HttpError> {
    let mut response = request
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
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
