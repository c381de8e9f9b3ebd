//! The device-flow client: device authorization, token polling, profile, refresh, revocation.

use std::time::{Duration, SystemTime};

use tokio::sync::OnceCell;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::config::{self, join_path, Settings};
use super::error::FlowError;
use super::http::{self, Answer, Timeouts};
use super::poll::{poll_until, PollAnswer, PollProgress};
use super::protocol::{self, DeviceAuthorization, Profile, TokenResponse};
use super::secret::Secret;

const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Where each request goes, once the server's metadata (if any) has been read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub device_authorization: Url,
    pub token: Url,
    pub revocation: Url,
    pub profile: Url,
}

/// A code waiting for the learner's approval.
#[derive(Debug, Clone)]
pub struct PendingSignIn {
    pub authorization: DeviceAuthorization,
    /// `expires_in` counted from just before the authorization request was sent.
    pub deadline: Instant,
    pub expires_at: SystemTime,
}

impl PendingSignIn {
    /// The page to open: with the code filled in when the server gives one.
    pub fn verification_url(&self) -> &Url {
        self.authorization
            .verification_uri_complete
            .as_ref()
            .unwrap_or(&self.authorization.verification_uri)
    }
}

pub struct DeviceFlowClient {
    http: reqwest::Client,
    settings: Settings,
    endpoints: OnceCell<Endpoints>,
}

impl DeviceFlowClient {
    pub fn new(settings: Settings) -> Result<Self, FlowError> {
        Self::with_timeouts(settings, Timeouts::default())
    }

    pub fn with_timeouts(settings: Settings, timeouts: Timeouts) -> Result<Self, FlowError> {
        Ok(Self {
            http: http::build_client(timeouts)?,
            settings,
            endpoints: OnceCell::new(),
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The endpoints, reading the server's RFC 8414 metadata the first time when some
    /// authorization-server endpoint is not set explicitly.
    pub async fn endpoints(&self) -> Result<&Endpoints, FlowError> {
        self.endpoints
            .get_or_try_init(|| self.resolve_endpoints())
            .await
    }

    async fn resolve_endpoints(&self) -> Result<Endpoints, FlowError> {
        let s = &self.settings;
        let all_set = s.device_authorization_endpoint.is_some()
            && s.token_endpoint.is_some()
            && s.revocation_endpoint.is_some();
        let meta = if all_set {
            protocol::ServerMetadata::default()
        } else {
            self.discover().await?
        };
        // Discovered endpoints must pass the same checks as configured ones.
        let checked = |name: &'static str, url: Option<Url>| -> Result<Option<Url>, FlowError> {
            url.map(|u| config::check_url(name, u.as_str()))
                .transpose()
                .map_err(|e| FlowError::Unexpected(format!("server metadata: {e}")))
        };
        let pick = |explicit: &Option<Url>, found, default| {
            explicit
                .clone()
                .or(found)
                .unwrap_or_else(|| join_path(&s.auth_url, default))
        };
        Ok(Endpoints {
            device_authorization: pick(
                &s.device_authorization_endpoint,
                checked(
                    "device_authorization_endpoint",
                    meta.device_authorization_endpoint,
                )?,
                config::DEFAULT_DEVICE_AUTHORIZATION_PATH,
            ),
            token: pick(
                &s.token_endpoint,
                checked("token_endpoint", meta.token_endpoint)?,
                config::DEFAULT_TOKEN_PATH,
            ),
            revocation: pick(
                &s.revocation_endpoint,
                checked("revocation_endpoint", meta.revocation_endpoint)?,
                config::DEFAULT_REVOCATION_PATH,
            ),
            profile: s.profile_endpoint.clone(),
        })
    }

    /// RFC 8414 §3 first, then OpenID Connect discovery. A server with neither (404) has
    /// the platform's default paths; one that cannot be reached is an error.
    async fn discover(&self) -> Result<protocol::ServerMetadata, FlowError> {
        let base = &self.settings.auth_url;
        let path = base.path().trim_end_matches('/');
        let mut rfc8414 = base.clone();
        rfc8414.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
        let oidc = join_path(base, "/.well-known/openid-configuration");
        for url in [rfc8414, oidc] {
            let answer = http::send(self.http.get(url.clone())).await?;
            if answer.is_success() {
                if let Ok(meta) = protocol::parse_metadata(&answer.body) {
                    tracing::debug!(%url, "using the server's metadata");
                    return Ok(meta);
                }
            } else if answer.is_server_trouble() {
                return Err(FlowError::ServerError(answer.status));
            }
        }
        tracing::debug!("no server metadata, using the platform's paths");
        Ok(protocol::ServerMetadata::default())
    }

    /// Asks for a device code and a user code (RFC 8628 §3.1).
    pub async fn start_sign_in(&self) -> Result<PendingSignIn, FlowError> {
        let endpoints = self.endpoints().await?;
        let mut form = vec![("client_id", self.settings.client_id.as_str())];
        if let Some(scope) = &self.settings.scope {
            form.push(("scope", scope));
        }
        let (started, started_wall) = (Instant::now(), SystemTime::now());
        let answer = http::send(
            self.http
                .post(endpoints.device_authorization.clone())
                .form(&form),
        )
        .await?;
        let authorization = protocol::parse_device_authorization(&expect_success(answer)?.body)?;
        tracing::info!(expires_in = ?authorization.expires_in, interval = ?authorization.interval, "got a user code");
        Ok(PendingSignIn {
            deadline: started + authorization.expires_in,
            expires_at: started_wall + authorization.expires_in,
            authorization,
        })
    }

    /// Polls the token endpoint until the learner approves, denies, the code expires or
    /// `cancel` fires (RFC 8628 §3.4).
    pub async fn wait_for_token(
        &self,
        pending: &PendingSignIn,
        cancel: &CancellationToken,
        progress: impl FnMut(PollProgress),
    ) -> Result<TokenResponse, FlowError> {
        let token_url = self.endpoints().await?.token.clone();
        let device_code = &pending.authorization.device_code;
        poll_until(
            pending.authorization.interval,
            pending.deadline,
            cancel,
            progress,
            || {
                tracing::debug!("polling the token endpoint");
                let request = self.http.post(token_url.clone()).form(&[
                    ("grant_type", DEVICE_CODE_GRANT),
                    ("device_code", device_code.expose()),
                    ("client_id", &self.settings.client_id),
                ]);
                async move {
                    match http::send(request).await {
                        Ok(answer) => classify_token_answer(&answer),
                        Err(e) => PollAnswer::Transient(e),
                    }
                }
            },
        )
        .await
    }

    /// The learner's profile. A 401 is [`FlowError::SessionInvalid`].
    pub async fn fetch_profile(&self, access_token: &Secret) -> Result<Profile, FlowError> {
        let url = self.endpoints().await?.profile.clone();
        let answer = http::send(self.http.get(url).bearer_auth(access_token.expose())).await?;
        if answer.status == 401 {
            return Err(FlowError::SessionInvalid);
        }
        Ok(protocol::parse_profile(&expect_success(answer)?.body)?)
    }

    /// A new access token from a refresh token (RFC 6749 §6). `InvalidGrant` means the
    /// session has ended.
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<TokenResponse, FlowError> {
        let url = self.endpoints().await?.token.clone();
        let answer = http::send(self.http.post(url).form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
            ("client_id", &self.settings.client_id),
        ]))
        .await?;
        Ok(protocol::parse_token(&expect_success(answer)?.body)?)
    }

    /// Revokes a refresh token (RFC 7009), which ends the session on the server.
    pub async fn revoke(&self, refresh_token: &Secret) -> Result<(), FlowError> {
        let url = self.endpoints().await?.revocation.clone();
        let answer = http::send(self.http.post(url).form(&[
            ("token", refresh_token.expose()),
            ("token_type_hint", "refresh_token"),
            ("client_id", &self.settings.client_id),
        ]))
        .await?;
        expect_success(answer).map(drop)
    }
}

/// A token answer: read the `error` member whatever the HTTP status, since some servers
/// answer 200 with an error body.
pub fn classify_token_answer(answer: &Answer) -> PollAnswer<TokenResponse> {
    if let Some(error) = protocol::parse_error(&answer.body) {
        tracing::debug!(error = %error.error, description = ?error.error_description, status = answer.status, "token endpoint error");
        return match error.error.as_str() {
            "authorization_pending" => PollAnswer::Pending,
            "slow_down" => PollAnswer::SlowDown,
            code => match oauth_failure(code, answer.status) {
                e if e.is_transient() => PollAnswer::Transient(e),
                FlowError::OAuth(_) if answer.is_server_trouble() => {
                    PollAnswer::Transient(FlowError::ServerError(answer.status))
                }
                e => PollAnswer::Failed(e),
            },
        };
    }
    if answer.is_success() {
        return match protocol::parse_token(&answer.body) {
            Ok(token) => PollAnswer::Token(token),
            Err(e) => PollAnswer::Transient(e.into()),
        };
    }
    PollAnswer::Transient(status_error(answer.status))
}

/// An OAuth `error` code as an outcome; the server's own trouble codes are passing ones.
fn oauth_failure(code: &str, status: u16) -> FlowError {
    match code {
        "server_error" | "temporarily_unavailable" => FlowError::ServerError(status),
        code => FlowError::from_oauth_code(code),
    }
}

fn status_error(status: u16) -> FlowError {
    if status >= 500 || status == 429 {
        FlowError::ServerError(status)
    } else {
        FlowError::Unexpected(format!("HTTP {status} without an OAuth error"))
    }
}

/// A one-shot request's answer: success, an OAuth error, or the status as an error.
fn expect_success(answer: Answer) -> Result<Answer, FlowError> {
    if let Some(error) = protocol::parse_error(&answer.body) {
        tracing::debug!(error = %error.error, description = ?error.error_description, status = answer.status, "platform error");
        return Err(oauth_failure(&error.error, answer.status));
    }
    if answer.is_success() {
        Ok(answer)
    } else {
        Err(status_error(answer.status))
    }
}

/// When a token stops being valid: `created_at + expires_in` when the server says when it
/// was made, else from now.
pub fn token_expiry(token: &TokenResponse, now: SystemTime) -> Option<SystemTime> {
    let expires_in = token.expires_in?;
    let created = token
        .created_at
        .and_then(|s| u64::try_from(s).ok())
        .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s))
        .filter(|c| *c <= now + Duration::from_secs(300))
        .unwrap_or(now);
    Some(created + expires_in)
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
        assert!(
            matches!(c(400, r#"{"error":"weird"}"#), PollAnswer::Failed(FlowError::OAuth(code)) if code == "weird")
        );
        assert!(matches!(
            c(503, r#"{"error":"weird"}"#),
            PollAnswer::Transient(FlowError::ServerError(503))
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
    fn expiry_uses_created_at_when_sane() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut t =
            protocol::parse_token(br#"{"access_token":"a","expires_in":100,"created_at":999950}"#)
                .unwrap();
        assert_eq!(token_expiry(&t, now), Some(now + Duration::from_secs(50)));
        t.created_at = Some(9_999_999_999);
        assert_eq!(token_expiry(&t, now), Some(now + Duration::from_secs(100)));
        t.expires_in = None;
        assert_eq!(token_expiry(&t, now), None);
    }
}
