//! The client core against the demo platform over loopback.

use std::time::{Duration, Instant};

use crate::common::*;
use demo_platform::{Decision, DemoOptions, Fault, Target};
use passerelle_core::flow::{AccessToken, FlowError, PollProgress, RetryReason};
use passerelle_core::settings::Key;
use tokio_util::sync::CancellationToken;

/// Approves `user_code` after `delay`, the way a learner does it: the verification page's
/// form. Await the handle: the page's answer is checked there.
fn approve_in_browser_after(
    platform: &demo_platform::DemoPlatform,
    user_code: &str,
    delay: Duration,
) -> tokio::task::JoinHandle<()> {
    let url = format!("{}/oauth/device", platform.auth_url());
    let form = [
        ("user_code".to_owned(), user_code.to_owned()),
        ("email".to_owned(), platform.user().email.clone()),
        ("password".to_owned(), platform.user().password.clone()),
        ("decision".to_owned(), "authorize".to_owned()),
    ];
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let page = reqwest::Client::new()
            .post(url)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert!(
            page.status().is_success(),
            "approval page answered {}",
            page.status()
        );
    })
}

#[tokio::test]
async fn signs_in_after_approval_and_reads_the_profile() {
    let platform = platform(fast_options()).await;
    let client = client(&platform);
    let pending = client.start_sign_in().await.unwrap();
    let a = &pending.authorization;
    assert_eq!(a.user_code.len(), 8);
    assert_eq!(a.interval, Duration::from_secs(1));
    assert_eq!(
        pending.verification,
        passerelle_core::flow::Verification::Trusted {
            uri: format!("{}/oauth/device", platform.auth_url())
                .parse()
                .unwrap(),
            open: format!(
                "{}/oauth/device?user_code={}",
                platform.auth_url(),
                a.user_code
            )
            .parse()
            .unwrap(),
        }
    );
    let approval = approve_in_browser_after(&platform, &a.user_code, Duration::from_millis(2500));
    let progress = Progress::default();
    let token = client
        .wait_for_token(&pending, &CancellationToken::new(), progress.sink())
        .await
        .unwrap();
    approval.await.unwrap();
    assert_eq!(token.token_type.as_deref(), Some("Bearer"));
    assert!(token.refresh_token.is_some() && token.created_at.is_some());
    // Pending at least three times before the approval, 2.5 s in.
    let waits = progress
        .all()
        .iter()
        .filter(|p| matches!(p, PollProgress::Waiting { .. }))
        .count();
    assert!(waits >= 3, "{:?}", progress.all());

    let profile = client.fetch_profile(&token.access_token).await.unwrap();
    assert_eq!(profile.display_name, "Camille Martin");
    assert_eq!(profile.email.as_deref(), Some("camille.martin@example.com"));
    assert_eq!(
        profile.member_since.as_deref(),
        Some("2024-02-05T08:52:20.957Z")
    );

    // The server never saw two polls closer than the interval.
    let polls = platform.poll_log(a.device_code.expose()).polls;
    assert!(polls.len() >= 3);
    for gap in polls.windows(2).map(|w| w[1] - w[0]) {
        assert!(
            gap >= Duration::from_secs(1),
            "poll {gap:?} after the previous one"
        );
    }
}

#[tokio::test]
async fn slow_down_makes_the_interval_longer() {
    let platform = platform(fast_options()).await;
    let client = client(&platform);
    let pending = client.start_sign_in().await.unwrap();
    platform.faults().inject(Target::Token, Fault::SlowDown, 1);
    let approval = approve_in_browser_after(
        &platform,
        &pending.authorization.user_code,
        Duration::from_millis(100),
    );
    let progress = Progress::default();
    let started = Instant::now();
    client
        .wait_for_token(&pending, &CancellationToken::new(), progress.sink())
        .await
        .unwrap();
    approval.await.unwrap();
    assert!(progress.all().iter().any(|p| matches!(
        p,
        PollProgress::SlowedDown { interval, .. } if *interval == Duration::from_secs(6)
    )));
    // First poll at 1.2 s answered slow_down, the next one 6.2 s later.
    assert!(
        started.elapsed() >= Duration::from_millis(7400),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn denied_expired_and_unknown_client() {
    let platform = platform(fast_options()).await;
    let client = client(&platform);
    let pending = client.start_sign_in().await.unwrap();
    assert!(platform.decide(&pending.authorization.user_code, Decision::Denied));
    let denied = client
        .wait_for_token(&pending, &CancellationToken::new(), |_| {})
        .await;
    assert!(matches!(denied, Err(FlowError::Denied)), "{denied:?}");

    platform.set_lifetimes(
        Duration::from_secs(3),
        Duration::from_secs(1),
        Duration::from_secs(60),
    );
    let pending = client.start_sign_in().await.unwrap();
    let started = Instant::now();
    let expired = client
        .wait_for_token(&pending, &CancellationToken::new(), |_| {})
        .await;
    assert!(matches!(expired, Err(FlowError::Expired)), "{expired:?}");
    assert!(started.elapsed() < Duration::from_millis(3500));
    // The client gives up a little before the server (its clock started later, it keeps a
    // margin); once the server's own lifetime has passed, approving the code is refused.
    tokio::time::sleep_until((started + Duration::from_secs(3)).into()).await;
    assert!(!platform.decide(&pending.authorization.user_code, Decision::Approved));

    let stranger = client_with(raw_settings(&platform).with(Key::ClientId, "not-registered"));
    let refused = stranger.start_sign_in().await;
    assert!(
        matches!(refused, Err(FlowError::InvalidClient)),
        "{refused:?}"
    );
}

#[tokio::test]
async fn cancel_stops_polling_at_once() {
    let platform = platform(fast_options()).await;
    let client = client(&platform);
    let pending = client.start_sign_in().await.unwrap();
    let cancel = CancellationToken::new();
    let c = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        c.cancel();
    });
    let started = Instant::now();
    let r = client.wait_for_token(&pending, &cancel, |_| {}).await;
    assert!(matches!(r, Err(FlowError::Cancelled)), "{r:?}");
    assert!(started.elapsed() < Duration::from_millis(1700));
}

/// Each fault once on the token endpoint: the sign-in still completes.
#[tokio::test]
async fn polling_survives_every_fault() {
    let platform = platform(fast_options()).await;
    let client = client(&platform);
    let faults = [
        (Fault::ServerError, RetryReason::ServerError),
        (Fault::TooManyRequests, RetryReason::ServerError),
        (
            Fault::Slow(Duration::from_millis(1500)),
            RetryReason::Unreachable,
        ),
        (Fault::Drop, RetryReason::Unreachable),
        (Fault::NotJson, RetryReason::Unexpected),
        (Fault::Huge, RetryReason::Unexpected),
    ];
    let mut tasks = Vec::new();
    for (fault, kind) in faults {
        let pending = client.start_sign_in().await.unwrap();
        assert!(platform.decide(&pending.authorization.user_code, Decision::Approved));
        tasks.push((fault, kind, pending));
    }
    for (fault, kind, pending) in tasks {
        platform.faults().inject(Target::Token, fault, 1);
        let progress = Progress::default();
        let token = client
            .wait_for_token(&pending, &CancellationToken::new(), progress.sink())
            .await;
        assert!(token.is_ok(), "{fault:?}: {token:?}");
        assert!(
            progress.all().iter().any(
                |p| matches!(p, PollProgress::Retrying { reason, attempt: 1, .. } if *reason == kind)
            ),
            "{fault:?}: {:?}",
            progress.all()
        );
    }
}

#[tokio::test]
async fn an_error_in_a_200_is_still_an_error() {
    let platform = platform(fast_options()).await;
    let client = client(&platform);
    let pending = client.start_sign_in().await.unwrap();
    platform
        .faults()
        .inject(Target::Token, Fault::ErrorIn200, 2);
    let cancel = CancellationToken::new();
    let c = cancel.clone();
    let progress = Progress::default();
    let mut sink = progress.sink();
    let mut reports = 0;
    let r = client
        .wait_for_token(&pending, &cancel, move |p| {
            sink(p);
            reports += 1;
            if reports == 2 {
                c.cancel();
            }
        })
        .await;
    // The first answer (pending, sent as 200) was read as pending, not as a broken token.
    assert!(matches!(r, Err(FlowError::Cancelled)));
    assert!(
        matches!(progress.all()[1], PollProgress::Waiting { .. }),
        "{:?}",
        progress.all()
    );
    platform.faults().clear();

    let pending = client.start_sign_in().await.unwrap();
    assert!(platform.decide(&pending.authorization.user_code, Decision::Denied));
    platform
        .faults()
        .inject(Target::Token, Fault::ErrorIn200, 1);
    let r = client
        .wait_for_token(&pending, &CancellationToken::new(), |_| {})
        .await;
    assert!(matches!(r, Err(FlowError::Denied)), "{r:?}");
}

#[tokio::test]
async fn device_authorization_failures_are_typed() {
    let platform = platform(fast_options()).await;
    let client = client(&platform);
    type Check = fn(&FlowError) -> bool;
    let cases: [(Fault, Check); 5] = [
        (Fault::ServerError, |e| {
            matches!(e, FlowError::ServerError(500))
        }),
        (Fault::TooManyRequests, |e| {
            matches!(e, FlowError::ServerError(429))
        }),
        (Fault::Drop, |e| matches!(e, FlowError::Unreachable(_))),
        (Fault::NotJson, |e| matches!(e, FlowError::Unexpected(_))),
        (Fault::Huge, |e| matches!(e, FlowError::Unexpected(_))),
    ];
    for (fault, expected) in cases {
        platform
            .faults()
            .inject(Target::DeviceAuthorization, fault, 1);
        let e = client.start_sign_in().await.unwrap_err();
        assert!(expected(&e), "{fault:?}: {e:?}");
        assert!(e.is_transient());
    }
    // And the next attempt works.
    client.start_sign_in().await.unwrap();
}

#[tokio::test]
async fn nothing_listening_is_unreachable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = client_with(
        passerelle_core::settings::RawSettings::default()
            .with(Key::AuthUrl, url)
            .with(Key::ClientId, "x"),
    );
    let e = client.start_sign_in().await.unwrap_err();
    assert!(matches!(e, FlowError::Unreachable(_)), "{e:?}");
}

#[tokio::test]
async fn the_api_may_be_on_another_host() {
    let platform = platform(DemoOptions {
        separate_api: true,
        ..fast_options()
    })
    .await;
    assert_ne!(platform.auth_url(), platform.api_url());
    let client = client(&platform);
    let token = approved_token(&client, &platform).await;
    let profile = client.fetch_profile(&token.access_token).await.unwrap();
    assert_eq!(profile.first_name.as_deref(), Some("Camille"));

    // Without the API address the profile is looked for on the wrong host.
    let mut without_api = raw_settings(&platform);
    without_api.remove(Key::ApiUrl);
    let confused = client_with(without_api);
    let e = confused
        .fetch_profile(&token.access_token)
        .await
        .unwrap_err();
    assert!(matches!(e, FlowError::Unexpected(_)), "{e:?}");
}

#[tokio::test]
async fn endpoints_come_from_server_metadata() {
    let platform = platform(DemoOptions {
        discovery: true,
        ..fast_options()
    })
    .await;
    let client = client(&platform);
    let endpoints = client.endpoints().await.unwrap();
    assert!(endpoints.token.path().starts_with("/o2/"), "{endpoints:?}");
    let token = approved_token(&client, &platform).await;
    assert!(client
        .revoke(token.refresh_token.as_ref().unwrap())
        .await
        .unwrap());
    assert!(!platform.access_token_is_valid(token.access_token.expose()));

    // A setting given explicitly wins over the metadata.
    let explicit = client_with(raw_settings(&platform).with(
        Key::TokenEndpoint,
        format!("{}/custom/token", platform.auth_url()),
    ));
    assert_eq!(
        explicit.endpoints().await.unwrap().token.path(),
        "/custom/token"
    );
}

#[tokio::test]
async fn openid_connect_userinfo_shape() {
    let platform = platform(fast_options()).await;
    let client = client_with(raw_settings(&platform).with(
        Key::ProfileEndpoint,
        format!("{}/oauth/userinfo", platform.api_url()),
    ));
    let token = approved_token(&client, &platform).await;
    let profile = client.fetch_profile(&token.access_token).await.unwrap();
    assert_eq!(profile.id, "5");
    assert_eq!(profile.display_name, "Camille Martin");
    assert_eq!(profile.member_since, None);
}

#[tokio::test]
async fn refresh_rotates_revoke_ends_and_401_is_its_own_outcome() {
    let platform = platform(fast_options()).await;
    let client = client(&platform);
    let e = client
        .fetch_profile(&AccessToken::new("bogus"))
        .await
        .unwrap_err();
    assert!(matches!(e, FlowError::SessionInvalid), "{e:?}");

    let first = approved_token(&client, &platform).await;
    let first_refresh = first.refresh_token.clone().unwrap();
    let second = client.refresh(&first_refresh).await.unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);
    assert!(!platform.access_token_is_valid(first.access_token.expose()));
    let reused = client.refresh(&first_refresh).await.unwrap_err();
    assert!(matches!(reused, FlowError::InvalidGrant), "{reused:?}");

    assert!(client
        .revoke(second.refresh_token.as_ref().unwrap())
        .await
        .unwrap());
    let e = client
        .fetch_profile(&second.access_token)
        .await
        .unwrap_err();
    assert!(matches!(e, FlowError::SessionInvalid), "{e:?}");
}
