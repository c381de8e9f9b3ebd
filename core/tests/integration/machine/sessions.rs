//! Staying signed in: restore at start, refresh with rotation, 401 then refresh, the end of
//! a session, passing failures, sign-out, and a keychain that keeps the learner waiting.

use std::sync::Arc;
use std::time::Duration;

use demo_platform::{DemoOptions, Fault, Target, Trap};
use passerelle_core::flow::{AccessToken, RefreshToken};
use passerelle_core::machine::view::{Action, Screen};
use passerelle_core::machine::Message;
use passerelle_core::session::fake::FakeKeychain;
use passerelle_core::session::{NotRemembered, Patience};
use passerelle_core::settings::Key;

use super::harness::*;

#[tokio::test(start_paused = true)]
async fn a_stored_session_restores_the_profile_without_a_code() {
    let platform = platform(fast_options()).await;
    let session = earlier_session(&platform).await;
    let issued = platform.issued_secrets().len();
    let store = keychain(Some(session.clone()));
    let h = harness_with(raw_settings(&platform), store.clone());
    let Screen::SignedIn {
        profile,
        not_remembered,
        ..
    } = h.signed_in().await
    else {
        unreachable!()
    };
    assert_eq!(profile.display_name, "Camille Martin");
    assert_eq!(not_remembered, None);
    // No new code and no new token: the stored access token was still good; the profile
    // is kept with it, for when the platform cannot be reached.
    assert_eq!(platform.issued_secrets().len(), issued);
    while store.stored().and_then(|s| s.profile).is_none() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let kept = store.stored().unwrap();
    assert!(kept.is_same(&session));
    assert_eq!(kept.profile.unwrap().profile.display_name, "Camille Martin");
}

#[tokio::test(start_paused = true)]
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
    let new = store.stored().unwrap();
    assert_ne!(
        new.refresh_token, old.refresh_token,
        "the rotated refresh token is stored"
    );
    let (old_access, new_access) = (old.access_token.unwrap(), new.access_token.unwrap());
    assert_ne!(new_access, old_access);
    assert!(!platform.access_token_is_valid(old_access.expose()));
    assert!(platform.access_token_is_valid(new_access.expose()));
}

#[tokio::test(start_paused = true)]
async fn a_401_refreshes_once_and_retries_once() {
    let platform = platform(fast_options()).await;
    let mut session = earlier_session(&platform).await;
    // The access token is dead (say, revoked by the platform), the refresh token is not.
    session.access_token = Some(AccessToken::new("no-longer-valid"));
    let store = keychain(Some(session.clone()));
    let h = harness_with(raw_settings(&platform), store.clone());
    h.signed_in().await;
    let new = store.stored().unwrap();
    assert_ne!(new.refresh_token, session.refresh_token);
    assert!(platform.access_token_is_valid(new.access_token.unwrap().expose()));
}

#[tokio::test(start_paused = true)]
async fn invalid_grant_ends_the_session() {
    let platform = platform(fast_options()).await;
    let mut session = earlier_session(&platform).await;
    session.access_token = Some(AccessToken::new("dead"));
    session.refresh_token = Some(RefreshToken::new("also-dead"));
    let store = keychain(Some(session));
    let h = harness_with(raw_settings(&platform), store.clone());
    assert_eq!(h.signed_out().await, Some(Message::SessionEnded));
    assert_eq!(store.stored(), None, "the stored session is removed");
}

#[tokio::test(start_paused = true)]
async fn passing_failures_never_delete_a_stored_session() {
    let platform = platform(fast_options()).await;
    let session = earlier_session(&platform).await;

    // The platform is unreachable at start.
    let store = keychain(Some(session.clone()));
    let h = harness_with(
        raw_settings(&platform).with(Key::AuthUrl, nothing_on()),
        store.clone(),
    );
    assert_eq!(h.error().await, Message::Unreachable);
    assert_eq!(store.stored(), Some(session.clone()));
    // No going back to "signed out" while the session is kept: Try again, or sign out.
    assert_eq!(
        h.machine.view().actions,
        vec![Action::Retry, Action::SignOut, Action::CopySupportDetails]
    );
    h.machine.cancel_sign_in();
    assert!(matches!(h.screen(), Screen::Error(_)));

    // The API answers 500, then recovers: Try again restores the session.
    platform.faults().inject(Target::Api, Fault::ServerError, 1);
    let h = harness_with(raw_settings(&platform), store.clone());
    assert_eq!(h.error().await, Message::ServerError);
    assert_eq!(store.stored(), Some(session.clone()));
    h.machine.retry().unwrap();
    h.signed_in().await;

    // A refresh cut off by the network keeps the old tokens too.
    let mut expired = session.clone();
    expired.expires_at = Some(1);
    let store = keychain(Some(expired.clone()));
    platform.faults().inject(Target::Token, Fault::Drop, 1);
    let h = harness_with(raw_settings(&platform), store.clone());
    assert_eq!(h.error().await, Message::Unreachable);
    assert_eq!(store.stored(), Some(expired));
}

#[tokio::test(start_paused = true)]
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
    let machine = h.machine.clone();
    let signing_out = tokio::spawn(async move { machine.sign_out().await });
    h.until("signing out", |v| v.screen == Screen::SigningOut)
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(store.stored(), None, "removed before the platform answered");
    let access = session.access_token.as_ref().unwrap().expose();
    assert!(platform.access_token_is_valid(access));
    signing_out.await.unwrap().unwrap();
    assert_eq!(h.signed_out().await, Some(Message::SignedOut));
    assert!(!platform.access_token_is_valid(access));
}

#[tokio::test(start_paused = true)]
async fn without_a_refresh_token_the_access_token_is_revoked() {
    let platform = platform(fast_options()).await;
    let mut session = earlier_session(&platform).await;
    session.refresh_token = None;
    let h = harness_with(raw_settings(&platform), keychain(Some(session.clone())));
    h.signed_in().await;
    h.machine.sign_out().await.unwrap();
    assert_eq!(h.signed_out().await, Some(Message::SignedOut));
    assert!(!platform.access_token_is_valid(session.access_token.unwrap().expose()));
}

#[tokio::test(start_paused = true)]
async fn sign_out_says_what_could_not_be_done() {
    let platform = platform(fast_options()).await;
    let session = earlier_session(&platform).await;
    let store = keychain(Some(session.clone()));
    let h = harness_with(raw_settings(&platform), store.clone());
    h.signed_in().await;
    platform
        .faults()
        .inject(Target::Revocation, Fault::ServerError, 1);
    h.machine.sign_out().await.unwrap();
    assert_eq!(h.signed_out().await, Some(Message::RevocationFailed));
    assert_eq!(store.stored(), None);

    // A keychain that will not let go of the session is not called "signed out".
    let refusing = keychain(Some(earlier_session(&platform).await));
    let h = harness_with(raw_settings(&platform), refusing.clone());
    h.signed_in().await;
    refusing.refuse_deletes(true);
    h.machine.sign_out().await.unwrap();
    assert_eq!(h.signed_out().await, Some(Message::KeychainNotCleared));
}

/// A stored session is used only where its tokens were issued for.
#[tokio::test(start_paused = true)]
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
    assert_eq!(h.signed_out().await, Some(Message::SettingsChanged));
    assert_eq!(trap.hits(), 0, "no token was sent to the new API");
    assert_eq!(
        store.stored(),
        None,
        "the session is not kept for these settings"
    );
}

/// A keychain that asks the learner to unlock it is waited for, with a way out.
#[tokio::test(start_paused = true)]
async fn a_locked_keychain_is_waited_for() {
    let platform = platform(fast_options()).await;
    let session = earlier_session(&platform).await;
    let locked = Arc::new(FakeKeychain::holding(session));
    locked.hold();
    let h = start(Setup::new(raw_settings(&platform)).with_keychain(locked.clone()));
    // The unlock prompt stays up: after a second, the window says why it waits.
    tokio::time::advance(Patience::default().slow).await;
    h.until("waiting for the keychain", |v| {
        v.screen == Screen::WaitingForKeychain && v.actions == vec![Action::SkipKeychain]
    })
    .await;
    // Unlocked: the session in it is used, and still remembered.
    locked.release();
    let Screen::SignedIn { not_remembered, .. } = h.signed_in().await else {
        unreachable!()
    };
    assert_eq!(not_remembered, None);

    // The way out: go on without it.
    let stuck = Arc::new(FakeKeychain::default());
    stuck.hold();
    let h = start(Setup::new(raw_settings(&platform)).with_keychain(stuck.clone()));
    tokio::time::advance(Patience::default().slow).await;
    h.until("waiting for the keychain", |v| {
        v.screen == Screen::WaitingForKeychain
    })
    .await;
    h.machine.skip_keychain();
    assert_eq!(h.signed_out().await, Some(Message::KeychainUnread));
    h.sign_in_and_decide(&platform, demo_platform::Decision::Approved)
        .await;
    let Screen::SignedIn { not_remembered, .. } = h.signed_in().await else {
        unreachable!()
    };
    assert_eq!(not_remembered, Some(Message::NoKeychain));
    stuck.release();

    // Nobody answers for two minutes: memory takes over, said so.
    let hung = Arc::new(FakeKeychain::default());
    hung.hold();
    let h = start(Setup::new(raw_settings(&platform)).with_keychain(hung.clone()));
    tokio::time::advance(Patience::default().give_up).await;
    assert_eq!(h.signed_out().await, Some(Message::KeychainUnread));
    hung.release();
    let _ = NotRemembered::NoKeychain;
}
