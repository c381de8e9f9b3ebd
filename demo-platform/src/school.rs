//! A school's network, for the tests: the platform over https under a name only the school's
//! proxy resolves, with a certificate from the school's own authority, and that proxy,
//! serving a PAC file that sends the name through it.

use std::collections::HashMap;

use crate::proxy::{ProxyAuth, ProxyOptions, TestProxy};
use crate::tls::Authority;
use crate::{fast_options, DemoOptions, DemoPlatform, TlsOptions};

/// The platform's name, which resolves nowhere but through the school's proxy.
pub const NAME: &str = "platform.school.test";
/// The school's authority's name, which each network follows with a number of its own:
/// two authorities of the same name would be one to a system that finds roots by name.
pub const AUTHORITY: &str = "Lycée Test Inspection CA";

pub struct SchoolNetwork {
    pub authority: Authority,
    pub platform: DemoPlatform,
    pub proxy: TestProxy,
}

impl SchoolNetwork {
    /// The school's network, its proxy asking `auth` of every request.
    pub async fn start(auth: ProxyAuth) -> SchoolNetwork {
        static NETWORKS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let number = NETWORKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let authority = Authority::new(&format!("{AUTHORITY} {}-{number}", std::process::id()));
        let platform = DemoPlatform::start(DemoOptions {
            tls: Some(TlsOptions {
                name: NAME.into(),
                identity: authority.issue(NAME),
            }),
            ..fast_options()
        })
        .await
        .expect("the demo platform starts");
        let proxy = TestProxy::start(ProxyOptions {
            auth,
            pac: Some(
                "function FindProxyForURL(url, host) {
                   if (isPlainHostName(host) || dnsDomainIs(host, '.lan')) return 'DIRECT';
                   return dnsDomainIs(host, '.school.test') ? 'PROXY SELF; DIRECT' : 'DIRECT';
                 }"
                .into(),
            ),
            ..platform.names()
        })
        .await;
        SchoolNetwork {
            authority,
            platform,
            proxy,
        }
    }

    /// Another proxy to the platform, asking `auth`.
    pub async fn another_proxy(&self, auth: ProxyAuth) -> TestProxy {
        TestProxy::start(ProxyOptions {
            auth,
            ..self.platform.names()
        })
        .await
    }

    /// How many tunnels `proxy` opened to the platform.
    pub fn tunnels(&self, proxy: &TestProxy) -> usize {
        let connect = format!("CONNECT {NAME}:{} HTTP/1.1", self.platform.address().port());
        proxy.seen().iter().filter(|l| **l == connect).count()
    }
}

impl DemoPlatform {
    /// A proxy's options that resolve the platform's name to it.
    fn names(&self) -> ProxyOptions {
        ProxyOptions {
            names: HashMap::from([(NAME.to_owned(), self.address())]),
            ..ProxyOptions::default()
        }
    }
}
