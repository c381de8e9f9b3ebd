//! KDE's proxy settings, as Plasma's System Settings writes them in `kioslaverc`:
//! `[Proxy Settings]`, with `ProxyType` 0 (none), 1 (manual: `httpProxy`, `httpsProxy`),
//! 2 (a PAC file: `Proxy Config Script`), 3 (WPAD) or 4 (the environment's variables, named
//! in `httpProxy`…), and `NoProxyFor`. Read as KDE reads its configuration: the system's
//! files (`/etc/xdg`, where a school sets them) first, the user's over them — but for what
//! a file marks immutable with `[$i]`, which no later file changes.

use std::collections::{HashMap, HashSet};

use super::{Desktop, EnvProxies, Exceptions, Manual, ProxyAddress};

/// What the `kioslaverc` files' `texts` say, the system's first and the user's last; `env`
/// reads the variables type 4 names.
pub fn settings(texts: &[&str], env: &dyn Fn(&str) -> Option<String>) -> Desktop {
    let mut values = HashMap::new();
    let mut locked: HashSet<String> = HashSet::new();
    for text in texts {
        let (mut in_section, mut last_file) = (false, false);
        for (i, line) in text.lines().map(str::trim).enumerate() {
            if line == "[$i]" && i == 0 {
                // The whole file is immutable: no later one counts.
                last_file = true;
            } else if let Some(group) = line.strip_prefix('[') {
                let immutable = group.ends_with("[$i]");
                in_section = group.trim_end_matches("[$i]") == "Proxy Settings]";
                last_file |= in_section && immutable;
            } else if let (true, Some((key, value))) = (in_section, line.split_once('=')) {
                let key = key.trim();
                let (key, immutable) = match key.strip_suffix("[$i]") {
                    Some(key) => (key, true),
                    None => (key, false),
                };
                if !locked.contains(key) {
                    values.insert(key.to_owned(), value.trim().to_owned());
                }
                if immutable {
                    locked.insert(key.to_owned());
                }
            }
        }
        if last_file {
            break;
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
        let Desktop::Manual(m) = settings(&[manual], &no_env) else {
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
            matches!(settings(&[pac], &no_env), Desktop::Pac { url: Some(u), .. } if u.path() == "/proxy.pac")
        );
        assert!(matches!(
            settings(&["[Proxy Settings]\nProxyType=3\n"], &no_env),
            Desktop::Pac { url: None, .. }
        ));
        assert_eq!(
            settings(&["[Proxy Settings]\nProxyType=0\n"], &no_env),
            Desktop::None
        );
        let env = |name: &str| (name == "HTTPS_PROXY").then(|| "http://env:8080".to_owned());
        let Desktop::Manual(m) = settings(
            &["[Proxy Settings]\nProxyType=4\nhttpsProxy=HTTPS_PROXY\n"],
            &env,
        ) else {
            panic!()
        };
        assert_eq!(m.https, ProxyAddress::parse("env:8080"));
    }

    /// A school's settings in `/etc/xdg`: the user's file changes what is not locked, and
    /// nothing that is (a key, or the whole group, marked `[$i]`).
    #[test]
    fn what_a_school_locks_in_etc_xdg() {
        let no_env = |_: &str| None;
        let https = |desktop: Desktop| match desktop {
            Desktop::Manual(m) => m.https,
            other => panic!("{other:?}"),
        };
        let school = "[Proxy Settings]\nProxyType[$i]=1\nhttpsProxy=http://proxy.school 3128\n";
        let user = "[Proxy Settings]\nProxyType=0\nhttpsProxy=http://mine 8080\n";
        assert_eq!(
            https(settings(&[school, user], &no_env)),
            ProxyAddress::parse("mine:8080"),
            "the type locked, the proxy the user's"
        );
        let group = "[Proxy Settings][$i]\nProxyType=1\nhttpsProxy=http://proxy.school 3128\n";
        assert_eq!(
            https(settings(&[group, user], &no_env)),
            ProxyAddress::parse("proxy.school:3128")
        );
        let file = "[$i]\n[Proxy Settings]\nProxyType=1\nhttpsProxy=http://proxy.school 3128\n";
        assert_eq!(
            https(settings(&[file, user], &no_env)),
            ProxyAddress::parse("proxy.school:3128")
        );
        assert_eq!(
            settings(&[school.replace("[$i]", "").as_str(), user], &no_env),
            Desktop::None
        );
    }
}
