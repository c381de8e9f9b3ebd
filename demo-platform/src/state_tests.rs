//! Doorkeeper's rules, as the demo platform keeps them.

use super::*;

fn settings() -> Settings {
    Settings {
        clients: vec!["c".into()],
        expires_in: Duration::from_secs(300),
        interval: Duration::from_secs(5),
        token_lifetime: Duration::from_secs(7200),
        scope: "read".into(),
        max_pending: 10,
        secret_prefix: String::new(),
        access_suffix: String::new(),
        fixed_user_code: None,
        doorkeeper_5_5: false,
        refresh_error: None,
    }
}

#[test]
fn doorkeeper_order() {
    let s = settings();
    let mut store = Store::default();
    let (dc, uc) = store.authorize_device(&s, "c", None);
    assert_eq!(uc.len(), 8);
    let t0 = Instant::now();
    assert_eq!(store.poll(&s, &dc, "other", t0), PollOutcome::InvalidGrant);
    assert_eq!(store.poll(&s, &dc, "c", t0), PollOutcome::Pending);
    assert_eq!(
        store.poll(&s, &dc, "c", t0 + Duration::from_secs(4)),
        PollOutcome::SlowDown
    );
    // A slow_down does not count: the next poll is measured from the last counted one.
    assert_eq!(
        store.poll(&s, &dc, "c", t0 + Duration::from_secs(5)),
        PollOutcome::Pending
    );
    // Matched exactly: a space or a dash makes another code.
    assert!(!store.decide(&format!(" {uc}"), Decision::Approved));
    assert!(!store.decide(&format!("{}-{}", &uc[..4], &uc[4..]), Decision::Approved));
    assert!(store.decide(&uc, Decision::Approved));
    assert!(matches!(
        store.poll(&s, &dc, "c", t0 + Duration::from_secs(10)),
        PollOutcome::Token(_)
    ));
    assert_eq!(
        store.poll(&s, &dc, "c", t0 + Duration::from_secs(15)),
        PollOutcome::InvalidGrant
    );
}

#[test]
fn expired_once_then_unknown() {
    let s = settings();
    let mut store = Store::default();
    let (dc, _) = store.authorize_device(&s, "c", None);
    let late = Instant::now() + Duration::from_secs(301);
    assert_eq!(store.poll(&s, &dc, "c", late), PollOutcome::Expired);
    assert_eq!(store.poll(&s, &dc, "c", late), PollOutcome::InvalidGrant);
}

#[test]
fn refresh_rotates_and_revoke_kills() {
    let s = settings();
    let mut store = Store::default();
    let first = store.issue(&s, "c", "read");
    let second = store.refresh(&s, &first.refresh_token, "c").unwrap();
    assert!(store.refresh(&s, &first.refresh_token, "c").is_none());
    assert!(!store.access_is_valid(&first.access_token, Instant::now()));
    assert!(store.access_is_valid(&second.access_token, Instant::now()));
    store.revoke(&s, &second.refresh_token, "c", Instant::now());
    assert!(!store.access_is_valid(&second.access_token, Instant::now()));
}

#[test]
fn purge_bounds_memory() {
    let s = settings();
    let mut store = Store::default();
    for _ in 0..100 {
        store.authorize_device(&s, "c", None);
    }
    store.purge(
        Instant::now() + Duration::from_secs(400),
        Duration::from_secs(60),
    );
    assert!(store.grants.is_empty() && store.by_user_code.is_empty());
}

/// Doorkeeper 5.5 (#22, #26): a revocation after the access token expired does
/// nothing, and a rotated refresh token lives until the new access token is used.
#[test]
fn doorkeeper_5_5_leaves_expired_sessions_live() {
    let s = Settings {
        doorkeeper_5_5: true,
        token_lifetime: Duration::from_secs(60),
        ..settings()
    };
    let mut store = Store::default();
    let first = store.issue(&s, "c", "read");
    let later = Instant::now() + Duration::from_secs(61);
    store.revoke(&s, &first.refresh_token, "c", later);
    assert_eq!(
        store.live_refresh_tokens(),
        vec![first.refresh_token.clone()]
    );
    let second = store.refresh(&s, &first.refresh_token, "c").unwrap();
    assert_eq!(store.live_refresh_tokens().len(), 2, "the old one lives on");
    assert!(store.use_access(&second.access_token, Instant::now()));
    assert_eq!(
        store.live_refresh_tokens(),
        vec![second.refresh_token.clone()]
    );
    store.revoke(&s, &second.refresh_token, "c", Instant::now());
    assert!(store.live_refresh_tokens().is_empty());
}
