//! Windows' Credential Manager, used directly: the keyring crate writes every entry with
//! `CRED_PERSIST_ENTERPRISE`, which roams with the learner's profile in a school's domain, so
//! that a refresh token would follow them to every computer of the school. A session kept on
//! this computer is written with `CRED_PERSIST_LOCAL_MACHINE`, and stays on it; one an
//! earlier version kept through the keyring crate is moved here when it is first read.

use std::ptr::null_mut;

use windows_sys::Win32::Foundation::{GetLastError, ERROR_NOT_FOUND};
use windows_sys::Win32::Security::Credentials::{
    CredDeleteW, CredEnumerateW, CredFree, CredReadW, CredWriteW, CREDENTIALW,
    CRED_PERSIST_LOCAL_MACHINE, CRED_TYPE_GENERIC,
};

use super::entry::Entry;
use super::vault::VaultError;

/// A generic credential, `{service}/{name}`; and where the keyring crate kept the same
/// entry for earlier versions, `{name}.{service}`, roaming.
pub struct Credential {
    target: Vec<u16>,
    roaming: Vec<u16>,
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain([0]).collect()
}

/// A NUL-terminated wide string the system gave, as text, read without assuming it aligned.
///
/// SAFETY: `text` is NUL-terminated and valid for reads up to its NUL.
unsafe fn narrow(text: *const u16) -> String {
    let units: Vec<u16> = (0..)
        .map(|i| text.add(i).read_unaligned())
        .take_while(|&unit| unit != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

impl Credential {
    pub fn new(service: &str, name: &str) -> Self {
        Self {
            target: wide(&format!("{service}/{name}")),
            roaming: wide(&format!("{name}.{service}")),
        }
    }

    /// The names of the entries kept under `service`, this version's and the keyring
    /// crate's, whether listed or not: a computer switched to shared use clears them all.
    pub fn names(service: &str) -> Result<Vec<String>, VaultError> {
        let (current, roaming) = (format!("{service}/"), format!(".{service}"));
        let (mut count, mut list): (u32, *mut *mut CREDENTIALW) = (0, null_mut());
        let mut names = Vec::new();
        // SAFETY: every credential of this user, freed with `CredFree` once read; each
        // target is a NUL-terminated string the system allocated with the list.
        unsafe {
            if CredEnumerateW(std::ptr::null(), 0, &mut count, &mut list) == 0 {
                return match GetLastError() {
                    ERROR_NOT_FOUND => Ok(names),
                    error => Err(VaultError::Unavailable(format!(
                        "CredEnumerateW: error {error}"
                    ))),
                };
            }
            for i in 0..count as usize {
                // Read as bytes are: Wine packs the list without aligning it.
                let credential = list.add(i).read_unaligned().read_unaligned();
                if credential.Type != CRED_TYPE_GENERIC || credential.TargetName.is_null() {
                    continue;
                }
                let target = narrow(credential.TargetName);
                let name = target
                    .strip_prefix(&current)
                    .or_else(|| target.strip_suffix(&roaming));
                names.extend(name.map(str::to_owned));
            }
            CredFree(list.cast());
        }
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// The credential as the system holds it, or none; freed with `CredFree`.
    fn read<T>(&self, with: impl FnOnce(&CREDENTIALW) -> T) -> Result<Option<T>, VaultError> {
        read_at(&self.target, with)
    }

    /// How the credential is kept (`CRED_PERSIST_…`), when there is one.
    pub fn persistence(&self) -> Result<Option<u32>, VaultError> {
        self.read(|credential| credential.Persist)
    }
}

/// The credential `target` names, or none; freed with `CredFree`.
fn read_at<T>(
    target: &[u16],
    with: impl FnOnce(&CREDENTIALW) -> T,
) -> Result<Option<T>, VaultError> {
    let mut found: *mut CREDENTIALW = null_mut();
    // SAFETY: a NUL-terminated target; `found` is freed below when set.
    unsafe {
        if CredReadW(target.as_ptr(), CRED_TYPE_GENERIC, 0, &mut found) == 0 {
            return match GetLastError() {
                ERROR_NOT_FOUND => Ok(None),
                error => Err(VaultError::Unavailable(format!("CredReadW: error {error}"))),
            };
        }
        let out = with(&*found);
        CredFree(found.cast());
        Ok(Some(out))
    }
}

/// The secret of the credential `target` names, or none.
fn secret_at(target: &[u16]) -> Result<Option<Vec<u8>>, VaultError> {
    read_at(target, |credential| {
        // SAFETY: the blob is `CredentialBlobSize` bytes, alive until `CredFree`.
        unsafe {
            std::slice::from_raw_parts(
                credential.CredentialBlob,
                credential.CredentialBlobSize as usize,
            )
        }
        .to_vec()
    })
}

/// Removes the credential `target` names, if there is one.
fn delete_at(target: &[u16]) -> Result<(), VaultError> {
    // SAFETY: a NUL-terminated target.
    unsafe {
        if CredDeleteW(target.as_ptr(), CRED_TYPE_GENERIC, 0) == 0 {
            return match GetLastError() {
                ERROR_NOT_FOUND => Ok(()),
                error => Err(VaultError::Unavailable(format!(
                    "CredDeleteW: error {error}"
                ))),
            };
        }
    }
    Ok(())
}

impl Entry for Credential {
    fn get(&self) -> Result<Option<Vec<u8>>, VaultError> {
        if let Some(secret) = secret_at(&self.target)? {
            return Ok(Some(secret));
        }
        // Kept by an earlier version, roaming: from now on, on this computer only. Should
        // that fail, the session is still read, and `delete` removes both.
        let Some(secret) = secret_at(&self.roaming)? else {
            return Ok(None);
        };
        if let Err(e) = self.set(&secret).and_then(|()| delete_at(&self.roaming)) {
            tracing::warn!(error = %e, "a roaming session could not be moved to this computer");
        }
        Ok(Some(secret))
    }

    fn set(&self, bytes: &[u8]) -> Result<(), VaultError> {
        let user = wide("Passerelle");
        let credential = CREDENTIALW {
            Flags: 0,
            Type: CRED_TYPE_GENERIC,
            TargetName: self.target.as_ptr() as *mut u16,
            Comment: null_mut(),
            LastWritten: Default::default(),
            CredentialBlobSize: u32::try_from(bytes.len()).map_err(|_| VaultError::TooLarge)?,
            CredentialBlob: bytes.as_ptr() as *mut u8,
            Persist: CRED_PERSIST_LOCAL_MACHINE,
            AttributeCount: 0,
            Attributes: null_mut(),
            TargetAlias: null_mut(),
            UserName: user.as_ptr() as *mut u16,
        };
        // SAFETY: every pointer is valid for the call; the system copies what it keeps.
        if unsafe { CredWriteW(&credential, 0) } == 0 {
            // SAFETY: no preconditions.
            let error = unsafe { GetLastError() };
            return Err(VaultError::Unavailable(format!(
                "CredWriteW: error {error}"
            )));
        }
        Ok(())
    }

    fn delete(&self) -> Result<(), VaultError> {
        delete_at(&self.target)?;
        delete_at(&self.roaming)
    }
}
