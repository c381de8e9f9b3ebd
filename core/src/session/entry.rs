//! One entry of the OS keychain, as bytes: through the keyring crate on macOS and Linux;
//! on Windows, the Credential Manager's own (`credentials`).

use super::vault::VaultError;

/// One entry of the keychain, as bytes.
pub trait Entry: Send + Sync {
    fn get(&self) -> Result<Option<Vec<u8>>, VaultError>;
    fn set(&self, bytes: &[u8]) -> Result<(), VaultError>;
    fn delete(&self) -> Result<(), VaultError>;
}

#[cfg(not(windows))]
impl Entry for keyring::Entry {
    fn get(&self) -> Result<Option<Vec<u8>>, VaultError> {
        // Raw bytes, not `get_password`: the same on every system.
        match self.get_secret() {
            Ok(bytes) => Ok(Some(bytes)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn set(&self, bytes: &[u8]) -> Result<(), VaultError> {
        self.set_secret(bytes).map_err(unavailable)
    }

    fn delete(&self) -> Result<(), VaultError> {
        match self.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// The keyring crate's entry `name` under `service`.
#[cfg(not(windows))]
pub fn keyring(service: &str, name: &str) -> Result<Box<dyn Entry>, VaultError> {
    keyring::Entry::new(service, name)
        .map(|entry| Box::new(entry) as Box<dyn Entry>)
        .map_err(unavailable)
}

#[cfg(not(windows))]
fn unavailable(e: keyring::Error) -> VaultError {
    VaultError::Unavailable(e.to_string())
}
