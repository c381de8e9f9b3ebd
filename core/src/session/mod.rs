//! Staying signed in: where the tokens are kept ([`KeychainStore`], or memory), how they
//! are kept ([`StoredSession`], bound to where they may be sent), and resuming a session
//! with them ([`resume`]).

pub mod keychain;
pub mod resume;
pub mod session_store;
pub mod store;
pub mod stored;

use std::sync::Arc;

pub use keychain::KeychainStore;
pub use resume::{resume, ResumeError, Resumed, REFRESH_MARGIN};
pub use session_store::{Remembered, SessionStore, StoreTimeouts, Superseded};
pub use store::{MemoryStore, StoreError, TokenStore};
pub use stored::{Binding, Fit, StoredSession};

use crate::settings::{Settings, TokenStoreKind};

/// Where the settings' platform keeps its session: its keychain entry under `service`, or
/// memory when the settings ask for it or no keychain can be opened.
pub fn store_for(service: &str, settings: &Settings, timeouts: StoreTimeouts) -> SessionStore {
    match settings.token_store {
        TokenStoreKind::Memory => SessionStore::new(None, timeouts),
        TokenStoreKind::Keychain => {
            match KeychainStore::for_platform(service, &settings.auth_url) {
                Ok(keychain) => SessionStore::new(Some(Arc::new(keychain)), timeouts),
                Err(e) => {
                    let store = SessionStore::new(None, timeouts);
                    store.fall_back(&e);
                    store
                }
            }
        }
    }
}
