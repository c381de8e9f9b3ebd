//! Which addresses a server's answer may send us to: the endpoints its metadata names,
//! and the verification page the learner opens. One rule for both.

use url::Url;

use crate::settings::{is_loopback, scheme_allowed, Settings};

/// True when `url` is on the authorization server's own origin (scheme, host and port), or
/// on a host the settings allow explicitly (`allowed_hosts`; without a port, only the
/// default one). https, or plain http between loopback addresses ([`scheme_allowed`], the
/// rule every setting passes too). Never a user name or password.
pub fn is_trusted(url: &Url, settings: &Settings) -> bool {
    let auth = &settings.auth_url;
    if !scheme_allowed(url, is_loopback(auth))
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return false;
    }
    if url.origin() == auth.origin() {
        return true;
    }
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return false;
    };
    settings.allowed_hosts.iter().any(|allowed| {
        allowed.host.eq_ignore_ascii_case(host)
            && allowed.port.or_else(|| default_port(url.scheme())) == Some(port)
    })
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Key, RawSettings};

    fn settings(auth: &str, allowed: Option<&str>) -> Settings {
        let mut raw = RawSettings::default()
            .with(Key::AuthUrl, auth)
            .with(Key::ClientId, "c");
        if let Some(allowed) = allowed {
            raw.set(Key::AllowedHosts, allowed);
        }
        Settings::check(&raw).unwrap()
    }

    #[test]
    fn only_the_platform_over_https() {
        let s = settings(
            "https://learn.example",
            Some("sso.example, id.example:8443"),
        );
        let ok = |u: &str| is_trusted(&Url::parse(u).unwrap(), &s);
        assert!(ok("https://learn.example/oauth/device?user_code=ABCD1234"));
        assert!(ok("https://LEARN.example:443/device"));
        assert!(ok("https://sso.example/device"));
        assert!(ok("https://id.example:8443/device"));
        assert!(
            !ok("https://learn.example:8443/device"),
            "another port is another origin"
        );
        assert!(!ok("https://sso.example:8443/device"));
        assert!(!ok("https://id.example/device"));
        assert!(!ok("http://learn.example/oauth/device"));
        assert!(!ok("https://learn.example.evil.example/"));
        assert!(!ok("https://evil.example/oauth/device"));
        assert!(!ok("javascript:alert(1)"));
        assert!(!ok("file:///etc/passwd"));
        assert!(!ok("https://user@learn.example/"));
    }

    #[test]
    fn plain_http_only_when_the_platform_itself_is_on_loopback() {
        let s = settings("http://127.0.0.1:4000", None);
        let ok = |u: &str| is_trusted(&Url::parse(u).unwrap(), &s);
        assert!(ok("http://127.0.0.1:4000/oauth/device"));
        assert!(!ok("http://127.0.0.1:4001/oauth/device"), "the port counts");
        assert!(!ok("http://127.0.0.2:4000/oauth/device"));
        assert!(!ok("http://localhost:4000/oauth/device"));
        let https = settings("https://learn.example", Some("127.0.0.1:4000"));
        assert!(!is_trusted(
            &Url::parse("http://127.0.0.1:4000/t").unwrap(),
            &https
        ));
    }
}
