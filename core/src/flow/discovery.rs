//! Step 0: where each request goes. Endpoints set in the settings are used as they are;
//! the others come from the server's RFC 8414 metadata when it publishes some — checked
//! before use — else from the platform's documented paths.

use url::Url;

use super::error::{FlowError, MetadataError};
use super::origin::is_trusted;
use super::protocol::{self, ProtocolError, ServerMetadata};
use crate::http::{self, StatusClass};
use crate::settings::{self, join_path, Key, Settings};

/// Where each request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub device_authorization: Url,
    pub token: Url,
    /// None when the server's metadata names no revocation endpoint: a session then ends
    /// on this computer only.
    pub revocation: Option<Url>,
    pub profile: Url,
}

pub(super) async fn resolve(
    client: &http::Http,
    settings: &Settings,
) -> Result<Endpoints, FlowError> {
    let all_set = settings.device_authorization_endpoint.is_some()
        && settings.token_endpoint.is_some()
        && settings.revocation_endpoint.is_some();
    let metadata = if all_set {
        None
    } else {
        discover(client, settings).await?
    };
    Ok(match metadata {
        Some(meta) => from_metadata(meta, settings)?,
        None => {
            let default = |explicit: &Option<Url>, path| {
                explicit
                    .clone()
                    .unwrap_or_else(|| join_path(&settings.auth_url, path))
            };
            Endpoints {
                device_authorization: default(
                    &settings.device_authorization_endpoint,
                    settings::DEFAULT_DEVICE_AUTHORIZATION_PATH,
                ),
                token: default(&settings.token_endpoint, settings::DEFAULT_TOKEN_PATH),
                revocation: Some(default(
                    &settings.revocation_endpoint,
                    settings::DEFAULT_REVOCATION_PATH,
                )),
                profile: settings.profile_endpoint.clone(),
            }
        }
    })
}

/// Explicit settings first, then the metadata's endpoints, which must be on the
/// authorization server's origin or an allowed host. A server that publishes metadata is
/// not second-guessed with the platform's paths: what it lacks is named.
fn from_metadata(meta: ServerMetadata, settings: &Settings) -> Result<Endpoints, FlowError> {
    let pick = |key: Key, explicit: &Option<Url>, found: Option<Url>| match explicit {
        Some(url) => Ok(Some(url.clone())),
        None => match found {
            Some(url) if is_trusted(&url, settings) => Ok(Some(url)),
            Some(_) => Err(MetadataError::ForeignEndpoint(key)),
            None => Ok(None),
        },
    };
    let required = |key, explicit, found| {
        pick(key, explicit, found)?.ok_or(MetadataError::MissingEndpoint(key))
    };
    Ok(Endpoints {
        device_authorization: required(
            Key::DeviceAuthorizationEndpoint,
            &settings.device_authorization_endpoint,
            meta.device_authorization_endpoint,
        )?,
        token: required(
            Key::TokenEndpoint,
            &settings.token_endpoint,
            meta.token_endpoint,
        )?,
        revocation: pick(
            Key::RevocationEndpoint,
            &settings.revocation_endpoint,
            meta.revocation_endpoint,
        )?,
        profile: settings.profile_endpoint.clone(),
    })
}

/// The well-known addresses for an issuer: RFC 8414 §3.1 (inserted before the issuer's
/// path), then OpenID Connect Discovery §4 (appended to it).
pub fn well_known(issuer: &Url) -> [Url; 2] {
    let path = issuer.path().trim_end_matches('/');
    let mut rfc8414 = issuer.clone();
    rfc8414.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
    [
        rfc8414,
        join_path(issuer, "/.well-known/openid-configuration"),
    ]
}

/// RFC 8414 §3.3 and OpenID Connect Discovery §4.3: the `issuer` in the document must be
/// the issuer it was asked for. `https://x` and `https://x/` name the same issuer here,
/// since they give the same well-known address.
pub fn same_issuer(found: &str, expected: &Url) -> bool {
    let trim = |s: &str| s.trim_end_matches('/').to_owned();
    Url::parse(found).is_ok_and(|found| trim(found.as_str()) == trim(expected.as_str()))
}

/// The server's metadata, if it publishes any. A 404 (or a page that is not JSON) at both
/// addresses means none; an answer for another issuer is refused.
async fn discover(
    client: &http::Http,
    settings: &Settings,
) -> Result<Option<ServerMetadata>, FlowError> {
    let issuer = &settings.auth_url;
    for url in well_known(issuer) {
        let answer = http::send(client.get(url.clone()).await?).await?;
        match StatusClass::of(answer.status) {
            StatusClass::Success => {}
            StatusClass::Trouble => return Err(FlowError::ServerError(answer.status)),
            // A 404 (or any refusal) at this address: no document here.
            StatusClass::Refused => continue,
        }
        let meta = match protocol::parse_metadata(&answer.body) {
            Ok(meta) => meta,
            Err(ProtocolError::NotJson | ProtocolError::NotAnObject) => continue,
            Err(e) => return Err(MetadataError::Invalid(e).into()),
        };
        if !meta
            .issuer
            .as_deref()
            .is_some_and(|i| same_issuer(i, issuer))
        {
            tracing::warn!("server metadata for another issuer; not used");
            return Err(MetadataError::IssuerMismatch {
                expected: issuer.to_string(),
            }
            .into());
        }
        tracing::debug!(origin = %settings::origin_of(&url), "using the server's metadata");
        return Ok(Some(meta));
    }
    tracing::debug!("no server metadata, using the platform's paths");
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::RawSettings;

    fn settings(extra: &[(Key, &str)]) -> Settings {
        let mut raw = RawSettings::default()
            .with(Key::AuthUrl, "https://id.example/tenant")
            .with(Key::ClientId, "c");
        for (k, v) in extra {
            raw.set(*k, *v);
        }
        Settings::check(&raw).unwrap()
    }

    fn meta(device: Option<&str>, token: &str, revoke: Option<&str>) -> ServerMetadata {
        let url = |s: &str| Url::parse(s).unwrap();
        ServerMetadata {
            issuer: Some("https://id.example/tenant".into()),
            device_authorization_endpoint: device.map(url),
            token_endpoint: Some(url(token)),
            revocation_endpoint: revoke.map(url),
        }
    }

    #[test]
    fn well_known_addresses_and_issuers() {
        let issuer = Url::parse("https://id.example/tenant/").unwrap();
        let [a, b] = well_known(&issuer);
        assert_eq!(
            a.as_str(),
            "https://id.example/.well-known/oauth-authorization-server/tenant"
        );
        assert_eq!(
            b.as_str(),
            "https://id.example/tenant/.well-known/openid-configuration"
        );
        assert!(same_issuer("https://id.example/tenant", &issuer));
        assert!(same_issuer("https://ID.example/tenant/", &issuer));
        assert!(!same_issuer("https://id.example/other", &issuer));
        assert!(!same_issuer("https://id.example:8443/tenant", &issuer));
        assert!(!same_issuer("not a url", &issuer));
    }

    #[test]
    fn metadata_endpoints_must_be_on_the_server_or_allowed() {
        let s = settings(&[]);
        let e = from_metadata(
            meta(Some("https://id.example/d"), "https://evil.example/t", None),
            &s,
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                FlowError::Metadata(MetadataError::ForeignEndpoint(Key::TokenEndpoint))
            ),
            "{e}"
        );
        let e = from_metadata(
            meta(
                Some("https://id.example/d"),
                "https://id.example/t",
                Some("https://id.example:444/r"),
            ),
            &s,
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                FlowError::Metadata(MetadataError::ForeignEndpoint(Key::RevocationEndpoint))
            ),
            "{e}"
        );
        let allowed = settings(&[(Key::AllowedHosts, "sso.example")]);
        let ok = from_metadata(
            meta(Some("https://sso.example/d"), "https://id.example/t", None),
            &allowed,
        )
        .unwrap();
        assert_eq!(ok.revocation, None);
        // Set explicitly, a setting wins over a foreign endpoint in the metadata.
        let explicit = settings(&[(Key::TokenEndpoint, "https://tokens.example/t")]);
        let ok = from_metadata(
            meta(Some("https://id.example/d"), "https://evil.example/t", None),
            &explicit,
        )
        .unwrap();
        assert_eq!(ok.token.as_str(), "https://tokens.example/t");
    }

    #[test]
    fn a_missing_device_endpoint_names_its_setting() {
        let e =
            from_metadata(meta(None, "https://id.example/t", None), &settings(&[])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the server's metadata has no `device_authorization_endpoint`: set `device_authorization_endpoint`"
        );
        let ok = from_metadata(
            meta(None, "https://id.example/t", None),
            &settings(&[(
                Key::DeviceAuthorizationEndpoint,
                "https://id.example/device",
            )]),
        )
        .unwrap();
        assert_eq!(ok.device_authorization.path(), "/device");
    }
}
