//! When to poll the token endpoint, and the loop that does it (RFC 8628 §3.4–3.5).
//! The loop takes the request as a closure so that the policy is tested on tokio's paused
//! clock without any network.

use std::future::Future;
use std::time::Duration;

use tokio::time::{sleep_until, Instant};
use tokio_util::sync::CancellationToken;

use super::error::{FlowError, RetryReason};
use super::protocol::MAX_INTERVAL;

/// Added to every wait: the platform answers `slow_down` to a poll that arrives a hair
/// before the interval has passed, and the request takes time to get there.
pub const POLL_MARGIN: Duration = Duration::from_millis(200);
/// RFC 8628 §3.5: on `slow_down` the interval grows by 5 seconds, for good.
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// Longest wait after repeated transient failures (unless the interval itself is longer).
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// What one poll of the token endpoint gave.
#[derive(Debug)]
pub enum PollAnswer<T> {
    Token(T),
    Pending,
    SlowDown,
    /// Worth trying again: network trouble, 5xx, 429, an answer that makes no sense.
    Transient(FlowError),
    /// The sign-in is over: denied, expired, unknown client...
    Failed(FlowError),
}

/// Progress of a sign-in, for the window's status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollProgress {
    /// Waiting for the learner to approve; the next poll is in `next_poll_in`.
    Waiting { next_poll_in: Duration },
    /// The server asked to slow down; polls are now `interval` apart.
    SlowedDown {
        interval: Duration,
        next_poll_in: Duration,
    },
    /// The last poll failed for a passing reason; trying again later.
    Retrying {
        reason: RetryReason,
        attempt: u32,
        next_poll_in: Duration,
    },
}

/// The pace of polling: the interval in force and the number of transient failures in a row.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PollSchedule {
    interval: Duration,
    failures: u32,
}

impl PollSchedule {
    fn new(interval: Duration) -> Self {
        Self {
            interval,
            failures: 0,
        }
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    /// Time from sending one poll to sending the next.
    fn delay(&self) -> Duration {
        let backoff = if self.failures == 0 {
            self.interval
        } else {
            let doubled = self
                .interval
                .saturating_mul(1u32 << self.failures.min(16))
                .min(MAX_BACKOFF);
            doubled.max(self.interval)
        };
        backoff + POLL_MARGIN
    }

    fn on_pending(&mut self) {
        self.failures = 0;
    }

    fn on_slow_down(&mut self) {
        self.failures = 0;
        // However often a server says it, the learner still gets an answer in time.
        self.interval = (self.interval + SLOW_DOWN_STEP).min(MAX_INTERVAL);
    }

    fn on_transient(&mut self) {
        self.failures = self.failures.saturating_add(1);
    }

    fn failures(&self) -> u32 {
        self.failures
    }
}

/// Polls until a token comes, the sign-in fails, the `deadline` passes or `cancel` fires.
/// A cancel stops the waiting at once; a poll in flight is let finish, and a token it
/// brings is still returned (the caller checks `cancel` and revokes it).
///
/// The first poll is sent one interval after the call; each later one an interval (or the
/// backoff after a transient failure) after the previous one was *sent*. At the deadline the
/// outcome is [`FlowError::Expired`], without asking the server again; a poll on its way
/// then is still awaited.
pub async fn poll_until<T, F, Fut>(
    interval: Duration,
    deadline: Instant,
    cancel: &CancellationToken,
    mut progress: impl FnMut(PollProgress),
    mut poll: F,
) -> Result<T, FlowError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = PollAnswer<T>>,
{
    let mut schedule = PollSchedule::new(interval);
    let mut last_sent = Instant::now();
    progress(PollProgress::Waiting {
        next_poll_in: schedule.delay(),
    });
    loop {
        let mut next = last_sent + schedule.delay();
        // A backoff that would overshoot the deadline still leaves one last poll just before
        // it, as long as the interval allows: an approval must not be lost to a long wait.
        let last_chance = deadline.checked_sub(POLL_MARGIN).unwrap_or(deadline);
        if next >= deadline && last_sent + schedule.interval() + POLL_MARGIN <= last_chance {
            next = last_chance;
        }
        if next >= deadline {
            // No poll can be sent before the code dies: wait for the end, then say so.
            tokio::select! {
                _ = cancel.cancelled() => return Err(FlowError::Cancelled),
                _ = sleep_until(deadline) => return Err(FlowError::Expired),
            }
        }
        tokio::select! {
            _ = cancel.cancelled() => return Err(FlowError::Cancelled),
            _ = sleep_until(next) => {}
        }
        last_sent = Instant::now();
        // A poll already sent is let finish — after a cancel, or past the code's deadline —
        // within the request's own timeout: a token it brings signs the learner in, or is
        // handed back to be revoked, rather than left valid on the server.
        let answer = poll().await;
        if cancel.is_cancelled() {
            return match answer {
                PollAnswer::Token(token) => Ok(token),
                _ => Err(FlowError::Cancelled),
            };
        }
        let next_poll_in =
            |s: &PollSchedule| (last_sent + s.delay()).saturating_duration_since(Instant::now());
        match answer {
            PollAnswer::Token(token) => return Ok(token),
            PollAnswer::Failed(e) => return Err(e),
            PollAnswer::Pending => {
                schedule.on_pending();
                progress(PollProgress::Waiting {
                    next_poll_in: next_poll_in(&schedule),
                });
            }
            PollAnswer::SlowDown => {
                schedule.on_slow_down();
                progress(PollProgress::SlowedDown {
                    interval: schedule.interval(),
                    next_poll_in: next_poll_in(&schedule),
                });
            }
            PollAnswer::Transient(e) => {
                schedule.on_transient();
                tracing::info!(error = %e, "poll failed, will retry");
                progress(PollProgress::Retrying {
                    reason: e.retry_reason().unwrap_or(RetryReason::Unexpected),
                    attempt: schedule.failures(),
                    next_poll_in: next_poll_in(&schedule),
                });
            }
        }
    }
}

#[cfg(test)]
#[path = "poll_tests.rs"]
mod tests;
