//! GNOME's proxy settings (`org.gnome.system.proxy`, which a school may lock with dconf),
//! read through GSettings as every GNOME program reads them.

use gio::prelude::*;

use super::{Desktop, Exceptions, Manual, ProxyAddress};

const SCHEMA: &str = "org.gnome.system.proxy";

/// What GNOME's settings say; none where the schema is not installed.
pub fn settings() -> Desktop {
    let Some(schema) = gio::SettingsSchemaSource::default().and_then(|s| s.lookup(SCHEMA, true))
    else {
        return Desktop::None;
    };
    let settings = gio::Settings::new_full(&schema, None::<&gio::SettingsBackend>, None);
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
            let https = proxy("https").map(|(proxy, _)| proxy).or_else(|| {
                settings
                    .boolean("use-same-proxy")
                    .then(|| http.clone())
                    .flatten()
            });
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
