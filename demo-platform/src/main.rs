//! `demo-platform --port 3000`: runs the demo learning platform on loopback.

use std::net::SocketAddr;
use std::time::Duration;

use demo_platform::{DemoOptions, DemoPlatform, Fault, Target};

const USAGE: &str = "Usage: demo-platform [--port N] [--client-id ID] [--expires-in SECS] [--interval SECS]
                     [--token-lifetime SECS] [--discovery] [--separate-api]
                     [--fault-rate 0.0-1.0] [--faults 500,429,slow,drop,not_json,huge,slow_down,error_in_200]";

fn main() {
    let mut options = DemoOptions::default();
    let mut fault_rate = 0.0;
    let mut faults: Vec<Fault> = Vec::new();
    let mut args = std::env::args().skip(1);
    let fail = |msg: String| -> ! {
        eprintln!("{msg}\n{USAGE}");
        std::process::exit(2)
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .unwrap_or_else(|| fail(format!("{name} needs a value")))
        };
        let secs = |v: String| {
            Duration::from_secs(
                v.parse()
                    .unwrap_or_else(|_| fail(format!("not a number: {v}"))),
            )
        };
        match arg.as_str() {
            "--port" => {
                let port = value("--port")
                    .parse()
                    .unwrap_or_else(|_| fail("bad port".into()));
                options.listen = SocketAddr::from(([127, 0, 0, 1], port));
            }
            "--client-id" => options.clients.push(value("--client-id")),
            "--expires-in" => options.expires_in = secs(value("--expires-in")),
            "--interval" => options.interval = secs(value("--interval")),
            "--token-lifetime" => options.token_lifetime = secs(value("--token-lifetime")),
            "--discovery" => options.discovery = true,
            "--separate-api" => options.separate_api = true,
            "--fault-rate" => {
                fault_rate = value("--fault-rate")
                    .parse()
                    .unwrap_or_else(|_| fail("bad rate".into()))
            }
            "--faults" => {
                faults = value("--faults")
                    .split(',')
                    .map(|f| f.parse().unwrap_or_else(|e| fail(e)))
                    .collect()
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => fail(format!("unknown argument {other}")),
        }
    }
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime.block_on(async {
        let platform = DemoPlatform::start(options.clone())
            .await
            .unwrap_or_else(|e| fail(format!("cannot listen on {}: {e}", options.listen)));
        if fault_rate > 0.0 {
            platform
                .faults()
                .random(Target::Any, fault_rate, faults, rand_seed());
        }
        let u = platform.user();
        println!("Demo platform on {}", platform.auth_url());
        println!("  API:        {}", platform.api_url());
        println!("  client ids: {}", options.clients.join(", "));
        println!("  learner:    {} / {}", u.email, u.password);
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = platform.stopped() => {}
        }
    });
}

fn rand_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}
