//! The proxies the environment names: `https_proxy`, `http_proxy`, `all_proxy` and their
//! capitalised forms, with `no_proxy`'s exceptions — read once, through a lookup (the
//! process's environment in the app, a table in tests), so that nothing changes under a
//! running client.

/// The environment's proxy settings, as found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvProxies {
    pub http: Option<String>,
    pub https: Option<String>,
    pub all: Option<String>,
    pub no_proxy: Option<String>,
}

impl EnvProxies {
    /// The variables through `lookup`; the lower-case name wins, as curl has it.
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| {
            lookup(name)
                .or_else(|| lookup(&name.to_ascii_uppercase()))
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Self {
            http: var("http_proxy"),
            https: var("https_proxy"),
            all: var("all_proxy"),
            no_proxy: var("no_proxy"),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.http.is_none() && self.https.is_none() && self.all.is_none()
    }

    /// `builder` going through these proxies, and only these.
    pub(super) fn apply(
        &self,
        builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::ClientBuilder, super::HttpError> {
        if self.is_empty() {
            // On macOS and Windows, reqwest's `system-proxy` reads the system's settings.
            return Ok(if cfg!(any(target_os = "macos", windows)) {
                builder
            } else {
                builder.no_proxy()
            });
        }
        let exceptions = || {
            self.no_proxy
                .as_deref()
                .and_then(reqwest::NoProxy::from_string)
        };
        let bad = |e: reqwest::Error| super::HttpError::Setup(format!("a proxy address: {e}"));
        let mut builder = builder.no_proxy();
        let ways: [(&Option<String>, ProxyFor); 3] = [
            (&self.http, |url| reqwest::Proxy::http(url)),
            (&self.https, |url| reqwest::Proxy::https(url)),
            (&self.all, |url| reqwest::Proxy::all(url)),
        ];
        for (address, proxy) in ways {
            if let Some(address) = address {
                builder = builder.proxy(proxy(address).map_err(bad)?.no_proxy(exceptions()));
            }
        }
        Ok(builder)
    }
}

/// A proxy for some schemes (`reqwest::Proxy::http` and the like).
type ProxyFor = fn(&str) -> reqwest::Result<reqwest::Proxy>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_case_wins_and_blank_is_unset() {
        let env = EnvProxies::from_env(|name| match name {
            "https_proxy" => Some("http://lower:3128".into()),
            "HTTPS_PROXY" => Some("http://upper:3128".into()),
            "HTTP_PROXY" => Some("http://only-upper:3128".into()),
            "all_proxy" => Some("  ".into()),
            "NO_PROXY" => Some("intranet.example".into()),
            _ => None,
        });
        assert_eq!(env.https.as_deref(), Some("http://lower:3128"));
        assert_eq!(env.http.as_deref(), Some("http://only-upper:3128"));
        assert_eq!(env.all, None);
        assert_eq!(env.no_proxy.as_deref(), Some("intranet.example"));
        assert!(EnvProxies::from_env(|_| None).is_empty());
    }
}
