//! GNOME's proxy settings (`org.gnome.system.proxy`, which a school may lock with dconf),
//! read through GSettings as every GNOME program reads them.

use gio::prelude::*;

use super::{Desktop, Exceptions, Manual, ProxyAddress};

const SCHEMA: &str = "org.gnome.system.proxy";

/// What GNOME's settings say; none where the schema is not installed.
pub fn settings() -> Desktop {
    settings_in(None)
}

/// What GNOME's settings say in `backend` (the system's, dconf, when none).
fn settings_in(backend: Option<&gio::SettingsBackend>) -> Desktop {
    let Some(schema) = gio::SettingsSchemaSource::default().and_then(|s| s.lookup(SCHEMA, true))
    else {
        return Desktop::None;
    };
    let settings = gio::Settings::new_full(&schema, backend, None);
    let exceptions = Exceptions::of(settings.strv("ignore-hosts").iter().map(|h| h.as_str()));
    match settings.string("mode").as_str() {
        "manual" => {
            let proxy = |child: &str| {
                let kind = settings.child(child);
                let host = kind.string("host");
                let port = kind.int("port");
                (!host.is_empty() && port > 0)
                    .then(|| ProxyAddress::parse(&format!("{host}:{port}")))
                    .flatten()
                    .map(|proxy| (proxy, kind))
            };
            let http = proxy("http").map(|(proxy, kind)| {
                if kind.boolean("use-authentication") {
                    let (user, password) = (
                        kind.string("authentication-user"),
                        kind.string("authentication-password"),
                    );
                    proxy.with_credentials(&user, &password)
                } else {
                    proxy
                }
            });
            // GNOME keeps credentials with the http proxy only: the same proxy for https
            // answers to the same ones.
            let https = match proxy("https").map(|(proxy, _)| proxy) {
                Some(https) => Some(match &http {
                    Some(http) if http.origin() == https.origin() => http.clone(),
                    _ => https,
                }),
                None => settings
                    .boolean("use-same-proxy")
                    .then(|| http.clone())
                    .flatten(),
            };
            Desktop::Manual(Manual {
                http,
                https,
                exceptions,
            })
        }
        "auto" => Desktop::Pac {
            url: url::Url::parse(&settings.string("autoconfig-url")).ok(),
            exceptions,
        },
        _ => Desktop::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::proxy::Route;
    use url::Url;

    /// GNOME's settings as a school sets them (with GLib's in-memory backend, and the
    /// schema `gsettings-desktop-schemas` installs: missing, the test fails).
    fn gnome(set: impl FnOnce(&gio::Settings)) -> Desktop {
        let backend = gio::memory_settings_backend_new();
        let schema = gio::SettingsSchemaSource::default()
            .and_then(|s| s.lookup(SCHEMA, true))
            .expect("org.gnome.system.proxy: install gsettings-desktop-schemas");
        set(&gio::Settings::new_full(&schema, Some(&backend), None));
        settings_in(Some(&backend))
    }

    fn route(desktop: &Desktop, url: &str) -> Route {
        let Desktop::Manual(manual) = desktop else {
            panic!("{desktop:?}")
        };
        manual.route(&Url::parse(url).unwrap())
    }

    fn via(proxy: &str) -> Route {
        Route::Via(ProxyAddress::parse(proxy).unwrap())
    }

    fn manual(settings: &gio::Settings, child: &str, host: &str, port: i32) {
        settings.set_string("mode", "manual").unwrap();
        let child = settings.child(child);
        child.set_string("host", host).unwrap();
        child.set_int("port", port).unwrap();
    }

    #[test]
    fn gnome_s_manual_proxy_its_credentials_and_its_exceptions() {
        let desktop = gnome(|s| {
            manual(s, "http", "proxy.school", 3128);
            manual(s, "https", "proxy.school", 3128);
            let http = s.child("http");
            http.set_boolean("use-authentication", true).unwrap();
            http.set_string("authentication-user", "ada").unwrap();
            http.set_string("authentication-password", "s3cret")
                .unwrap();
            s.set_strv("ignore-hosts", ["*.lan", "10.0.0.0/8"]).unwrap();
        });
        let with_credentials = || {
            ProxyAddress::parse("proxy.school:3128")
                .unwrap()
                .with_credentials("ada", "s3cret")
        };
        assert_eq!(
            route(&desktop, "http://platform.example/"),
            Route::Via(with_credentials())
        );
        assert_eq!(
            route(&desktop, "https://platform.example/"),
            Route::Via(with_credentials()),
            "the same proxy for https, with the same credentials"
        );
        assert_eq!(route(&desktop, "https://printer.lan/"), Route::Direct);
        assert_eq!(route(&desktop, "https://10.1.2.3/"), Route::Direct);
    }

    #[test]
    fn gnome_s_other_modes() {
        // One proxy for every kind of address.
        let same = gnome(|s| {
            manual(s, "http", "proxy.school", 8080);
            s.set_boolean("use-same-proxy", true).unwrap();
        });
        assert_eq!(
            route(&same, "https://platform.example/"),
            via("proxy.school:8080")
        );
        // An https proxy of its own: no credentials of the http one's.
        let own = gnome(|s| {
            manual(s, "http", "web.school", 8080);
            manual(s, "https", "secure.school", 8443);
            let http = s.child("http");
            http.set_boolean("use-authentication", true).unwrap();
            http.set_string("authentication-user", "ada").unwrap();
        });
        assert_eq!(
            route(&own, "https://platform.example/"),
            via("secure.school:8443")
        );
        // Automatic: a PAC file's address, or WPAD's when none is given.
        let pac = gnome(|s| {
            s.set_string("mode", "auto").unwrap();
            s.set_string("autoconfig-url", "http://school.example/proxy.pac")
                .unwrap();
        });
        assert!(
            matches!(&pac, Desktop::Pac { url: Some(url), .. } if url.as_str() == "http://school.example/proxy.pac"),
            "{pac:?}"
        );
        let wpad = gnome(|s| s.set_string("mode", "auto").unwrap());
        assert!(matches!(wpad, Desktop::Pac { url: None, .. }), "{wpad:?}");
        assert_eq!(gnome(|_| {}), Desktop::None);
    }
}
