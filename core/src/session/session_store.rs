//! The session's store, as async code uses it: one operation at a time, off the UI
//! thread, patient with a keychain that asks the learner to unlock it, and never losing a
//! session to one that does not answer.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::store::{MemoryStore, StoreError, TokenStore};
use super::stored::{Fit, StoredSession};

/// How long a keychain may take.
#[derive(Debug, Clone, Copy)]
pub struct StoreTimeouts {
    /// After this the window says "Waiting for the keychain…", with a way out: an unlock
    /// prompt is waiting for the learner.
    pub slow: Duration,
    /// After this the keychain is taken to hang, and the session is kept in memory.
    pub give_up: Duration,
}

impl Default for StoreTimeouts {
    fn default() -> Self {
        Self {
            slow: Duration::from_secs(1),
            give_up: Duration::from_secs(120),
        }
    }
}

/// Whether a session outlives this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remembered {
    Yes,
    /// The settings ask for memory (`token_store = "memory"`).
    NotAsked,
    /// No keychain answered, or the learner went on without it.
    NoKeychain,
    /// The session is larger than the keychain holds.
    TooLarge,
}

/// A newer action took over: this one must leave the store alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Superseded;

#[derive(Clone)]
pub struct SessionStore(Arc<Shared>);

struct Shared {
    keychain: Option<Arc<dyn TokenStore>>,
    memory: Arc<MemoryStore>,
    state: Mutex<State>,
    /// One operation at a time, so that a check and the write that follows it agree.
    turn: tokio::sync::Mutex<()>,
    waiting: watch::Sender<bool>,
    skip: CancellationToken,
    timeouts: StoreTimeouts,
}

struct State {
    /// Why the keychain is not used (any more), if it is not.
    fallback: Option<Remembered>,
    /// The keychain may hold a session: sign-out must clear it.
    keychain_may_hold: bool,
}

impl SessionStore {
    /// Keeps sessions in `keychain`, or in memory only when there is none.
    pub fn new(keychain: Option<Arc<dyn TokenStore>>, timeouts: StoreTimeouts) -> Self {
        let fallback = keychain.is_none().then_some(Remembered::NotAsked);
        Self(Arc::new(Shared {
            keychain,
            memory: Arc::default(),
            state: Mutex::new(State {
                fallback,
                keychain_may_hold: false,
            }),
            turn: tokio::sync::Mutex::new(()),
            waiting: watch::channel(false).0,
            skip: CancellationToken::new(),
            timeouts,
        }))
    }

    /// In memory only, for this run.
    pub fn memory() -> Self {
        Self::new(None, StoreTimeouts::default())
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.0.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn remembered(&self) -> Remembered {
        self.state().fallback.unwrap_or(Remembered::Yes)
    }

    /// True while a keychain call is taking long (an unlock prompt, most likely).
    pub fn waiting(&self) -> watch::Receiver<bool> {
        self.0.waiting.subscribe()
    }

    /// The learner's way out while the keychain keeps them waiting: go on without it for
    /// the rest of this run.
    pub fn skip_keychain(&self) {
        self.0.skip.cancel();
    }

    fn keychain_in_use(&self) -> Option<Arc<dyn TokenStore>> {
        match self.state().fallback {
            None => self.0.keychain.clone(),
            Some(_) => None,
        }
    }

    pub(crate) fn fall_back(&self, error: &StoreError) {
        let why = match error {
            StoreError::TooLarge => Remembered::TooLarge,
            _ => Remembered::NoKeychain,
        };
        tracing::warn!(%error, "keeping the session in memory only");
        self.state().fallback = Some(why);
    }

    /// Runs `op` on the keychain on a blocking thread: says so after `slow`, gives up after
    /// `give_up` or when the learner skips it.
    async fn on_keychain<T: Send + 'static>(
        &self,
        keychain: Arc<dyn TokenStore>,
        op: impl FnOnce(&dyn TokenStore) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let t = self.0.timeouts;
        let task = tokio::task::spawn_blocking(move || op(keychain.as_ref()));
        tokio::pin!(task);
        let joined = |r: Result<Result<T, StoreError>, tokio::task::JoinError>| {
            r.unwrap_or_else(|e| Err(StoreError::Unavailable(e.to_string())))
        };
        if self.0.skip.is_cancelled() {
            return Err(StoreError::Skipped);
        }
        tokio::select! {
            r = &mut task => return joined(r),
            _ = tokio::time::sleep(t.slow) => {}
        }
        tracing::info!("waiting for the keychain");
        self.0.waiting.send_replace(true);
        let result = tokio::select! {
            r = &mut task => joined(r),
            _ = tokio::time::sleep(t.give_up.saturating_sub(t.slow)) => {
                Err(StoreError::Unavailable("no answer in time".into()))
            }
            _ = self.0.skip.cancelled() => Err(StoreError::Skipped),
        };
        self.0.waiting.send_replace(false);
        result
    }

    /// The session kept where sessions are kept now.
    async fn current(&self) -> Option<StoredSession> {
        match self.keychain_in_use() {
            Some(keychain) => match self.on_keychain(keychain, |k| k.load()).await {
                Ok(found) => {
                    self.state().keychain_may_hold |= found.is_some();
                    found
                }
                Err(e) => {
                    // A keychain that did not answer may still hold a session.
                    self.state().keychain_may_hold = true;
                    self.fall_back(&e);
                    self.0.memory.load().ok().flatten()
                }
            },
            None => self.0.memory.load().ok().flatten(),
        }
    }

    async fn write(&self, session: &StoredSession) -> Remembered {
        let _ = self.0.memory.save(session);
        if let Some(keychain) = self.keychain_in_use() {
            self.state().keychain_may_hold = true;
            let copy = session.clone();
            match self.on_keychain(keychain, move |k| k.save(&copy)).await {
                Ok(Fit::Whole | Fit::WithoutAccessToken) => return Remembered::Yes,
                Err(e) => self.fall_back(&e),
            }
        }
        self.remembered()
    }

    /// The stored session, if any. A keychain that does not answer is waited for (see
    /// [`StoreTimeouts`]); if it never does, there is none for this run.
    pub async fn load(&self) -> Option<StoredSession> {
        let _turn = self.0.turn.lock().await;
        self.current().await
    }

    /// Saves a new session, unless `wanted` says the action that got it was overtaken
    /// (checked in turn with every other operation).
    pub async fn save_if(
        &self,
        wanted: impl FnOnce() -> bool,
        session: &StoredSession,
    ) -> Result<Remembered, Superseded> {
        let _turn = self.0.turn.lock().await;
        if !wanted() {
            return Err(Superseded);
        }
        Ok(self.write(session).await)
    }

    /// Replaces `old` by `new` (a rotated refresh token), unless the stored session is no
    /// longer `old`. When the keychain refuses the new one, the old entry — whose refresh
    /// token the server has just retired — is removed rather than presented again.
    pub async fn replace(
        &self,
        old: &StoredSession,
        new: &StoredSession,
    ) -> Result<Remembered, Superseded> {
        let _turn = self.0.turn.lock().await;
        if self.current().await.as_ref() != Some(old) {
            return Err(Superseded);
        }
        let remembered = self.write(new).await;
        if remembered != Remembered::Yes {
            if let Some(keychain) = &self.0.keychain {
                let keychain = keychain.clone();
                if let Err(e) = self.on_keychain(keychain, |k| k.delete()).await {
                    tracing::warn!(error = %e, "the retired session could not be removed from the keychain");
                }
            }
        }
        Ok(remembered)
    }

    /// Removes the stored session if it is still `expected`: a task that was overtaken
    /// must not remove the session a newer one saved.
    pub async fn delete_if(&self, expected: &StoredSession) -> Result<(), StoreError> {
        let _turn = self.0.turn.lock().await;
        if self.current().await.as_ref() != Some(expected) {
            return Ok(());
        }
        self.clear().await
    }

    /// Removes the session from every store that may hold it: memory, and the keychain
    /// even after falling back from it. An error means a keychain entry may be left.
    pub async fn delete(&self) -> Result<(), StoreError> {
        let _turn = self.0.turn.lock().await;
        self.clear().await
    }

    async fn clear(&self) -> Result<(), StoreError> {
        let _ = self.0.memory.delete();
        let Some(keychain) = self.0.keychain.clone() else {
            return Ok(());
        };
        let may_hold = self.state().keychain_may_hold;
        match self.on_keychain(keychain, |k| k.delete()).await {
            Ok(()) => {
                self.state().keychain_may_hold = false;
                Ok(())
            }
            Err(e) if may_hold => Err(e),
            Err(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;
    use crate::flow::AccessToken;
    use crate::session::stored::Binding;

    fn session(access: &str) -> StoredSession {
        StoredSession {
            access_token: Some(AccessToken::new(access)),
            refresh_token: None,
            expires_at: None,
            binding: Binding {
                client_id: "c".into(),
                token_origin: "https://a.example".into(),
                revocation_origin: None,
                api_origin: "https://a.example".into(),
            },
        }
    }

    const QUICK: StoreTimeouts = StoreTimeouts {
        slow: Duration::from_millis(50),
        give_up: Duration::from_millis(400),
    };

    /// A keychain that answers after `delay` (an unlock prompt), or fails.
    #[derive(Default)]
    struct Keychain {
        delay: Duration,
        refuses: AtomicBool,
        memory: MemoryStore,
    }

    impl Keychain {
        fn wait(&self) -> Result<(), StoreError> {
            std::thread::sleep(self.delay);
            if self.refuses.load(Ordering::SeqCst) {
                return Err(StoreError::Unavailable("locked".into()));
            }
            Ok(())
        }
    }

    impl TokenStore for Keychain {
        fn load(&self) -> Result<Option<StoredSession>, StoreError> {
            self.wait()?;
            self.memory.load()
        }
        fn save(&self, session: &StoredSession) -> Result<Fit, StoreError> {
            self.wait()?;
            self.memory.save(session)
        }
        fn delete(&self) -> Result<(), StoreError> {
            self.wait()?;
            self.memory.delete()
        }
    }

    fn keychain(delay_ms: u64) -> Arc<Keychain> {
        Arc::new(Keychain {
            delay: Duration::from_millis(delay_ms),
            ..Keychain::default()
        })
    }

    #[tokio::test]
    async fn a_slow_keychain_is_waited_for_and_then_used() {
        let k = keychain(200);
        k.memory.save(&session("old")).unwrap();
        let store = SessionStore::new(Some(k.clone()), QUICK);
        let mut waiting = store.waiting();
        let load = tokio::spawn({
            let store = store.clone();
            async move { store.load().await }
        });
        waiting.changed().await.unwrap();
        assert!(*waiting.borrow(), "the window is told it is waiting");
        assert_eq!(load.await.unwrap(), Some(session("old")));
        assert!(!*store.waiting().borrow());
        assert_eq!(store.remembered(), Remembered::Yes, "still the keychain");
        assert_eq!(
            store.save_if(|| true, &session("new")).await,
            Ok(Remembered::Yes)
        );
        assert_eq!(k.memory.load().unwrap(), Some(session("new")));
    }

    #[tokio::test]
    async fn a_hung_keychain_is_given_up_and_memory_takes_over() {
        let store = SessionStore::new(Some(keychain(2_000)), QUICK);
        assert_eq!(store.load().await, None);
        assert_eq!(store.remembered(), Remembered::NoKeychain);
        assert_eq!(
            store.save_if(|| true, &session("a")).await,
            Ok(Remembered::NoKeychain)
        );
        assert_eq!(store.load().await, Some(session("a")));
    }

    #[tokio::test]
    async fn the_learner_can_go_on_without_the_keychain() {
        let store = SessionStore::new(
            Some(keychain(2_000)),
            StoreTimeouts {
                slow: Duration::from_millis(50),
                give_up: Duration::from_secs(60),
            },
        );
        let mut waiting = store.waiting();
        let load = tokio::spawn({
            let store = store.clone();
            async move { store.load().await }
        });
        waiting.changed().await.unwrap();
        store.skip_keychain();
        assert_eq!(load.await.unwrap(), None);
        assert_eq!(store.remembered(), Remembered::NoKeychain);
    }

    #[tokio::test]
    async fn overtaken_actions_leave_the_store_alone() {
        let k = keychain(0);
        let store = SessionStore::new(Some(k.clone()), QUICK);
        assert_eq!(
            store.save_if(|| false, &session("late")).await,
            Err(Superseded)
        );
        assert_eq!(k.memory.load().unwrap(), None);

        store.save_if(|| true, &session("newer")).await.unwrap();
        // A restore that read "older" must neither replace nor delete "newer".
        assert_eq!(
            store.replace(&session("older"), &session("rotated")).await,
            Err(Superseded)
        );
        store.delete_if(&session("older")).await.unwrap();
        assert_eq!(k.memory.load().unwrap(), Some(session("newer")));
        store.delete_if(&session("newer")).await.unwrap();
        assert_eq!(k.memory.load().unwrap(), None);
    }

    #[tokio::test]
    async fn a_rotated_session_the_keychain_refuses_removes_the_retired_one() {
        let k = keychain(0);
        k.memory.save(&session("old")).unwrap();
        let refusing_saves = Arc::new(RefusingSaves(k.clone()));
        let store = SessionStore::new(Some(refusing_saves), QUICK);
        assert_eq!(
            store.replace(&session("old"), &session("new")).await,
            Ok(Remembered::NoKeychain)
        );
        assert_eq!(k.memory.load().unwrap(), None, "the retired entry is gone");
        assert_eq!(store.load().await, Some(session("new")), "kept in memory");
    }

    /// Reads and deletes, refuses to save.
    struct RefusingSaves(Arc<Keychain>);

    impl TokenStore for RefusingSaves {
        fn load(&self) -> Result<Option<StoredSession>, StoreError> {
            self.0.load()
        }
        fn save(&self, _: &StoredSession) -> Result<Fit, StoreError> {
            Err(StoreError::Unavailable("locked".into()))
        }
        fn delete(&self) -> Result<(), StoreError> {
            self.0.delete()
        }
    }

    #[tokio::test]
    async fn sign_out_clears_the_keychain_even_after_falling_back() {
        let k = keychain(0);
        let store = SessionStore::new(Some(k.clone()), QUICK);
        store.save_if(|| true, &session("a")).await.unwrap();
        // The keychain stops answering saves: memory takes over for the new session.
        store.fall_back(&StoreError::Unavailable("gone".into()));
        store.save_if(|| true, &session("b")).await.unwrap();
        store.delete().await.unwrap();
        assert_eq!(
            k.memory.load().unwrap(),
            None,
            "the keychain's copy is gone too"
        );
        assert_eq!(store.load().await, None);

        // A keychain that may hold a session and cannot be cleared is reported.
        let k = keychain(0);
        let store = SessionStore::new(Some(k.clone()), QUICK);
        store.save_if(|| true, &session("a")).await.unwrap();
        k.refuses.store(true, Ordering::SeqCst);
        assert!(store.delete().await.is_err());
    }
}
