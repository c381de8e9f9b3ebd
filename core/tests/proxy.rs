//! `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` are honoured, through a small forward proxy
//! on loopback. One test in its own binary: it changes the process's environment.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A plain-http forward proxy: reads the request head (`POST http://host:port/… HTTP/1.1`),
/// connects to that host and relays both ways. Counts the requests it saw first on each
/// connection.
async fn start_proxy() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let counter = counter.clone();
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
                let target = line.split(' ').nth(1).unwrap_or("");
                let authority = target
                    .trim_start_matches("http://")
                    .split('/')
                    .next()
                    .unwrap_or("");
                let Ok(mut outbound) = TcpStream::connect(authority).await else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                outbound.write_all(&head).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            });
        }
    });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread")]
async fn proxies_from_the_environment_are_used_unless_no_proxy_says_otherwise() {
    let platform = platform(fast_options()).await;
    let (proxy, seen) = start_proxy().await;
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        std::env::remove_var(var);
    }

    std::env::set_var("HTTP_PROXY", &proxy);
    std::env::set_var("HTTPS_PROXY", &proxy);
    let client = client(&platform);
    let token = approved_token(&client, &platform).await;
    client.fetch_profile(&token.access_token).await.unwrap();
    assert!(
        seen.load(Ordering::SeqCst) >= 1,
        "the sign-in went through the proxy"
    );

    std::env::set_var("NO_PROXY", "127.0.0.1,localhost");
    let before = seen.load(Ordering::SeqCst);
    let direct = client_with(raw_settings(&platform));
    direct.start_sign_in().await.unwrap();
    assert_eq!(
        seen.load(Ordering::SeqCst),
        before,
        "NO_PROXY hosts are reached directly"
    );
}
