//! When to poll the token endpoint, and the loop that does it (RFC 8628 §3.4–3.5).
//! The loop takes the request as a closure so that the policy is tested on tokio's paused
//! clock without any network.

use std::future::Future;
use std::time::Duration;

use tokio::time::{sleep_until, Instant};
use tokio_util::sync::CancellationToken;

use super::error::{FlowError, RetryReason};

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
        self.interval += SLOW_DOWN_STEP;
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
/// outcome is [`FlowError::Expired`], without waiting for the server.
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
        // A poll already sent is let finish, even after a cancel: a token it brings is
        // handed back so that the caller can revoke it, rather than left valid on the server.
        let answer = tokio::select! {
            _ = sleep_until(deadline) => return Err(FlowError::Expired),
            answer = poll() => answer,
        };
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
mod tests {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    use super::*;

    const S: Duration = Duration::from_secs(1);

    fn secs(d: Duration) -> f64 {
        d.as_secs_f64()
    }

    /// Runs the loop against scripted answers; returns the outcome and the times (from
    /// start) at which each poll was sent.
    async fn run(
        interval: Duration,
        expires_in: Duration,
        answers: Vec<PollAnswer<&'static str>>,
    ) -> (
        Result<&'static str, FlowError>,
        Vec<Duration>,
        Vec<PollProgress>,
    ) {
        let start = Instant::now();
        let answers = Arc::new(Mutex::new(VecDeque::from(answers)));
        let sent = Arc::new(Mutex::new(Vec::new()));
        let mut seen = Vec::new();
        let result = poll_until(
            interval,
            start + expires_in,
            &CancellationToken::new(),
            |p| seen.push(p),
            || {
                let answers = answers.clone();
                let sent = sent.clone();
                async move {
                    sent.lock().unwrap().push(start.elapsed());
                    answers
                        .lock()
                        .unwrap()
                        .pop_front()
                        .unwrap_or(PollAnswer::Pending)
                }
            },
        )
        .await;
        let sent = sent.lock().unwrap().clone();
        (result, sent, seen)
    }

    #[tokio::test(start_paused = true)]
    async fn waits_one_interval_before_the_first_poll_and_between_polls() {
        let (r, sent, _) = run(
            5 * S,
            300 * S,
            vec![
                PollAnswer::Pending,
                PollAnswer::Pending,
                PollAnswer::Token("t"),
            ],
        )
        .await;
        assert_eq!(r.unwrap(), "t");
        assert_eq!(
            sent,
            vec![
                5 * S + POLL_MARGIN,
                2 * (5 * S + POLL_MARGIN),
                3 * (5 * S + POLL_MARGIN)
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn slow_down_adds_five_seconds_for_good() {
        let (r, sent, progress) = run(
            5 * S,
            300 * S,
            vec![
                PollAnswer::SlowDown,
                PollAnswer::Pending,
                PollAnswer::SlowDown,
                PollAnswer::Pending,
                PollAnswer::Token("t"),
            ],
        )
        .await;
        assert_eq!(r.unwrap(), "t");
        let gaps: Vec<f64> = sent.windows(2).map(|w| secs(w[1] - w[0])).collect();
        assert_eq!(gaps, vec![10.2, 10.2, 15.2, 15.2]);
        assert_eq!(
            progress[1],
            PollProgress::SlowedDown {
                interval: 10 * S,
                next_poll_in: 10 * S + POLL_MARGIN
            }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn transient_failures_back_off_doubling_up_to_a_minute() {
        let transient = || PollAnswer::Transient(FlowError::ServerError(500));
        let (r, sent, progress) = run(
            5 * S,
            600 * S,
            vec![
                transient(),
                transient(),
                transient(),
                transient(),
                transient(),
                PollAnswer::Pending,
                PollAnswer::Token("t"),
            ],
        )
        .await;
        assert_eq!(r.unwrap(), "t");
        let gaps: Vec<f64> = sent.windows(2).map(|w| secs(w[1] - w[0])).collect();
        assert_eq!(gaps, vec![10.2, 20.2, 40.2, 60.2, 60.2, 5.2]);
        assert!(matches!(
            progress[1],
            PollProgress::Retrying {
                reason: RetryReason::ServerError,
                attempt: 1,
                ..
            }
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_backoff_still_polls_once_more_before_the_deadline() {
        let transient = || PollAnswer::Transient(FlowError::Unreachable("down".into()));
        let (r, sent, _) = run(
            5 * S,
            100 * S,
            vec![
                transient(),
                transient(),
                transient(),
                transient(),
                PollAnswer::Token("t"),
            ],
        )
        .await;
        assert_eq!(r.unwrap(), "t");
        let at: Vec<f64> = sent.iter().map(|d| secs(*d)).collect();
        // 5.2, then +10.2, +20.2, +40.2; the next backoff (+60.2) would end past 100 s.
        assert_eq!(at, vec![5.2, 15.4, 35.6, 75.8, 99.8]);
    }

    #[test]
    fn backoff_never_goes_below_a_long_interval() {
        let mut s = PollSchedule::new(90 * S);
        s.on_transient();
        assert_eq!(s.delay(), 90 * S + POLL_MARGIN);
        for _ in 0..100 {
            s.on_transient();
        }
        assert_eq!(s.delay(), 90 * S + POLL_MARGIN);
    }

    #[tokio::test(start_paused = true)]
    async fn terminal_answers_end_the_loop() {
        let (r, sent, _) = run(5 * S, 300 * S, vec![PollAnswer::Failed(FlowError::Denied)]).await;
        assert!(matches!(r, Err(FlowError::Denied)));
        assert_eq!(sent.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn expires_at_the_deadline_without_asking_the_server() {
        let start = Instant::now();
        let (r, sent, _) = run(5 * S, 12 * S, vec![]).await;
        assert!(matches!(r, Err(FlowError::Expired)));
        // Polls at 5.2 and 10.4; the next would be past 12 s, so none is sent.
        assert_eq!(sent.len(), 2);
        assert_eq!(start.elapsed(), 12 * S);
    }

    #[tokio::test(start_paused = true)]
    async fn a_poll_still_in_flight_at_the_deadline_expires() {
        let start = Instant::now();
        let r: Result<(), _> = poll_until(
            5 * S,
            start + 7 * S,
            &CancellationToken::new(),
            |_| {},
            std::future::pending,
        )
        .await;
        assert!(matches!(r, Err(FlowError::Expired)));
        assert_eq!(start.elapsed(), 7 * S);
    }

    #[tokio::test(start_paused = true)]
    async fn cancel_is_prompt_while_waiting() {
        let start = Instant::now();
        let cancel = CancellationToken::new();
        let c = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(6 * S).await;
            c.cancel();
        });
        let r: Result<(), _> = poll_until(
            60 * S,
            start + 300 * S,
            &cancel,
            |_| {},
            || async { PollAnswer::Pending },
        )
        .await;
        assert!(matches!(r, Err(FlowError::Cancelled)));
        assert_eq!(start.elapsed(), 6 * S);
    }

    /// Cancelled while a poll is in flight: the poll is let finish, and the token it
    /// brings is handed back to be revoked; any other answer ends as cancelled.
    #[tokio::test(start_paused = true)]
    async fn a_poll_in_flight_at_cancel_still_hands_back_its_token() {
        for (answer, token) in [(PollAnswer::Token("t"), true), (PollAnswer::Pending, false)] {
            let start = Instant::now();
            let cancel = CancellationToken::new();
            let answer = Mutex::new(Some(answer));
            let r = poll_until(
                S,
                start + 300 * S,
                &cancel,
                |_| {},
                || {
                    let answer = answer.lock().unwrap().take().unwrap();
                    let cancel = cancel.clone();
                    async move {
                        // Cancelled while the server takes its time to answer.
                        tokio::time::sleep(S).await;
                        cancel.cancel();
                        tokio::time::sleep(S).await;
                        answer
                    }
                },
            )
            .await;
            if token {
                assert_eq!(r.unwrap(), "t");
            } else {
                assert!(matches!(r, Err(FlowError::Cancelled)));
            }
            assert_eq!(start.elapsed(), S + POLL_MARGIN + 2 * S);
        }
    }
}
