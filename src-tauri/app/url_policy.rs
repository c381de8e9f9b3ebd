//! Which verification URLs the app agrees to open in the browser.

use url::Url;

use crate::flow::config::is_loopback;
use crate::flow::Settings;

/// https (or http on loopback) to the authorization server's host or an allowed host.
/// Anything else — another host, `javascript:`, `file:`, plain http elsewhere — is shown
/// as text instead, so a tampered answer cannot send the learner to a lookalike site.
pub fn may_open(url: &Url, settings: &Settings) -> bool {
    let scheme_ok = match url.scheme() {
        "https" => true,
        "http" => is_loopback(url),
        _ => false,
    };
    let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
        return false;
    };
    let own_host = settings
        .auth_url
        .host_str()
        .is_some_and(|h| h.eq_ignore_ascii_case(&host));
    scheme_ok
        && url.username().is_empty()
        && url.password().is_none()
        && (own_host || settings.allowed_hosts.contains(&host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::RawSettings;

    fn settings(auth: &str, allowed: Option<&str>) -> Settings {
        Settings::from_raw(RawSettings {
            auth_url: Some(auth.into()),
            client_id: Some("c".into()),
            allowed_hosts: allowed.map(Into::into),
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn only_the_platform_over_https() {
        let s = settings("https://learn.example", Some("sso.example"));
        let ok = |u: &str| may_open(&Url::parse(u).unwrap(), &s);
        assert!(ok("https://learn.example/oauth/device?user_code=ABCD1234"));
        assert!(ok("https://LEARN.example/device"));
        assert!(ok("https://sso.example/device"));
        assert!(!ok("http://learn.example/oauth/device"));
        assert!(!ok("https://learn.example.evil.example/"));
        assert!(!ok("https://evil.example/oauth/device"));
        assert!(!ok("javascript:alert(1)"));
        assert!(!ok("file:///etc/passwd"));
        assert!(!ok("https://user@learn.example/"));
    }

    #[test]
    fn plain_http_only_on_loopback() {
        let s = settings("http://127.0.0.1:4000", None);
        let ok = |u: &str| may_open(&Url::parse(u).unwrap(), &s);
        assert!(ok("http://127.0.0.1:4000/oauth/device"));
        assert!(!ok("http://127.0.0.2:4000/oauth/device"));
    }
}
