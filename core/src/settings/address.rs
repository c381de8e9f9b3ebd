//! The one rule for every address Passerelle sends something to: https anywhere, plain http
//! only to this computer — by its IP address, never the name `localhost`, which a hosts file
//! or a resolver can point elsewhere (RFC 8252 §8.3) — and only when the platform itself is
//! on this computer.

use url::{Host, Url};

use super::error::{ConfigError, Invalid};
use super::key::Key;

/// True for `127.0.0.0/8` and `[::1]`: IP literals only.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    }
}

/// Whether `url` may be used by a platform whose own address is (or is not) on loopback:
/// https always, plain http only when both are on this computer.
pub fn scheme_allowed(url: &Url, platform_on_loopback: bool) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => platform_on_loopback && is_loopback(url),
        _ => false,
    }
}

/// An address as a person types it (`moncampus.fr`, `MonCampus.fr/`, `https://…`): https
/// when no scheme is given, plain http on loopback only, nothing else; no user name,
/// password or fragment. [`super::Settings::check`] then holds every other address to the
/// platform's own (see [`scheme_allowed`]).
pub fn check_url(key: Key, value: &str) -> Result<Url, ConfigError> {
    let invalid = |reason| ConfigError::Invalid { key, reason };
    let value = value.trim();
    if value.is_empty() || value.chars().any(char::is_whitespace) {
        return Err(invalid(Invalid::NotAnAddress));
    }
    let url = if value.contains("://") {
        Url::parse(value)
    } else {
        Url::parse(&format!("https://{value}"))
    }
    .map_err(|_| invalid(Invalid::NotAnAddress))?;
    match url.scheme() {
        "https" | "http" if scheme_allowed(&url, is_loopback(&url)) => {}
        "http" => return Err(invalid(Invalid::NeedsHttps)),
        _ => return Err(invalid(Invalid::NotWeb)),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid(Invalid::NotAnAddress));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(Invalid::HasCredentials));
    }
    if url.fragment().is_some()
        || (url.query().is_some() && matches!(key, Key::AuthUrl | Key::ApiUrl))
    {
        return Err(invalid(Invalid::HasQuery));
    }
    Ok(url)
}

/// Two ways of writing a platform's address name the same platform when they give the same
/// checked address (`moncampus.fr` and `https://MonCampus.fr/`); two that cannot be checked
/// only when they are the same text.
pub fn same_platform(a: &str, b: &str) -> bool {
    match (check_url(Key::AuthUrl, a), check_url(Key::AuthUrl, b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a.trim() == b.trim(),
    }
}

/// `base` with `path` appended to its own path (`https://h/p` + `/oauth/token` =
/// `https://h/p/oauth/token`).
pub fn join_path(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let joined = format!("{}{}", base.path().trim_end_matches('/'), path);
    url.set_path(&joined);
    url.set_query(None);
    url.set_fragment(None);
    url
}

/// A platform as the learner knows it: its host, and its port when not the default.
pub fn label_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => url.to_string(),
    }
}

/// What logs and support details may say of an address: its origin, never the path or
/// query a server chose.
pub fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_as_people_type_them() {
        for (typed, used) in [
            ("moncampus.fr", "https://moncampus.fr/"),
            ("  MonCampus.FR/ ", "https://moncampus.fr/"),
            ("https://moncampus.fr/learn/", "https://moncampus.fr/learn/"),
            ("localhost:3000", "https://localhost:3000/"),
            ("http://127.0.0.1:3000", "http://127.0.0.1:3000/"),
            ("http://127.1.2.3:3000", "http://127.1.2.3:3000/"),
            ("http://[::1]:8", "http://[::1]:8/"),
        ] {
            assert_eq!(
                check_url(Key::AuthUrl, typed).unwrap().as_str(),
                used,
                "{typed}"
            );
        }
        for (typed, reason) in [
            ("", Invalid::NotAnAddress),
            ("mon campus.fr", Invalid::NotAnAddress),
            ("javascript:alert(1)", Invalid::NotAnAddress),
            ("http://moncampus.fr", Invalid::NeedsHttps),
            // A name is not this computer, whatever it resolves to today.
            ("http://localhost:1", Invalid::NeedsHttps),
            ("http://LOCALHOST:1", Invalid::NeedsHttps),
            ("http://127.0.0.1.nip.io", Invalid::NeedsHttps),
            ("ftp://moncampus.fr", Invalid::NotWeb),
            ("file:///etc/passwd", Invalid::NotWeb),
            ("https://u:p@moncampus.fr", Invalid::HasCredentials),
            ("https://moncampus.fr/?next=x", Invalid::HasQuery),
            ("https://moncampus.fr/#x", Invalid::HasQuery),
        ] {
            assert_eq!(
                check_url(Key::AuthUrl, typed).unwrap_err(),
                ConfigError::Invalid {
                    key: Key::AuthUrl,
                    reason
                },
                "{typed}"
            );
        }
        // An endpoint may carry a query (RFC 6749 §3.2), never a fragment.
        assert!(check_url(Key::TokenEndpoint, "https://x.example/t?tenant=a").is_ok());
        assert!(check_url(Key::TokenEndpoint, "https://x.example/t#a").is_err());
    }

    #[test]
    fn plain_http_only_between_loopback_addresses() {
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(scheme_allowed(&url("https://api.example/"), false));
        assert!(scheme_allowed(&url("http://127.0.0.1:9/"), true));
        assert!(scheme_allowed(&url("http://[::1]:9/"), true));
        assert!(!scheme_allowed(&url("http://127.0.0.1:9/"), false));
        assert!(!scheme_allowed(&url("http://localhost:9/"), true));
        assert!(!scheme_allowed(&url("http://api.example/"), true));
        assert!(!scheme_allowed(&url("ftp://127.0.0.1/"), true));
    }

    #[test]
    fn one_platform_however_it_is_written() {
        assert!(same_platform("moncampus.fr", "https://MonCampus.fr/"));
        assert!(!same_platform("moncampus.fr", "https://moncampus.fr/learn"));
        assert!(same_platform(" not an address", "not an address "));
        assert!(!same_platform("moncampus.fr", "not an address"));
    }

    #[test]
    fn origins_without_paths() {
        let url = Url::parse("https://sso.example:8443/tenant/token?x=secret").unwrap();
        assert_eq!(origin_of(&url), "https://sso.example:8443");
    }
}
