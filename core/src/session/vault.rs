//! Where a session is kept between runs: behind a trait, with the OS keychain for real
//! and memory for tests and for systems without a keychain. Never a plain file.

use std::sync::Mutex;

use super::saved::SavedSession;
use crate::sync::LockAnyway;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
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

/// Blocking calls: run them off the UI thread, through [`super::SessionKeeper`].
pub trait Vault: Send + Sync {
    fn load(&self) -> Result<Option<SavedSession>, VaultError>;
    fn save(&self, session: &SavedSession) -> Result<(), VaultError>;
    fn delete(&self) -> Result<(), VaultError>;
}

/// Keeps the session for this run only.
#[derive(Default)]
pub struct MemoryVault(Mutex<Option<SavedSession>>);

impl MemoryVault {
    pub fn with(session: SavedSession) -> Self {
        Self(Mutex::new(Some(session)))
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<SavedSession>> {
        self.0.lock_anyway()
    }
}

impl Vault for MemoryVault {
    fn load(&self) -> Result<Option<SavedSession>, VaultError> {
        Ok(self.slot().clone())
    }

    fn save(&self, session: &SavedSession) -> Result<(), VaultError> {
        *self.slot() = Some(session.clone());
        Ok(())
    }

    fn delete(&self) -> Result<(), VaultError> {
        *self.slot() = None;
        Ok(())
    }
}
