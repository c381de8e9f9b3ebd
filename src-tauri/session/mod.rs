//! Staying signed in: where the tokens are kept, and resuming a session with them. Plain
//! Rust, no Tauri types.

pub mod keychain;
pub mod store;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub use store::{MemoryStore, SessionStore, StoredSession, TokenStore};

use crate::flow::config::TokenStoreKind;
use crate::flow::{DeviceFlowClient, FlowError, Profile, Settings};

/// An access token this close to its expiry is refreshed before use.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The token store the settings ask for: the keychain entry of this platform, or memory.
pub fn store_for(settings: &Settings) -> Arc<dyn TokenStore> {
    match settings.token_store {
        TokenStoreKind::Memory => Arc::new(MemoryStore::default()),
        TokenStoreKind::Keychain => {
            match keychain::KeychainStore::for_platform(crate::APP_ID, &settings.auth_url) {
                Ok(store) => Arc::new(store),
                Err(e) => {
                    tracing::warn!(error = %e, "no keychain; the session will not be remembered");
                    Arc::new(MemoryStore::default())
                }
            }
        }
    }
}

/// A session in use: its tokens and the learner's profile.
#[derive(Debug, Clone)]
pub struct Resumed {
    pub tokens: StoredSession,
    pub profile: Profile,
}

/// The learner's profile with the session's tokens. The access token is refreshed first
/// when it is near expiry, and once when the API answers 401 (then the call is retried
/// once). New tokens are saved before they are used: the platform rotates refresh tokens,
/// so the old one is dead as soon as the new one is issued.
///
/// [`FlowError::InvalidGrant`] means the session has ended; any other error leaves it as
/// it was.
pub async fn resume(
    client: &DeviceFlowClient,
    store: &SessionStore,
    tokens: StoredSession,
) -> Result<Resumed, FlowError> {
    let mut tokens = tokens;
    let mut refreshed = false;
    if tokens.needs_refresh(SystemTime::now(), REFRESH_MARGIN) {
        tokens = refresh(client, store, &tokens).await?;
        refreshed = true;
    }
    match client.fetch_profile(&tokens.access_token).await {
        Ok(profile) => Ok(Resumed { tokens, profile }),
        Err(FlowError::SessionInvalid) if !refreshed => {
            tokens = refresh(client, store, &tokens).await?;
            let profile = client.fetch_profile(&tokens.access_token).await?;
            Ok(Resumed { tokens, profile })
        }
        Err(e) => Err(e),
    }
}

async fn refresh(
    client: &DeviceFlowClient,
    store: &SessionStore,
    tokens: &StoredSession,
) -> Result<StoredSession, FlowError> {
    // Without a refresh token, an expired session cannot be renewed: it is over.
    let refresh_token = tokens
        .refresh_token
        .as_ref()
        .ok_or(FlowError::InvalidGrant)?;
    let answer = client.refresh(refresh_token).await?;
    let next = tokens.refreshed(&answer, SystemTime::now());
    store.save(&next).await;
    tracing::info!("access token refreshed");
    Ok(next)
}
