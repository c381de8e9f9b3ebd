//! A stand-in keychain for tests: slow like one that asks to be unlocked, or refusing to
//! read, save or delete. Compiled for the core's tests and with the `testing` feature.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use super::saved::{Binding, SavedSession};
use super::vault::{MemoryVault, Vault, VaultError};
use crate::flow::AccessToken;

#[derive(Default)]
pub struct FakeKeychain {
    inner: MemoryVault,
    delay: Duration,
    refuse_loads: AtomicBool,
    refuse_saves: AtomicBool,
    refuse_deletes: AtomicBool,
    /// While true, every call waits: an unlock prompt nobody has answered yet.
    held: Mutex<bool>,
    released: Condvar,
}

impl FakeKeychain {
    pub fn holding(session: SavedSession) -> Self {
        Self {
            inner: MemoryVault::with(session),
            ..Self::default()
        }
    }

    /// Every call takes `delay`, as an unlock prompt would.
    pub fn slow(self, delay: Duration) -> Self {
        Self { delay, ..self }
    }

    /// From now on every call waits until [`Self::release`], as behind an unlock prompt:
    /// tests on a paused clock move time forward meanwhile with `tokio::time::advance`.
    pub fn hold(&self) {
        *self.held.lock().unwrap() = true;
    }

    pub fn release(&self) {
        *self.held.lock().unwrap() = false;
        self.released.notify_all();
    }

    pub fn refuse_loads(&self, refuse: bool) {
        self.refuse_loads.store(refuse, Ordering::SeqCst);
    }

    pub fn refuse_saves(&self, refuse: bool) {
        self.refuse_saves.store(refuse, Ordering::SeqCst);
    }

    pub fn refuse_deletes(&self, refuse: bool) {
        self.refuse_deletes.store(refuse, Ordering::SeqCst);
    }

    /// What it holds, read without delay.
    pub fn stored(&self) -> Option<SavedSession> {
        self.inner.load().ok().flatten()
    }

    fn answer(&self, refuse: &AtomicBool) -> Result<(), VaultError> {
        std::thread::sleep(self.delay);
        let held = self.held.lock().unwrap();
        drop(self.released.wait_while(held, |held| *held).unwrap());
        if refuse.load(Ordering::SeqCst) {
            return Err(VaultError::Unavailable("locked".into()));
        }
        Ok(())
    }
}

impl Vault for FakeKeychain {
    fn load(&self) -> Result<Option<SavedSession>, VaultError> {
        self.answer(&self.refuse_loads)?;
        self.inner.load()
    }

    fn save(&self, session: &SavedSession) -> Result<(), VaultError> {
        self.answer(&self.refuse_saves)?;
        self.inner.save(session)
    }

    fn delete(&self) -> Result<(), VaultError> {
        self.answer(&self.refuse_deletes)?;
        self.inner.delete()
    }
}

/// A session told apart by its access token, for tests of the store.
pub fn session(access: &str) -> SavedSession {
    SavedSession {
        access_token: Some(AccessToken::new(access)),
        refresh_token: None,
        expires_at: None,
        binding: Binding {
            client_id: "c".into(),
            token: "https://a.example/token".parse().unwrap(),
            revocation: None,
            profile: "https://a.example/me".parse().unwrap(),
        },
        signed_in_at: None,
        profile: None,
    }
}

/// Every session kept, for the tests: the stand-in keychains a test lists.
#[derive(Default)]
pub struct FakeRemembered(pub Vec<std::sync::Arc<dyn Vault>>);

impl super::Remembered for FakeRemembered {
    fn all(&self) -> Result<Vec<std::sync::Arc<dyn Vault>>, VaultError> {
        Ok(self.0.clone())
    }
}
