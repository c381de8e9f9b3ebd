//! Which way a request goes: directly, or through the proxy the environment or the desktop
//! names for its address — each address on its own, since a school's PAC file may send the
//! platform, its API and the update feed different ways. The environment first, as curl and
//! every command-line tool have it; otherwise what the desktop says (`desktop`): GNOME's or
//! KDE's settings on Linux (a PAC file evaluated by `pac`), WinHTTP's resolver on Windows,
//! the system's configuration on macOS. An address on this computer never goes through a
//! proxy; a PAC that cannot be fetched or evaluated means directly, said in the log.

#[cfg(target_os = "linux")]
pub mod apart;
mod desktop;
mod env;
mod exceptions;
#[cfg(target_os = "linux")]
mod gnome;
#[cfg(target_os = "linux")]
mod jsc;
pub mod kde;
#[cfg(target_os = "linux")]
pub(super) mod on_linux;
#[cfg(target_os = "macos")]
pub(super) mod on_macos;
#[cfg(windows)]
pub(super) mod on_windows;
#[cfg(target_os = "linux")]
pub(super) mod pac;
pub mod winhttp;

use std::collections::HashMap;
use std::sync::Arc;

use url::Url;

#[cfg(target_os = "linux")]
pub use apart::{serve_request as serve_pac_request, REQUEST as PAC_REQUEST};
pub use desktop::{Desktop, Manual, WPAD};
pub use env::EnvProxies;
pub use exceptions::Exceptions;

/// Longest PAC file read.
pub const PAC_BYTES: usize = 1 << 20;

/// Where the way to each address comes from.
#[derive(Clone, Default)]
pub enum Proxies {
    /// Every address directly (the tests', mostly).
    #[default]
    Direct,
    /// The environment's proxies, as read.
    Env(EnvProxies),
    /// The desktop's settings, as given (the tests').
    Desktop(Desktop),
    /// This system's, found when the first request is made, from this environment (the
    /// process's, read at start): its proxies when it names some, otherwise the desktop's
    /// settings on Linux (GNOME's or KDE's), WinHTTP's on Windows, the system's on macOS.
    System(Arc<HashMap<String, String>>),
}

/// Never the environment's values, which may hold a proxy's credentials.
impl std::fmt::Debug for Proxies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Proxies::Direct => f.write_str("Direct"),
            Proxies::Env(env) => f.debug_tuple("Env").field(env).finish(),
            Proxies::Desktop(desktop) => f.debug_tuple("Desktop").field(desktop).finish(),
            Proxies::System(vars) => write!(f, "System({} variables)", vars.len()),
        }
    }
}

impl Proxies {
    /// This system's, with the process's environment.
    pub fn of_this_system() -> Self {
        Proxies::System(Arc::new(std::env::vars().collect()))
    }
}

/// A proxy, as the settings name it: `http://proxy.school:3128`, with Basic credentials in
/// its address when the settings give some (`http://user:secret@proxy:3128`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ProxyAddress(Url);

/// Its origin, never its credentials.
impl std::fmt::Debug for ProxyAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let credentials = if self.has_credentials() {
            " with credentials"
        } else {
            ""
        };
        write!(f, "ProxyAddress({}{credentials})", self.origin())
    }
}

impl ProxyAddress {
    /// `text` as a proxy's address: `host:port`, or a URL (`http://`, `https://`); a proxy
    /// of another kind (`socks5://`) is none this app can use.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let url = if text.contains("://") {
            Url::parse(text).ok()?
        } else {
            Url::parse(&format!("http://{text}")).ok()?
        };
        let usable = matches!(url.scheme(), "http" | "https") && url.host_str().is_some();
        usable.then_some(Self(url))
    }

    /// With these Basic credentials.
    pub fn with_credentials(mut self, user: &str, password: &str) -> Self {
        if !user.is_empty() {
            let _ = self.0.set_username(user);
            let _ = self.0.set_password(Some(password));
        }
        self
    }

    /// The address reqwest is given, credentials included.
    pub fn url(&self) -> &Url {
        &self.0
    }

    /// As logs and messages name it: its origin, never its credentials.
    pub fn origin(&self) -> String {
        self.0.origin().ascii_serialization()
    }

    pub fn has_credentials(&self) -> bool {
        !self.0.username().is_empty()
    }
}

/// The way a request goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Route {
    Direct,
    Via(ProxyAddress),
}

/// A PAC file's answer (`"PROXY a:3128; DIRECT"`), or WinHTTP's and macOS's list, as a route:
/// the first entry this app can take (SOCKS it cannot), else directly.
pub fn route_of_pac_answer(answer: &str) -> Route {
    for entry in answer.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let mut words = entry.split_whitespace();
        let kind = words.next().unwrap_or("").to_ascii_uppercase();
        match (kind.as_str(), words.next()) {
            ("DIRECT", _) => return Route::Direct,
            ("PROXY" | "HTTP", Some(host)) => {
                if let Some(proxy) = ProxyAddress::parse(host) {
                    return Route::Via(proxy);
                }
            }
            ("HTTPS", Some(host)) => {
                if let Some(proxy) = ProxyAddress::parse(&format!("https://{host}")) {
                    return Route::Via(proxy);
                }
            }
            _ => {}
        }
    }
    Route::Direct
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_as_settings_name_them() {
        let p = ProxyAddress::parse("proxy.school:3128").unwrap();
        assert_eq!(p.url().as_str(), "http://proxy.school:3128/");
        assert_eq!(p.origin(), "http://proxy.school:3128");
        let p = p.with_credentials("ada", "s3cret");
        assert_eq!(p.url().as_str(), "http://ada:s3cret@proxy.school:3128/");
        assert_eq!(
            p.origin(),
            "http://proxy.school:3128",
            "no credentials where it is named"
        );
        assert!(ProxyAddress::parse("socks5://proxy:1080").is_none());
        assert!(ProxyAddress::parse("").is_none());
    }

    /// What a log or a panic could print of the proxies holds no credentials, nor the
    /// environment's values.
    #[test]
    fn debug_never_shows_a_proxy_s_credentials() {
        let p = ProxyAddress::parse("http://ada:s3cret@proxy.school:3128").unwrap();
        let env = EnvProxies::from_env(|name| {
            (name == "https_proxy").then(|| "http://ada:s3cret@proxy.school:3128".to_owned())
        });
        let system = Proxies::System(Arc::new(HashMap::from([(
            "HTTPS_PROXY".to_owned(),
            "http://ada:s3cret@p:1".to_owned(),
        )])));
        for debug in [
            format!("{p:?}"),
            format!("{:?}", Route::Via(p.clone())),
            format!("{:?}", Proxies::Env(env)),
            format!("{system:?}"),
        ] {
            assert!(
                !debug.contains("s3cret") && !debug.contains("ada"),
                "{debug}"
            );
        }
        assert_eq!(
            format!("{p:?}"),
            "ProxyAddress(http://proxy.school:3128 with credentials)"
        );
    }

    #[test]
    fn a_pac_answer_as_a_route() {
        let via = |s: &str| Route::Via(ProxyAddress::parse(s).unwrap());
        assert_eq!(
            route_of_pac_answer("PROXY proxy:3128; DIRECT"),
            via("proxy:3128")
        );
        assert_eq!(
            route_of_pac_answer("SOCKS s:1080; PROXY p:8080"),
            via("p:8080")
        );
        assert_eq!(
            route_of_pac_answer("HTTPS secure:443"),
            via("https://secure:443")
        );
        assert_eq!(route_of_pac_answer("DIRECT"), Route::Direct);
        assert_eq!(route_of_pac_answer("SOCKS5 s:1080"), Route::Direct);
        assert_eq!(route_of_pac_answer(""), Route::Direct);
        assert_eq!(
            route_of_pac_answer("proxy.school:3128"),
            Route::Direct,
            "not a PAC entry"
        );
    }
}
