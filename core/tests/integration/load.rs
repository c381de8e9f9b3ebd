//! The demo platform under load: a thousand sign-ins pending and polling at once (two
//! hundred under Wine, see below).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use demo_platform::{Decision, DemoOptions};
use passerelle_core::flow::{DeviceFlowClient, FlowError};
use passerelle_core::http::Network;
use passerelle_core::settings::Settings;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_pending_sign_ins_each_get_their_own_answer() {
    // Under Wine, every socket operation goes through wineserver, one thread for the whole
    // prefix: measured on this project's CI machine, it carries 200 sign-ins polling at once
    // (each answered in time), not 300 (approved codes miss their eight seconds). Real
    // Windows, like Linux, carries the thousand.
    let sign_ins = if under_wine() { 200 } else { 1000 };
    eprintln!("{sign_ins} sign-ins pending and polling at once");
    let platform = platform(DemoOptions {
        interval: Duration::from_secs(1),
        expires_in: Duration::from_secs(600),
        ..DemoOptions::default()
    })
    .await;
    // The app's own timeouts: under this load a loopback answer may take a while.
    let client = Arc::new(DeviceFlowClient::new(
        Settings::check(&raw_settings(&platform)).unwrap(),
        Network::default(),
    ));
    let mut pending = Vec::with_capacity(sign_ins);
    for _ in 0..sign_ins {
        pending.push(Arc::new(client.start_sign_in().await.unwrap()));
    }
    let codes: HashSet<&str> = pending
        .iter()
        .map(|p| p.authorization.user_code.as_str())
        .collect();
    assert_eq!(codes.len(), sign_ins, "every user code is unique");
    assert_eq!(platform.pending_grants(), sign_ins);
    // However long asking for them took, every code now has eight seconds to live.
    platform.expire_pending_after(Duration::from_secs(8));

    // Every third learner approves, some in the middle of polling.
    let approved: HashSet<usize> = (0..sign_ins).filter(|i| i % 3 == 0).collect();
    let mut tasks = Vec::new();
    for (i, p) in pending.iter().enumerate() {
        let (client, p) = (client.clone(), p.clone());
        tasks.push(tokio::spawn(async move {
            (
                i,
                client
                    .wait_for_token(&p, &CancellationToken::new(), |_| {})
                    .await,
            )
        }));
    }
    for &i in &approved {
        if i % 2 == 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        assert!(platform.decide(&pending[i].authorization.user_code, Decision::Approved));
    }

    let mut tokens = HashSet::new();
    for task in tasks {
        let (i, result) = task.await.unwrap();
        match result {
            Ok(token) => {
                assert!(
                    approved.contains(&i),
                    "sign-in {i} got a token it was never given"
                );
                // The token opens the API, and is not anyone else's.
                assert!(platform.access_token_is_valid(token.access_token.expose()));
                assert!(tokens.insert(token.access_token.expose().to_owned()));
            }
            Err(FlowError::Expired) => {
                assert!(!approved.contains(&i), "approved sign-in {i} expired")
            }
            Err(e) => panic!("sign-in {i}: {e}"),
        }
    }
    assert_eq!(tokens.len(), approved.len());

    // Expired codes are purged: memory goes back to nothing pending.
    platform.purge(Duration::ZERO);
    assert_eq!(platform.pending_grants(), 0);
}

#[tokio::test]
async fn pending_codes_are_capped() {
    let platform = platform(DemoOptions {
        max_pending: 50,
        ..fast_options()
    })
    .await;
    let client = client(&platform);
    for _ in 0..50 {
        client.start_sign_in().await.unwrap();
    }
    let refused = client.start_sign_in().await.unwrap_err();
    assert!(
        matches!(refused, FlowError::ServerError(503)),
        "{refused:?}"
    );
}
