//! The addresses that go directly whatever the proxy: `no_proxy`, GNOME's `ignore-hosts`,
//! KDE's `NoProxyFor`, Windows' bypass list. Host names match themselves and their
//! subdomains (`school.example`, `.school.example`), or a pattern (`*.school.example`);
//! addresses match themselves or a network (`10.0.0.0/8`); `*` matches everything, and
//! Windows' `<local>` every name without a dot.

use std::net::IpAddr;

use url::{Host, Url};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Exception {
    All,
    Local,
    Domain(String),
    Pattern(String),
    Network(IpAddr, u8),
}

/// A list of exceptions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exceptions(Vec<Exception>);

impl Exceptions {
    /// Entries separated by commas, semicolons or spaces, as every system writes them.
    pub fn parse(text: &str) -> Self {
        Self::of(text.split([',', ';', ' ', '\n']))
    }

    pub fn of<'a>(entries: impl IntoIterator<Item = &'a str>) -> Self {
        Self(
            entries
                .into_iter()
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .filter_map(exception)
                .collect(),
        )
    }

    /// Whether `url` goes directly.
    pub fn cover(&self, url: &Url) -> bool {
        let Some(host) = url.host() else {
            return false;
        };
        let name = match &host {
            Host::Domain(name) => name.to_ascii_lowercase(),
            Host::Ipv4(ip) => ip.to_string(),
            Host::Ipv6(ip) => ip.to_string(),
        };
        let ip: Option<IpAddr> = match host {
            Host::Ipv4(ip) => Some(ip.into()),
            Host::Ipv6(ip) => Some(ip.into()),
            Host::Domain(_) => None,
        };
        self.0.iter().any(|exception| match exception {
            Exception::All => true,
            Exception::Local => ip.is_none() && !name.contains('.'),
            Exception::Domain(domain) => name == *domain || name.ends_with(&format!(".{domain}")),
            Exception::Pattern(pattern) => glob(pattern, &name),
            Exception::Network(net, bits) => ip.is_some_and(|ip| within(ip, *net, *bits)),
        })
    }
}

fn exception(entry: &str) -> Option<Exception> {
    let entry = entry.to_ascii_lowercase();
    if entry == "*" {
        return Some(Exception::All);
    }
    if entry == "<local>" {
        return Some(Exception::Local);
    }
    if let Some((net, bits)) = entry.split_once('/') {
        let net: IpAddr = net.trim_matches(['[', ']']).parse().ok()?;
        let most = if net.is_ipv4() { 32 } else { 128 };
        let bits: u8 = bits.parse().ok().filter(|b| *b <= most)?;
        return Some(Exception::Network(net, bits));
    }
    if let Ok(ip) = entry.trim_matches(['[', ']']).parse::<IpAddr>() {
        let bits = if ip.is_ipv4() { 32 } else { 128 };
        return Some(Exception::Network(ip, bits));
    }
    // A port is not a host's: `school.example:8080` stands for `school.example`.
    let host = match entry.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => entry.as_str(),
    };
    if host.contains('*') {
        Some(Exception::Pattern(host.to_owned()))
    } else {
        Some(Exception::Domain(host.trim_start_matches('.').to_owned()))
    }
}

/// `pattern`, where `*` is any run of characters, matches all of `text`.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

fn within(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    let prefix = |a: u128, b: u128, len: u32| {
        let shift = len - u32::from(bits);
        shift >= len || (a >> shift) == (b >> shift)
    };
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            bits == 0 || prefix(u32::from(ip).into(), u32::from(net).into(), 32)
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => bits == 0 || prefix(ip.into(), net.into(), 128),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covered(list: &str, url: &str) -> bool {
        Exceptions::parse(list).cover(&Url::parse(url).unwrap())
    }

    #[test]
    fn hosts_domains_patterns_and_networks() {
        let list =
            "intranet.school.example, .lan, *.internal.example, 10.0.0.0/8, ::1, moodle:8080";
        assert!(covered(list, "https://intranet.school.example/x"));
        assert!(covered(list, "https://a.intranet.school.example/"));
        assert!(!covered(list, "https://notintranet.school.example/"));
        assert!(covered(list, "https://printer.lan/"));
        assert!(covered(list, "https://a.b.internal.example/"));
        assert!(!covered(list, "https://internal.example/"));
        assert!(covered(list, "https://10.1.2.3/"));
        assert!(!covered(list, "https://11.1.2.3/"));
        assert!(covered(list, "http://[::1]:3000/"));
        assert!(covered(list, "http://moodle/"));
        assert!(!covered(list, "https://platform.example/"));
        assert!(covered("*", "https://platform.example/"));
        assert!(covered("<local>", "https://moodle/") && !covered("<local>", "https://a.b/"));
        assert!(covered("192.168.0.0/16", "https://192.168.4.4/"));
        assert!(!covered("", "https://x.example/"));
        assert!(covered("PLATFORM.example", "https://platform.EXAMPLE/"));
    }
}
