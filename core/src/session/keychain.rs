//! The OS keychain: Keychain on macOS, Credential Manager on Windows, the Secret Service
//! on Linux — one entry per platform address, under the app's identifier.

use url::Url;

use super::store::{StoreError, TokenStore};
use super::stored::StoredSession;

/// Windows' Credential Manager refuses secrets over 2,560 bytes (`CRED_MAX_CREDENTIAL_BLOB_SIZE`);
/// the others hold far more than a session.
pub const MAX_SECRET_BYTES: Option<usize> = if cfg!(windows) { Some(2560) } else { None };

pub struct KeychainStore {
    entry: keyring::Entry,
}

impl KeychainStore {
    /// The entry for the platform at `auth_url` under `service`: two platforms, two entries.
    pub fn for_platform(service: &str, auth_url: &Url) -> Result<Self, StoreError> {
        keyring::Entry::new(service, auth_url.as_str())
            .map(|entry| Self { entry })
            .map_err(unavailable)
    }
}

fn unavailable(e: keyring::Error) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

impl TokenStore for KeychainStore {
    fn load(&self) -> Result<Option<StoredSession>, StoreError> {
        // Raw bytes, not `get_password`: on Windows a password is stored as UTF-16, which
        // halves what fits.
        match self.entry.get_secret() {
            Ok(bytes) => {
                let text = zeroize::Zeroizing::new(bytes);
                let session = std::str::from_utf8(&text)
                    .ok()
                    .and_then(StoredSession::from_payload);
                if session.is_none() {
                    tracing::warn!("the stored session could not be read; ignoring it");
                }
                Ok(session)
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn save(&self, session: &StoredSession) -> Result<(), StoreError> {
        let payload = session
            .to_payload(MAX_SECRET_BYTES)
            .ok_or(StoreError::TooLarge)?;
        self.entry
            .set_secret(payload.as_bytes())
            .map_err(unavailable)
    }

    fn delete(&self) -> Result<(), StoreError> {
        match self.entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}
