//! The app's commands through Tauri's mock runtime, against the demo platform.

mod common;

use std::time::Duration;

use common::harness::*;
use common::*;
use demo_platform::{Decision, DemoPlatform};
use passerelle::app::view::View;
use passerelle::flow::RawSettings;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_open_copy_and_sign_out() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.wait_for("the sign-in view", |v| {
        *v == View::SignedOut { notice: None }
    })
    .await;

    h.invoke("start_sign_in", Value::Null).unwrap();
    // A second start while one runs does not start a second poller.
    h.invoke("start_sign_in", Value::Null).unwrap();
    let code = h.wait_for_code().await;

    h.invoke("copy_user_code", Value::Null).unwrap();
    h.invoke("open_verification_page", Value::Null).unwrap();
    assert_eq!(
        *h.desktop.copied.lock().unwrap(),
        vec![code.clone(), code.clone()]
    );
    let opened = h.desktop.opened.lock().unwrap().clone();
    assert_eq!(
        opened,
        vec![format!(
            "{}/oauth/device?user_code={code}",
            platform.auth_url()
        )]
    );

    platform.decide(&code, Decision::Approved);
    let view = h
        .wait_for("the profile", |v| matches!(v, View::SignedIn { .. }))
        .await;
    let View::SignedIn { profile, .. } = view else {
        unreachable!()
    };
    assert_eq!(profile.display_name, "Camille Martin");
    assert_eq!(profile.initials, "CM");

    // One code only was asked for, despite the double start.
    let pushed = h.pushed.lock().unwrap().clone();
    let codes: std::collections::HashSet<String> = pushed
        .iter()
        .filter_map(|json| serde_json::from_str::<Value>(json).ok())
        .filter_map(|v| v["user_code"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(codes.len(), 1, "{pushed:?}");

    h.invoke("sign_out", Value::Null).unwrap();
    assert_eq!(
        h.view(),
        View::SignedOut {
            notice: Some("signed_out")
        }
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_secret_reaches_the_window() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    h.wait_for("the profile", |v| matches!(v, View::SignedIn { .. }))
        .await;
    let everything = h.pushed.lock().unwrap().join("\n");
    let secrets = platform.issued_secrets();
    assert_eq!(
        secrets.len(),
        3,
        "a device code, an access token and a refresh token"
    );
    for secret in secrets {
        assert!(
            !everything.contains(&secret),
            "a secret was pushed to the window"
        );
    }
    assert!(!everything.contains("access_token") && !everything.contains("device_code"));
}

/// The window repaints only when what it shows changes: a pending poll sends nothing.
#[tokio::test(flavor = "multi_thread")]
async fn polls_that_change_nothing_send_nothing() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.invoke("start_sign_in", Value::Null).unwrap();
    h.wait_for_code().await;
    let sent = h.pushed.lock().unwrap().len();
    // Three polls at the demo's one-second interval, each answered authorization_pending.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let pushed = h.pushed.lock().unwrap().clone();
    assert_eq!(pushed.len(), sent, "sent again: {:?}", &pushed[sent..]);
    assert!(pushed.windows(2).all(|w| w[0] != w[1]), "{pushed:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_and_new_code() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.invoke("start_sign_in", Value::Null).unwrap();
    let first = h.wait_for_code().await;
    h.invoke("new_code", Value::Null).unwrap();
    let second = h
        .wait_for(
            "a new code",
            |v| matches!(v, View::CodeShown(c) if c.user_code != first),
        )
        .await;
    assert!(matches!(second, View::CodeShown(_)));
    h.invoke("cancel_sign_in", Value::Null).unwrap();
    assert_eq!(h.view(), View::SignedOut { notice: None });
    let e = h.invoke("open_verification_page", Value::Null).unwrap_err();
    assert_eq!(e["kind"], "no_sign_in");
    // The cancelled poller never comes back to change the view.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(h.view(), View::SignedOut { notice: None });
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_become_views_with_a_kind() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.sign_in_and_decide(&platform, Decision::Denied).await;
    let view = h
        .wait_for("an error", |v| matches!(v, View::Error { .. }))
        .await;
    assert!(
        matches!(view, View::Error { kind: "denied", .. }),
        "{view:?}"
    );
    h.invoke("back", Value::Null).unwrap();
    assert_eq!(h.view(), View::SignedOut { notice: None });

    let down = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let h = harness(RawSettings {
        auth_url: Some(down),
        client_id: Some("x".into()),
        ..RawSettings::default()
    });
    h.invoke("start_sign_in", Value::Null).unwrap();
    assert_eq!(h.wait_for_error().await, "unreachable");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_foreign_verification_page_is_not_opened() {
    let platform: DemoPlatform = platform(fast_options()).await;
    // The app talks to the platform as `localhost`; the platform names itself 127.0.0.1.
    let h = harness(RawSettings {
        auth_url: Some(platform.auth_url().replace("127.0.0.1", "localhost")),
        ..raw_settings(&platform)
    });
    h.invoke("start_sign_in", Value::Null).unwrap();
    let view = h
        .wait_for("a code", |v| matches!(v, View::CodeShown(_)))
        .await;
    assert!(matches!(view, View::CodeShown(ref c) if !c.can_open));
    let e = h.invoke("open_verification_page", Value::Null).unwrap_err();
    assert_eq!(e["kind"], "unsafe_url");
    assert!(h.desktop.opened.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn first_start_asks_for_the_platform() {
    let h = harness(RawSettings::default());
    assert!(matches!(h.view(), View::Setup { .. }));
    let e = h.invoke("start_sign_in", Value::Null).unwrap_err();
    assert_eq!(e["kind"], "not_configured");
    let e = h
        .invoke(
            "save_setup",
            serde_json::json!({"authUrl": "http://platform.example", "clientId": "c"}),
        )
        .unwrap_err();
    assert_eq!(e["kind"], "invalid_auth_url");
    let e = h
        .invoke(
            "save_setup",
            serde_json::json!({"authUrl": "https://platform.example", "clientId": " "}),
        )
        .unwrap_err();
    assert_eq!(e["kind"], "invalid_client_id");
    h.invoke(
        "save_setup",
        serde_json::json!({"authUrl": "https://platform.example", "clientId": "c"}),
    )
    .unwrap();
    h.wait_for("the sign-in view", |v| {
        *v == View::SignedOut { notice: None }
    })
    .await;
    let saved = std::fs::read_to_string(h.config.path().join("config.toml")).unwrap();
    assert!(
        saved.contains("auth_url = \"https://platform.example\""),
        "{saved}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_platform_signs_out_of_the_old_one() {
    let old = platform(fast_options()).await;
    let new = platform(fast_options()).await;
    let h = harness(raw_settings(&old));
    h.sign_in_and_decide(&old, Decision::Approved).await;
    h.wait_for("the profile", |v| matches!(v, View::SignedIn { .. }))
        .await;
    let access = old.issued_secrets()[1].clone();
    assert!(old.access_token_is_valid(&access));

    h.invoke("open_settings", Value::Null).unwrap();
    assert!(matches!(
        h.view(),
        View::Setup {
            can_cancel: true,
            ..
        }
    ));
    h.invoke("close_overlay", Value::Null).unwrap();
    assert!(matches!(h.view(), View::SignedIn { .. }));

    h.invoke("open_settings", Value::Null).unwrap();
    h.invoke(
        "save_setup",
        serde_json::json!({"authUrl": new.auth_url(), "clientId": demo_platform::DEMO_CLIENT_ID}),
    )
    .unwrap();
    h.wait_for("the new platform's sign-in", |v| {
        *v == View::SignedOut { notice: None }
    })
    .await;
    assert!(
        !old.access_token_is_valid(&access),
        "the old session is revoked"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn support_details_and_about_hold_no_secret() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.sign_in_and_decide(&platform, Decision::Denied).await;
    h.wait_for("an error", |v| matches!(v, View::Error { .. }))
        .await;
    h.invoke("copy_support_details", Value::Null).unwrap();
    let details = h.desktop.copied.lock().unwrap().last().cloned().unwrap();
    for expected in [
        concat!("Passerelle ", env!("CARGO_PKG_VERSION")),
        "Error: denied",
        platform.auth_url(),
        "OS: linux",
        "Time: 20",
    ] {
        assert!(
            details.contains(expected),
            "{expected:?} missing from {details}"
        );
    }
    for secret in platform.issued_secrets() {
        assert!(!details.contains(&secret));
    }
    h.invoke("open_about", Value::Null).unwrap();
    assert!(matches!(
        h.view(),
        View::About { version, license: "MIT", .. } if version == env!("CARGO_PKG_VERSION")
    ));
    h.invoke("close_overlay", Value::Null).unwrap();
    assert!(matches!(h.view(), View::Error { kind: "denied", .. }));
}
