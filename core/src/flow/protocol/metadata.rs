//! RFC 8414 authorization server metadata: only the members Passerelle uses.

use url::Url;

use super::{Fields, ProtocolError, MAX_FIELD_LEN};

/// RFC 8414 authorization server metadata: only the members Passerelle uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerMetadata {
    pub issuer: Option<String>,
    pub device_authorization_endpoint: Option<Url>,
    pub token_endpoint: Option<Url>,
    pub revocation_endpoint: Option<Url>,
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
