//! The HTTP clients, and reading answers with a size cap.

use std::time::Duration;

use url::Url;
use zeroize::Zeroize;

use super::error::FlowError;

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

/// The app's HTTP clients: one for the platform, through the proxy the environment or the
/// system names (reqwest's `system-proxy` on macOS and Windows), and one for loopback
/// addresses, which are this computer and never go through a proxy. Each keeps its
/// connections alive between requests.
pub struct Http {
    proxied: reqwest::Client,
    direct: reqwest::Client,
}

impl Http {
    pub fn new(timeouts: Timeouts) -> Result<Self, FlowError> {
        Ok(Self {
            proxied: build_client(timeouts, false)?,
            direct: build_client(timeouts, true)?,
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

fn build_client(timeouts: Timeouts, direct: bool) -> Result<reqwest::Client, FlowError> {
    let builder = reqwest::Client::builder()
        .user_agent(concat!("Passerelle/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.request)
        .pool_idle_timeout(Duration::from_secs(90))
        // Redirects on token requests would resend the device code elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .min_tls_version(reqwest::tls::Version::TLS_1_2)
        .https_only(false);
    let builder = if direct { builder.no_proxy() } else { builder };
    builder
        .build()
        .map_err(|e| FlowError::ClientSetup(e.to_string()))
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
pub async fn send(request: reqwest::RequestBuilder) -> Result<Answer, FlowError> {
    let mut response = request
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await?;
    let status = response.status().as_u16();
    let too_large = || FlowError::Unexpected(format!("answer larger than {MAX_BODY_BYTES} bytes"));
    let announced = response.content_length().unwrap_or(0);
    if announced > MAX_BODY_BYTES as u64 {
        return Err(too_large());
    }
    // Sized up front where the length is known, so the body is not copied as it grows.
    let mut answer = Answer {
        status,
        body: Vec::with_capacity(announced.max(4096) as usize),
    };
    while let Some(chunk) = response.chunk().await? {
        if answer.body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        answer.body.extend_from_slice(&chunk);
    }
    Ok(answer)
}
