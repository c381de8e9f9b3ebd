//! The real OS keychain (on Linux, the Secret Service: CI runs an unlocked
//! gnome-keyring-daemon in a private D-Bus session). Fails, never skips, without one; set
//! `PASSERELLE_SKIP_KEYCHAIN=1` to leave it out on purpose.

use std::sync::Arc;

use passerelle::flow::Secret;
use passerelle::session::keychain::KeychainStore;
use passerelle::session::{SessionStore, StoredSession, TokenStore};
use url::Url;

fn skip() -> bool {
    let skip = std::env::var_os("PASSERELLE_SKIP_KEYCHAIN").is_some_and(|v| v == "1");
    if skip {
        eprintln!("PASSERELLE_SKIP_KEYCHAIN=1: keychain test left out");
    }
    skip
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_live_in_the_secret_service_one_entry_per_platform() {
    if skip() {
        return;
    }
    let service = "fr.passerelle.desktop.tests";
    let nonce = std::process::id();
    let first = Url::parse(&format!("https://one-{nonce}.example/")).unwrap();
    let second = Url::parse(&format!("https://two-{nonce}.example/")).unwrap();
    let session = |n: &str| StoredSession {
        access_token: Secret::new(format!("access-{n}")),
        refresh_token: Some(Secret::new(format!("refresh-{n}"))),
        expires_at: Some(1_900_000_000),
    };

    let one = KeychainStore::for_platform(service, &first).unwrap();
    let two = KeychainStore::for_platform(service, &second).unwrap();
    // Straight calls first, with a clear failure when no Secret Service answers.
    one.save(&session("1")).unwrap_or_else(|e| {
        panic!("no usable Secret Service ({e}); run the tests as scripts/test does, or set PASSERELLE_SKIP_KEYCHAIN=1")
    });
    two.save(&session("2")).unwrap();
    assert_eq!(one.load().unwrap(), Some(session("1")));
    assert_eq!(two.load().unwrap(), Some(session("2")));

    // Through the async wrapper the app uses: saved, read back, still remembered.
    let store = SessionStore::new(Arc::new(
        KeychainStore::for_platform(service, &first).unwrap(),
    ));
    assert!(store.save(&session("3")).await);
    assert_eq!(store.load().await, Some(session("3")));
    assert!(store.remembers());

    one.delete().unwrap();
    assert_eq!(one.load().unwrap(), None);
    assert_eq!(
        two.load().unwrap(),
        Some(session("2")),
        "the other platform's entry stays"
    );
    two.delete().unwrap();
    two.delete().unwrap();
    assert_eq!(two.load().unwrap(), None);
}
