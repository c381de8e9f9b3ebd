//! How long a request may take, and how much of an answer is read.

use std::time::Duration;

/// No answer Passerelle needs is anywhere near this; a larger one is refused unread.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    /// The whole request, from sending to the last byte of the answer.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(20),
        }
    }
}
