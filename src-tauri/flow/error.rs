//! What can go wrong while signing in, as types the window turns into its own words.

use super::protocol::ProtocolError;

/// Why a request to the platform did not give what was asked. The `Display` texts are for
/// logs and developers; the window maps [`FlowError::kind`] to words a learner understands.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// No answer: connection refused or reset, DNS, TLS, timeout.
    #[error("the platform could not be reached: {0}")]
    Unreachable(String),
    /// The platform answered but is in trouble (5xx) or busy (429).
    #[error("the platform answered HTTP {0}")]
    ServerError(u16),
    /// An answer that does not follow the protocol: not JSON, missing fields, too large.
    #[error("unexpected answer from the platform: {0}")]
    Unexpected(String),
    #[error("the learner denied the request")]
    Denied,
    #[error("the code expired before it was approved")]
    Expired,
    /// The platform says this after an expired or used code is purged.
    #[error("the platform no longer knows this code or session")]
    InvalidGrant,
    #[error("this app is not registered with the platform")]
    InvalidClient,
    #[error("the platform does not support the device flow")]
    UnsupportedGrantType,
    #[error("the platform refused with error `{0}`")]
    OAuth(String),
    /// The API answered 401: the access token is no longer accepted.
    #[error("the session is no longer valid")]
    SessionInvalid,
    #[error("cancelled")]
    Cancelled,
}

impl FlowError {
    /// A stable name for the kind of failure, for the UI and for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Unreachable(_) => "unreachable",
            Self::ServerError(_) => "server_error",
            Self::Unexpected(_) => "unexpected",
            Self::Denied => "denied",
            Self::Expired => "expired",
            Self::InvalidGrant => "invalid_grant",
            Self::InvalidClient => "invalid_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::OAuth(_) => "oauth_error",
            Self::SessionInvalid => "session_invalid",
            Self::Cancelled => "cancelled",
        }
    }

    /// Failures that may pass if the same request is sent again later.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Unreachable(_) | Self::ServerError(_) | Self::Unexpected(_)
        )
    }

    /// Maps an RFC 6749 / RFC 8628 `error` code to its outcome.
    pub fn from_oauth_code(code: &str) -> Self {
        match code {
            "access_denied" => Self::Denied,
            "expired_token" => Self::Expired,
            "invalid_grant" => Self::InvalidGrant,
            "invalid_client" | "unauthorized_client" => Self::InvalidClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            other => Self::OAuth(other.chars().take(64).collect()),
        }
    }
}

impl From<ProtocolError> for FlowError {
    fn from(e: ProtocolError) -> Self {
        Self::Unexpected(e.to_string())
    }
}

impl From<reqwest::Error> for FlowError {
    fn from(e: reqwest::Error) -> Self {
        // reqwest's Display never includes the request body; the URL carries no secret here.
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        if e.is_decode() {
            Self::Unexpected(text)
        } else {
            Self::Unreachable(text)
        }
    }
}
