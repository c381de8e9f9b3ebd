//! The real OS keychain. On Linux it is the Secret Service: `scripts/test` runs an unlocked
//! gnome-keyring-daemon in a private D-Bus session; without one this test fails, saying so.

use std::sync::Arc;

use passerelle_core::flow::{AccessToken, RefreshToken};
use passerelle_core::session::{Binding, Keychain, Patience, SavedSession, SessionKeeper, Vault};
use url::Url;

#[tokio::test(flavor = "multi_thread")]
async fn sessions_live_in_the_keychain_one_entry_per_platform() {
    let nonce = std::process::id();
    let service = &format!("fr.passerelle.desktop.tests.{nonce}");
    let first = Url::parse(&format!("https://one-{nonce}.example/")).unwrap();
    let second = Url::parse(&format!("https://two-{nonce}.example/")).unwrap();
    let session = |n: &str| SavedSession {
        access_token: Some(AccessToken::new(format!("access-{n}"))),
        refresh_token: Some(RefreshToken::new(format!("refresh-{n}"))),
        expires_at: Some(1_900_000_000),
        binding: Binding {
            client_id: "app".into(),
            token: "https://one.example/token".parse().unwrap(),
            revocation: None,
            profile: "https://api.one.example/me".parse().unwrap(),
        },
        signed_in_at: None,
        profile: None,
    };

    let one = Keychain::for_platform(service, &first).unwrap();
    let two = Keychain::for_platform(service, &second).unwrap();
    // Straight calls first, with a clear failure when no keychain answers.
    one.save(&session("1")).unwrap_or_else(|e| {
        panic!("no usable keychain ({e}); on Linux, run the tests as scripts/test does")
    });
    two.save(&session("2")).unwrap();
    assert_eq!(one.load().unwrap(), Some(session("1")));
    assert_eq!(two.load().unwrap(), Some(session("2")));
    // Both listed, for a computer switched to shared use to clear.
    let listed = |service| Keychain::remembered(service).unwrap().len();
    assert_eq!(listed(service), 2);

    // Through the async store the app uses: saved, read back, still remembered.
    let keychain = Arc::new(Keychain::for_platform(service, &first).unwrap());
    let store = SessionKeeper::new(Some(keychain), true, Patience::default());
    assert_eq!(store.save_if(|| true, &session("3")).await, Ok(None));
    assert_eq!(store.load().await, Ok(Some(session("3"))));
    assert_eq!(store.not_remembered(), None);

    store.delete().await.unwrap();
    assert_eq!(one.load().unwrap(), None);
    assert_eq!(
        two.load().unwrap(),
        Some(session("2")),
        "the other platform's entry stays"
    );
    assert_eq!(listed(service), 1, "the other platform's, still listed");
    two.delete().unwrap();
    two.delete().unwrap();
    assert_eq!(two.load().unwrap(), None);
    assert_eq!(listed(service), 0);

    // An entry kept without the list, as versions before it kept them: found all the same,
    // for a computer switched to shared use to clear.
    #[cfg(target_os = "linux")]
    {
        let earlier = keyring::Entry::new(service, first.as_str()).unwrap();
        earlier.set_secret(b"an earlier version's session").unwrap();
        let found = Keychain::remembered(service).unwrap();
        assert_eq!(found.len(), 1, "found by the service's attributes");
        found[0].delete().unwrap();
        assert_eq!(listed(service), 0);
        assert!(matches!(earlier.get_secret(), Err(keyring::Error::NoEntry)));
    }
}
