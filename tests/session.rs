//! Staying signed in, through the app against the demo platform: restore at start, refresh
//! with rotation, 401 then refresh, the end of a session, passing failures, sign-out, and
//! what a cancel or a change of settings must undo.

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::*;
use demo_platform::{Decision, DemoOptions, DemoPlatform, Fault, Hostile, Target, Trap};
use passerelle::app::view::View;
use passerelle::app::words::Kind;
use passerelle::core::flow::{AccessToken, DeviceFlowClient};
use passerelle::core::session::fake::FakeKeychain;
use passerelle::core::session::{Binding, Patience, SavedSession};
use passerelle::core::settings::{Key, Settings};
use tokio_util::sync::CancellationToken;

/// Signs in with the core alone, as an earlier run of the app did.
async fn earlier_session(platform: &DemoPlatform) -> SavedSession {
    let client = DeviceFlowClient::new(Settings::check(&raw_settings(platform)).unwrap());
    let pending = client.start_sign_in().await.unwrap();
    assert!(platform.decide(&pending.authorization.user_code, Decision::Approved));
    let token = client
        .wait_for_token(&pending, &CancellationToken::new(), |_| {})
        .await
        .unwrap();
    let binding = Binding::of(&client).await.unwrap();
    SavedSession::from_token(&token, binding, SystemTime::now())
}

fn keychain(session: Option<SavedSession>) -> Arc<FakeKeychain> {
    Arc::new(session.map(FakeKeychain::holding).unwrap_or_default())
}

fn stored(keychain: &FakeKeychain) -> Option<SavedSession> {
    keychain.stored()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stored_session_restores_the_profile_without_a_code() {
    let platform = platform(fast_options()).await;
    let session = earlier_session(&platform).await;
    let issued = platform.issued_secrets().len();
    let store = keychain(Some(session.clone()));
    let h = harness_with(raw_settings(&platform), store.clone());
    let View::SignedIn {
        profile,
        not_remembered,
        ..
    } = h.signed_in().await
    else {
        unreachable!()
    };
    assert_eq!(profile.display_name, "Camille Martin");
    assert_eq!(not_remembered, None);
    // No new code and no new token: the stored access token was still good.
    assert_eq!(platform.issued_secrets().len(), issued);
    assert_eq!(stored(&store), Some(session));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_near_expiry_is_refreshed_and_the_rotated_one_stored_first() {
    let platform = platform(DemoOptions {
        // Shorter than the refresh margin: every restore refreshes first.
        token_lifetime: Duration::from_secs(30),
        ..fast_options()
    })
    .await;
    let old = earlier_session(&platform).await;
    let store = keychain(Some(old.clone()));
    let h = harness_with(raw_settings(&platform), store.clone());
    h.signed_in().await;
    let new = stored(&store).unwrap();
    assert_ne!(
        new.refresh_token, old.refresh_token,
        "the rotated refresh token is stored"
    );
    let (old_access, new_access) = (old.access_token.unwrap(), new.access_token.unwrap());
    assert_ne!(new_access, old_access);
    assert!(!platform.access_token_is_valid(old_access.expose()));
    assert!(platform.access_token_is_valid(new_access.expose()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_401_refreshes_once_and_retries_once() {
    let platform = platform(fast_options()).await;
    let mut session = earlier_session(&platform).await;
    // The access token is dead (say, revoked by the platform), the refresh token is not.
    session.access_token = Some(AccessToken::new("no-longer-valid"));
    let store = keychain(Some(session.clone()));
    let h = harness_with(raw_settings(&platform), store.clone());
    h.signed_in().await;
    let new = stored(&store).unwrap();
    assert_ne!(new.refresh_token, session.refresh_token);
    assert!(platform.access_token_is_valid(new.access_token.unwrap().expose()));
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_grant_ends_the_session() {
    let platform = platform(fast_options()).await;
    let mut session = earlier_session(&platform).await;
    session.access_token = Some(AccessToken::new("dead"));
    session.refresh_token = Some(passerelle::core::flow::RefreshToken::new("also-dead"));
    let store = keychain(Some(session));
    let h = harness_with(raw_settings(&platform), store.clone());
    assert_eq!(h.signed_out().await, Some(Kind::SessionEnded));
    assert_eq!(stored(&store), None, "the stored session is removed");
}

#[tokio::test(flavor = "multi_thread")]
async fn passing_failures_never_delete_a_stored_session() {
    let platform = platform(fast_options()).await;
    let session = earlier_session(&platform).await;

    // The platform is unreachable at start.
    let store = keychain(Some(session.clone()));
    let h = harness_with(
        raw_settings(&platform).with(Key::AuthUrl, nothing_on()),
        store.clone(),
    );
    assert_eq!(h.wait_for_error().await, Kind::Unreachable);
    assert_eq!(stored(&store), Some(session.clone()));
    // No going back to "signed out" while the session is kept: Try again, or sign out.
    h.call("cancel_sign_in").unwrap();
    assert!(matches!(h.view(), View::Error(e) if !e.can_go_back));

    // The API answers 500, then recovers: Try again restores the session.
    platform.faults().inject(Target::Api, Fault::ServerError, 1);
    let h = harness_with(raw_settings(&platform), store.clone());
    assert_eq!(h.wait_for_error().await, Kind::ServerError);
    assert_eq!(stored(&store), Some(session.clone()));
    h.call("retry").unwrap();
    h.signed_in().await;

    // A refresh cut off by the network keeps the old tokens too.
    let mut expired = session.clone();
    expired.expires_at = Some(1);
    let store = keychain(Some(expired.clone()));
    platform.faults().inject(Target::Token, Fault::Drop, 1);
    let h = harness_with(raw_settings(&platform), store.clone());
    assert_eq!(h.wait_for_error().await, Kind::Unreachable);
    assert_eq!(stored(&store), Some(expired));
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_out_removes_the_session_here_first_then_revokes_it() {
    let platform = platform(fast_options()).await;
    let session = earlier_session(&platform).await;
    let store = keychain(Some(session.clone()));
    let h = harness_with(raw_settings(&platform), store.clone());
    h.signed_in().await;
    // A slow revocation: the session is already gone from this computer meanwhile.
    platform
        .faults()
        .inject(Target::Revocation, Fault::Slow(Duration::from_secs(2)), 1);
    let window = h.window.clone();
    let signing_out =
        std::thread::spawn(move || invoke(&window, "sign_out", serde_json::Value::Null));
    h.wait_for("signing out", |v| *v == View::SigningOut).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(stored(&store), None, "removed before the platform answered");
    assert!(platform.access_token_is_valid(session.access_token.as_ref().unwrap().expose()));
    signing_out.join().unwrap().unwrap();
    assert_eq!(h.signed_out().await, Some(Kind::SignedOut));
    assert!(!platform.access_token_is_valid(session.access_token.unwrap().expose()));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_refresh_token_the_access_token_is_revoked() {
    let platform = platform(fast_options()).await;
    let mut session = earlier_session(&platform).await;
    session.refresh_token = None;
    let h = harness_with(raw_settings(&platform), keychain(Some(session.clone())));
    h.signed_in().await;
    h.call("sign_out").unwrap();
    assert_eq!(h.signed_out().await, Some(Kind::SignedOut));
    assert!(!platform.access_token_is_valid(session.access_token.unwrap().expose()));
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_out_says_what_could_not_be_done() {
    let platform = platform(fast_options()).await;
    let session = earlier_session(&platform).await;
    let store = keychain(Some(session.clone()));
    let h = harness_with(raw_settings(&platform), store.clone());
    h.signed_in().await;
    platform
        .faults()
        .inject(Target::Revocation, Fault::ServerError, 1);
    h.call("sign_out").unwrap();
    assert_eq!(h.signed_out().await, Some(Kind::RevocationFailed));
    assert_eq!(stored(&store), None);

    // A keychain that will not let go of the session is not called "signed out".
    let refusing = keychain(Some(earlier_session(&platform).await));
    let h = harness_with(raw_settings(&platform), refusing.clone());
    h.signed_in().await;
    refusing.refuse_deletes(true);
    h.call("sign_out").unwrap();
    assert_eq!(h.signed_out().await, Some(Kind::KeychainNotCleared));
}

/// Tokens that arrive after a cancel are revoked, never kept.
#[tokio::test(flavor = "multi_thread")]
async fn a_token_that_arrives_after_cancel_is_revoked() {
    let platform = platform(fast_options()).await;
    let store = keychain(None);
    let h = harness_with(raw_settings(&platform), store.clone());
    h.signed_out().await;
    h.call("start_sign_in").unwrap();
    let code = h.wait_for_code().await;
    let device_code = platform.issued_secrets()[0].clone();
    assert!(platform.decide(&code, Decision::Approved));
    // The next poll takes two seconds to be answered: cancel while it is on its way.
    platform
        .faults()
        .inject(Target::Token, Fault::Slow(Duration::from_secs(2)), 1);
    while platform.poll_log(&device_code).polls.is_empty() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    h.call("cancel_sign_in").unwrap();
    assert_eq!(h.view(), View::SignedOut { notice: None });
    // The answer carried a token: it is revoked, and nothing is kept.
    for _ in 0..100 {
        if platform.issued_secrets().len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let access = platform.issued_secrets()[1].clone();
    for _ in 0..100 {
        if !platform.access_token_is_valid(&access) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!platform.access_token_is_valid(&access), "revoked");
    assert_eq!(stored(&store), None, "never kept");
    assert_eq!(h.view(), View::SignedOut { notice: None });
}

/// Cancelled after approval, while the profile is slow to come: "signing out" until the
/// kept session is gone, then "signed out".
#[tokio::test(flavor = "multi_thread")]
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
    h.wait_for(
        "approved",
        |v| matches!(v, View::CodeShown(c) if c.status == passerelle::app::view::Status::Approved),
    )
    .await;
    for _ in 0..100 {
        if stored(&store).is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(stored(&store).is_some(), "kept once approved");
    h.call("cancel_sign_in").unwrap();
    assert_eq!(
        h.view(),
        View::SigningOut,
        "not signed out while the session is kept"
    );
    assert_eq!(h.signed_out().await, None);
    assert_eq!(stored(&store), None);
    assert!(!platform.access_token_is_valid(&platform.issued_secrets()[1]));
}

/// A stored session is used only where its tokens were issued for.
#[tokio::test(flavor = "multi_thread")]
async fn tokens_are_not_sent_where_they_were_not_issued_for() {
    let platform = platform(fast_options()).await;
    let session = earlier_session(&platform).await;
    let trap = Trap::start().await;
    let store = keychain(Some(session));
    // The settings now send the API elsewhere (an edited settings file, say).
    let h = harness_with(
        raw_settings(&platform).with(Key::ApiUrl, &trap.url),
        store.clone(),
    );
    assert_eq!(h.signed_out().await, Some(Kind::SettingsChanged));
    assert_eq!(trap.hits(), 0, "no token was sent to the new API");
    assert_eq!(
        stored(&store),
        None,
        "the session is not kept for these settings"
    );
}

/// A keychain that asks the learner to unlock it is waited for, with a way out.
#[tokio::test(flavor = "multi_thread")]
async fn a_locked_keychain_is_waited_for() {
    let platform = platform(fast_options()).await;
    let session = earlier_session(&platform).await;
    let slow = Arc::new(FakeKeychain::holding(session).slow(Duration::from_millis(1500)));
    let timeouts = Patience {
        slow: Duration::from_millis(200),
        give_up: Duration::from_secs(60),
    };
    let h = start(Setup {
        keychain: slow.clone(),
        timeouts,
        ..Setup::new(raw_settings(&platform))
    });
    h.wait_for("waiting for the keychain", |v| {
        *v == View::WaitingForKeychain
    })
    .await;
    // Unlocked: the session in it is used, and still remembered.
    let View::SignedIn { not_remembered, .. } = h.signed_in().await else {
        unreachable!()
    };
    assert_eq!(not_remembered, None);

    // The way out: go on without it.
    let h = start(Setup {
        keychain: Arc::new(FakeKeychain::default().slow(Duration::from_secs(30))),
        timeouts,
        ..Setup::new(raw_settings(&platform))
    });
    h.wait_for("waiting for the keychain", |v| {
        *v == View::WaitingForKeychain
    })
    .await;
    h.call("skip_keychain").unwrap();
    assert_eq!(h.signed_out().await, Some(Kind::KeychainUnread));
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    let View::SignedIn { not_remembered, .. } = h.signed_in().await else {
        unreachable!()
    };
    assert_eq!(not_remembered, Some(Kind::NoKeychain));
}
