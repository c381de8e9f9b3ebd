//! Staying signed in, in reading order: what is kept ([`saved`]: a [`SavedSession`], bound
//! to where its tokens may be sent), where ([`vault`]: the OS [`keychain`], or memory),
//! how the app keeps it ([`keeper`]: one operation at a time, patient with a keychain that
//! asks to be unlocked), resuming it ([`resume`]) and ending it ([`end`]).

#[cfg(windows)]
pub mod credentials;
pub mod end;
mod entry;
#[cfg(any(test, feature = "testing"))]
pub mod fake;
pub mod keeper;
pub mod keychain;
pub mod resume;
pub mod saved;
pub mod vault;

use std::sync::Arc;

pub use end::{discard, end, end_remembered, Ended};
pub use keeper::{NotRemembered, Patience, SessionKeeper, Superseded};
pub use keychain::{Keychain, KeychainSessions};
pub use resume::{resume, ResumeError, Resumed, REFRESH_MARGIN};
pub use saved::{Binding, KnownProfile, SavedSession};
pub use vault::{MemoryVault, Vault, VaultError};

use crate::settings::{Settings, TokenStoreKind};

/// The sessions this app keeps on this computer, every platform's: what a computer switched
/// to shared use clears at start.
pub trait Remembered: Send + Sync {
    /// Where each is kept.
    fn all(&self) -> Result<Vec<Arc<dyn Vault>>, VaultError>;
}

/// Where the settings' platform keeps its session: its keychain entry under `service`
/// (see [`keeper`]).
pub fn keeper_for(service: &str, settings: &Settings, patience: Patience) -> SessionKeeper {
    let keychain = Keychain::for_platform(service, &settings.auth_url)
        .map_err(|e| tracing::warn!(error = %e, "no keychain; the session will not be remembered"))
        .ok()
        .map(|k| Arc::new(k) as Arc<dyn Vault>);
    keeper(keychain, settings, patience)
}

/// The keeper of a session with `keychain`: kept there, or in memory when the settings
/// ask for it, the computer is shared (and then ended with the app), or there is no
/// keychain. The keychain is held all the same: sign-out clears it.
pub fn keeper(
    keychain: Option<Arc<dyn Vault>>,
    settings: &Settings,
    patience: Patience,
) -> SessionKeeper {
    let use_keychain =
        settings.token_store == TokenStoreKind::Keychain && settings.remember_session;
    let keeper = SessionKeeper::new(keychain, use_keychain, patience);
    if settings.remember_session {
        keeper
    } else {
        keeper.ending_with_the_app()
    }
}
