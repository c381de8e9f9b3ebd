//! A school's proxy, on loopback, for the tests: it tunnels `CONNECT` requests to the names
//! it resolves (the platform's, which nothing else resolves), asks for credentials when told
//! to, and serves the school's PAC file. It notes the first line of every request.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// What the proxy asks of the requests it tunnels.
#[derive(Debug, Clone, Default)]
pub enum ProxyAuth {
    /// Nothing.
    #[default]
    None,
    /// Basic credentials.
    Basic { user: String, password: String },
    /// A scheme Passerelle does not speak (`Negotiate`, `NTLM`): every request is refused.
    Demand(String),
}

#[derive(Debug, Clone, Default)]
pub struct ProxyOptions {
    /// The names it resolves (`platform.school.test` → the platform's loopback address).
    pub names: HashMap<String, SocketAddr>,
    pub auth: ProxyAuth,
    /// The PAC file it serves at `/proxy.pac`; `SELF` in it stands for the proxy's own
    /// `host:port`.
    pub pac: Option<String>,
}

/// A running proxy. Stops when dropped.
pub struct TestProxy {
    /// `http://127.0.0.1:port`.
    pub url: String,
    seen: Arc<Mutex<Vec<String>>>,
    stop: CancellationToken,
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

impl TestProxy {
    pub async fn start(options: ProxyOptions) -> TestProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = CancellationToken::new();
        let options = Arc::new(ProxyOptions {
            pac: options
                .pac
                .as_ref()
                .map(|pac| pac.replace("SELF", &url[7..])),
            ..options
        });
        let (lines, stopped) = (seen.clone(), stop.clone());
        tokio::spawn(async move {
            loop {
                let inbound = tokio::select! {
                    _ = stopped.cancelled() => return,
                    accepted = listener.accept() => match accepted {
                        Ok((inbound, _)) => inbound,
                        Err(_) => continue,
                    },
                };
                let (options, lines) = (options.clone(), lines.clone());
                tokio::spawn(serve(inbound, options, lines));
            }
        });
        TestProxy { url, seen, stop }
    }

    /// The first line of every request it received (`CONNECT host:443 HTTP/1.1`).
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    /// Where it serves its PAC file.
    pub fn pac_url(&self) -> String {
        format!("{}/proxy.pac", self.url)
    }

    /// Its address, as a PAC file or a desktop's settings name it: `127.0.0.1:port`.
    pub fn host_port(&self) -> String {
        self.url.trim_start_matches("http://").to_owned()
    }
}

async fn serve(mut inbound: TcpStream, options: Arc<ProxyOptions>, lines: Arc<Mutex<Vec<String>>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 16 * 1024 || inbound.read(&mut byte).await.unwrap_or(0) == 0 {
            return;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let first = head.lines().next().unwrap_or("").to_owned();
    lines.lock().unwrap().push(first.clone());
    let mut words = first.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    if method == "GET" && target == "/proxy.pac" {
        let pac = options.pac.clone().unwrap_or_default();
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/x-ns-proxy-autoconfig\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{pac}",
            pac.len()
        );
        let _ = inbound.write_all(answer.as_bytes()).await;
        return;
    }
    if method != "CONNECT" {
        let _ = inbound
            .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
            .await;
        return;
    }
    let refusal = match &options.auth {
        ProxyAuth::None => None,
        ProxyAuth::Demand(scheme) => Some(scheme.clone()),
        ProxyAuth::Basic { user, password } => {
            let expected = format!(
                "basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            );
            let given = head.lines().find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.trim()
                    .eq_ignore_ascii_case("proxy-authorization")
                    .then(|| value.trim().to_owned())
            });
            (!given.is_some_and(|g| g.eq_ignore_ascii_case(&expected)))
                .then(|| "Basic realm=\"school\"".to_owned())
        }
    };
    if let Some(scheme) = refusal {
        let answer = format!(
            "HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: {scheme}\r\ncontent-length: 0\r\n\r\n"
        );
        let _ = inbound.write_all(answer.as_bytes()).await;
        return;
    }
    let host = target.rsplit_once(':').map_or(target, |(host, _)| host);
    let Some(address) = options.names.get(host) else {
        let _ = inbound
            .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
            .await;
        return;
    };
    let Ok(mut outbound) = TcpStream::connect(address).await else {
        let _ = inbound
            .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
            .await;
        return;
    };
    if inbound
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await
        .is_ok()
    {
        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
    }
}
