//! A laptop off the Wi-Fi: the profile last read is shown while the platform cannot be
//! reached, marked so, and refreshed without a click when it answers again; a session that
//! has ended is told apart from a platform that is away.

use std::time::Duration;

use demo_platform::{Decision, DemoPlatform, Fault, Target};
use passerelle_core::machine::view::{Action, Screen};
use passerelle_core::machine::Message;
use passerelle_core::session::fake::FakeKeychain;

use super::harness::*;

/// Signs in through the machine, so that the session is kept with its profile.
async fn signed_in_before(platform: &DemoPlatform) -> std::sync::Arc<FakeKeychain> {
    let store = keychain(None);
    let h = harness_with(raw_settings(platform), store.clone());
    h.signed_out().await;
    h.sign_in_and_decide(platform, Decision::Approved).await;
    h.signed_in().await;
    while store.stored().and_then(|s| s.profile).is_none() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    store
}

fn offline_since(screen: &Screen) -> Option<u64> {
    match screen {
        Screen::SignedIn {
            offline_since_ms, ..
        } => *offline_since_ms,
        _ => None,
    }
}

#[tokio::test(start_paused = true)]
async fn the_last_profile_is_shown_offline_and_refreshed_when_the_platform_is_back() {
    let platform = platform(fast_options()).await;
    let store = signed_in_before(&platform).await;
    platform.go_down();
    let h = harness_with(raw_settings(&platform), store.clone());
    let view = h
        .until("the profile, offline", |v| {
            offline_since(&v.screen).is_some()
        })
        .await;
    let Screen::SignedIn { profile, .. } = &view.screen else {
        unreachable!()
    };
    assert_eq!(profile.display_name, "Camille Martin");
    assert_eq!(view.actions, vec![Action::Retry, Action::SignOut]);
    assert!(store.stored().is_some(), "the session is kept");

    // Back: the profile is read again without a click, and the mark goes.
    platform.come_back().await.unwrap();
    let back = h
        .until("the profile, online", |v| {
            matches!(v.screen, Screen::SignedIn { .. }) && offline_since(&v.screen).is_none()
        })
        .await;
    assert_eq!(back.actions, vec![Action::SignOut]);
}

/// "Try again" tries at once, rather than at the next try.
#[tokio::test(start_paused = true)]
async fn try_again_tries_at_once() {
    let platform = platform(fast_options()).await;
    let store = signed_in_before(&platform).await;
    platform.go_down();
    let h = harness_with(raw_settings(&platform), store);
    h.until("offline", |v| offline_since(&v.screen).is_some())
        .await;
    // Let the waits grow long.
    tokio::time::sleep(Duration::from_secs(120)).await;
    platform.come_back().await.unwrap();
    let before = tokio::time::Instant::now();
    h.machine.retry().unwrap();
    h.until("online", |v| {
        matches!(v.screen, Screen::SignedIn { .. }) && offline_since(&v.screen).is_none()
    })
    .await;
    assert!(
        before.elapsed() < Duration::from_secs(1),
        "{:?}",
        before.elapsed()
    );
}

/// Signing out while the platform is away: gone from this computer at once, and the window
/// says the platform could not be told.
#[tokio::test(start_paused = true)]
async fn sign_out_works_offline() {
    let platform = platform(fast_options()).await;
    let store = signed_in_before(&platform).await;
    platform.go_down();
    let h = harness_with(raw_settings(&platform), store.clone());
    h.until("offline", |v| offline_since(&v.screen).is_some())
        .await;
    h.machine.sign_out().await.unwrap();
    assert_eq!(h.signed_out().await, Some(Message::RevocationFailed));
    assert_eq!(store.stored(), None);
    // Nothing comes back once the platform does.
    platform.come_back().await.unwrap();
    tokio::time::sleep(Duration::from_secs(120)).await;
    assert_eq!(h.signed_out().await, Some(Message::RevocationFailed));
}

/// The platform answers again and says the session has ended: signed out, said so.
#[tokio::test(start_paused = true)]
async fn a_session_that_ended_meanwhile_is_told_apart() {
    let platform = platform(fast_options()).await;
    let store = signed_in_before(&platform).await;
    let kept = store.stored().unwrap();
    platform.go_down();
    let h = harness_with(raw_settings(&platform), store.clone());
    h.until("offline", |v| offline_since(&v.screen).is_some())
        .await;
    // Meanwhile, on the platform, the session was revoked.
    platform.revoke(kept.refresh_token.as_ref().unwrap().expose());
    platform.come_back().await.unwrap();
    assert_eq!(h.signed_out().await, Some(Message::SessionEnded));
    assert_eq!(store.stored(), None);
}

/// A try that refreshes the tokens while the learner signs out: the sign-out wins, and no
/// refresh token stays live.
#[tokio::test(start_paused = true)]
async fn a_try_overtaken_by_a_sign_out_leaves_nothing_live() {
    let platform = platform(fast_options()).await;
    let store = signed_in_before(&platform).await;
    let mut kept = store.stored().unwrap();
    kept.expires_at = Some(1);
    let store = keychain(Some(kept));
    platform.go_down();
    let h = harness_with(raw_settings(&platform), store.clone());
    h.until("offline", |v| offline_since(&v.screen).is_some())
        .await;
    // Back, with a refresh that takes its time: the learner signs out meanwhile.
    platform
        .faults()
        .inject(Target::Token, Fault::Slow(Duration::from_secs(3)), 1);
    platform.come_back().await.unwrap();
    h.machine.retry().unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    h.machine.sign_out().await.unwrap();
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert!(
        matches!(h.screen(), Screen::SignedOut { .. }),
        "{:?}",
        h.screen()
    );
    assert_eq!(store.stored(), None);
    assert_eq!(platform.live_refresh_tokens(), Vec::<String>::new());
}
