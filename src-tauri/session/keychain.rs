//! The OS keychain: Keychain on macOS, Credential Manager on Windows, the Secret Service
//! on Linux — one entry per platform address, under the app's identifier.

use url::Url;

use super::store::{StoreError, StoredSession, TokenStore};

pub struct KeychainStore {
    entry: keyring::Entry,
}

impl KeychainStore {
    /// The entry for the platform at `auth_url`: two platforms, two entries.
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
        match self.entry.get_password() {
            Ok(text) => {
                let session = StoredSession::from_secret_json(&text);
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
        self.entry
            .set_password(session.to_secret_json().expose())
            .map_err(unavailable)
    }

    fn delete(&self) -> Result<(), StoreError> {
        match self.entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn remembers(&self) -> bool {
        true
    }
}
