//! The session's store, as async code uses it: one operation at a time, off the UI
//! thread, patient with a keychain that asks the learner to unlock it, and never losing a
//! session to one that does not answer.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::store::{MemoryStore, StoreError, TokenStore};
use super::stored::StoredSession;

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

/// Why a session will not outlive this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRemembered {
    /// The settings ask for memory (`token_store = "memory"`).
    MemoryChosen,
    /// No keychain, one that failed or did not answer, or the learner went on without it.
    NoKeychain,
    /// The session is larger than the keychain holds.
    TooLarge,
}

/// A newer action took over: this one must leave the store alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Superseded;

/// Cheap to clone: every clone is the same store.
#[derive(Clone)]
pub struct SessionStore(Arc<Shared>);

struct Shared {
    /// The platform's keychain entry, when one can be opened. Sessions are kept there
    /// unless the settings ask for memory; sign-out clears it either way.
    keychain: Option<Arc<dyn TokenStore>>,
    memory: MemoryStore,
    state: Mutex<State>,
    /// One operation at a time, so that a check and the write that follows it agree.
    turn: tokio::sync::Mutex<()>,
    waiting: watch::Sender<bool>,
    /// Fired by the learner's way out of the current wait.
    skip: Mutex<CancellationToken>,
    timeouts: StoreTimeouts,
}

struct State {
    /// Set once sessions are kept in memory only, and why.
    not_remembered: Option<NotRemembered>,
    /// The keychain may hold a session: sign-out must report failing to clear it.
    keychain_may_hold: bool,
}

impl SessionStore {
    /// Sessions go to `keychain` when `use_keychain`; memory is used otherwise, and when no
    /// keychain could be opened.
    pub fn new(
        keychain: Option<Arc<dyn TokenStore>>,
        use_keychain: bool,
        timeouts: StoreTimeouts,
    ) -> Self {
        let not_remembered = match (&keychain, use_keychain) {
            (_, false) => Some(NotRemembered::MemoryChosen),
            (None, true) => Some(NotRemembered::NoKeychain),
            (Some(_), true) => None,
        };
        Self(Arc::new(Shared {
            keychain,
            memory: MemoryStore::default(),
            state: Mutex::new(State {
                not_remembered,
                keychain_may_hold: false,
            }),
            turn: tokio::sync::Mutex::new(()),
            waiting: watch::channel(false).0,
            skip: Mutex::new(CancellationToken::new()),
            timeouts,
        }))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.0.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// None while sessions outlive this run.
    pub fn not_remembered(&self) -> Option<NotRemembered> {
        self.state().not_remembered
    }

    /// True while a keychain call is taking long (an unlock prompt, most likely).
    pub fn waiting(&self) -> watch::Receiver<bool> {
        self.0.waiting.subscribe()
    }

    /// The learner's way out of a keychain that keeps them waiting: this call gives up, and
    /// sessions stay in memory for the rest of the run.
    pub fn skip_keychain(&self) {
        self.0
            .skip
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .cancel();
    }

    /// True when both are the same store.
    pub fn is(&self, other: &SessionStore) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    fn keychain_in_use(&self) -> Option<Arc<dyn TokenStore>> {
        match self.state().not_remembered {
            None => self.0.keychain.clone(),
            Some(_) => None,
        }
    }

    pub(crate) fn fall_back(&self, error: &StoreError) {
        let why = match error {
            StoreError::TooLarge => NotRemembered::TooLarge,
            _ => NotRemembered::NoKeychain,
        };
        tracing::warn!(%error, "keeping the session in memory only");
        self.state().not_remembered = Some(why);
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
        tokio::select! {
            r = &mut task => return joined(r),
            _ = tokio::time::sleep(t.slow) => {}
        }
        tracing::info!("waiting for the keychain");
        let skip = self
            .0
            .skip
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        self.0.waiting.send_replace(true);
        let result = tokio::select! {
            r = &mut task => joined(r),
            _ = tokio::time::sleep(t.give_up.saturating_sub(t.slow)) => {
                Err(StoreError::Unavailable("no answer in time".into()))
            }
            _ = skip.cancelled() => Err(StoreError::Skipped),
        };
        if skip.is_cancelled() {
            *self.0.skip.lock().unwrap_or_else(|e| e.into_inner()) = CancellationToken::new();
        }
        self.0.waiting.send_replace(false);
        result
    }

    /// The session kept where sessions are kept now. A keychain that cannot be read is
    /// left for memory, and may still hold a session.
    async fn read(&self) -> Result<Option<StoredSession>, StoreError> {
        let Some(keychain) = self.keychain_in_use() else {
            return self.0.memory.load();
        };
        match self.on_keychain(keychain, |k| k.load()).await {
            Ok(found) => {
                self.state().keychain_may_hold |= found.is_some();
                Ok(found)
            }
            Err(e) => {
                self.state().keychain_may_hold = true;
                self.fall_back(&e);
                Err(e)
            }
        }
    }

    async fn write(&self, session: &StoredSession) -> Option<NotRemembered> {
        let _ = self.0.memory.save(session);
        if let Some(keychain) = self.keychain_in_use() {
            self.state().keychain_may_hold = true;
            let copy = session.clone();
            if let Err(e) = self.on_keychain(keychain, move |k| k.save(&copy)).await {
                self.fall_back(&e);
            }
        }
        self.not_remembered()
    }

    /// Removes the session from every store that may hold it: memory, and the keychain
    /// even when sessions are kept in memory. An error means a keychain entry may be left.
    async fn clear(&self) -> Result<(), StoreError> {
        let _ = self.0.memory.delete();
        let Some(keychain) = self.0.keychain.clone() else {
            return Ok(());
        };
        match self.on_keychain(keychain, |k| k.delete()).await {
            Ok(()) => {
                self.state().keychain_may_hold = false;
                Ok(())
            }
            Err(e) if self.state().keychain_may_hold => Err(e),
            Err(_) => Ok(()),
        }
    }

    /// The stored session, if any. A keychain that does not answer is waited for (see
    /// [`StoreTimeouts`]); an error means it could not be read, and memory takes over.
    pub async fn load(&self) -> Result<Option<StoredSession>, StoreError> {
        let _turn = self.0.turn.lock().await;
        self.read().await
    }

    /// Saves a new session, unless `wanted` says the action that got it was overtaken
    /// (checked in turn with every other operation).
    pub async fn save_if(
        &self,
        wanted: impl FnOnce() -> bool,
        session: &StoredSession,
    ) -> Result<Option<NotRemembered>, Superseded> {
        let _turn = self.0.turn.lock().await;
        if !wanted() {
            return Err(Superseded);
        }
        Ok(self.write(session).await)
    }

    /// Replaces `old` by `new` (a rotated refresh token), unless the store holds another
    /// session. When the keychain refuses the new one, the old entry — whose refresh token
    /// the server has just retired — is removed rather than presented again.
    pub async fn replace(
        &self,
        old: &StoredSession,
        new: &StoredSession,
    ) -> Result<Option<NotRemembered>, Superseded> {
        let _turn = self.0.turn.lock().await;
        if matches!(self.read().await, Ok(current) if current.as_ref() != Some(old)) {
            return Err(Superseded);
        }
        let not_remembered = self.write(new).await;
        if not_remembered.is_some() {
            if let Some(keychain) = self.0.keychain.clone() {
                if let Err(e) = self.on_keychain(keychain, |k| k.delete()).await {
                    tracing::warn!(error = %e, "the retired session could not be removed from the keychain");
                }
            }
        }
        Ok(not_remembered)
    }

    /// Removes the stored session unless the store holds another one: a task that was
    /// overtaken must not remove the session a newer one saved.
    pub async fn delete_if(&self, expected: &StoredSession) -> Result<(), StoreError> {
        let _turn = self.0.turn.lock().await;
        if matches!(self.read().await, Ok(current) if current.as_ref() != Some(expected)) {
            return Ok(());
        }
        self.clear().await
    }

    /// Removes the session from every store that may hold it.
    pub async fn delete(&self) -> Result<(), StoreError> {
        let _turn = self.0.turn.lock().await;
        self.clear().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::fake::{session, FakeKeychain};

    const QUICK: StoreTimeouts = StoreTimeouts {
        slow: Duration::from_millis(50),
        give_up: Duration::from_millis(400),
    };

    fn store(keychain: &Arc<FakeKeychain>, timeouts: StoreTimeouts) -> SessionStore {
        SessionStore::new(Some(keychain.clone()), true, timeouts)
    }

    #[tokio::test]
    async fn a_slow_keychain_is_waited_for_and_then_used() {
        let k = Arc::new(FakeKeychain::holding(session("old")).slow(Duration::from_millis(200)));
        let store = store(&k, QUICK);
        let mut waiting = store.waiting();
        let load = tokio::spawn({
            let store = store.clone();
            async move { store.load().await }
        });
        waiting.changed().await.unwrap();
        assert!(*waiting.borrow(), "the window is told it is waiting");
        assert_eq!(load.await.unwrap(), Ok(Some(session("old"))));
        assert!(!*store.waiting().borrow());
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
        assert_eq!(load.await.unwrap(), Err(StoreError::Skipped));
        assert_eq!(store.not_remembered(), Some(NotRemembered::NoKeychain));
        // Sign-out still tries the keychain, which may hold a session: it says when it could not.
        let delete = tokio::spawn({
            let store = store.clone();
            async move { store.delete().await }
        });
        waiting.changed().await.unwrap();
        store.skip_keychain();
        assert_eq!(delete.await.unwrap(), Err(StoreError::Skipped));
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
        let in_memory = SessionStore::new(Some(k.clone()), false, QUICK);
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
}
