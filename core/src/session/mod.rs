//! Staying signed in: how a session is kept ([`StoredSession`], bound to where its tokens
//! may be sent), where ([`KeychainStore`], or memory, through [`SessionStore`]), resuming
//! it ([`resume`]) and ending it ([`end`]).

pub mod end;
#[cfg(any(test, feature = "testing"))]
pub mod fake;
pub mod keychain;
pub mod resume;
pub mod session_store;
pub mod store;
pub mod stored;

use std::sync::Arc;

pub use end::{discard, end, Ended};
pub use keychain::KeychainStore;
pub use resume::{resume, ResumeError, Resumed, REFRESH_MARGIN};
pub use session_store::{NotRemembered, SessionStore, StoreTimeouts, Superseded};
pub use store::{MemoryStore, StoreError, TokenStore};
pub use stored::{Binding, StoredSession};

use crate::settings::{Settings, TokenStoreKind};

/// Where the settings' platform keeps its session: its keychain entry under `service`, or
/// memory when the settings ask for it or no keychain can be opened.
pub fn store_for(service: &str, settings: &Settings, timeouts: StoreTimeouts) -> SessionStore {
    let keychain = KeychainStore::for_platform(service, &settings.auth_url)
        .map_err(|e| tracing::warn!(error = %e, "no keychain; the session will not be remembered"))
        .ok()
        .map(|k| Arc::new(k) as Arc<dyn TokenStore>);
    SessionStore::new(
        keychain,
        settings.token_store == TokenStoreKind::Keychain,
        timeouts,
    )
}
