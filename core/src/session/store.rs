//! Where a session is kept between runs: behind a trait, with the OS keychain for real
//! and memory for tests and for systems without a keychain. Never a plain file.

use std::sync::Mutex;

use super::stored::StoredSession;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No keychain, a locked one, or one that did not answer in time.
    #[error("the keychain is not available: {0}")]
    Unavailable(String),
    /// The session is larger than the keychain holds, even without its access token.
    #[error("the session is too large for the keychain")]
    TooLarge,
    /// The learner chose to go on without the keychain while it was waiting.
    #[error("the keychain was skipped")]
    Skipped,
}

/// Blocking calls: run them off the UI thread, through [`super::SessionStore`].
pub trait TokenStore: Send + Sync {
    fn load(&self) -> Result<Option<StoredSession>, StoreError>;
    fn save(&self, session: &StoredSession) -> Result<(), StoreError>;
    fn delete(&self) -> Result<(), StoreError>;
}

/// Keeps the session for this run only.
#[derive(Default)]
pub struct MemoryStore(Mutex<Option<StoredSession>>);

impl MemoryStore {
    pub fn with(session: StoredSession) -> Self {
        Self(Mutex::new(Some(session)))
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<StoredSession>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl TokenStore for MemoryStore {
    fn load(&self) -> Result<Option<StoredSession>, StoreError> {
        Ok(self.slot().clone())
    }

    fn save(&self, session: &StoredSession) -> Result<(), StoreError> {
        *self.slot() = Some(session.clone());
        Ok(())
    }

    fn delete(&self) -> Result<(), StoreError> {
        *self.slot() = None;
        Ok(())
    }
}
