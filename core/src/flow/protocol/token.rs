//! RFC 6749 §5.1: the token answer, after a device-code poll or a refresh.

use std::time::Duration;

use super::{invalid, Fields, ProtocolError, MAX_FIELD_LEN};
use crate::flow::secret::{AccessToken, RefreshToken};

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

#[cfg(test)]
mod tests {
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
}
