//! The OS keychain: Keychain on macOS, Credential Manager on Windows, the Secret Service
//! on Linux — one entry per platform address, under the app's identifier.

use url::Url;

use super::saved::SavedSession;
use super::vault::{Vault, VaultError};

/// Windows' Credential Manager refuses secrets over 2,560 bytes (`CRED_MAX_CREDENTIAL_BLOB_SIZE`);
/// the others hold far more than a session.
pub const MAX_SECRET_BYTES: Option<usize> = if cfg!(windows) { Some(2560) } else { None };

pub struct Keychain {
    entry: keyring::Entry,
}

impl Keychain {
    /// The entry for the platform at `auth_url` under `service`: two platforms, two entries.
    pub fn for_platform(service: &str, auth_url: &Url) -> Result<Self, VaultError> {
        keyring::Entry::new(service, auth_url.as_str())
            .map(|entry| Self { entry })
            .map_err(unavailable)
    }
}

fn unavailable(e: keyring::Error) -> VaultError {
    VaultError::Unavailable(e.to_string())
}

impl Vault for Keychain {
    fn load(&self) -> Result<Option<SavedSession>, VaultError> {
        // Raw bytes, not `get_password`: on Windows a password is stored as UTF-16, which
        // halves what fits.
        match self.entry.get_secret() {
            Ok(bytes) => {
                let text = zeroize::Zeroizing::new(bytes);
                let session = std::str::from_utf8(&text)
                    .ok()
                    .and_then(SavedSession::from_payload);
                if session.is_none() {
                    tracing::warn!("the stored session could not be read; ignoring it");
                }
                Ok(session)
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn save(&self, session: &SavedSession) -> Result<(), VaultError> {
        let payload = session
            .to_payload(MAX_SECRET_BYTES)
            .ok_or(VaultError::TooLarge)?;
        self.entry
            .set_secret(payload.as_bytes())
            .map_err(unavailable)
    }

    fn delete(&self) -> Result<(), VaultError> {
        match self.entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}
