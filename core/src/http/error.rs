//! What can go wrong on the way to a server, before its answer means anything.

/// Why no answer was read. The `Display` texts are for logs and support, in our words, with
/// origins at most: never an address's path or a server's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// No answer: connection refused or reset, DNS, TLS, timeout.
    #[error("could not be reached: {0}")]
    Unreachable(String),
    /// An answer that could not be read as HTTP, or was cut short.
    #[error("answered something unreadable: {0}")]
    Garbled(String),
    #[error("answered more than {} bytes", super::MAX_BODY_BYTES)]
    TooLarge,
    /// The client could not be set up (TLS roots, a proxy address).
    #[error("the HTTP client could not be set up: {0}")]
    Setup(String),
}

impl From<reqwest::Error> for HttpError {
    fn from(e: reqwest::Error) -> Self {
        // reqwest's Display never includes a body; the address, which may come from a
        // server's metadata, is left out (logs carry origins only).
        let e = e.without_url();
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        if e.is_decode() {
            Self::Garbled(text)
        } else {
            Self::Unreachable(text)
        }
    }
}
