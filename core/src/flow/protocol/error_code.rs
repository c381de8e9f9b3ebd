//! RFC 6749 §5.2 and RFC 8628 §3.5: error answers, and their `error` codes.

use serde_json::Value;
use strum::{EnumString, IntoStaticStr};

use super::Fields;

/// An RFC 6749 §5.2 / RFC 8628 §3.5 `error` code, read once from the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
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
        code.parse().unwrap_or(Self::Other)
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// RFC 6749 §5.2 error response. The `error_description` is the server's own text and
/// could carry anything: only its length is kept, for the logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorResponse {
    pub code: ErrorCode,
    pub description_len: usize,
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
