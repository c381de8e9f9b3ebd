//! The device-flow client: the requests of a sign-in, and those of a session after it.

use std::time::SystemTime;

use tokio::sync::OnceCell;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::answer::success;
use super::discovery::{self, Endpoints};
use super::error::FlowError;
use super::origin::is_trusted;
use super::poll::{poll_until, PollAnswer, PollProgress};
use super::protocol::{self, DeviceAuthorization, ErrorCode, Profile, TokenResponse};
use super::secret::{AccessToken, RefreshToken, Revocable, Secret};
use crate::http::{self, Answer, Http, Network};
use crate::settings::{Key, RawSettings, Settings};

const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The verification page, as the window may use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Both `verification_uri` and `verification_uri_complete` are on the platform: the
    /// page may be opened, and encoded in a QR code.
    Trusted {
        /// The address to type by hand.
        uri: Url,
        /// The address to open: with the code filled in when the server gives one.
        open: Url,
    },
    /// One of them is elsewhere: nothing is opened or encoded, and the address is shown
    /// as text with a warning.
    Untrusted { uri: String },
}

impl Verification {
    fn of(authorization: &DeviceAuthorization, settings: &Settings) -> Self {
        let uri = &authorization.verification_uri;
        let complete = authorization.verification_uri_complete.as_ref();
        if is_trusted(uri, settings) && complete.is_none_or(|c| is_trusted(c, settings)) {
            Verification::Trusted {
                uri: uri.clone(),
                open: complete.unwrap_or(uri).clone(),
            }
        } else {
            tracing::warn!("the verification page is not on the platform; shown as text only");
            Verification::Untrusted {
                uri: uri.to_string(),
            }
        }
    }
}

/// A code waiting for the learner's approval.
#[derive(Debug, Clone)]
pub struct PendingSignIn {
    pub authorization: DeviceAuthorization,
    pub verification: Verification,
    /// `expires_in` counted from just before the authorization request was sent.
    pub deadline: Instant,
    pub expires_at: SystemTime,
}

pub struct DeviceFlowClient {
    /// Made at the first request: loading the system's root certificates takes a while,
    /// and must not delay the window.
    http: OnceCell<Http>,
    network: Network,
    settings: Settings,
    endpoints: OnceCell<Endpoints>,
}

impl DeviceFlowClient {
    /// A client for the platform `settings` name, reached as `network` says.
    pub fn new(settings: Settings, network: Network) -> Self {
        Self {
            http: OnceCell::new(),
            network,
            settings,
            endpoints: OnceCell::new(),
        }
    }

    /// A client for endpoints known already, for client `client_id`: one that ends a session
    /// an earlier run kept, whose platform's settings may not be in force. None when they are
    /// not addresses a platform's may be.
    pub fn for_endpoints(client_id: &str, endpoints: Endpoints, network: Network) -> Option<Self> {
        let origin = url::Url::parse(&crate::settings::origin_of(&endpoints.token)).ok()?;
        let mut raw = RawSettings::default()
            .with(Key::AuthUrl, origin.as_str())
            .with(Key::ClientId, client_id)
            .with(Key::TokenEndpoint, endpoints.token.as_str())
            .with(Key::ProfileEndpoint, endpoints.profile.as_str());
        if let Some(revocation) = &endpoints.revocation {
            raw.set(Key::RevocationEndpoint, revocation.as_str());
        }
        Some(Self {
            http: OnceCell::new(),
            network,
            settings: Settings::check(&raw).ok()?,
            endpoints: OnceCell::new_with(Some(endpoints)),
        })
    }

    /// The HTTP clients, kept alive between requests.
    async fn http(&self) -> Result<&Http, FlowError> {
        self.http
            .get_or_try_init(|| async { Ok(Http::new(&self.network)?) })
            .await
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The endpoints, reading the server's metadata the first time when some
    /// authorization-server endpoint is not set explicitly. A failure is not remembered.
    pub async fn endpoints(&self) -> Result<&Endpoints, FlowError> {
        self.endpoints
            .get_or_try_init(|| async {
                discovery::resolve(self.http().await?, &self.settings).await
            })
            .await
    }

    /// Step 1: asks for a device code and a user code (RFC 8628 §3.1).
    pub async fn start_sign_in(&self) -> Result<PendingSignIn, FlowError> {
        let endpoints = self.endpoints().await?;
        let mut form = vec![("client_id", self.settings.client_id.as_str())];
        if let Some(scope) = &self.settings.scope {
            form.push(("scope", scope));
        }
        let (started, started_wall) = (Instant::now(), SystemTime::now());
        let answer = self
            .http()
            .await?
            .post_form(endpoints.device_authorization.clone(), &form)
            .await?;
        let authorization = protocol::parse_device_authorization(&success(&answer)?.body)?;
        tracing::info!(expires_in = ?authorization.expires_in, interval = ?authorization.interval, "got a user code");
        Ok(PendingSignIn {
            verification: Verification::of(&authorization, &self.settings),
            deadline: started + authorization.expires_in,
            expires_at: started_wall + authorization.expires_in,
            authorization,
        })
    }

    /// Step 2: polls the token endpoint until the learner approves, denies, the code
    /// expires or `cancel` fires (RFC 8628 §3.4).
    pub async fn wait_for_token(
        &self,
        pending: &PendingSignIn,
        cancel: &CancellationToken,
        progress: impl FnMut(PollProgress),
    ) -> Result<TokenResponse, FlowError> {
        let token_url = self.endpoints().await?.token.clone();
        let http = self.http().await?;
        let device_code = &pending.authorization.device_code;
        let token = poll_until(
            pending.authorization.interval,
            pending.deadline,
            cancel,
            progress,
            || {
                tracing::debug!("polling the token endpoint");
                let form = [
                    ("grant_type", DEVICE_CODE_GRANT),
                    ("device_code", device_code.expose()),
                    ("client_id", &self.settings.client_id),
                ];
                let url = token_url.clone();
                async move {
                    match http.post_form(url, &form).await.map_err(FlowError::from) {
                        Ok(answer) => classify_token_answer(&answer),
                        Err(e) if e.is_transient() => PollAnswer::Transient(e),
                        Err(e) => PollAnswer::Failed(e),
                    }
                }
            },
        )
        .await?;
        self.accept(token).await
    }

    /// Tokens as they may be used: Bearer tokens only (RFC 6750). Others are revoked on the
    /// platform — the refresh token, then the access token — and never handed back.
    async fn accept(&self, token: TokenResponse) -> Result<TokenResponse, FlowError> {
        let Some(why) = token.unusable() else {
            return Ok(token);
        };
        tracing::warn!(
            why,
            "the platform sent tokens that cannot be used; revoking them"
        );
        if let Some(refresh) = &token.refresh_token {
            let _ = self.revoke(refresh).await;
        }
        let _ = self.revoke(&token.access_token).await;
        Err(FlowError::UnusableToken(why))
    }

    /// Step 3: the learner's profile. A 401 is [`FlowError::SessionInvalid`].
    pub async fn fetch_profile(&self, access_token: &AccessToken) -> Result<Profile, FlowError> {
        let url = self.endpoints().await?.profile.clone();
        let request = self
            .http()
            .await?
            .get(url)
            .await?
            .with(|r| r.bearer_auth(access_token.expose()));
        let answer = http::send(request).await?;
        if answer.status == 401 {
            return Err(FlowError::SessionInvalid);
        }
        Ok(protocol::parse_profile(&success(&answer)?.body)?)
    }

    /// A new access token from a refresh token (RFC 6749 §6). `InvalidGrant` means the
    /// session has ended.
    pub async fn refresh(&self, refresh_token: &RefreshToken) -> Result<TokenResponse, FlowError> {
        let url = self.endpoints().await?.token.clone();
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
            ("client_id", &self.settings.client_id),
        ];
        let answer = self.http().await?.post_form(url, &form).await?;
        let token = protocol::parse_token(&success(&answer)?.body)?;
        self.accept(token).await
    }

    /// Revokes a token (RFC 7009); revoking the refresh token ends the session on the
    /// server. False when the server publishes no revocation endpoint.
    pub async fn revoke<K: Revocable>(&self, token: &Secret<K>) -> Result<bool, FlowError> {
        let Some(url) = self.endpoints().await?.revocation.clone() else {
            return Ok(false);
        };
        let form = [
            ("token", token.expose()),
            ("token_type_hint", K::HINT),
            ("client_id", &self.settings.client_id),
        ];
        let answer = self.http().await?.post_form(url, &form).await?;
        success(&answer).map(|_| true)
    }
}

/// A token answer: pending and slow_down keep polling, the server's trouble is passing,
/// anything else ends the sign-in.
fn classify_token_answer(answer: &Answer) -> PollAnswer<TokenResponse> {
    let outcome = success(answer).and_then(|answer| Ok(protocol::parse_token(&answer.body)?));
    match outcome {
        Ok(token) => PollAnswer::Token(token),
        Err(FlowError::Refused(ErrorCode::AuthorizationPending)) => PollAnswer::Pending,
        Err(FlowError::Refused(ErrorCode::SlowDown)) => PollAnswer::SlowDown,
        Err(e) if e.is_transient() => PollAnswer::Transient(e),
        Err(e) => PollAnswer::Failed(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn token_answers() {
        let c = |s, b| classify_token_answer(&answer(s, b));
        assert!(matches!(
            c(400, r#"{"error":"authorization_pending"}"#),
            PollAnswer::Pending
        ));
        assert!(matches!(
            c(200, r#"{"error":"authorization_pending"}"#),
            PollAnswer::Pending
        ));
        assert!(matches!(
            c(400, r#"{"error":"slow_down"}"#),
            PollAnswer::SlowDown
        ));
        assert!(matches!(
            c(400, r#"{"error":"access_denied"}"#),
            PollAnswer::Failed(FlowError::Denied)
        ));
        assert!(matches!(
            c(400, r#"{"error":"expired_token"}"#),
            PollAnswer::Failed(FlowError::Expired)
        ));
        assert!(matches!(
            c(400, r#"{"error":"invalid_grant"}"#),
            PollAnswer::Failed(FlowError::InvalidGrant)
        ));
        assert!(matches!(
            c(401, r#"{"error":"invalid_client"}"#),
            PollAnswer::Failed(FlowError::InvalidClient)
        ));
        assert!(matches!(
            c(400, r#"{"error":"unsupported_grant_type"}"#),
            PollAnswer::Failed(FlowError::UnsupportedGrantType)
        ));
        assert!(matches!(
            c(400, r#"{"error":"weird"}"#),
            PollAnswer::Failed(FlowError::Refused(ErrorCode::Other))
        ));
        assert!(matches!(
            c(503, r#"{"error":"weird"}"#),
            PollAnswer::Transient(FlowError::ServerError(503))
        ));
        assert!(matches!(
            c(400, r#"{"error":"temporarily_unavailable"}"#),
            PollAnswer::Transient(FlowError::ServerError(400))
        ));
        assert!(matches!(
            c(500, "boom"),
            PollAnswer::Transient(FlowError::ServerError(500))
        ));
        assert!(matches!(
            c(429, ""),
            PollAnswer::Transient(FlowError::ServerError(429))
        ));
        assert!(matches!(
            c(200, "<html>"),
            PollAnswer::Transient(FlowError::Unexpected(_))
        ));
        assert!(matches!(
            c(400, "<html>"),
            PollAnswer::Transient(FlowError::Unexpected(_))
        ));
        assert!(matches!(
            c(200, r#"{"access_token":"a"}"#),
            PollAnswer::Token(_)
        ));
    }

    #[test]
    fn verification_pages_pass_the_origin_rule_together() {
        use crate::settings::{Key, RawSettings};
        let settings = Settings::check(
            &RawSettings::default()
                .with(Key::AuthUrl, "https://learn.example")
                .with(Key::ClientId, "c"),
        )
        .unwrap();
        let authorization = |uri: &str, complete: Option<&str>| {
            let complete = complete
                .map(|c| format!(r#","verification_uri_complete":"{c}""#))
                .unwrap_or_default();
            protocol::parse_device_authorization(
                format!(r#"{{"device_code":"d","user_code":"U","verification_uri":"{uri}"{complete},"expires_in":60}}"#)
                    .as_bytes(),
            )
            .unwrap()
        };
        let v = |uri, complete| Verification::of(&authorization(uri, complete), &settings);
        assert_eq!(
            v(
                "https://learn.example/device",
                Some("https://learn.example/device?user_code=U")
            ),
            Verification::Trusted {
                uri: Url::parse("https://learn.example/device").unwrap(),
                open: Url::parse("https://learn.example/device?user_code=U").unwrap(),
            }
        );
        assert!(
            matches!(v("https://learn.example/device", None), Verification::Trusted { open, .. } if open.path() == "/device")
        );
        assert_eq!(
            v(
                "https://learn.example/device",
                Some("https://evil.example/device?user_code=U")
            ),
            Verification::Untrusted {
                uri: "https://learn.example/device".into()
            }
        );
        assert_eq!(
            v(
                "https://learn.example:8443/device",
                Some("https://learn.example/device")
            ),
            Verification::Untrusted {
                uri: "https://learn.example:8443/device".into()
            }
        );
    }
}
