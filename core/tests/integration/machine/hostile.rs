//! What a server may send that no sane one does, through the whole machine: numbers past
//! any bound, tokens that are not Bearer tokens, codes nobody can read, a profile that is
//! refused, a refresh the platform no longer accepts — and Doorkeeper 5.5's revocation
//! that revokes nothing.

use std::time::Duration;

use demo_platform::{Decision, DemoOptions, Hostile};
use passerelle_core::flow::DeviceFlowClient;
use passerelle_core::http::Network;
use passerelle_core::machine::view::Action;
use passerelle_core::machine::Message;
use passerelle_core::session::{self, Ended, Patience, SessionKeeper};
use passerelle_core::settings::Settings;
use serde_json::json;

use super::harness::*;

fn hostile(hostile: Hostile) -> DemoOptions {
    DemoOptions {
        hostile,
        ..fast_options()
    }
}

/// A lifetime too large to add to the clock, and a creation time past what it holds: the
/// sign-in completes, the lifetime taken as unknown.
#[tokio::test(start_paused = true)]
async fn no_number_from_a_server_can_crash_a_sign_in() {
    for (expires_in, created_at) in [
        (json!(u64::MAX), json!(i64::MAX)),
        (json!(1e300), json!(-1)),
        (json!("99999999999999999999999999999"), json!(1.5e19)),
        (json!(-7200), json!("not a time")),
    ] {
        let platform = platform(hostile(Hostile {
            expires_in: Some(expires_in.clone()),
            created_at: Some(created_at.clone()),
            ..Hostile::default()
        }))
        .await;
        let store = keychain(None);
        let h = harness_with(raw_settings(&platform), store.clone());
        h.signed_out().await;
        h.sign_in_and_decide(&platform, Decision::Approved).await;
        h.signed_in().await;
        let kept = store.stored().unwrap();
        assert_eq!(kept.expires_at, None, "{expires_in} is no lifetime");
    }
}

/// Tokens that are not Bearer tokens end the sign-in with a clear message; they are
/// revoked, never kept, and never sent as Bearer tokens.
#[tokio::test(start_paused = true)]
async fn only_bearer_tokens_are_used_as_bearer_tokens() {
    for odd in [
        Hostile {
            token_type: Some("DPoP".into()),
            ..Hostile::default()
        },
        Hostile {
            token_type: Some("mac".into()),
            ..Hostile::default()
        },
        Hostile {
            access_token_suffix: Some(" \"quoted\"".into()),
            ..Hostile::default()
        },
    ] {
        let platform = platform(hostile(odd)).await;
        let store = keychain(None);
        let h = harness_with(raw_settings(&platform), store.clone());
        h.signed_out().await;
        h.sign_in_and_decide(&platform, Decision::Approved).await;
        assert_eq!(h.error().await, Message::UnusableToken);
        assert_eq!(store.stored(), None, "never kept");
        assert!(
            platform.live_refresh_tokens().is_empty(),
            "revoked on the platform"
        );
        let access = &platform.issued_secrets()[1];
        assert!(!platform.access_token_is_valid(access));
    }
}

/// A code holding a right-to-left override and a zero-width space reads as another code:
/// it is not shown, and the window says the platform sent an unusable code.
#[tokio::test(start_paused = true)]
async fn a_code_nobody_can_read_is_not_shown() {
    let platform = platform(hostile(Hostile {
        user_code: Some("AB\u{202E}CD\u{200B}EF".into()),
        ..Hostile::default()
    }))
    .await;
    let h = harness(raw_settings(&platform));
    h.signed_out().await;
    h.machine.start_sign_in().unwrap();
    assert_eq!(h.error().await, Message::UnusableCode);
    let shown = serde_json::to_string(&h.window.views()).unwrap();
    assert!(!shown.contains('\u{202E}') && !shown.contains("\\u202e"));
}

/// Approved, but the profile is refused: the error offers Sign out, which ends the kept
/// session here and on the platform.
#[tokio::test(start_paused = true)]
async fn a_refused_profile_still_has_a_way_out() {
    let platform = platform(hostile(Hostile {
        profile_body: Some(r#"{"id": {"unexpected": "shape"}}"#.into()),
        ..Hostile::default()
    }))
    .await;
    let store = keychain(None);
    let h = harness_with(raw_settings(&platform), store.clone());
    h.signed_out().await;
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    assert_eq!(h.error().await, Message::Unexpected);
    let view = h.machine.view();
    assert_eq!(
        view.actions,
        vec![Action::Retry, Action::SignOut, Action::CopySupportDetails]
    );
    assert!(store.stored().is_some(), "kept while the learner decides");
    h.machine.sign_out().await.unwrap();
    assert_eq!(h.signed_out().await, Some(Message::SignedOut));
    assert_eq!(store.stored(), None);
    assert!(platform.live_refresh_tokens().is_empty());
}

/// A refresh the platform answers `invalid_client` (or `unauthorized_client`) ends the
/// session, as `invalid_grant` does.
#[tokio::test(start_paused = true)]
async fn a_refresh_refused_for_the_client_ends_the_session() {
    for error in ["invalid_client", "unauthorized_client", "invalid_grant"] {
        let platform = platform(fast_options()).await;
        let mut session = earlier_session(&platform).await;
        session.expires_at = Some(1);
        platform.refuse_refreshes(Some(error));
        let store = keychain(Some(session));
        let h = harness_with(raw_settings(&platform), store.clone());
        assert_eq!(h.signed_out().await, Some(Message::SessionEnded), "{error}");
        assert_eq!(store.stored(), None);
    }
}

/// Doorkeeper before 5.8.1 answers 200 to the revocation of a session whose access token
/// has expired, and revokes nothing. Ending such a session refreshes first, uses the new
/// access token once, and revokes the new pair: no refresh token stays live.
#[tokio::test(start_paused = true)]
async fn a_session_ends_on_doorkeeper_5_5_after_its_tokens_expired() {
    let platform = platform(DemoOptions {
        doorkeeper_5_5: true,
        ..fast_options()
    })
    .await;
    let mut session = earlier_session(&platform).await;
    // The window stayed open longer than the tokens live: two hours on both clocks.
    tokio::time::sleep(Duration::from_secs(7300)).await;
    session.expires_at = Some(1);
    let client = DeviceFlowClient::new(
        Settings::check(&raw_settings(&platform)).unwrap(),
        Network::default(),
    );
    let keeper = SessionKeeper::new(
        Some(keychain(Some(session.clone()))),
        true,
        Patience::default(),
    );
    // The workaround is needed: revoking the expired session alone leaves it live.
    assert!(client
        .revoke(session.refresh_token.as_ref().unwrap())
        .await
        .unwrap());
    assert_eq!(
        platform.live_refresh_tokens().len(),
        1,
        "Doorkeeper 5.5 revoked nothing"
    );
    assert_eq!(
        session::end(&client, &keeper, &session).await,
        Ended::Everywhere
    );
    assert_eq!(keeper.load().await, Ok(None));
    assert_eq!(
        platform.live_refresh_tokens(),
        Vec::<String>::new(),
        "no refresh token stays live after sign-out"
    );
}
