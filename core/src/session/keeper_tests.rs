//! The keeper's tests: a slow, hung, skipped or refusing keychain, and overtaken actions.

use super::*;
use crate::session::fake::{session, FakeKeychain};

const QUICK: Patience = Patience {
    slow: Duration::from_millis(50),
    give_up: Duration::from_millis(400),
};

fn store(keychain: &Arc<FakeKeychain>, timeouts: Patience) -> SessionKeeper {
    SessionKeeper::new(Some(keychain.clone()), true, timeouts)
}

/// What the keeper says of its waits, as it says it.
fn waits(store: &SessionKeeper) -> tokio::sync::mpsc::UnboundedReceiver<bool> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    store.on_waiting(move |waiting| {
        let _ = tx.send(waiting);
    });
    rx
}

#[tokio::test]
async fn a_slow_keychain_is_waited_for_and_then_used() {
    let k = Arc::new(FakeKeychain::holding(session("old")).slow(Duration::from_millis(200)));
    let store = store(&k, QUICK);
    let mut waiting = waits(&store);
    let load = tokio::spawn({
        let store = store.clone();
        async move { store.load().await }
    });
    assert_eq!(
        waiting.recv().await,
        Some(true),
        "the window is told it is waiting"
    );
    assert_eq!(load.await.unwrap(), Ok(Some(session("old"))));
    assert_eq!(waiting.recv().await, Some(false));
    assert!(!store.is_waiting());
    assert_eq!(store.not_remembered(), None, "still the keychain");
    assert_eq!(store.save_if(|| true, &session("new")).await, Ok(None));
    assert_eq!(k.stored(), Some(session("new")));
}

#[tokio::test]
async fn a_hung_keychain_is_given_up_and_memory_takes_over() {
    let k = Arc::new(FakeKeychain::default().slow(Duration::from_secs(2)));
    let store = store(&k, QUICK);
    assert!(store.load().await.is_err());
    assert_eq!(store.not_remembered(), Some(NotRemembered::NoKeychain));
    assert_eq!(
        store.save_if(|| true, &session("a")).await,
        Ok(Some(NotRemembered::NoKeychain))
    );
    assert_eq!(store.load().await, Ok(Some(session("a"))));
}

#[tokio::test]
async fn the_learner_can_go_on_without_the_keychain() {
    let k = Arc::new(FakeKeychain::default().slow(Duration::from_secs(2)));
    let store = store(
        &k,
        Patience {
            slow: Duration::from_millis(50),
            give_up: Duration::from_secs(60),
        },
    );
    let mut waiting = waits(&store);
    let load = tokio::spawn({
        let store = store.clone();
        async move { store.load().await }
    });
    assert_eq!(waiting.recv().await, Some(true));
    store.skip_keychain();
    assert_eq!(load.await.unwrap(), Err(VaultError::Skipped));
    assert_eq!(store.not_remembered(), Some(NotRemembered::NoKeychain));
    // Sign-out still tries the keychain, which may hold a session: it says when it could not.
    let delete = tokio::spawn({
        let store = store.clone();
        async move { store.delete().await }
    });
    assert_eq!(waiting.recv().await, Some(false), "the first wait ended");
    assert_eq!(waiting.recv().await, Some(true));
    store.skip_keychain();
    assert_eq!(delete.await.unwrap(), Err(VaultError::Skipped));
}

#[tokio::test]
async fn overtaken_actions_leave_the_store_alone() {
    let k = Arc::new(FakeKeychain::default());
    let store = store(&k, QUICK);
    assert_eq!(
        store.save_if(|| false, &session("late")).await,
        Err(Superseded)
    );
    assert_eq!(k.stored(), None);

    store.save_if(|| true, &session("newer")).await.unwrap();
    // A restore that read "older" must neither replace nor delete "newer".
    assert_eq!(
        store.replace(&session("older"), &session("rotated")).await,
        Err(Superseded)
    );
    store.delete_if(&session("older")).await.unwrap();
    assert_eq!(k.stored(), Some(session("newer")));
    store.delete_if(&session("newer")).await.unwrap();
    assert_eq!(k.stored(), None);
}

#[tokio::test]
async fn a_rotated_session_the_keychain_refuses_removes_the_retired_one() {
    let k = Arc::new(FakeKeychain::holding(session("old")));
    k.refuse_saves(true);
    let store = store(&k, QUICK);
    assert_eq!(
        store.replace(&session("old"), &session("new")).await,
        Ok(Some(NotRemembered::NoKeychain))
    );
    assert_eq!(k.stored(), None, "the retired entry is gone");
    assert_eq!(
        store.load().await,
        Ok(Some(session("new"))),
        "kept in memory"
    );
}

#[tokio::test]
async fn a_keychain_that_cannot_be_read_does_not_block_a_rotation() {
    let k = Arc::new(FakeKeychain::holding(session("old")));
    k.refuse_loads(true);
    let store = store(&k, QUICK);
    assert_eq!(
        store.replace(&session("old"), &session("new")).await,
        Ok(Some(NotRemembered::NoKeychain))
    );
    assert_eq!(store.load().await, Ok(Some(session("new"))));
}

#[tokio::test]
async fn sign_out_clears_the_keychain_even_when_sessions_are_in_memory() {
    let k = Arc::new(FakeKeychain::holding(session("earlier run")));
    let in_memory = SessionKeeper::new(Some(k.clone()), false, QUICK);
    assert_eq!(
        in_memory.load().await,
        Ok(None),
        "memory is used, not the keychain"
    );
    in_memory.save_if(|| true, &session("b")).await.unwrap();
    in_memory.delete().await.unwrap();
    assert_eq!(k.stored(), None, "the keychain's copy is gone too");
    assert_eq!(in_memory.load().await, Ok(None));

    // A keychain that may hold a session and cannot be cleared is reported.
    let k = Arc::new(FakeKeychain::default());
    let kept = store(&k, QUICK);
    kept.save_if(|| true, &session("a")).await.unwrap();
    k.refuse_deletes(true);
    assert!(kept.delete().await.is_err());
}
