//! What can go wrong while signing in, as types the window turns into its own words.

use super::protocol::{ErrorCode, ProtocolError};
use crate::http::HttpError;
use crate::settings::Key;

/// Why a request to the platform did not give what was asked. The `Display` texts are for
/// logs and support, in our words: never a server's description.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// No answer: connection refused or reset, DNS, TLS, timeout.
    #[error("the platform could not be reached: {0}")]
    Unreachable(String),
    /// The platform's certificate is not one this computer trusts (an inspecting proxy whose
    /// authority is not installed, a captive portal): issued by this authority, when known.
    #[error("the platform's certificate is not trusted here (issued by {})", .0.as_deref().unwrap_or("an unknown authority"))]
    Untrusted(Option<String>),
    /// The proxy the way to the platform goes through asks for a kind of authentication this
    /// app does not offer, or refused the credentials given.
    #[error("the proxy {proxy} asks to authenticate: {asked}")]
    ProxyRefused { proxy: String, asked: String },
    /// The platform answered but is in trouble (5xx) or busy (429).
    #[error("the platform answered HTTP {0}")]
    ServerError(u16),
    /// An answer that does not follow the protocol: not JSON, missing fields, too large.
    #[error("unexpected answer from the platform: {0}")]
    Unexpected(String),
    #[error("the learner denied the request")]
    Denied,
    /// A user code nobody can read or type (a control or format character, a symbol).
    #[error("the platform sent a code that cannot be shown")]
    UnusableCode,
    /// Tokens that are not Bearer tokens (RFC 6750), which Passerelle cannot use: they are
    /// revoked, never kept.
    #[error("the platform sent tokens that cannot be used: {0}")]
    UnusableToken(&'static str),
    #[error("the code expired before it was approved")]
    Expired,
    /// The platform says this after an expired or used code is purged, and for a refresh
    /// token that is no longer valid.
    #[error("the platform no longer knows this code or session")]
    InvalidGrant,
    #[error("this app is not registered with the platform")]
    InvalidClient,
    #[error("the platform does not support the device flow")]
    UnsupportedGrantType,
    /// Another OAuth error code.
    #[error("the platform refused with error `{}`", .0.as_str())]
    Refused(ErrorCode),
    /// The API answered 401: the access token is no longer accepted.
    #[error("the session is no longer valid")]
    SessionInvalid,
    #[error("cancelled")]
    Cancelled,
    /// The server's metadata cannot be trusted or lacks what is needed.
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    /// The HTTP client could not be set up (TLS roots, proxy settings).
    #[error("the HTTP client could not be set up: {0}")]
    ClientSetup(String),
}

/// RFC 8414 metadata that is not used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    /// RFC 8414 §3.3: the `issuer` must be the address the document was asked from.
    #[error("the server's metadata is for another issuer than {expected}")]
    IssuerMismatch { expected: String },
    /// An endpoint on another origin than the authorization server's and the allowed hosts.
    #[error("the server's metadata puts `{}` on another site", .0.name())]
    ForeignEndpoint(Key),
    /// The metadata lacks an endpoint; the named setting can supply it.
    #[error("the server's metadata has no `{name}`: set `{name}`", name = .0.name())]
    MissingEndpoint(Key),
    #[error("the server's metadata is invalid: {0}")]
    Invalid(ProtocolError),
}

/// Why a poll is being tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryReason {
    Unreachable,
    ServerError,
    Unexpected,
}

impl FlowError {
    /// Failures that may pass if the same request is sent again later, and why.
    pub fn retry_reason(&self) -> Option<RetryReason> {
        match self {
            Self::Unreachable(_) => Some(RetryReason::Unreachable),
            Self::ServerError(_) => Some(RetryReason::ServerError),
            Self::Unexpected(_) => Some(RetryReason::Unexpected),
            _ => None,
        }
    }

    pub fn is_transient(&self) -> bool {
        self.retry_reason().is_some()
    }
}

impl From<ProtocolError> for FlowError {
    fn from(e: ProtocolError) -> Self {
        match e {
            ProtocolError::UnusableCode => Self::UnusableCode,
            e => Self::Unexpected(e.to_string()),
        }
    }
}

impl From<HttpError> for FlowError {
    fn from(e: HttpError) -> Self {
        match e {
            HttpError::Unreachable(why) => Self::Unreachable(why),
            HttpError::Garbled(_) | HttpError::TooLarge => Self::Unexpected(e.to_string()),
            HttpError::Setup(why) => Self::ClientSetup(why),
            HttpError::Untrusted { issuer } => Self::Untrusted(issuer),
            HttpError::ProxyRefused { proxy, asked } => Self::ProxyRefused { proxy, asked },
        }
    }
}
