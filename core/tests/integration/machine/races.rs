//! The races a sign-in must win: a cancel while a poll is on its way, a cancel after the
//! approval, a change of platform in the middle, and tasks that must end with what they
//! serve.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use demo_platform::{Decision, DemoOptions, Fault, Hostile, Target, DEMO_CLIENT_ID};
use passerelle_core::machine::view::Screen;
use passerelle_core::session::fake::FakeKeychain;
use passerelle_core::session::{Patience, SessionKeeper};
use passerelle_core::settings::{RawSettings, Settings};

use super::harness::*;

/// Tokens that arrive after a cancel are revoked, never kept.
#[tokio::test(start_paused = true)]
async fn a_token_that_arrives_after_cancel_is_revoked() {
    let platform = platform(fast_options()).await;
    let store = keychain(None);
    let h = harness_with(raw_settings(&platform), store.clone());
    h.signed_out().await;
    h.machine.start_sign_in().unwrap();
    let code = h.code().await;
    let device_code = platform.issued_secrets()[0].clone();
    assert!(platform.decide(&code, Decision::Approved));
    // The next poll takes two seconds to be answered: cancel while it is on its way.
    platform
        .faults()
        .inject(Target::Token, Fault::Slow(Duration::from_secs(2)), 1);
    while platform.poll_log(&device_code).polls.is_empty() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    h.machine.cancel_sign_in();
    assert_eq!(h.screen(), Screen::SignedOut { notice: None });
    // The answer carried a token: it is revoked, and nothing is kept.
    tokio::time::sleep(Duration::from_secs(10)).await;
    let secrets = platform.issued_secrets();
    assert_eq!(secrets.len(), 3, "the poll on its way brought the tokens");
    assert!(!platform.access_token_is_valid(&secrets[1]), "revoked");
    assert_eq!(store.stored(), None, "never kept");
    assert_eq!(h.screen(), Screen::SignedOut { notice: None });
}

/// Cancelled after approval, while the profile is slow to come: "signing out" until the
/// kept session is gone, then "signed out".
#[tokio::test(start_paused = true)]
async fn a_cancel_after_approval_undoes_the_sign_in() {
    let platform = platform(DemoOptions {
        hostile: Hostile {
            profile_delay: Some(Duration::from_secs(3)),
            ..Hostile::default()
        },
        ..fast_options()
    })
    .await;
    let store = keychain(None);
    let h = harness_with(raw_settings(&platform), store.clone());
    h.signed_out().await;
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    h.approved().await;
    while store.stored().is_none() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    h.machine.cancel_sign_in();
    assert_eq!(
        h.screen(),
        Screen::SigningOut,
        "not signed out while the session is kept"
    );
    assert_eq!(h.signed_out().await, None);
    assert_eq!(store.stored(), None);
    assert!(!platform.access_token_is_valid(&platform.issued_secrets()[1]));
}

/// Another platform chosen while a code is shown: the old sign-in stops polling at once,
/// and the new platform is the one in use.
#[tokio::test(start_paused = true)]
async fn a_change_of_platform_in_the_middle_of_a_sign_in() {
    let old = platform(fast_options()).await;
    let new = platform(fast_options()).await;
    let h = start(Setup {
        file: Some(raw_settings(&old).to_toml()),
        ..Setup::new(RawSettings::default())
    });
    h.signed_out().await;
    h.machine.start_sign_in().unwrap();
    let code = h.code().await;
    let device_code = old.issued_secrets()[0].clone();
    // Settings cannot cover a sign-in under way; Cancel, then Settings, is the way.
    h.machine.open_settings();
    assert!(matches!(h.screen(), Screen::CodeShown(_)));
    h.machine.cancel_sign_in();
    h.machine.open_settings();
    let polls = old.poll_log(&device_code).polls.len();
    h.machine
        .save_setup(new.auth_url().into(), DEMO_CLIENT_ID.into())
        .await
        .unwrap();
    h.signed_out().await;
    // Approved late on the old platform: nobody polls for it any more.
    assert!(old.decide(&code, Decision::Approved));
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(old.poll_log(&device_code).polls.len(), polls);
    h.sign_in_and_decide(&new, Decision::Approved).await;
    h.signed_in().await;
    assert_eq!(
        old.issued_secrets().len(),
        1,
        "no token on the old platform"
    );
}

/// Every task tied to a platform ends when the platform is replaced: after several
/// changes, only the platform in use is still held by anything.
#[tokio::test(start_paused = true)]
async fn no_task_outlives_the_platform_it_serves() {
    let platforms = [
        platform(fast_options()).await,
        platform(fast_options()).await,
        platform(fast_options()).await,
    ];
    let made: Arc<Mutex<Vec<Weak<FakeKeychain>>>> = Arc::default();
    let record = made.clone();
    let keepers = Arc::new(move |_: &Settings| {
        let keychain = Arc::new(FakeKeychain::default());
        record.lock().unwrap().push(Arc::downgrade(&keychain));
        SessionKeeper::new(Some(keychain), true, Patience::default())
    });
    let h = start(Setup {
        file: Some(raw_settings(&platforms[0]).to_toml()),
        keepers: Some(keepers),
        ..Setup::new(RawSettings::default())
    });
    h.signed_out().await;
    for round in 0..6 {
        let platform = &platforms[(round + 1) % 3];
        // Signed in, with a sign-in and a restore behind it, then moved elsewhere.
        h.sign_in_and_decide(&platforms[round % 3], Decision::Approved)
            .await;
        h.signed_in().await;
        h.machine.open_settings();
        h.machine
            .save_setup(platform.auth_url().into(), DEMO_CLIENT_ID.into())
            .await
            .unwrap();
        h.signed_out().await;
    }
    tokio::time::sleep(Duration::from_secs(60)).await;
    let made = made.lock().unwrap();
    assert_eq!(made.len(), 7, "one keeper per platform in turn");
    let alive = made.iter().filter(|k| k.upgrade().is_some()).count();
    assert_eq!(alive, 1, "only the platform in use is held");
}
