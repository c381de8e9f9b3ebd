//! What a proxy asks to authenticate with. Basic credentials given in the proxy's setting
//! are sent with every request; a proxy that still answers 407, or asks for another scheme
//! (Negotiate, NTLM, which Passerelle does not speak), is asked once more, by hand, to learn
//! what it wants, so that the learner's support is told — never "cannot be reached".

use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::proxy::ProxyAddress;

/// Longest the proxy is waited for, and most of its answer read.
const WAIT: Duration = Duration::from_secs(5);
const MOST: usize = 16 * 1024;

/// The schemes a 407's `Proxy-Authenticate` headers offer (`Negotiate, NTLM`).
pub fn schemes(headers: &reqwest::header::HeaderMap) -> String {
    let offered: Vec<String> = headers
        .get_all(reqwest::header::PROXY_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split_whitespace().next())
        .map(|scheme| {
            scheme
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(20)
                .collect()
        })
        .collect();
    if offered.is_empty() {
        "no scheme said".into()
    } else {
        offered.join(", ")
    }
}

/// What `proxy` answers a CONNECT to `host:port` with, as a sentence for support: the schemes it
/// offers, and whether the credentials given were refused.
pub async fn asked(proxy: &ProxyAddress, host: &str, port: u16) -> String {
    let refused = if proxy.has_credentials() {
        "the credentials given are refused; "
    } else {
        ""
    };
    match tokio::time::timeout(WAIT, ask(proxy, host, port)).await {
        Ok(Some(schemes)) => format!("{refused}it offers {schemes}"),
        _ => format!("{refused}it does not say how"),
    }
}

async fn ask(proxy: &ProxyAddress, host: &str, port: u16) -> Option<String> {
    let url = proxy.url();
    if url.scheme() != "http" {
        return None;
    }
    let address = format!("{}:{}", url.host_str()?, url.port_or_known_default()?);
    let mut stream = tokio::net::TcpStream::connect(address).await.ok()?;
    let target = format!("{host}:{port}");
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if proxy.has_credentials() {
        // As reqwest sends them: the address holds them percent-encoded.
        let decoded = |text: &str| percent_encoding::percent_decode_str(text).collect::<Vec<u8>>();
        let mut pair = decoded(url.username());
        pair.push(b':');
        pair.extend(decoded(url.password().unwrap_or_default()));
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        request.push_str(&format!("Proxy-Authorization: Basic {encoded}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    let mut chunk = [0u8; 1024];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.len() < MOST {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&answer);
    let mut headers = reqwest::header::HeaderMap::new();
    for line in text.lines().skip(1) {
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("proxy-authenticate") {
                if let Ok(value) = value.trim().parse() {
                    headers.append(reqwest::header::PROXY_AUTHENTICATE, value);
                }
            }
        }
    }
    text.lines()
        .next()
        .is_some_and(|status| status.contains(" 407"))
        .then(|| schemes(&headers))
}
