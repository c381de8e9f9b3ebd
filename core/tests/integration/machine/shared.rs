//! A computer shared by a class: a session that ends with the app, and after an idle time.

use std::time::Duration;

use demo_platform::{Decision, Fault, Target};
use passerelle_core::machine::view::Screen;
use passerelle_core::machine::Message;
use passerelle_core::settings::{Key, RawSettings};

use super::harness::*;

#[tokio::test(start_paused = true)]
async fn on_a_shared_computer_the_session_ends_with_the_app() {
    let platform = platform(fast_options()).await;
    let store = keychain(None);
    let h = harness_with(
        raw_settings(&platform).with(Key::RememberSession, "false"),
        store.clone(),
    );
    h.signed_out().await;
    assert!(!h.machine.ends_with_the_app(), "nothing to end yet");
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    let Screen::SignedIn {
        not_remembered,
        remembered,
        signed_in_since_ms,
        ..
    } = h.signed_in().await
    else {
        unreachable!()
    };
    assert_eq!(not_remembered, Some(Message::EndsWithTheApp));
    assert!(!remembered);
    assert!(signed_in_since_ms.is_some());
    assert_eq!(store.stored(), None, "never in the keychain");
    assert_eq!(platform.live_refresh_tokens().len(), 1);

    // The window closes: ended here, then on the platform.
    assert!(h.machine.ends_with_the_app());
    h.machine.end_with_the_app().await;
    assert_eq!(platform.live_refresh_tokens(), Vec::<String>::new());
    assert!(!h.machine.ends_with_the_app());
}

/// Elsewhere, closing the app keeps the session, as the learner expects.
#[tokio::test(start_paused = true)]
async fn a_remembered_session_outlives_the_app() {
    let platform = platform(fast_options()).await;
    let store = keychain(None);
    let h = harness_with(raw_settings(&platform), store.clone());
    h.signed_out().await;
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    let Screen::SignedIn { remembered, .. } = h.signed_in().await else {
        unreachable!()
    };
    assert!(remembered);
    assert!(!h.machine.ends_with_the_app());
    h.machine.end_with_the_app().await;
    assert!(store.stored().is_some());
    assert_eq!(platform.live_refresh_tokens().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn after_an_idle_time_the_session_ends_and_the_window_says_why() {
    let platform = platform(fast_options()).await;
    let store = keychain(None);
    let h = harness_with(
        raw_settings(&platform).with(Key::SignOutWhenIdle, "10m"),
        store.clone(),
    );
    h.signed_out().await;
    // Idle before signing in: nothing to end.
    tokio::time::sleep(Duration::from_secs(900)).await;
    assert_eq!(h.signed_out().await, None);
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    h.signed_in().await;
    // The learner uses the window now and then: still signed in.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_secs(420)).await;
        h.machine.still_here();
    }
    assert!(matches!(h.screen(), Screen::SignedIn { .. }));
    // Then leaves it for ten minutes.
    tokio::time::sleep(Duration::from_secs(601)).await;
    assert_eq!(h.signed_out().await, Some(Message::SignedOutIdle));
    assert_eq!(store.stored(), None);
    assert_eq!(platform.live_refresh_tokens(), Vec::<String>::new());
}

/// A shared computer's settings, with an idle time.
fn shared_and_idle(platform: &demo_platform::DemoPlatform, idle: &str) -> RawSettings {
    raw_settings(platform)
        .with(Key::RememberSession, "false")
        .with(Key::SignOutWhenIdle, idle)
}

/// Learner A signs in on a shared computer, the profile cannot be read right after the
/// approval (the tokens are kept), and A walks away from the error. At the idle limit A's
/// session ends and is revoked, so that learner B's Try again cannot become A.
#[tokio::test(start_paused = true)]
async fn a_session_held_behind_an_error_ends_at_the_idle_limit() {
    let platform = platform(fast_options()).await;
    let h = harness(shared_and_idle(&platform, "10m"));
    h.signed_out().await;
    platform.faults().inject(Target::Api, Fault::ServerError, 1);
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    assert_eq!(h.error().await, Message::ServerError);
    assert_eq!(
        platform.live_refresh_tokens().len(),
        1,
        "A's session is held"
    );
    tokio::time::sleep(Duration::from_secs(601)).await;
    assert_eq!(h.signed_out().await, Some(Message::SignedOutIdle));
    assert_eq!(platform.live_refresh_tokens(), Vec::<String>::new());
    // B tries again: nothing of A is left to try.
    h.machine.retry().unwrap();
    assert_eq!(h.signed_out().await, Some(Message::SignedOutIdle));
}

/// A lab computer sleeps for the night with A's profile on screen: the night counts as idle
/// time, and A's session ends within seconds of the computer waking.
#[tokio::test(start_paused = true)]
async fn a_night_asleep_counts_as_idle_time() {
    let platform = platform(fast_options()).await;
    let h = harness(shared_and_idle(&platform, "15m"));
    h.signed_out().await;
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    h.signed_in().await;
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert!(matches!(h.screen(), Screen::SignedIn { .. }));
    h.sleep_for(Duration::from_secs(8 * 3600));
    // Awake again: tokio's timers, which the night did not count, fire within seconds.
    tokio::time::sleep(Duration::from_secs(11)).await;
    assert_eq!(h.signed_out().await, Some(Message::SignedOutIdle));
    assert_eq!(platform.live_refresh_tokens(), Vec::<String>::new());
}

/// logind says the system is about to sleep: a shared computer's session ends first, here
/// and on the platform, and the window says why when the computer wakes.
#[tokio::test(start_paused = true)]
async fn a_shared_session_ends_before_the_computer_sleeps() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform).with(Key::RememberSession, "false"));
    h.signed_out().await;
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    h.signed_in().await;
    h.machine.end_before_sleep().await;
    assert_eq!(h.signed_out().await, Some(Message::SignedOutAsleep));
    assert_eq!(platform.live_refresh_tokens(), Vec::<String>::new());
}

/// A computer switched to shared use: the sessions an earlier run kept — this platform's and
/// another's — are revoked on their platforms and removed at start, before anyone on this
/// account can read them with the keychain's own tools.
#[tokio::test(start_paused = true)]
async fn switching_to_shared_use_leaves_no_session_behind() {
    let platform = platform(fast_options()).await;
    let other = super::settings::platform_two().await;
    let here = keychain(Some(earlier_session(&platform).await));
    let there = keychain(Some(earlier_session(&other).await));
    assert_eq!(platform.live_refresh_tokens().len(), 1);
    assert_eq!(other.live_refresh_tokens().len(), 1);
    let h = start(Setup {
        remembered: vec![here.clone(), there.clone()],
        ..Setup::new(raw_settings(&platform).with(Key::RememberSession, "false"))
            .with_keychain(here.clone())
    });
    assert_eq!(h.signed_out().await, None, "nothing restored");
    let started = tokio::time::Instant::now();
    while here.stored().is_some()
        || there.stored().is_some()
        || !platform.live_refresh_tokens().is_empty()
        || !other.live_refresh_tokens().is_empty()
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "a session is left"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
