//! Parsers for what the authorization server and the API answer. Pure functions from bytes
//! to typed values: every malformed answer becomes a [`ProtocolError`], never a panic.

use std::time::Duration;

use serde_json::Value;
use url::Url;

use super::secret::{AccessToken, DeviceCode, RefreshToken};

/// RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default."
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// Polling faster than once a second helps nobody; a server that says 0 gets 1.
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);
/// A server asking for more than this between polls would leave the learner waiting for nothing.
pub const MAX_INTERVAL: Duration = Duration::from_secs(300);
/// Device codes are meant to live minutes; a larger `expires_in` is clamped to this.
pub const MAX_EXPIRES_IN: Duration = Duration::from_secs(3600);
/// Longest string accepted in any field: tokens, codes, URLs, names.
pub const MAX_FIELD_LEN: usize = 8192;
/// Longest user code accepted: it is shown large and typed by hand.
pub const MAX_USER_CODE_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("the answer is not JSON")]
    NotJson,
    #[error("the answer is not a JSON object")]
    NotAnObject,
    #[error("the answer has no `{0}`")]
    Missing(&'static str),
    #[error("`{field}` is invalid: {reason}")]
    Invalid {
        field: &'static str,
        reason: &'static str,
    },
}

fn invalid(field: &'static str, reason: &'static str) -> ProtocolError {
    ProtocolError::Invalid { field, reason }
}

/// RFC 8628 §3.2 device authorization response.
#[derive(Debug, Clone)]
pub struct DeviceAuthorization {
    pub device_code: DeviceCode,
    pub user_code: String,
    pub verification_uri: Url,
    pub verification_uri_complete: Option<Url>,
    pub expires_in: Duration,
    pub interval: Duration,
}

/// RFC 6749 §5.1 access token response.
#[derive(Debug, Clone)]
pub struct TokenResponse {
    pub access_token: AccessToken,
    pub token_type: String,
    pub expires_in: Option<Duration>,
    pub refresh_token: Option<RefreshToken>,
    pub scope: Option<String>,
    /// Seconds since the Unix epoch, as Doorkeeper sends it.
    pub created_at: Option<i64>,
}

/// An RFC 6749 §5.2 / RFC 8628 §3.5 `error` code, read once from the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    AuthorizationPending,
    SlowDown,
    AccessDenied,
    ExpiredToken,
    InvalidGrant,
    InvalidClient,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidRequest,
    InvalidScope,
    ServerError,
    TemporarilyUnavailable,
    /// Any other code. Its text is not kept: a server may put anything in it.
    Other,
}

impl ErrorCode {
    pub fn parse(code: &str) -> ErrorCode {
        match code {
            "authorization_pending" => Self::AuthorizationPending,
            "slow_down" => Self::SlowDown,
            "access_denied" => Self::AccessDenied,
            "expired_token" => Self::ExpiredToken,
            "invalid_grant" => Self::InvalidGrant,
            "invalid_client" => Self::InvalidClient,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "invalid_request" => Self::InvalidRequest,
            "invalid_scope" => Self::InvalidScope,
            "server_error" => Self::ServerError,
            "temporarily_unavailable" => Self::TemporarilyUnavailable,
            _ => Self::Other,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::AuthorizationPending => "authorization_pending",
            Self::SlowDown => "slow_down",
            Self::AccessDenied => "access_denied",
            Self::ExpiredToken => "expired_token",
            Self::InvalidGrant => "invalid_grant",
            Self::InvalidClient => "invalid_client",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidScope => "invalid_scope",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::Other => "other",
        }
    }
}

/// RFC 6749 §5.2 error response. The `error_description` is the server's own text and
/// could carry anything: only its length is kept, for the logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorResponse {
    pub code: ErrorCode,
    pub description_len: usize,
}

/// The learner, from the platform's `current_user` or an OpenID Connect userinfo answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Profile {
    pub id: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Full name when the server gives one (OIDC `name`), else first and last names joined.
    pub display_name: String,
    /// When the account was created, as the server wrote it (ISO 8601 on the platform).
    pub member_since: Option<String>,
}

/// RFC 8414 authorization server metadata: only the members Passerelle uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerMetadata {
    pub issuer: Option<String>,
    pub device_authorization_endpoint: Option<Url>,
    pub token_endpoint: Option<Url>,
    pub revocation_endpoint: Option<Url>,
}

fn object(body: &[u8]) -> Result<serde_json::Map<String, Value>, ProtocolError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ProtocolError::NotAnObject),
        Err(_) => Err(ProtocolError::NotJson),
    }
}

/// Reads a field out of a JSON object with the checks every field shares.
struct Fields(serde_json::Map<String, Value>);

impl Fields {
    fn parse(body: &[u8]) -> Result<Self, ProtocolError> {
        object(body).map(Self)
    }

    fn present(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    fn opt_string(&self, name: &'static str, max: usize) -> Result<Option<String>, ProtocolError> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::String(s)) if s.len() > max => Err(invalid(name, "too long")),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(name, "not a string")),
        }
    }

    fn string(&self, name: &'static str, max: usize) -> Result<String, ProtocolError> {
        match self.opt_string(name, max)? {
            Some(s) if s.trim().is_empty() => Err(invalid(name, "empty")),
            Some(s) => Ok(s),
            None => Err(ProtocolError::Missing(name)),
        }
    }

    /// A string or a number, as text (ids are numbers on the platform, strings in OIDC).
    fn opt_id(&self, name: &'static str) -> Result<Option<String>, ProtocolError> {
        match self.present(name) {
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            _ => self.opt_string(name, MAX_FIELD_LEN),
        }
    }

    /// Whole seconds, as a number or numeric string (some servers send `"1800"`).
    /// Negative, fractional-but-huge or non-numeric values are invalid.
    fn opt_seconds(&self, name: &'static str) -> Result<Option<u64>, ProtocolError> {
        let number = match self.present(name) {
            None => return Ok(None),
            Some(Value::Number(n)) => n.clone(),
            Some(Value::String(s)) => s
                .trim()
                .parse::<serde_json::Number>()
                .map_err(|_| invalid(name, "not a number"))?,
            Some(_) => return Err(invalid(name, "not a number")),
        };
        if let Some(u) = number.as_u64() {
            return Ok(Some(u));
        }
        match number.as_f64() {
            Some(f) if f >= 0.0 && f.is_finite() => Ok(Some(f.min(u64::MAX as f64) as u64)),
            _ => Err(invalid(name, "negative")),
        }
    }

    fn opt_url(&self, name: &'static str) -> Result<Option<Url>, ProtocolError> {
        match self.opt_string(name, MAX_FIELD_LEN)? {
            None => Ok(None),
            Some(s) => Url::parse(&s)
                .map(Some)
                .map_err(|_| invalid(name, "not a URL")),
        }
    }
}

pub fn parse_device_authorization(body: &[u8]) -> Result<DeviceAuthorization, ProtocolError> {
    let f = Fields::parse(body)?;
    let expires_in = match f.opt_seconds("expires_in")? {
        None => return Err(ProtocolError::Missing("expires_in")),
        Some(0) => return Err(invalid("expires_in", "zero")),
        Some(s) => Duration::from_secs(s).min(MAX_EXPIRES_IN),
    };
    let interval = f
        .opt_seconds("interval")?
        .map_or(DEFAULT_INTERVAL, Duration::from_secs)
        .clamp(MIN_INTERVAL, MAX_INTERVAL);
    let verification_uri = f
        .opt_url("verification_uri")?
        // Early drafts of RFC 8628 (and Google) call it `verification_url`.
        .or(f.opt_url("verification_url")?)
        .ok_or(ProtocolError::Missing("verification_uri"))?;
    Ok(DeviceAuthorization {
        device_code: DeviceCode::new(f.string("device_code", MAX_FIELD_LEN)?),
        user_code: f.string("user_code", MAX_USER_CODE_LEN)?,
        verification_uri,
        verification_uri_complete: f.opt_url("verification_uri_complete")?,
        expires_in,
        interval,
    })
}

pub fn parse_token(body: &[u8]) -> Result<TokenResponse, ProtocolError> {
    let f = Fields::parse(body)?;
    let created_at = match f.present("created_at") {
        None => None,
        Some(v) => Some(
            v.as_i64()
                .ok_or(invalid("created_at", "not a whole number"))?,
        ),
    };
    Ok(TokenResponse {
        access_token: AccessToken::new(f.string("access_token", MAX_FIELD_LEN)?),
        // Required by RFC 6749, but a missing one can only mean the usual kind.
        token_type: f
            .opt_string("token_type", 64)?
            .unwrap_or_else(|| "Bearer".into()),
        expires_in: f.opt_seconds("expires_in")?.map(Duration::from_secs),
        refresh_token: f
            .opt_string("refresh_token", MAX_FIELD_LEN)?
            .filter(|s| !s.is_empty())
            .map(RefreshToken::new),
        scope: f.opt_string("scope", MAX_FIELD_LEN)?,
        created_at,
    })
}

/// `None` when the body is not an RFC 6749 error object.
pub fn parse_error(body: &[u8]) -> Option<ErrorResponse> {
    let f = Fields::parse(body).ok()?;
    let code = f.string("error", 256).ok()?;
    Some(ErrorResponse {
        code: ErrorCode::parse(&code),
        description_len: match f.present("error_description") {
            Some(Value::String(s)) => s.len(),
            _ => 0,
        },
    })
}

pub fn parse_profile(body: &[u8]) -> Result<Profile, ProtocolError> {
    let f = Fields::parse(body)?;
    let nonempty = |s: &String| !s.trim().is_empty();
    let id = f
        .opt_id("id")?
        .filter(nonempty)
        .or(f.opt_id("sub")?.filter(nonempty))
        .ok_or(ProtocolError::Missing("id"))?;
    let first_name = f
        .opt_string("firstname", MAX_FIELD_LEN)?
        .or(f.opt_string("given_name", MAX_FIELD_LEN)?);
    let last_name = f
        .opt_string("lastname", MAX_FIELD_LEN)?
        .or(f.opt_string("family_name", MAX_FIELD_LEN)?);
    let email = f.opt_string("email", MAX_FIELD_LEN)?;
    let joined = [first_name.as_deref(), last_name.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let display_name = f
        .opt_string("name", MAX_FIELD_LEN)?
        .filter(|s| !s.trim().is_empty())
        .or((!joined.is_empty()).then_some(joined))
        .or(email.clone().filter(nonempty))
        .unwrap_or_else(|| id.clone());
    let member_since = match f.opt_string("created_at", 64)? {
        Some(s) => Some(s),
        // OIDC has no creation date; the platform also sends `created_date` (dd/mm/yyyy).
        None => f.opt_string("created_date", 64)?,
    };
    Ok(Profile {
        id,
        email,
        first_name,
        last_name,
        display_name,
        member_since,
    })
}

pub fn parse_metadata(body: &[u8]) -> Result<ServerMetadata, ProtocolError> {
    let f = Fields::parse(body)?;
    Ok(ServerMetadata {
        issuer: f.opt_string("issuer", MAX_FIELD_LEN)?,
        device_authorization_endpoint: f.opt_url("device_authorization_endpoint")?,
        token_endpoint: f.opt_url("token_endpoint")?,
        revocation_endpoint: f.opt_url("revocation_endpoint")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_authorization_of_the_platform() {
        let a = parse_device_authorization(
            br#"{"device_code":"dc","user_code":"ABCD1234","verification_uri":"https://p.example/oauth/device",
                "verification_uri_complete":"https://p.example/oauth/device?user_code=ABCD1234","expires_in":300,"interval":5}"#,
        )
        .unwrap();
        assert_eq!(a.device_code.expose(), "dc");
        assert_eq!(a.user_code, "ABCD1234");
        assert_eq!(a.expires_in, Duration::from_secs(300));
        assert_eq!(a.interval, Duration::from_secs(5));
        assert!(a.verification_uri_complete.is_some());
    }

    #[test]
    fn interval_defaults_and_is_clamped() {
        let base = r#""device_code":"d","user_code":"U","verification_uri":"https://x/","expires_in":"600""#;
        let p = |extra: &str| parse_device_authorization(format!("{{{base}{extra}}}").as_bytes());
        assert_eq!(p("").unwrap().interval, DEFAULT_INTERVAL);
        assert_eq!(p(r#","interval":0"#).unwrap().interval, MIN_INTERVAL);
        assert_eq!(p(r#","interval":1e30"#).unwrap().interval, MAX_INTERVAL);
        assert_eq!(p(r#","interval":null"#).unwrap().interval, DEFAULT_INTERVAL);
        assert_eq!(p("").unwrap().expires_in, Duration::from_secs(600));
        assert_eq!(
            p(r#","interval":-1"#).unwrap_err(),
            invalid("interval", "negative")
        );
        assert_eq!(
            p(r#","interval":"soon""#).unwrap_err(),
            invalid("interval", "not a number")
        );
    }

    #[test]
    fn expires_in_is_required_positive_and_clamped() {
        let p = |e: &str| {
            parse_device_authorization(
                format!(
                    r#"{{"device_code":"d","user_code":"U","verification_uri":"https://x/"{e}}}"#
                )
                .as_bytes(),
            )
        };
        assert_eq!(p("").unwrap_err(), ProtocolError::Missing("expires_in"));
        assert_eq!(
            p(r#","expires_in":0"#).unwrap_err(),
            invalid("expires_in", "zero")
        );
        assert_eq!(
            p(r#","expires_in":-5"#).unwrap_err(),
            invalid("expires_in", "negative")
        );
        assert_eq!(
            p(r#","expires_in":99999999999999"#).unwrap().expires_in,
            MAX_EXPIRES_IN
        );
    }

    #[test]
    fn device_authorization_rejects_missing_or_wrong_fields() {
        assert_eq!(
            parse_device_authorization(b"<html>").unwrap_err(),
            ProtocolError::NotJson
        );
        assert_eq!(
            parse_device_authorization(b"[1]").unwrap_err(),
            ProtocolError::NotAnObject
        );
        assert_eq!(
            parse_device_authorization(
                br#"{"user_code":"U","verification_uri":"https://x/","expires_in":5}"#
            )
            .unwrap_err(),
            ProtocolError::Missing("device_code")
        );
        assert_eq!(
            parse_device_authorization(br#"{"device_code":7,"user_code":"U","verification_uri":"https://x/","expires_in":5}"#)
                .unwrap_err(),
            invalid("device_code", "not a string")
        );
        assert_eq!(
            parse_device_authorization(br#"{"device_code":"d","user_code":"U","verification_uri":"not a url","expires_in":5}"#)
                .unwrap_err(),
            invalid("verification_uri", "not a URL")
        );
        let long = "U".repeat(MAX_USER_CODE_LEN + 1);
        assert_eq!(
            parse_device_authorization(
                format!(r#"{{"device_code":"d","user_code":"{long}","verification_uri":"https://x/","expires_in":5}}"#).as_bytes()
            )
            .unwrap_err(),
            invalid("user_code", "too long")
        );
    }

    #[test]
    fn token_of_the_platform() {
        let t = parse_token(
            br#"{"access_token":"at","token_type":"Bearer","expires_in":7200,"refresh_token":"rt","scope":"read","created_at":1707128830}"#,
        )
        .unwrap();
        assert_eq!(t.access_token.expose(), "at");
        assert_eq!(t.refresh_token.as_ref().unwrap().expose(), "rt");
        assert_eq!(t.expires_in, Some(Duration::from_secs(7200)));
        assert_eq!(t.created_at, Some(1707128830));
        assert_eq!(t.scope.as_deref(), Some("read"));
        assert!(!format!("{t:?}").contains("at\""));
    }

    #[test]
    fn token_needs_an_access_token() {
        assert_eq!(
            parse_token(b"{}").unwrap_err(),
            ProtocolError::Missing("access_token")
        );
        assert_eq!(
            parse_token(br#"{"access_token":""}"#).unwrap_err(),
            invalid("access_token", "empty")
        );
        let t = parse_token(br#"{"access_token":"a"}"#).unwrap();
        assert_eq!(t.token_type, "Bearer");
        assert!(t.refresh_token.is_none());
    }

    #[test]
    fn errors() {
        assert_eq!(
            parse_error(br#"{"error":"authorization_pending","error_description":"x"}"#),
            Some(ErrorResponse {
                code: ErrorCode::AuthorizationPending,
                description_len: 1
            })
        );
        let odd = parse_error(br#"{"error":"x<script>y z","error_description":"CANARY"}"#).unwrap();
        assert_eq!(odd.code, ErrorCode::Other);
        assert_eq!(odd.description_len, 6);
        for code in [
            "access_denied",
            "slow_down",
            "invalid_scope",
            "temporarily_unavailable",
        ] {
            assert_eq!(ErrorCode::parse(code).as_str(), code);
        }
        assert_eq!(parse_error(br#"{"error":5}"#), None);
        assert_eq!(parse_error(b"oops"), None);
        assert_eq!(parse_error(br#"{"access_token":"a"}"#), None);
    }

    #[test]
    fn platform_profile() {
        let p = parse_profile(
            br#"{"id":5,"email":"john.doe@example.com","firstname":"John","lastname":"Doe","created_at":"2024-02-05T08:52:20.957Z","created_date":"05/02/2024"}"#,
        )
        .unwrap();
        assert_eq!(p.id, "5");
        assert_eq!(p.display_name, "John Doe");
        assert_eq!(p.email.as_deref(), Some("john.doe@example.com"));
        assert_eq!(p.member_since.as_deref(), Some("2024-02-05T08:52:20.957Z"));
    }

    #[test]
    fn oidc_profile() {
        let p = parse_profile(
            br#"{"sub":"abc","email":"a@b.c","given_name":"Ada","family_name":"Lovelace","name":"Ada L."}"#,
        )
        .unwrap();
        assert_eq!(p.id, "abc");
        assert_eq!(p.first_name.as_deref(), Some("Ada"));
        assert_eq!(p.display_name, "Ada L.");
        assert_eq!(p.member_since, None);
        let bare = parse_profile(br#"{"sub":"abc"}"#).unwrap();
        assert_eq!(bare.display_name, "abc");
        assert_eq!(
            parse_profile(br#"{"email":"a"}"#).unwrap_err(),
            ProtocolError::Missing("id")
        );
    }

    #[test]
    fn metadata() {
        let m = parse_metadata(
            br#"{"issuer":"https://x","device_authorization_endpoint":"https://x/device","token_endpoint":"https://x/token"}"#,
        )
        .unwrap();
        assert_eq!(m.token_endpoint.unwrap().as_str(), "https://x/token");
        assert_eq!(m.issuer.as_deref(), Some("https://x"));
        assert!(m.revocation_endpoint.is_none());
        assert!(parse_metadata(br#"{"token_endpoint":3}"#).is_err());
    }
}
