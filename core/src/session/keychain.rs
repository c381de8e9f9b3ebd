//! The OS keychain: the Keychain on macOS and the Secret Service on Linux (through the
//! keyring crate), the Credential Manager on Windows (directly, so that a session stays on
//! this computer: see `credentials`). One entry per platform address, under the app's
//! service, and one more that lists them, so that a computer switched to shared use can
//! clear every session an earlier run kept, whatever its platform (where the keychain can
//! be searched, what it finds under the service too).

use std::sync::{Arc, Mutex};

use url::Url;

use super::entry::Entry;
use super::saved::SavedSession;
use super::vault::{Vault, VaultError};
use crate::sync::LockAnyway;

/// Windows' Credential Manager refuses secrets over 2,560 bytes (`CRED_MAX_CREDENTIAL_BLOB_SIZE`);
/// the others hold far more than a session.
pub const MAX_SECRET_BYTES: Option<usize> = if cfg!(windows) { Some(2560) } else { None };

/// The entry that lists the platforms with a session kept. Platforms are named by their
/// address, which this name cannot be.
const INDEX: &str = "sessions";

/// The entry `name` under `service`.
fn entry(service: &str, name: &str) -> Result<Box<dyn Entry>, VaultError> {
    #[cfg(windows)]
    return Ok(Box::new(super::credentials::Credential::new(service, name)));
    #[cfg(not(windows))]
    return super::entry::keyring(service, name);
}

/// The names of the entries kept under `service`, as the keychain finds them: on Linux by
/// the Secret Service's attributes (the keyring crate's `service` and `username`), on
/// Windows in the Credential Manager. macOS's are found through the list alone.
fn found_under(service: &str) -> Result<Vec<String>, VaultError> {
    #[cfg(target_os = "linux")]
    return {
        use dbus_secret_service::{EncryptionType, SecretService};
        let unavailable = |e: dbus_secret_service::Error| VaultError::Unavailable(e.to_string());
        // Nothing secret is read: the attributes need no encryption.
        let secrets = SecretService::connect(EncryptionType::Plain).map_err(unavailable)?;
        let found = secrets
            .search_items(std::collections::HashMap::from([("service", service)]))
            .map_err(unavailable)?;
        Ok(found
            .unlocked
            .iter()
            .chain(&found.locked)
            .filter_map(|item| item.get_attributes().ok()?.remove("username"))
            .collect())
    };
    #[cfg(windows)]
    return super::credentials::Credential::names(service);
    #[cfg(not(any(target_os = "linux", windows)))]
    return {
        let _ = service;
        Ok(Vec::new())
    };
}

/// One update of a service's list at a time, in this process (a single instance).
static LISTING: Mutex<()> = Mutex::new(());

/// The platforms with a session kept under `service`.
fn listed(index: &dyn Entry) -> Result<Vec<String>, VaultError> {
    let bytes = index.get()?.unwrap_or_default();
    Ok(serde_json::from_slice(&bytes).unwrap_or_default())
}

/// Adds `platform` to the list, or removes it.
fn list(service: &str, platform: &str, kept: bool) -> Result<(), VaultError> {
    let _one_at_a_time = LISTING.lock_anyway();
    let index = entry(service, INDEX)?;
    let mut platforms = listed(index.as_ref())?;
    let was = platforms.iter().any(|p| p == platform);
    match (kept, was) {
        (true, false) => platforms.push(platform.to_owned()),
        (false, true) => platforms.retain(|p| p != platform),
        _ => return Ok(()),
    }
    if platforms.is_empty() {
        index.delete()
    } else {
        index.set(&serde_json::to_vec(&platforms).unwrap_or_default())
    }
}

pub struct Keychain {
    service: String,
    platform: String,
    entry: Box<dyn Entry>,
}

impl Keychain {
    /// The entry for the platform at `auth_url` under `service`: two platforms, two entries.
    pub fn for_platform(service: &str, auth_url: &Url) -> Result<Self, VaultError> {
        Self::named(service, auth_url.as_str())
    }

    /// The entry `name` under `service`, as it is named there.
    fn named(service: &str, name: &str) -> Result<Self, VaultError> {
        Ok(Self {
            service: service.to_owned(),
            platform: name.to_owned(),
            entry: entry(service, name)?,
        })
    }

    /// Every platform's entry with a session kept under `service`: those the list names,
    /// and those the keychain finds under the service where it can search (Linux, Windows),
    /// listed or not — an earlier version's among them — each by the name it has there.
    pub fn remembered(service: &str) -> Result<Vec<Keychain>, VaultError> {
        let mut platforms = listed(entry(service, INDEX)?.as_ref())?;
        platforms.extend(found_under(service)?);
        platforms.sort();
        platforms.dedup();
        platforms
            .iter()
            .filter(|p| *p != INDEX)
            .map(|name| Keychain::named(service, name))
            .collect()
    }
}

impl Vault for Keychain {
    fn load(&self) -> Result<Option<SavedSession>, VaultError> {
        let Some(bytes) = self.entry.get()? else {
            return Ok(None);
        };
        let text = zeroize::Zeroizing::new(bytes);
        let session = std::str::from_utf8(&text)
            .ok()
            .and_then(SavedSession::from_payload);
        if session.is_none() {
            tracing::warn!("the stored session could not be read; ignoring it");
        }
        Ok(session)
    }

    fn save(&self, session: &SavedSession) -> Result<(), VaultError> {
        let payload = session
            .to_payload(MAX_SECRET_BYTES)
            .ok_or(VaultError::TooLarge)?;
        // Listed first: a session is never kept where a shared computer would not find it.
        list(&self.service, &self.platform, true)?;
        self.entry.set(payload.as_bytes())
    }

    fn delete(&self) -> Result<(), VaultError> {
        self.entry.delete()?;
        list(&self.service, &self.platform, false)
    }
}

/// The sessions this app keeps in the keychain under `service`, every platform's.
pub struct KeychainSessions(pub String);

impl super::Remembered for KeychainSessions {
    fn all(&self) -> Result<Vec<Arc<dyn Vault>>, VaultError> {
        Ok(Keychain::remembered(&self.0)?
            .into_iter()
            .map(|keychain| Arc::new(keychain) as Arc<dyn Vault>)
            .collect())
    }
}
