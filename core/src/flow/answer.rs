//! What an answer from the platform means, for every request alike: the one place that says
//! what is a success, what is worth sending again later, and what is final.

use super::error::FlowError;
use super::http::Answer;
use super::protocol;

/// An HTTP status, as every request reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    Success,
    /// 5xx and 429: the platform is in trouble or busy; the same request may pass later.
    Trouble,
    /// Any other status: the platform refused this request.
    Refused,
}

impl StatusClass {
    pub fn of(status: u16) -> Self {
        match status {
            200..=299 => Self::Success,
            429 | 500.. => Self::Trouble,
            _ => Self::Refused,
        }
    }
}

/// An answer as success or error. The `error` member is read whatever the HTTP status,
/// since some servers answer 200 with an error body; it is logged by its code and the
/// length of its description, which is the server's own text. Whether the error is worth
/// another try is [`FlowError::retry_reason`].
pub fn judge(answer: &Answer) -> Result<&Answer, FlowError> {
    if let Some(error) = protocol::parse_error(&answer.body) {
        tracing::debug!(
            error = error.code.as_str(),
            description_bytes = error.description_len,
            status = answer.status,
            "platform error"
        );
        return Err(FlowError::from_oauth(error.code, answer.status));
    }
    match StatusClass::of(answer.status) {
        StatusClass::Success => Ok(answer),
        StatusClass::Trouble => Err(FlowError::ServerError(answer.status)),
        StatusClass::Refused => Err(FlowError::Unexpected(format!(
            "HTTP {} without an OAuth error",
            answer.status
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(StatusClass::of(200), StatusClass::Success);
        assert_eq!(StatusClass::of(204), StatusClass::Success);
        assert_eq!(StatusClass::of(429), StatusClass::Trouble);
        assert_eq!(StatusClass::of(503), StatusClass::Trouble);
        assert_eq!(StatusClass::of(404), StatusClass::Refused);
        assert_eq!(StatusClass::of(302), StatusClass::Refused);
    }
}
