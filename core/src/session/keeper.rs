//! The session's keeper, as async code uses it: one operation at a time, off the UI
//! thread, patient with a keychain that asks the learner to unlock it, and never losing a
//! session to one that does not answer.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::saved::SavedSession;
use super::vault::{MemoryVault, Vault, VaultError};
use crate::sync::LockAnyway;

/// How long a keychain may take.
#[derive(Debug, Clone, Copy)]
pub struct Patience {
    /// After this the window says "Waiting for the keychain…", with a way out: an unlock
    /// prompt is waiting for the learner.
    pub slow: Duration,
    /// After this the keychain is taken to hang, and the session is kept in memory.
    pub give_up: Duration,
}

impl Default for Patience {
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
    /// A computer shared by many learners (`remember_session = false`): the session ends
    /// with the app.
    EndsWithTheApp,
}

/// A newer action took over: this one must leave the store alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Superseded;

/// Cheap to clone: every clone is the same store.
#[derive(Clone)]
pub struct SessionKeeper(Arc<Shared>);

struct Shared {
    /// The platform's keychain entry, when one can be opened. Sessions are kept there
    /// unless the settings ask for memory; sign-out clears it either way.
    keychain: Option<Arc<dyn Vault>>,
    memory: MemoryVault,
    state: Mutex<State>,
    /// One operation at a time, so that a check and the write that follows it agree.
    turn: tokio::sync::Mutex<()>,
    /// Told when a wait for the keychain starts or ends (the window says so).
    on_waiting: Mutex<Option<WaitingHook>>,
    /// Fired by the learner's way out of the current wait.
    skip: Mutex<CancellationToken>,
    timeouts: Patience,
}

type WaitingHook = Arc<dyn Fn(bool) + Send + Sync>;

struct State {
    /// True while a keychain call is taking long (an unlock prompt, most likely).
    waiting: bool,
    /// Set once sessions are kept in memory only, and why.
    not_remembered: Option<NotRemembered>,
    /// The keychain may hold a session: sign-out must report failing to clear it.
    keychain_may_hold: bool,
}

impl SessionKeeper {
    /// Sessions go to `keychain` when `use_keychain`; memory is used otherwise, and when no
    /// keychain could be opened.
    pub fn new(keychain: Option<Arc<dyn Vault>>, use_keychain: bool, timeouts: Patience) -> Self {
        let not_remembered = match (&keychain, use_keychain) {
            (_, false) => Some(NotRemembered::MemoryChosen),
            (None, true) => Some(NotRemembered::NoKeychain),
            (Some(_), true) => None,
        };
        Self(Arc::new(Shared {
            keychain,
            memory: MemoryVault::default(),
            state: Mutex::new(State {
                waiting: false,
                not_remembered,
                keychain_may_hold: false,
            }),
            turn: tokio::sync::Mutex::new(()),
            on_waiting: Mutex::new(None),
            skip: Mutex::new(CancellationToken::new()),
            timeouts,
        }))
    }

    /// This keeper, for a computer shared by many learners: sessions in memory only, ended
    /// when the app closes.
    pub fn ending_with_the_app(self) -> Self {
        self.state().not_remembered = Some(NotRemembered::EndsWithTheApp);
        self
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.0.state.lock_anyway()
    }

    /// None while sessions outlive this run.
    pub fn not_remembered(&self) -> Option<NotRemembered> {
        self.state().not_remembered
    }

    /// True while a keychain call is taking long (an unlock prompt, most likely).
    pub fn is_waiting(&self) -> bool {
        self.state().waiting
    }

    /// Calls `hook` with [`Self::is_waiting`] each time it changes. The hook lives as long
    /// as the keeper, and no longer: nothing waits on it.
    pub fn on_waiting(&self, hook: impl Fn(bool) + Send + Sync + 'static) {
        *self.0.on_waiting.lock_anyway() = Some(Arc::new(hook));
    }

    fn set_waiting(&self, waiting: bool) {
        self.state().waiting = waiting;
        let hook = self.0.on_waiting.lock_anyway().clone();
        if let Some(hook) = hook {
            hook(waiting);
        }
    }

    /// The learner's way out of a keychain that keeps them waiting: this call gives up, and
    /// sessions stay in memory for the rest of the run.
    pub fn skip_keychain(&self) {
        self.0.skip.lock_anyway().cancel();
    }

    fn keychain_in_use(&self) -> Option<Arc<dyn Vault>> {
        match self.state().not_remembered {
            None => self.0.keychain.clone(),
            Some(_) => None,
        }
    }

    pub(crate) fn fall_back(&self, error: &VaultError) {
        let why = match error {
            VaultError::TooLarge => NotRemembered::TooLarge,
            _ => NotRemembered::NoKeychain,
        };
        tracing::warn!(%error, "keeping the session in memory only");
        self.state().not_remembered = Some(why);
    }

    /// Runs `op` on the keychain on a blocking thread: says so after `slow`, gives up after
    /// `give_up` or when the learner skips it.
    async fn on_keychain<T: Send + 'static>(
        &self,
        keychain: Arc<dyn Vault>,
        op: impl FnOnce(&dyn Vault) -> Result<T, VaultError> + Send + 'static,
    ) -> Result<T, VaultError> {
        let t = self.0.timeouts;
        let task = tokio::task::spawn_blocking(move || op(keychain.as_ref()));
        tokio::pin!(task);
        let joined = |r: Result<Result<T, VaultError>, tokio::task::JoinError>| {
            r.unwrap_or_else(|e| Err(VaultError::Unavailable(e.to_string())))
        };
        tokio::select! {
            r = &mut task => return joined(r),
            _ = tokio::time::sleep(t.slow) => {}
        }
        tracing::info!("waiting for the keychain");
        let skip = self.0.skip.lock_anyway().clone();
        self.set_waiting(true);
        let result = tokio::select! {
            r = &mut task => joined(r),
            _ = tokio::time::sleep(t.give_up.saturating_sub(t.slow)) => {
                Err(VaultError::Unavailable("no answer in time".into()))
            }
            _ = skip.cancelled() => Err(VaultError::Skipped),
        };
        if skip.is_cancelled() {
            *self.0.skip.lock_anyway() = CancellationToken::new();
        }
        self.set_waiting(false);
        result
    }

    /// The session kept where sessions are kept now. A keychain that cannot be read is
    /// left for memory, and may still hold a session.
    async fn read(&self) -> Result<Option<SavedSession>, VaultError> {
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

    async fn write(&self, session: &SavedSession) -> Option<NotRemembered> {
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
    async fn clear(&self) -> Result<(), VaultError> {
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
    /// [`Patience`]); an error means it could not be read, and memory takes over.
    pub async fn load(&self) -> Result<Option<SavedSession>, VaultError> {
        let _turn = self.0.turn.lock().await;
        self.read().await
    }

    /// Saves a new session, unless `wanted` says the action that got it was overtaken
    /// (checked in turn with every other operation).
    pub async fn save_if(
        &self,
        wanted: impl FnOnce() -> bool,
        session: &SavedSession,
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
        old: &SavedSession,
        new: &SavedSession,
    ) -> Result<Option<NotRemembered>, Superseded> {
        let _turn = self.0.turn.lock().await;
        if matches!(self.read().await, Ok(current) if !current.as_ref().is_some_and(|c| c.is_same(old)))
        {
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
    pub async fn delete_if(&self, expected: &SavedSession) -> Result<(), VaultError> {
        let _turn = self.0.turn.lock().await;
        if matches!(self.read().await, Ok(current) if !current.as_ref().is_some_and(|c| c.is_same(expected)))
        {
            return Ok(());
        }
        self.clear().await
    }

    /// Removes the session from every store that may hold it.
    pub async fn delete(&self) -> Result<(), VaultError> {
        let _turn = self.0.turn.lock().await;
        self.clear().await
    }
}

#[cfg(test)]
#[path = "keeper_tests.rs"]
mod tests;
