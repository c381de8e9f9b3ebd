//! Proxies: the one `https_proxy` names is used for the platform, and never for an address
//! on this computer, which is reached directly (a proxy would see its tokens).

use std::sync::{Arc, Mutex};

use crate::common::*;
use passerelle_core::flow::{DeviceFlowClient, FlowError};
use passerelle_core::http::{EnvProxies, Network};
use passerelle_core::settings::{Key, RawSettings, Settings};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A proxy on loopback that notes the first line of every request it gets (`CONNECT
/// host:port HTTP/1.1`, or `POST http://…`) and answers 502: it reaches nothing itself.
async fn start_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let lines = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let lines = lines.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if inbound.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let line = String::from_utf8_lossy(&head)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_owned();
                lines.lock().unwrap().push(line);
                let _ = inbound
                    .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
                    .await;
            });
        }
    });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_platform_goes_through_the_proxy_and_this_computer_never_does() {
    let (proxy, seen) = start_proxy().await;
    let through = |raw: RawSettings| {
        let network = Network {
            proxies: EnvProxies::from_env(|name| {
                matches!(name, "HTTP_PROXY" | "HTTPS_PROXY").then(|| proxy.clone())
            }),
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
        *seen.lock().unwrap(),
        Vec::<String>::new(),
        "loopback never goes through it"
    );

    // A platform elsewhere: asked for through the proxy, which here reaches nothing.
    let remote = through(
        RawSettings::default()
            .with(Key::AuthUrl, "https://platform.example")
            .with(Key::ClientId, "c")
            .with(
                Key::DeviceAuthorizationEndpoint,
                "https://platform.example/d",
            )
            .with(Key::TokenEndpoint, "https://platform.example/t")
            .with(Key::RevocationEndpoint, "https://platform.example/r"),
    );
    let e = remote.start_sign_in().await.unwrap_err();
    assert!(matches!(e, FlowError::Unreachable(_)), "{e:?}");
    assert_eq!(
        *seen.lock().unwrap(),
        vec!["CONNECT platform.example:443 HTTP/1.1".to_owned()],
        "the proxy was asked for the platform"
    );
}
