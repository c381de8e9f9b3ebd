//! Parsers for what the authorization server and the API answer: pure functions from bytes
//! to typed values. Every malformed answer becomes a [`ProtocolError`], never a panic, and
//! every number a server sends is bounded before it is used.

mod device;
mod error_code;
mod metadata;
mod profile;
mod token;

use serde_json::Value;
use url::Url;

pub use device::{
    parse_device_authorization, DeviceAuthorization, DEFAULT_INTERVAL, MAX_EXPIRES_IN,
    MAX_INTERVAL, MAX_USER_CODE_LEN, MIN_INTERVAL,
};
pub use error_code::{parse_error, ErrorCode, ErrorResponse};
pub use metadata::{parse_metadata, ServerMetadata};
pub use profile::{parse_profile, Profile};
pub use token::{parse_token, TokenResponse, MAX_TOKEN_LIFETIME};

/// Longest string accepted in any field: tokens, codes, URLs, names.
pub const MAX_FIELD_LEN: usize = 8192;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("the answer is not JSON")]
    NotJson,
    #[error("the answer is not a JSON object")]
    NotAnObject,
    #[error("the answer has no `{0}`")]
    Missing(&'static str),
    /// A user code nobody could read or type as shown.
    #[error("the user code cannot be shown")]
    UnusableCode,
    #[error("`{field}` is invalid: {reason}")]
    Invalid {
        field: &'static str,
        reason: &'static str,
    },
}

fn invalid(field: &'static str, reason: &'static str) -> ProtocolError {
    ProtocolError::Invalid { field, reason }
}

fn object(body: &[u8]) -> Result<serde_json::Map<String, Value>, ProtocolError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ProtocolError::NotAnObject),
        Err(_) => Err(ProtocolError::NotJson),
    }
}

/// Reads a field out of a JSON object with the checks every field shares.
pub(super) struct Fields(serde_json::Map<String, Value>);

impl Fields {
    pub(super) fn parse(body: &[u8]) -> Result<Self, ProtocolError> {
        object(body).map(Self)
    }

    pub(super) fn present(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    pub(super) fn opt_string(
        &self,
        name: &'static str,
        max: usize,
    ) -> Result<Option<String>, ProtocolError> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::String(s)) if s.len() > max => Err(invalid(name, "too long")),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(name, "not a string")),
        }
    }

    pub(super) fn string(&self, name: &'static str, max: usize) -> Result<String, ProtocolError> {
        match self.opt_string(name, max)? {
            Some(s) if s.trim().is_empty() => Err(invalid(name, "empty")),
            Some(s) => Ok(s),
            None => Err(ProtocolError::Missing(name)),
        }
    }

    /// A string or a number, as text (ids are numbers on the platform, strings in OIDC).
    pub(super) fn opt_id(&self, name: &'static str) -> Result<Option<String>, ProtocolError> {
        match self.present(name) {
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            _ => self.opt_string(name, MAX_FIELD_LEN),
        }
    }

    /// Whole seconds, as a number or numeric string (some servers send `"1800"`).
    /// Negative, fractional-but-huge or non-numeric values are invalid.
    pub(super) fn opt_seconds(&self, name: &'static str) -> Result<Option<u64>, ProtocolError> {
        let number = match self.present(name) {
            None => return Ok(None),
            Some(Value::Number(n)) => n.clone(),
            Some(Value::String(s)) => s
                .trim()
                .parse::<serde_json::Number>()
                .map_err(|_| invalid(name, "not a number"))?,
            Some(_) => return Err(invalid(name, "not a number")),
        };
        if let Some(u) = number.as_u64() {
            return Ok(Some(u));
        }
        match number.as_f64() {
            Some(f) if f >= 0.0 && f.is_finite() => Ok(Some(f.min(u64::MAX as f64) as u64)),
            _ => Err(invalid(name, "negative")),
        }
    }

    pub(super) fn opt_url(&self, name: &'static str) -> Result<Option<Url>, ProtocolError> {
        match self.opt_string(name, MAX_FIELD_LEN)? {
            None => Ok(None),
            Some(s) => Url::parse(&s)
                .map(Some)
                .map_err(|_| invalid(name, "not a URL")),
        }
    }
}
