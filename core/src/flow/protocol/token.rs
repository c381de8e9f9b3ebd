//! RFC 6749 §5.1: the token answer, after a device-code poll or a refresh.

use std::time::Duration;

use super::{Fields, ProtocolError, MAX_FIELD_LEN};
use crate::flow::secret::{AccessToken, RefreshToken};

/// A token lifetime longer than this is not one anyone means: treated as unknown.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

/// RFC 6749 §5.1 access token response.
#[derive(Debug, Clone)]
pub struct TokenResponse {
    pub access_token: AccessToken,
    /// As the server wrote it; RFC 6749 requires it, and without it the usual kind is meant.
    pub token_type: Option<String>,
    /// At most [`MAX_TOKEN_LIFETIME`]; `None` when the server gave none or one that cannot
    /// be used.
    pub expires_in: Option<Duration>,
    pub refresh_token: Option<RefreshToken>,
    pub scope: Option<String>,
    /// Seconds since the Unix epoch, as Doorkeeper sends it.
    pub created_at: Option<u64>,
}

/// A token answer. Only the access token is required; any other member that cannot be
/// used (a negative or huge lifetime, a time that is not one, the wrong type) is left out,
/// rather than losing tokens the server has already issued.
pub fn parse_token(body: &[u8]) -> Result<TokenResponse, ProtocolError> {
    let f = Fields::parse(body)?;
    let usable = |found: Result<Option<u64>, ProtocolError>| found.ok().flatten();
    Ok(TokenResponse {
        access_token: AccessToken::new(f.string("access_token", MAX_FIELD_LEN)?),
        token_type: f.opt_string("token_type", 64).ok().flatten(),
        expires_in: usable(f.opt_seconds("expires_in"))
            .map(Duration::from_secs)
            .filter(|lifetime| *lifetime <= MAX_TOKEN_LIFETIME),
        refresh_token: f
            .opt_string("refresh_token", MAX_FIELD_LEN)
            .ok()
            .flatten()
            .filter(|s| !s.is_empty())
            .map(RefreshToken::new),
        scope: f.opt_string("scope", MAX_FIELD_LEN).ok().flatten(),
        created_at: usable(f.opt_seconds("created_at")),
    })
}

impl TokenResponse {
    /// Why these tokens cannot be used, if they cannot: RFC 6749 §7.1 and RFC 6750 — only a
    /// Bearer token (in any case, or with no type) may be sent as one, and its characters
    /// are RFC 6750's `b64token`.
    pub fn unusable(&self) -> Option<&'static str> {
        if self
            .token_type
            .as_deref()
            .is_some_and(|t| !t.eq_ignore_ascii_case("bearer"))
        {
            return Some("not a Bearer token");
        }
        if !is_b64token(self.access_token.expose()) {
            return Some("an access token with characters a Bearer token cannot hold");
        }
        None
    }
}

/// RFC 6750 §2.1: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::super::invalid;
    use super::*;

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
        assert_eq!(t.token_type.as_deref(), Some("Bearer"));
        assert_eq!(t.unusable(), None);
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
        assert_eq!(t.token_type, None);
        assert_eq!(t.unusable(), None, "no type means the usual kind");
        assert!(t.refresh_token.is_none());
    }

    /// A lifetime or a time that cannot be used is left out; the tokens are not lost.
    #[test]
    fn numbers_past_any_sane_bound_are_unknown() {
        let t = |extra: &str| {
            parse_token(format!(r#"{{"access_token":"a"{extra}}}"#).as_bytes()).unwrap()
        };
        assert_eq!(
            t(r#","expires_in":7200"#).expires_in,
            Some(Duration::from_secs(7200))
        );
        assert_eq!(
            t(r#","expires_in":"7200""#).expires_in,
            Some(Duration::from_secs(7200))
        );
        assert_eq!(t(r#","expires_in":18446744073709551615"#).expires_in, None);
        assert_eq!(t(r#","expires_in":1e300"#).expires_in, None);
        assert_eq!(t(r#","expires_in":-1"#).expires_in, None);
        assert_eq!(
            t(r#","expires_in":"99999999999999999999999999""#).expires_in,
            None
        );
        assert_eq!(t(r#","expires_in":"soon""#).expires_in, None);
        assert_eq!(t(r#","created_at":-5"#).created_at, None);
        assert_eq!(
            t(r#","created_at":1707128830.5"#).created_at,
            Some(1707128830)
        );
        assert_eq!(t(r#","created_at":{}"#).created_at, None);
        assert_eq!(t(r#","refresh_token":7"#).refresh_token, None);
    }

    #[test]
    fn only_bearer_tokens_are_used_as_bearer_tokens() {
        let t = |body: &str| parse_token(body.as_bytes()).unwrap().unusable();
        for usable in [
            r#"{"access_token":"abc","token_type":"Bearer"}"#,
            r#"{"access_token":"abc","token_type":"bearer"}"#,
            r#"{"access_token":"abc","token_type":"BEARER"}"#,
            r#"{"access_token":"a-b.c_d~e+f/g=="}"#,
        ] {
            assert_eq!(t(usable), None, "{usable}");
        }
        for other in ["DPoP", "mac", "N_A", "Bearer2"] {
            let body = format!(r#"{{"access_token":"abc","token_type":"{other}"}}"#);
            assert_eq!(t(&body), Some("not a Bearer token"), "{other}");
        }
        for odd in [
            "a b",
            r#"a\"b"#,
            "a,b",
            "==",
            r"a\u00e9",
            r"a\r\nX-Injected: 1",
        ] {
            let body = format!(r#"{{"access_token":"{odd}"}}"#);
            assert!(t(&body).is_some(), "{odd}");
        }
    }
}
