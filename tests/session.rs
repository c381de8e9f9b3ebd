//! Staying signed in, through the app's controller against the demo platform: restore at
//! start, refresh with rotation, 401 then refresh, the end of a session, passing failures,
//! sign out with revocation.

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::harness::*;
use common::*;
use demo_platform::{DemoOptions, DemoPlatform, Fault, Target};
use passerelle::app::view::View;
use passerelle::flow::{RawSettings, Secret};
use passerelle::session::{MemoryStore, StoredSession, TokenStore};
use serde_json::Value;

/// Signs in with the core alone, as an earlier run of the app did.
async fn earlier_session(platform: &DemoPlatform) -> StoredSession {
    let client = client(platform);
    let token = approved_token(&client, platform).await;
    StoredSession::from_token(&token, SystemTime::now())
}

fn stored(store: &MemoryStore) -> Option<StoredSession> {
    store.load().unwrap()
}

async fn signed_in(h: &Harness) -> View {
    h.wait_for("the profile", |v| matches!(v, View::SignedIn { .. }))
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stored_session_restores_the_profile_without_a_code() {
    let platform = platform(fast_options()).await;
    let session = earlier_session(&platform).await;
    let issued = platform.issued_secrets().len();
    let store = Arc::new(MemoryStore::with(session.clone()));
    let h = harness_with(raw_settings(&platform), store.clone());
    let view = signed_in(&h).await;
    assert!(
        matches!(view, View::SignedIn { ref profile, .. } if profile.display_name == "Camille Martin")
    );
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
    let store = Arc::new(MemoryStore::with(old.clone()));
    let h = harness_with(raw_settings(&platform), store.clone());
    signed_in(&h).await;
    let new = stored(&store).unwrap();
    assert_ne!(
        new.refresh_token, old.refresh_token,
        "the rotated refresh token is stored"
    );
    assert_ne!(new.access_token, old.access_token);
    assert!(!platform.access_token_is_valid(old.access_token.expose()));
    assert!(platform.access_token_is_valid(new.access_token.expose()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_401_refreshes_once_and_retries_once() {
    let platform = platform(fast_options()).await;
    let mut session = earlier_session(&platform).await;
    // The access token is dead (say, revoked by the platform), the refresh token is not.
    session.access_token = Secret::new("no-longer-valid");
    let store = Arc::new(MemoryStore::with(session.clone()));
    let h = harness_with(raw_settings(&platform), store.clone());
    signed_in(&h).await;
    let new = stored(&store).unwrap();
    assert_ne!(new.refresh_token, session.refresh_token);
    assert!(platform.access_token_is_valid(new.access_token.expose()));
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_grant_ends_the_session() {
    let platform = platform(fast_options()).await;
    let store = Arc::new(MemoryStore::with(StoredSession {
        access_token: Secret::new("dead"),
        refresh_token: Some(Secret::new("also-dead")),
        expires_at: None,
    }));
    let h = harness_with(raw_settings(&platform), store.clone());
    h.wait_for("the end of the session", |v| {
        *v == View::SignedOut {
            notice: Some("session_ended"),
        }
    })
    .await;
    assert_eq!(stored(&store), None, "the stored session is removed");
}

#[tokio::test(flavor = "multi_thread")]
async fn passing_failures_never_delete_a_stored_session() {
    let platform = platform(fast_options()).await;
    let session = earlier_session(&platform).await;

    // The platform is unreachable at start.
    let down = format!("http://127.0.0.1:{}", {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    });
    let store = Arc::new(MemoryStore::with(session.clone()));
    let h = harness_with(
        RawSettings {
            auth_url: Some(down),
            ..raw_settings(&platform)
        },
        store.clone(),
    );
    assert_eq!(h.wait_for_error().await, "unreachable");
    assert_eq!(stored(&store), Some(session.clone()));

    // The API answers 500, then recovers: Try again restores the session.
    platform.faults().inject(Target::Api, Fault::ServerError, 1);
    let h = harness_with(raw_settings(&platform), store.clone());
    assert_eq!(h.wait_for_error().await, "server_error");
    assert_eq!(stored(&store), Some(session.clone()));
    h.invoke("retry", Value::Null).unwrap();
    signed_in(&h).await;

    // A refresh cut off by the network keeps the old tokens too.
    let mut expired = session.clone();
    expired.expires_at = Some(1);
    let store = Arc::new(MemoryStore::with(expired.clone()));
    platform.faults().inject(Target::Token, Fault::Drop, 1);
    let h = harness_with(raw_settings(&platform), store.clone());
    assert_eq!(h.wait_for_error().await, "unreachable");
    assert_eq!(stored(&store), Some(expired));
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_out_revokes_the_token_and_forgets_it() {
    let platform = platform(fast_options()).await;
    let session = earlier_session(&platform).await;
    let store = Arc::new(MemoryStore::with(session.clone()));
    let h = harness_with(raw_settings(&platform), store.clone());
    signed_in(&h).await;
    h.invoke("sign_out", Value::Null).unwrap();
    h.wait_for("signed out", |v| {
        *v == View::SignedOut {
            notice: Some("signed_out"),
        }
    })
    .await;
    assert!(
        !platform.access_token_is_valid(session.access_token.expose()),
        "dead on the platform"
    );
    assert_eq!(stored(&store), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_out_still_signs_out_here_when_the_platform_cannot_be_told() {
    let platform = platform(fast_options()).await;
    let session = earlier_session(&platform).await;
    let store = Arc::new(MemoryStore::with(session.clone()));
    let h = harness_with(raw_settings(&platform), store.clone());
    signed_in(&h).await;
    platform
        .faults()
        .inject(Target::Revocation, Fault::ServerError, 1);
    h.invoke("sign_out", Value::Null).unwrap();
    h.wait_for("signed out", |v| {
        *v == View::SignedOut {
            notice: Some("revocation_failed"),
        }
    })
    .await;
    assert_eq!(stored(&store), None);
}
