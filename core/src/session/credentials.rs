//! Windows' Credential Manager, used directly: the keyring crate writes every entry with
//! `CRED_PERSIST_ENTERPRISE`, which roams with the learner's profile in a school's domain, so
//! that a refresh token would follow them to every computer of the school. A session kept on
//! this computer is written with `CRED_PERSIST_LOCAL_MACHINE`, and stays on it.

use std::ptr::null_mut;

use windows_sys::Win32::Foundation::{GetLastError, ERROR_NOT_FOUND};
use windows_sys::Win32::Security::Credentials::{
    CredDeleteW, CredFree, CredReadW, CredWriteW, CREDENTIALW, CRED_PERSIST_LOCAL_MACHINE,
    CRED_TYPE_GENERIC,
};

use super::entry::Entry;
use super::vault::VaultError;

/// A generic credential, `{service}/{name}`.
pub struct Credential {
    target: Vec<u16>,
}

impl Credential {
    pub fn new(service: &str, name: &str) -> Self {
        Self {
            target: format!("{service}/{name}")
                .encode_utf16()
                .chain([0])
                .collect(),
        }
    }

    /// The credential as the system holds it, or none; freed with `CredFree`.
    fn read<T>(&self, with: impl FnOnce(&CREDENTIALW) -> T) -> Result<Option<T>, VaultError> {
        let mut found: *mut CREDENTIALW = null_mut();
        // SAFETY: a NUL-terminated target; `found` is freed below when set.
        unsafe {
            if CredReadW(self.target.as_ptr(), CRED_TYPE_GENERIC, 0, &mut found) == 0 {
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

    /// How the credential is kept (`CRED_PERSIST_…`), when there is one.
    pub fn persistence(&self) -> Result<Option<u32>, VaultError> {
        self.read(|credential| credential.Persist)
    }
}

impl Entry for Credential {
    fn get(&self) -> Result<Option<Vec<u8>>, VaultError> {
        self.read(|credential| {
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

    fn set(&self, bytes: &[u8]) -> Result<(), VaultError> {
        let user: Vec<u16> = "Passerelle".encode_utf16().chain([0]).collect();
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
        // SAFETY: a NUL-terminated target.
        unsafe {
            if CredDeleteW(self.target.as_ptr(), CRED_TYPE_GENERIC, 0) == 0 {
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
}
