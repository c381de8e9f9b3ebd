//! Locks that a panic elsewhere does not take down with it.

use std::sync::{Mutex, MutexGuard};

pub trait LockAnyway<T> {
    /// The lock, even when a thread panicked while holding it: what it guards is plain
    /// data, still whole, and the window must go on.
    fn lock_anyway(&self) -> MutexGuard<'_, T>;
}

impl<T> LockAnyway<T> for Mutex<T> {
    fn lock_anyway(&self) -> MutexGuard<'_, T> {
        self.lock().unwrap_or_else(|e| e.into_inner())
    }
}
