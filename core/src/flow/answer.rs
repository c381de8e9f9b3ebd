//! What an answer from the platform means, for every request alike: the one place that says
//! what is a success, what is worth sending again later, and what is final.

use super::error::FlowError;
use super::protocol::{self, ErrorCode};
use crate::http::{Answer, StatusClass};

/// The answer when it is a success; otherwise the error it means. The `error` member is
/// read whatever the HTTP status, since some servers answer 200 with an error body; it is
/// logged by its code and the length of its description, which is the server's own text.
/// Whether the error is worth another try is [`FlowError::retry_reason`].
pub fn success(answer: &Answer) -> Result<&Answer, FlowError> {
    if let Some(error) = protocol::parse_error(&answer.body) {
        tracing::debug!(
            error = error.code.as_str(),
            description_bytes = error.description_len,
            status = answer.status,
            "platform error"
        );
        return Err(oauth_error(error.code, answer.status));
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

/// An OAuth error answer, with its HTTP status, as an outcome. The server's own trouble
/// (`server_error`, `temporarily_unavailable`, or any code with a 5xx or 429) passes.
fn oauth_error(code: ErrorCode, status: u16) -> FlowError {
    let trouble = StatusClass::of(status) == StatusClass::Trouble;
    match code {
        ErrorCode::ServerError | ErrorCode::TemporarilyUnavailable => {
            FlowError::ServerError(status)
        }
        ErrorCode::AccessDenied => FlowError::Denied,
        ErrorCode::ExpiredToken => FlowError::Expired,
        ErrorCode::InvalidGrant => FlowError::InvalidGrant,
        ErrorCode::InvalidClient | ErrorCode::UnauthorizedClient => FlowError::InvalidClient,
        ErrorCode::UnsupportedGrantType => FlowError::UnsupportedGrantType,
        _ if trouble => FlowError::ServerError(status),
        other => FlowError::Refused(other),
    }
}
