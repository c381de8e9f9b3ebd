//! Signing in: a code, the browser, the profile; cancels, errors and what each view offers.

use std::time::Duration;

use demo_platform::{Decision, DemoOptions, Hostile};
use passerelle_core::machine::view::{Action, Screen};
use passerelle_core::machine::{CommandError, Message};
use passerelle_core::settings::{Key, RawSettings};

use super::harness::*;

#[tokio::test(start_paused = true)]
async fn sign_in_open_copy_and_sign_out() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    assert_eq!(h.signed_out().await, None);

    h.machine.start_sign_in().unwrap();
    // A second start while one runs does not start a second poller.
    h.machine.start_sign_in().unwrap();
    let code = h.code().await;

    h.machine.copy_user_code().unwrap();
    h.machine.open_verification_page().unwrap();
    assert_eq!(
        *h.desktop.copied.lock().unwrap(),
        vec![code.clone(), code.clone()]
    );
    assert_eq!(
        *h.desktop.opened.lock().unwrap(),
        vec![format!(
            "{}/oauth/device?user_code={code}",
            platform.auth_url()
        )]
    );

    assert!(platform.decide(&code, Decision::Approved));
    let Screen::SignedIn { profile, .. } = h.signed_in().await else {
        unreachable!()
    };
    assert_eq!(profile.display_name, "Camille Martin");
    assert_eq!(profile.initials, "CM");

    // One code only was asked for, despite the double start.
    let codes: std::collections::HashSet<String> = h
        .window
        .views()
        .into_iter()
        .filter_map(|v| match v.screen {
            Screen::CodeShown(c) => Some(c.user_code),
            _ => None,
        })
        .collect();
    assert_eq!(codes.len(), 1);

    h.machine.sign_out().await.unwrap();
    assert_eq!(h.signed_out().await, Some(Message::SignedOut));
}

#[tokio::test(start_paused = true)]
async fn nothing_secret_reaches_the_window() {
    let platform = platform(fast_options().with_canary("CANARY")).await;
    let h = harness(raw_settings(&platform));
    h.signed_out().await;
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    h.signed_in().await;
    let everything = serde_json::to_string(&h.window.views()).unwrap();
    let secrets = platform.issued_secrets();
    assert_eq!(
        secrets.len(),
        3,
        "a device code, an access token and a refresh token"
    );
    for secret in secrets {
        assert!(
            !everything.contains(&secret),
            "a secret was shown to the window"
        );
    }
    assert!(!everything.contains("CANARY"));
    assert!(!everything.contains("access_token") && !everything.contains("device_code"));
}

/// The window repaints only when what it shows changes: a pending poll sends nothing.
#[tokio::test(start_paused = true)]
async fn polls_that_change_nothing_send_nothing() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.signed_out().await;
    h.machine.start_sign_in().unwrap();
    h.code().await;
    let device_code = platform.issued_secrets()[0].clone();
    let sent = h.window.views().len();
    // Ten polls and more at the demo's one-second interval, each answered pending.
    tokio::time::sleep(Duration::from_secs(15)).await;
    assert!(platform.poll_log(&device_code).polls.len() >= 10);
    let views = h.window.views();
    assert_eq!(views.len(), sent, "shown again: {:?}", &views[sent..]);
    assert!(views.windows(2).all(|w| w[0] != w[1]));
}

#[tokio::test(start_paused = true)]
async fn cancel_then_a_new_code() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.signed_out().await;
    h.machine.start_sign_in().unwrap();
    let first = h.code().await;
    let device_code = platform.issued_secrets()[0].clone();
    h.machine.cancel_sign_in();
    assert_eq!(h.screen(), Screen::SignedOut { notice: None });
    assert!(matches!(
        h.machine.open_verification_page(),
        Err(CommandError::NoSignIn)
    ));
    // The cancelled poller stops at once and never comes back to change the view.
    let polls = platform.poll_log(&device_code).polls.len();
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(platform.poll_log(&device_code).polls.len(), polls);
    assert_eq!(h.screen(), Screen::SignedOut { notice: None });
    h.machine.start_sign_in().unwrap();
    assert_ne!(h.code().await, first);
}

#[tokio::test(start_paused = true)]
async fn errors_say_what_happened_and_offer_a_way_on() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.signed_out().await;
    h.sign_in_and_decide(&platform, Decision::Denied).await;
    assert_eq!(h.error().await, Message::Denied);
    let view = h.machine.view();
    assert_eq!(
        view.actions,
        vec![
            Action::Retry,
            Action::CancelSignIn,
            Action::CopySupportDetails
        ]
    );
    assert_eq!(view.escape, Some(Action::CancelSignIn));
    h.machine.cancel_sign_in();
    assert_eq!(h.screen(), Screen::SignedOut { notice: None });

    let h = harness(
        RawSettings::default()
            .with(Key::AuthUrl, nothing_on())
            .with(Key::ClientId, "x"),
    );
    h.signed_out().await;
    h.machine.start_sign_in().unwrap();
    assert_eq!(h.error().await, Message::Unreachable);
    h.machine.retry().unwrap();
    assert_eq!(h.error().await, Message::Unreachable);
}

/// Only the platform's own pages are opened or encoded; the code is shown as issued.
#[tokio::test(start_paused = true)]
async fn a_verification_page_elsewhere_is_shown_as_text_only() {
    let platform = platform(DemoOptions {
        hostile: Hostile {
            verification_uri_complete: Some("https://phish.example/device".into()),
            ..Hostile::default()
        },
        ..fast_options()
    })
    .await;
    let h = harness(raw_settings(&platform));
    h.signed_out().await;
    h.machine.start_sign_in().unwrap();
    h.code().await;
    let view = h.machine.view();
    let Screen::CodeShown(shown) = view.screen else {
        unreachable!()
    };
    assert!(!shown.trusted);
    assert_eq!(shown.qr_code, "", "no QR code of a page elsewhere");
    assert_eq!(shown.user_code.len(), 8);
    assert_eq!(
        view.actions,
        vec![Action::CopyUserCode, Action::CancelSignIn],
        "nothing to open"
    );
    assert!(matches!(
        h.machine.open_verification_page(),
        Err(CommandError::UnsafeUrl)
    ));
    assert!(h.desktop.opened.lock().unwrap().is_empty());
}

/// Each view says what it offers: its buttons, the header's tools, and what Escape does.
#[tokio::test(start_paused = true)]
async fn every_view_says_what_it_offers() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.signed_out().await;
    let offers = |h: &Harness| {
        let v = h.machine.view();
        (v.actions, v.tools, v.escape, v.covers)
    };
    let tools = vec![Action::OpenSettings, Action::OpenAbout];
    assert_eq!(
        offers(&h),
        (vec![Action::StartSignIn], tools.clone(), None, false)
    );
    h.machine.open_about();
    assert_eq!(
        offers(&h),
        (
            vec![Action::CloseOverlay],
            vec![],
            Some(Action::CloseOverlay),
            true
        )
    );
    h.machine.close_overlay();
    h.machine.open_settings();
    assert_eq!(
        offers(&h),
        (
            vec![Action::SaveSetup, Action::CloseOverlay],
            vec![],
            Some(Action::CloseOverlay),
            true
        )
    );
    h.machine.close_overlay();
    h.machine.start_sign_in().unwrap();
    let code = h.code().await;
    assert_eq!(
        offers(&h),
        (
            vec![
                Action::OpenVerificationPage,
                Action::CopyUserCode,
                Action::CancelSignIn
            ],
            vec![],
            Some(Action::CancelSignIn),
            false
        )
    );
    // While the code is shown, settings and about stay closed.
    h.machine.open_settings();
    h.machine.open_about();
    assert!(matches!(h.screen(), Screen::CodeShown(_)));
    assert!(platform.decide(&code, Decision::Approved));
    h.signed_in().await;
    assert_eq!(offers(&h), (vec![Action::SignOut], tools, None, false));
}

/// A script looping on Sign in, or on opening the browser, is held to a learner's pace.
#[tokio::test(start_paused = true)]
async fn sign_ins_and_pages_at_a_learner_s_pace() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.signed_out().await;
    for _ in 0..10 {
        h.machine.start_sign_in().unwrap();
        h.code().await;
        h.machine.cancel_sign_in();
    }
    assert!(matches!(
        h.machine.start_sign_in(),
        Err(CommandError::TooFast)
    ));
    assert_eq!(
        platform.issued_secrets().len(),
        10,
        "no eleventh code was asked for"
    );
    tokio::time::sleep(Duration::from_secs(60)).await;
    h.machine.start_sign_in().unwrap();
    h.code().await;
    let opened = (0..30)
        .filter(|_| h.machine.open_verification_page().is_ok())
        .count();
    assert_eq!(opened, 20);
    assert_eq!(h.desktop.opened.lock().unwrap().len(), 20);
}
