//! The fault run: many complete sign-ins through the client core against the demo platform
//! with its fault switches on at random, and approval after a random delay. Prints what
//! happened; exits non-zero if a sign-in approved in time did not complete, or a poll came
//! early. `scripts/fault-run` runs it (`--short` for CI's quick form).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use demo_platform::{Decision, DemoOptions, DemoPlatform, Fault, Target, DEMO_CLIENT_ID};
use passerelle_core::flow::{DeviceFlowClient, FlowError, PollProgress};
use passerelle_core::http::{Network, Timeouts};
use passerelle_core::settings::{Key, RawSettings, Settings};
use rand::{Rng, SeedableRng};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

struct Args {
    sign_ins: usize,
    concurrency: usize,
    fault_rate: f64,
    interval: u64,
    expires_in: u64,
    max_approval_delay: Duration,
    seed: u64,
}

impl Args {
    fn parse() -> Args {
        let mut args = Args {
            sign_ins: 500,
            concurrency: 50,
            fault_rate: 0.3,
            interval: 1,
            expires_in: 300,
            max_approval_delay: Duration::from_secs(5),
            seed: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_secs()),
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
            match flag.as_str() {
                "--short" => {
                    args.sign_ins = 40;
                    args.concurrency = 20;
                }
                "--sign-ins" => args.sign_ins = value().parse().expect("a number"),
                "--concurrency" => args.concurrency = value().parse().expect("a number"),
                "--fault-rate" => args.fault_rate = value().parse().expect("a rate"),
                "--interval" => args.interval = value().parse().expect("seconds"),
                "--expires-in" => args.expires_in = value().parse().expect("seconds"),
                "--max-approval-delay" => {
                    args.max_approval_delay =
                        Duration::from_secs_f64(value().parse().expect("seconds"))
                }
                "--seed" => args.seed = value().parse().expect("a number"),
                other => panic!("unknown argument {other}"),
            }
        }
        args
    }
}

/// What happened to one sign-in.
#[derive(Default)]
struct Outcome {
    error: Option<String>,
    start_retries: Vec<String>,
    approved_in_time: bool,
    polls: usize,
    /// Smallest (gap between two polls − interval in force at that time), in seconds.
    min_margin: Option<f64>,
    approval_to_token: Option<Duration>,
}

async fn one_sign_in(
    platform: Arc<DemoPlatform>,
    client: Arc<DeviceFlowClient>,
    approval_delay: Duration,
) -> Outcome {
    let mut outcome = Outcome::default();
    // A learner clicks "Try again" when asking for a code fails.
    let pending = loop {
        match client.start_sign_in().await {
            Ok(p) => break p,
            Err(e) if e.is_transient() && outcome.start_retries.len() < 20 => {
                outcome.start_retries.push(kind(&e));
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => {
                outcome.error = Some(kind(&e));
                return outcome;
            }
        }
    };
    let approved_at = Arc::new(Mutex::new(None));
    {
        let (platform, code, approved_at) = (
            platform.clone(),
            pending.authorization.user_code.clone(),
            approved_at.clone(),
        );
        tokio::spawn(async move {
            tokio::time::sleep(approval_delay).await;
            if platform.decide(&code, Decision::Approved) {
                *approved_at.lock().unwrap() = Some(Instant::now());
            }
        });
    }
    // The interval in force after each answer, from the progress reports.
    let intervals = Arc::new(Mutex::new(vec![pending.authorization.interval]));
    let seen = intervals.clone();
    let result = client
        .wait_for_token(&pending, &CancellationToken::new(), move |p| {
            let mut seen = seen.lock().unwrap();
            let current = *seen.last().unwrap();
            seen.push(match p {
                PollProgress::SlowedDown { interval, .. } => interval,
                _ => current,
            });
        })
        .await;
    let token_at = Instant::now();
    let approved = *approved_at.lock().unwrap();
    outcome.approved_in_time = approved.is_some_and(|at| at < pending.deadline.into_std());

    let polls = platform
        .poll_log(pending.authorization.device_code.expose())
        .polls;
    outcome.polls = polls.len();
    let intervals = intervals.lock().unwrap().clone();
    for (k, pair) in polls.windows(2).enumerate() {
        // Gap k follows the answer to poll k, reported as progress k + 1.
        if let Some(interval) = intervals.get(k + 1) {
            let margin = (pair[1] - pair[0]).as_secs_f64() - interval.as_secs_f64();
            outcome.min_margin = Some(outcome.min_margin.map_or(margin, |m: f64| m.min(margin)));
        }
    }
    match result {
        Ok(token) => {
            outcome.approval_to_token = approved.map(|at| token_at.saturating_duration_since(at));
            // The profile, retried like the window's Try again on a passing failure.
            for attempt in 0.. {
                match client.fetch_profile(&token.access_token).await {
                    Ok(_) => break,
                    Err(e) if e.is_transient() && attempt < 20 => {
                        tokio::time::sleep(Duration::from_millis(500)).await
                    }
                    Err(e) => {
                        outcome.error = Some(kind(&e));
                        break;
                    }
                }
            }
        }
        Err(FlowError::Expired) if approved.is_none() => {
            outcome.error = Some("expired (never approved)".into())
        }
        Err(e) => outcome.error = Some(kind(&e)),
    }
    outcome
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let platform = Arc::new(
        DemoPlatform::start(DemoOptions {
            interval: Duration::from_secs(args.interval),
            expires_in: Duration::from_secs(args.expires_in),
            ..DemoOptions::default()
        })
        .await
        .expect("demo platform"),
    );
    let faults = vec![
        Fault::ServerError,
        Fault::TooManyRequests,
        Fault::Slow(Duration::from_millis(2500)),
        Fault::Drop,
        Fault::NotJson,
        Fault::Huge,
        Fault::SlowDown,
        Fault::ErrorIn200,
    ];
    platform
        .faults()
        .random(Target::Any, args.fault_rate, faults, args.seed);
    let settings = Settings::check(
        &RawSettings::default()
            .with(Key::AuthUrl, platform.auth_url())
            .with(Key::ClientId, DEMO_CLIENT_ID),
    )
    .unwrap();
    // "Slow" faults answer after 2.5 s: past this timeout.
    let network = Network {
        timeouts: Timeouts {
            connect: Duration::from_secs(2),
            request: Duration::from_secs(2),
        },
        ..Network::default()
    };
    let client = Arc::new(DeviceFlowClient::new(settings, network));

    println!(
        "Fault run: {} sign-ins, {} at a time; faults on {:.0}% of requests; interval {} s; codes live {} s; approval within {:.1} s; seed {}",
        args.sign_ins,
        args.concurrency,
        args.fault_rate * 100.0,
        args.interval,
        args.expires_in,
        args.max_approval_delay.as_secs_f64(),
        args.seed
    );
    let started = Instant::now();
    let gate = Arc::new(Semaphore::new(args.concurrency));
    let mut rng = rand::rngs::StdRng::seed_from_u64(args.seed);
    let mut tasks = Vec::new();
    for _ in 0..args.sign_ins {
        let delay = args.max_approval_delay.mul_f64(rng.random::<f64>());
        let (platform, client, gate) = (platform.clone(), client.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let _slot = gate.acquire_owned().await.unwrap();
            one_sign_in(platform, client, delay).await
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.expect("a sign-in panicked"));
    }
    let wall = started.elapsed();

    let completed = outcomes.iter().filter(|o| o.error.is_none()).count();
    let mut failures: BTreeMap<&str, usize> = BTreeMap::new();
    let mut retries: BTreeMap<&str, usize> = BTreeMap::new();
    for o in &outcomes {
        if let Some(e) = &o.error {
            *failures.entry(e).or_default() += 1;
        }
        for r in &o.start_retries {
            *retries.entry(r).or_default() += 1;
        }
    }
    let lost = outcomes
        .iter()
        .filter(|o| o.approved_in_time && o.error.is_some())
        .count();
    let mut polls: Vec<f64> = outcomes.iter().map(|o| o.polls as f64).collect();
    polls.sort_by(f64::total_cmp);
    let min_margin = outcomes
        .iter()
        .filter_map(|o| o.min_margin)
        .fold(f64::INFINITY, f64::min);
    let early = outcomes
        .iter()
        .filter(|o| o.min_margin.is_some_and(|m| m < 0.0))
        .count();
    let mut latency: Vec<f64> = outcomes
        .iter()
        .filter_map(|o| o.approval_to_token.map(|d| d.as_secs_f64()))
        .collect();
    latency.sort_by(f64::total_cmp);

    let show = |m: &BTreeMap<&str, usize>| {
        if m.is_empty() {
            "none".to_owned()
        } else {
            m.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    println!();
    println!("| figure | value |");
    println!("| --- | --- |");
    println!("| sign-ins tried | {} |", outcomes.len());
    println!("| completed (token and profile) | {completed} |");
    println!("| failed, by reason | {} |", show(&failures));
    println!("| approved in time but not completed | {lost} |");
    println!(
        "| code requests retried after a fault | {} |",
        show(&retries)
    );
    let served = platform.faults().served();
    println!(
        "| faults served | {} |",
        served
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "| polls per sign-in (median / p95 / max) | {} / {} / {} |",
        percentile(&polls, 0.5),
        percentile(&polls, 0.95),
        polls.last().copied().unwrap_or(0.0)
    );
    println!("| shortest gap between two polls minus the interval in force | {min_margin:+.3} s |");
    println!("| sign-ins with a poll earlier than the interval | {early} |");
    println!(
        "| approval to token (median / p95 / max) | {:.2} s / {:.2} s / {:.2} s |",
        percentile(&latency, 0.5),
        percentile(&latency, 0.95),
        latency.last().copied().unwrap_or(f64::NAN)
    );
    println!("| wall time | {:.1} s |", wall.as_secs_f64());

    if lost > 0 || early > 0 || completed == 0 {
        eprintln!("FAILED: {lost} approved sign-ins lost, {early} with an early poll");
        std::process::exit(1);
    }
    println!("\nfault run: every sign-in approved in time completed, and no poll came early");
}

/// The error's variant name, for the report.
fn kind(e: &FlowError) -> String {
    let debug = format!("{e:?}");
    debug
        .split(['(', ' ', '{'])
        .next()
        .unwrap_or_default()
        .to_owned()
}
