//! Logs are clean at every level: with everything traced, no token, device code or
//! server-supplied description reaches them. The test runs in a process of its own (this
//! binary, started again for this test alone), since it installs the process's subscriber.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::common::*;
use demo_platform::proxy::{ProxyAuth, ProxyOptions, TestProxy};
use demo_platform::{Decision, Fault, Target};
use passerelle_core::flow::DeviceFlowClient;
use passerelle_core::http::proxy::{Desktop, Exceptions, Manual};
use passerelle_core::http::{Http, Network, Proxies, ProxyAddress};
use passerelle_core::settings::{Key, Settings};
use tokio_util::sync::CancellationToken;
use url::Url;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Set in the process that runs the test itself.
const ALONE: &str = "PASSERELLE_LOGS_TEST_ALONE";

#[test]
fn nothing_secret_at_trace_level() {
    if std::env::var_os(ALONE).is_some() {
        return tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(every_kind_of_answer_traced());
    }
    let alone = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "logs::nothing_secret_at_trace_level",
            "--nocapture",
        ])
        .env(ALONE, "1")
        .output()
        .unwrap();
    assert!(
        alone.status.success(),
        "the test, alone in its process:\n{}{}",
        String::from_utf8_lossy(&alone.stdout),
        String::from_utf8_lossy(&alone.stderr)
    );
}

async fn every_kind_of_answer_traced() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .init();

    let canary = "CANARYa91c";
    let platform = platform(fast_options().with_canary(canary)).await;
    // Every kind of answer: pending and slow_down (with descriptions), a fault, a token,
    // a refresh, a reused refresh token, a revocation, an unknown client.
    let client = client(&platform);
    let pending = client.start_sign_in().await.unwrap();
    platform.faults().inject(Target::Token, Fault::SlowDown, 1);
    platform
        .faults()
        .inject(Target::Token, Fault::ServerError, 1);
    let code = pending.authorization.user_code.clone();
    let approve = async {
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        assert!(platform.decide(&code, Decision::Approved));
    };
    let cancel = CancellationToken::new();
    let (token, ()) = tokio::join!(client.wait_for_token(&pending, &cancel, |_| {}), approve);
    let token = token.unwrap();
    client.fetch_profile(&token.access_token).await.unwrap();
    let refresh = token.refresh_token.clone().unwrap();
    let renewed = client.refresh(&refresh).await.unwrap();
    assert!(client.refresh(&refresh).await.is_err());
    client
        .revoke(renewed.refresh_token.as_ref().unwrap())
        .await
        .unwrap();
    let stranger = client_with(raw_settings(&platform).with(Key::ClientId, "unknown"));
    assert!(stranger.start_sign_in().await.is_err());

    // A PAC file that cannot be fetched: directly, and said; a proxy's password never.
    let pac = Url::parse(&format!("{}/proxy.pac", nothing_on())).unwrap();
    let http = Http::new(&Network {
        proxies: Proxies::Desktop(Desktop::Pac {
            url: Some(pac),
            exceptions: Exceptions::default(),
        }),
        ..test_network()
    })
    .unwrap();
    http.route(&Url::parse("https://platform.example/").unwrap())
        .await;
    let proxy = TestProxy::start(ProxyOptions {
        auth: ProxyAuth::Demand("NTLM".into()),
        ..ProxyOptions::default()
    })
    .await;
    let with_password = ProxyAddress::parse(&proxy.url)
        .unwrap()
        .with_credentials("ada", canary);
    // Behind a proxy that wants what it is not given, and behind one that is down: what
    // the learner's support is told (the error's words, the detail of Copy details) names
    // the proxy's origin, never its credentials.
    let down = ProxyAddress::parse(&nothing_on())
        .unwrap()
        .with_credentials("ada", canary);
    for proxy in [with_password, down] {
        let behind_proxy = DeviceFlowClient::new(
            Settings::check(&remote_settings()).unwrap(),
            Network {
                proxies: Proxies::Desktop(Desktop::Manual(Manual {
                    https: Some(proxy),
                    ..Manual::default()
                })),
                ..test_network()
            },
        );
        let told = behind_proxy.start_sign_in().await.unwrap_err().to_string();
        assert!(
            !told.contains(canary) && !told.contains("ada"),
            "credentials in what support is told: {told}"
        );
    }

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("the PAC file cannot be fetched; going directly"),
        "a PAC file's failure is logged"
    );
    assert!(
        logs.contains("polling the token endpoint"),
        "trace logs were captured"
    );
    assert!(
        logs.contains("description_bytes"),
        "errors are logged by code and length"
    );
    let secrets = platform.issued_secrets();
    assert_eq!(secrets.len(), 5, "a device code, then two pairs of tokens");
    assert!(
        !logs.contains(canary),
        "a secret or a description reached the logs"
    );
    for secret in secrets {
        assert!(!logs.contains(&secret));
    }
}
