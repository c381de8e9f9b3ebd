//! KDE's proxy settings, as Plasma's System Settings writes them in `kioslaverc`:
//! `[Proxy Settings]`, with `ProxyType` 0 (none), 1 (manual: `httpProxy`, `httpsProxy`),
//! 2 (a PAC file: `Proxy Config Script`), 3 (WPAD) or 4 (the environment's variables, named
//! in `httpProxy`…), and `NoProxyFor`.

use super::{Desktop, EnvProxies, Exceptions, Manual, ProxyAddress};

/// What `kioslaverc`'s text says; `env` reads the variables type 4 names.
pub fn settings(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Desktop {
    let mut in_section = false;
    let mut values = std::collections::HashMap::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_section = line == "[Proxy Settings]";
        } else if let (true, Some((key, value))) = (in_section, line.split_once('=')) {
            values.insert(key.trim().to_owned(), value.trim().to_owned());
        }
    }
    let get = |key: &str| values.get(key).map(String::as_str).unwrap_or("");
    // KDE writes `http://proxy 3128`, with a space before the port.
    let proxy = |key: &str| ProxyAddress::parse(&get(key).replacen(' ', ":", 1));
    let exceptions = || Exceptions::parse(get("NoProxyFor"));
    match get("ProxyType") {
        "1" => Desktop::Manual(Manual {
            http: proxy("httpProxy"),
            https: proxy("httpsProxy"),
            exceptions: exceptions(),
        }),
        "2" => Desktop::Pac {
            url: url::Url::parse(get("Proxy Config Script")).ok(),
            exceptions: exceptions(),
        },
        "3" => Desktop::Pac {
            url: None,
            exceptions: exceptions(),
        },
        "4" => {
            let var = |key: &str| env(get(key));
            let named = EnvProxies {
                http: var("httpProxy"),
                https: var("httpsProxy"),
                all: None,
                no_proxy: var("NoProxyFor"),
            };
            Desktop::Manual(Manual {
                http: named.http.as_deref().and_then(ProxyAddress::parse),
                https: named.https.as_deref().and_then(ProxyAddress::parse),
                exceptions: Exceptions::parse(named.no_proxy.as_deref().unwrap_or_default()),
            })
        }
        _ => Desktop::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::proxy::Route;
    use url::Url;

    #[test]
    fn plasma_s_settings() {
        let no_env = |_: &str| None;
        let manual = "[General]\nx=1\n[Proxy Settings]\nProxyType=1\nhttpsProxy=http://proxy.school 3128\nNoProxyFor=.lan,10.0.0.0/8\n";
        let Desktop::Manual(m) = settings(manual, &no_env) else {
            panic!()
        };
        let url = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            m.route(&url("https://platform.example/")),
            Route::Via(ProxyAddress::parse("proxy.school:3128").unwrap())
        );
        assert_eq!(m.route(&url("https://printer.lan/")), Route::Direct);
        assert_eq!(
            m.route(&url("http://platform.example/")),
            Route::Direct,
            "no http proxy"
        );
        let pac =
            "[Proxy Settings]\nProxyType=2\nProxy Config Script=http://school.example/proxy.pac\n";
        assert!(
            matches!(settings(pac, &no_env), Desktop::Pac { url: Some(u), .. } if u.path() == "/proxy.pac")
        );
        assert!(matches!(
            settings("[Proxy Settings]\nProxyType=3\n", &no_env),
            Desktop::Pac { url: None, .. }
        ));
        assert_eq!(
            settings("[Proxy Settings]\nProxyType=0\n", &no_env),
            Desktop::None
        );
        let env = |name: &str| (name == "HTTPS_PROXY").then(|| "http://env:8080".to_owned());
        let Desktop::Manual(m) = settings(
            "[Proxy Settings]\nProxyType=4\nhttpsProxy=HTTPS_PROXY\n",
            &env,
        ) else {
            panic!()
        };
        assert_eq!(m.https, ProxyAddress::parse("env:8080"));
    }
}
