//! What can go wrong on the way to a server, before its answer means anything.

/// Why no answer was read. The `Display` texts are for logs and support, in our words, with
/// origins at most: never an address's path, a server's text or a proxy's credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// No answer: connection refused or reset, DNS, TLS, timeout.
    #[error("could not be reached: {0}")]
    Unreachable(String),
    /// The server's certificate is not one this computer trusts: an inspecting proxy whose
    /// authority is not installed, a captive portal. Issued by `issuer`, when known.
    #[error("presented a certificate this computer does not trust (issued by {})", issuer.as_deref().unwrap_or("an unknown authority"))]
    Untrusted { issuer: Option<String> },
    /// The proxy asks to authenticate in a way it was not answered: `asked` names the
    /// schemes it offered (`Negotiate, NTLM`), or says the credentials given were refused.
    #[error("the proxy {proxy} asks to authenticate: {asked}")]
    ProxyRefused { proxy: String, asked: String },
    /// An answer that could not be read as HTTP, or was cut short.
    #[error("answered something unreadable: {0}")]
    Garbled(String),
    #[error("answered more than {} bytes", super::limits::MAX_BODY_BYTES)]
    TooLarge,
    /// The client could not be set up (TLS roots, a proxy address).
    #[error("the HTTP client could not be set up: {0}")]
    Setup(String),
}

/// `e` and every error below it, as text.
fn chain(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

impl From<reqwest::Error> for HttpError {
    fn from(e: reqwest::Error) -> Self {
        // reqwest's Display never includes a body; the address, which may come from a
        // server's metadata, is left out (logs carry origins only).
        let e = e.without_url();
        let text = chain(&e);
        if e.is_decode() {
            Self::Garbled(text)
        } else {
            Self::Unreachable(text)
        }
    }
}

/// Whether `e` is the refusal of a certificate the system does not trust.
#[cfg(not(target_os = "macos"))]
pub fn is_untrusted_certificate(e: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(rustls::Error::InvalidCertificate(_)) = s.downcast_ref::<rustls::Error>() {
            return true;
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if let Some(rustls::Error::InvalidCertificate(_)) = io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            {
                return true;
            }
        }
        source = s.source();
    }
    false
}

/// Whether `e` is the system's refusal of a certificate it does not trust: on macOS the
/// system's TLS (Secure Transport, through native-tls) keeps its status to its `Debug`.
#[cfg(target_os = "macos")]
pub fn is_untrusted_certificate(e: &reqwest::Error) -> bool {
    refuses_trust(&format!("{e:?}"))
}

/// Whether a Security framework error, as its `Debug` writes it (`Error { code: -9813, …
/// }`), is the refusal of a certificate: a chain the system does not trust (no or an
/// unknown root, invalid, expired or not yet valid, a bad certificate, another host's,
/// `errSecNotTrusted`).
#[cfg_attr(not(target_os = "macos"), allow(dead_code))]
fn refuses_trust(debug: &str) -> bool {
    const REFUSALS: [i32; 8] = [-9807, -9808, -9812, -9813, -9814, -9815, -9843, -67843];
    debug.split("code: ").skip(1).any(|rest| {
        let number: String = rest
            .chars()
            .enumerate()
            .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '-'))
            .map(|(_, c)| c)
            .collect();
        number
            .parse()
            .is_ok_and(|code: i32| REFUSALS.contains(&code))
    })
}

/// Whether `e` is a proxy's answer that it wants credentials (407 to a CONNECT).
pub fn is_proxy_authentication(e: &reqwest::Error) -> bool {
    let text = chain(e).to_ascii_lowercase();
    text.contains("407") || text.contains("proxy authori") || text.contains("proxy authenti")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_s_refusals_of_a_certificate_on_macos() {
        for debug in [
            r#"reqwest::Error { kind: Request, source: hyper_util::client::legacy::Error(Connect, Error { code: -9813, message: "no root certificate" }) }"#,
            r#"Error { code: -9807, message: "invalid certificate chain" }"#,
            "Error { code: -67843 }",
        ] {
            assert!(refuses_trust(debug), "{debug}");
        }
        for debug in [
            r#"Error { code: -9806, message: "connection closed via error" }"#,
            "Error { code: -98130 }",
            "Error { code: 9813 }",
            "Connect(ConnectError(\"tcp connect error\", Os { code: 61, kind: ConnectionRefused }))",
        ] {
            assert!(!refuses_trust(debug), "{debug}");
        }
    }
}
