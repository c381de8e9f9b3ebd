//! A school's network: the platform under a name only the school's proxy reaches, over https
//! with a certificate from the school's own authority; the proxy named by the environment, by
//! the desktop's settings or by a PAC file; a proxy that wants credentials; an authority
//! this computer does not trust. An address on this computer never goes through a proxy.

use crate::common::*;
use demo_platform::proxy::{ProxyAuth, ProxyOptions, TestProxy};
use demo_platform::school::{SchoolNetwork, AUTHORITY};
use passerelle_core::flow::{DeviceFlowClient, FlowError};
use passerelle_core::http::proxy::{Desktop, Exceptions, Manual};
use passerelle_core::http::{EnvProxies, Http, Network, Proxies, ProxyAddress, Route};
use passerelle_core::settings::{RawSettings, Settings};
use url::Url;

/// A client for the school's platform that finds its way with `proxies` and trusts the
/// authorities in `roots` besides the system's.
fn client(school: &SchoolNetwork, proxies: Proxies, roots: Vec<Vec<u8>>) -> DeviceFlowClient {
    let network = Network {
        proxies,
        extra_roots: roots,
        ..test_network()
    };
    DeviceFlowClient::new(
        Settings::check(&raw_settings(&school.platform)).unwrap(),
        network,
    )
}

/// A client that trusts the school's authority besides the system's. (Windows takes such
/// roots in a chain engine of the client's own, which Wine refuses: there the authority is
/// not given, and only what happens before a certificate is checked can be tested.)
fn trusting(school: &SchoolNetwork, proxies: Proxies) -> DeviceFlowClient {
    let roots = if cfg!(windows) {
        Vec::new()
    } else {
        vec![school.authority.der.clone()]
    };
    client(school, proxies, roots)
}

fn address(proxy: &TestProxy) -> ProxyAddress {
    ProxyAddress::parse(&proxy.url).unwrap()
}

/// What a proxy that refused the first request said: which proxy, what it asked.
async fn refusal(client: DeviceFlowClient) -> (String, String) {
    match client.start_sign_in().await {
        Err(FlowError::ProxyRefused { proxy, asked }) => (proxy, asked),
        other => panic!("{:?}", other.map(|_| "signed in")),
    }
}

/// The desktop's settings with one proxy for https addresses.
fn manual(proxy: ProxyAddress) -> Proxies {
    Proxies::Desktop(Desktop::Manual(Manual {
        https: Some(proxy),
        ..Manual::default()
    }))
}

fn pac_at(url: &str) -> Proxies {
    Proxies::Desktop(Desktop::Pac {
        url: Some(Url::parse(url).unwrap()),
        exceptions: Exceptions::default(),
    })
}

/// Signs in with `client` and reads the profile.
async fn signs_in(client: &DeviceFlowClient, school: &SchoolNetwork) {
    let token = approved_token(client, &school.platform).await;
    let profile = client.fetch_profile(&token.access_token).await.unwrap();
    assert_eq!(
        profile.email.as_deref(),
        Some(school.platform.user().email.as_str())
    );
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "a desktop's PAC file is evaluated on Linux; Windows and macOS ask the system's resolver"
)]
async fn through_the_proxy_a_pac_file_names_to_a_platform_of_the_school_s_authority() {
    let school = SchoolNetwork::start(ProxyAuth::None).await;
    signs_in(&trusting(&school, pac_at(&school.proxy.pac_url())), &school).await;
    let seen = school.proxy.seen();
    let fetched = seen.iter().filter(|l| l.starts_with("GET /proxy.pac"));
    assert_eq!(fetched.count(), 1, "the PAC file is fetched once: {seen:?}");
    // Tunnels kept alive between requests; the name resolves nowhere else.
    assert!(
        school.tunnels(&school.proxy) >= 1,
        "through the proxy: {seen:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    windows,
    ignore = "signs in over https with the tests' own authority, which Wine's chain engine does not take"
)]
async fn through_the_desktop_s_manual_proxy_with_its_basic_credentials() {
    let school = SchoolNetwork::start(ProxyAuth::None).await;
    let (user, password) = ("ada", "s3cret:with@signs");
    let proxy = school
        .another_proxy(ProxyAuth::Basic {
            user: user.into(),
            password: password.into(),
        })
        .await;
    let given = address(&proxy).with_credentials(user, password);
    signs_in(&trusting(&school, manual(given)), &school).await;
    assert!(school.tunnels(&proxy) >= 1);

    // Wrong credentials: the proxy is named, and what it wants; the password is not.
    let wrong = address(&proxy).with_credentials(user, "typo-pass");
    let (named, asked) = refusal(trusting(&school, manual(wrong))).await;
    assert_eq!(named, address(&proxy).origin());
    assert_eq!(asked, "the credentials given are refused; it offers Basic");

    // None given: it says it wants Basic.
    let (_, asked) = refusal(trusting(&school, manual(address(&proxy)))).await;
    assert_eq!(asked, "it offers Basic");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_that_asks_for_negotiate_is_named_not_the_platform() {
    let school = SchoolNetwork::start(ProxyAuth::Demand("Negotiate".into())).await;
    let (named, asked) = refusal(trusting(&school, manual(address(&school.proxy)))).await;
    assert_eq!(named, address(&school.proxy).origin());
    assert_eq!(asked, "it offers Negotiate");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_certificate_from_an_authority_not_trusted_here_names_its_issuer() {
    let school = SchoolNetwork::start(ProxyAuth::None).await;
    let untrusting = client(&school, manual(address(&school.proxy)), Vec::new());
    let e = untrusting.start_sign_in().await.unwrap_err();
    let FlowError::Untrusted(Some(issuer)) = &e else {
        panic!("{e:?}")
    };
    assert!(
        issuer.starts_with(&format!("CN={AUTHORITY} ")) && issuer.ends_with(", O=Passerelle tests"),
        "{issuer}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_platform_goes_through_the_environment_s_proxy_and_this_computer_never_does() {
    let proxy = TestProxy::start(ProxyOptions::default()).await;
    let env = EnvProxies::from_env(|name| {
        matches!(name, "HTTP_PROXY" | "HTTPS_PROXY").then(|| proxy.url.clone())
    });
    let through = |raw: RawSettings| {
        let network = Network {
            proxies: Proxies::Env(env.clone()),
            ..test_network()
        };
        DeviceFlowClient::new(Settings::check(&raw).unwrap(), network)
    };

    // A platform on this computer: reached directly, proxy or not.
    let platform = platform(fast_options()).await;
    let client = through(raw_settings(&platform));
    let token = approved_token(&client, &platform).await;
    client.fetch_profile(&token.access_token).await.unwrap();
    assert_eq!(
        proxy.seen(),
        Vec::<String>::new(),
        "loopback never goes through it"
    );

    // A platform elsewhere: asked for through the proxy, which here reaches nothing.
    let remote = through(remote_settings());
    let e = remote.start_sign_in().await.unwrap_err();
    assert!(matches!(e, FlowError::Unreachable(_)), "{e:?}");
    assert_eq!(
        proxy.seen(),
        vec!["CONNECT platform.example:443 HTTP/1.1".to_owned()],
        "the proxy was asked for the platform"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "a desktop's PAC file is evaluated on Linux; Windows and macOS ask the system's resolver"
)]
async fn each_address_its_own_way_and_directly_when_the_pac_file_cannot_say() {
    let pac = "function FindProxyForURL(url, host) {
                 if (host == 'feed.example') return 'DIRECT';
                 if (host == 'socks.example') return 'SOCKS5 s:1080';
                 return 'PROXY proxy.school.test:3128; DIRECT';
               }";
    let proxy = serving(pac).await;
    let via = Route::Via(ProxyAddress::parse("proxy.school.test:3128").unwrap());

    let http = Http::new(&Network {
        proxies: Proxies::Desktop(Desktop::Pac {
            url: Some(Url::parse(&proxy.pac_url()).unwrap()),
            exceptions: Exceptions::parse("*.intra.example"),
        }),
        ..test_network()
    })
    .unwrap();
    assert_eq!(route(&http, "https://platform.example/").await, via);
    assert_eq!(route(&http, "https://feed.example/").await, Route::Direct);
    assert_eq!(
        route(&http, "https://socks.example/").await,
        Route::Direct,
        "no SOCKS here"
    );
    assert_eq!(
        route(&http, "https://moodle.intra.example/").await,
        Route::Direct,
        "an exception"
    );
    assert_eq!(
        route(&http, "http://127.0.0.1:9/").await,
        Route::Direct,
        "this computer"
    );
    assert_eq!(proxy.seen().len(), 1, "fetched once: {:?}", proxy.seen());

    // A PAC file nowhere, and one that fails: directly (the log says so; see `logs`).
    let failing = serving("function FindProxyForURL() { throw 1; }").await;
    for proxies in [
        pac_at(&format!("{}/proxy.pac", nothing_on())),
        pac_at(&failing.pac_url()),
    ] {
        let http = Http::new(&Network {
            proxies,
            ..test_network()
        })
        .unwrap();
        assert_eq!(
            route(&http, "https://platform.example/").await,
            Route::Direct
        );
    }
}

/// A proxy that serves `pac`.
async fn serving(pac: &str) -> TestProxy {
    TestProxy::start(ProxyOptions {
        pac: Some(pac.into()),
        ..ProxyOptions::default()
    })
    .await
}
