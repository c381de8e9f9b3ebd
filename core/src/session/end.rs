//! Ending a session: removed from this computer first, so that quitting during a slow
//! revocation leaves nothing behind; then revoked where its tokens were issued.

use std::time::{Duration, SystemTime};

use std::sync::Arc;

use super::keeper::{Patience, SessionKeeper};
use super::saved::{Binding, SavedSession};
use super::vault::Vault;
use crate::flow::{DeviceFlowClient, Endpoints, FlowError};
use crate::http::Network;

/// The platform is told, but waited for no longer than this: the session is already gone
/// from this computer.
pub const REVOKE_TIMEOUT: Duration = Duration::from_secs(5);

/// How an ending went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Removed here, and revoked on the platform.
    Everywhere,
    /// Removed here; the platform could not be told (it will end by itself).
    HereOnly,
    /// The keychain would not let go of it.
    KeychainKept,
}

/// Ends a session: removed from every store, then revoked (RFC 7009) within
/// [`REVOKE_TIMEOUT`].
pub async fn end(client: &DeviceFlowClient, store: &SessionKeeper, tokens: &SavedSession) -> Ended {
    let removed = store.delete().await;
    finish(client, tokens, removed).await
}

/// Ends a session an earlier run kept in `vault`, whatever its platform: removed, then
/// revoked where it was issued, at the endpoints it is bound to (a computer switched to
/// shared use clears every one at start).
pub async fn end_remembered(vault: Arc<dyn Vault>, network: &Network) -> Ended {
    let keeper = SessionKeeper::new(Some(vault), true, Patience::default());
    let tokens = match keeper.load().await {
        Ok(Some(tokens)) => tokens,
        Ok(None) => {
            return match keeper.delete().await {
                Ok(()) => Ended::Everywhere,
                Err(_) => Ended::KeychainKept,
            }
        }
        Err(_) => return Ended::KeychainKept,
    };
    let b = &tokens.binding;
    let endpoints = Endpoints {
        // Never asked: this client only ends the session.
        device_authorization: b.token.clone(),
        token: b.token.clone(),
        revocation: b.revocation.clone(),
        profile: b.profile.clone(),
    };
    match DeviceFlowClient::for_endpoints(&b.client_id, endpoints, network.clone()) {
        Some(client) => end(&client, &keeper, &tokens).await,
        None => finish_here(keeper.delete().await),
    }
}

/// Ends a session nobody wants any more (a cancelled sign-in's): removed if it was kept and
/// is still the one kept, then revoked.
pub async fn discard(
    client: &DeviceFlowClient,
    store: &SessionKeeper,
    tokens: &SavedSession,
    kept: bool,
) -> Ended {
    let removed = if kept {
        store.delete_if(tokens).await
    } else {
        Ok(())
    };
    finish(client, tokens, removed).await
}

async fn finish(
    client: &DeviceFlowClient,
    tokens: &SavedSession,
    removed: Result<(), super::VaultError>,
) -> Ended {
    let told = tokio::time::timeout(REVOKE_TIMEOUT, revoke(client, tokens)).await;
    match (removed, told) {
        (Err(e), _) => {
            tracing::warn!(error = %e, "the session could not be removed from the keychain");
            Ended::KeychainKept
        }
        (Ok(()), Ok(Ok(true))) => Ended::Everywhere,
        (Ok(()), outcome) => {
            tracing::warn!(?outcome, "the platform could not be told; ended here only");
            Ended::HereOnly
        }
    }
}

/// A session removed here (or not), that the platform cannot be told of.
fn finish_here(removed: Result<(), super::VaultError>) -> Ended {
    match removed {
        Ok(()) => Ended::HereOnly,
        Err(_) => Ended::KeychainKept,
    }
}

/// Revokes the session on the platform — its refresh token, else its access token — but
/// only where its tokens were issued for. True when the platform confirmed.
///
/// Doorkeeper before 5.8.1 answers 200 to the revocation of a token whose access token has
/// expired, and revokes nothing: the refresh token would stay live for ever. So when the
/// access token has expired, the session is refreshed first, the new access token used once
/// (which retires the old refresh token), and the new pair revoked.
async fn revoke(client: &DeviceFlowClient, tokens: &SavedSession) -> Result<bool, FlowError> {
    if !Binding::of(client).await?.same_origins(&tokens.binding) {
        return Ok(false);
    }
    let expired = tokens.needs_refresh(SystemTime::now(), Duration::ZERO);
    match (&tokens.refresh_token, &tokens.access_token) {
        (Some(refresh), _) if expired => match client.refresh(refresh).await {
            Ok(renewed) => {
                let _ = client.fetch_profile(&renewed.access_token).await;
                let refresh = renewed.refresh_token.as_ref().unwrap_or(refresh);
                client.revoke(refresh).await
            }
            // Already over on the platform.
            Err(FlowError::InvalidGrant | FlowError::InvalidClient) => Ok(true),
            Err(e) => Err(e),
        },
        (Some(refresh), _) => client.revoke(refresh).await,
        (None, Some(access)) => client.revoke(access).await,
        (None, None) => Ok(false),
    }
}
