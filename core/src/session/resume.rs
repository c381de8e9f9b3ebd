//! Resuming a session: the profile with the session's tokens, refreshing them when needed.

use std::time::{Duration, SystemTime};

use super::keeper::{SessionKeeper, Superseded};
use super::saved::{Binding, SavedSession};
use crate::flow::{DeviceFlowClient, FlowError, Profile};

/// An access token this close to its expiry is refreshed before use.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum ResumeError {
    /// The platform says the session is over, or it cannot be renewed.
    #[error("the session has ended")]
    Ended,
    /// The settings no longer send these tokens where they were issued for: they are not
    /// sent anywhere.
    #[error("the settings changed since this session began")]
    SettingsChanged,
    /// Another action replaced the stored session meanwhile.
    #[error("another action took over the session")]
    Superseded,
    #[error(transparent)]
    Flow(#[from] FlowError),
}

/// A session in use: its tokens and the learner's profile.
#[derive(Debug, Clone)]
pub struct Resumed {
    pub session: SavedSession,
    pub profile: Profile,
}

/// The learner's profile with the session's tokens. The access token is refreshed first
/// when it is near expiry (or was not kept), and once when the API answers 401 (then the
/// call is retried once). A rotated refresh token is saved before the new access token is
/// used: the old one is dead as soon as the new one is issued.
///
/// Any [`ResumeError::Flow`] leaves the stored session as it was.
pub async fn resume(
    client: &DeviceFlowClient,
    store: &SessionKeeper,
    tokens: SavedSession,
) -> Result<Resumed, ResumeError> {
    if !Binding::of(client).await?.same_origins(&tokens.binding) {
        tracing::warn!("the stored session was issued for other settings; not used");
        return Err(ResumeError::SettingsChanged);
    }
    let mut tokens = tokens;
    let mut refreshed = false;
    if tokens.needs_refresh(SystemTime::now(), REFRESH_MARGIN) {
        tokens = refresh(client, store, &tokens).await?;
        refreshed = true;
    }
    loop {
        let access = tokens.access_token.as_ref().ok_or(ResumeError::Ended)?;
        match client.fetch_profile(access).await {
            Ok(profile) => {
                return Ok(Resumed {
                    session: tokens,
                    profile,
                })
            }
            Err(FlowError::SessionInvalid) if !refreshed => {
                tokens = refresh(client, store, &tokens).await?;
                refreshed = true;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

async fn refresh(
    client: &DeviceFlowClient,
    store: &SessionKeeper,
    tokens: &SavedSession,
) -> Result<SavedSession, ResumeError> {
    // Without a refresh token, an expired session cannot be renewed: it is over.
    let refresh_token = tokens.refresh_token.as_ref().ok_or(ResumeError::Ended)?;
    let answer = match client.refresh(refresh_token).await {
        // The refresh token, or this app, is no longer accepted: the session is over. So is
        // one the platform answered with tokens that cannot be used (revoked already).
        Err(FlowError::InvalidGrant | FlowError::InvalidClient | FlowError::UnusableToken(_)) => {
            return Err(ResumeError::Ended)
        }
        answer => answer?,
    };
    let next = tokens.refreshed(&answer, SystemTime::now());
    match store.replace(tokens, &next).await {
        Ok(_) => {
            tracing::info!("access token refreshed");
            Ok(next)
        }
        Err(Superseded) => {
            // Nobody will use these tokens: end them on the platform too.
            super::discard(client, store, &next, false).await;
            Err(ResumeError::Superseded)
        }
    }
}
