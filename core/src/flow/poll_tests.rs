//! The polling schedule and loop on a paused clock, against scripted answers.

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

/// A poll on its way when the deadline passes is awaited: the token it brings is not lost,
/// and any other answer ends the sign-in as expired, once it came.
#[tokio::test(start_paused = true)]
async fn the_last_poll_is_awaited_past_the_deadline() {
    for (answer, token) in [(PollAnswer::Token("t"), true), (PollAnswer::Pending, false)] {
        let start = Instant::now();
        let answer = Mutex::new(Some(answer));
        let r = poll_until(
            5 * S,
            start + 7 * S,
            &CancellationToken::new(),
            |_| {},
            || {
                let answer = answer.lock().unwrap().take().unwrap();
                async move {
                    // Sent at 5.2 s, answered at 9.2 s: past the code's seven seconds.
                    tokio::time::sleep(4 * S).await;
                    answer
                }
            },
        )
        .await;
        if token {
            assert_eq!(r.unwrap(), "t");
        } else {
            assert!(matches!(r, Err(FlowError::Expired)));
        }
        assert_eq!(start.elapsed(), 5 * S + POLL_MARGIN + 4 * S);
    }
}

#[tokio::test(start_paused = true)]
async fn slow_down_never_takes_the_interval_past_its_bound() {
    let mut s = PollSchedule::new(5 * S);
    for _ in 0..1000 {
        s.on_slow_down();
    }
    assert_eq!(s.interval(), MAX_INTERVAL);
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
