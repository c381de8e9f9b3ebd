//! Whether an artifact — or a release's notes — is what the copy's key signed, for the
//! version announced: a minisign signature (as `tauri signer sign` writes it) whose trusted
//! comment names the version. Anything else — tampered, unsigned, another key, another
//! version — is refused.

use base64::Engine;
use minisign_verify::Signature;
use semver::Version;
use serde_json::Value;

use super::manifest::{plain, Release, MAX_SIGNATURE};
use super::UpdateError;
use crate::settings::UpdateKey;

impl Release {
    /// The release, with its notes when the copy's key signed their text for this version
    /// (`notes_signature`, beside `notes`): a feed or a CDN cannot pair a genuine release
    /// with words of its own. Notes not so signed are not shown.
    pub fn with_signed_notes(mut self, key: &UpdateKey) -> Self {
        let text = |name: &str| self.manifest.get(name).and_then(Value::as_str);
        let signature = text("notes_signature").filter(|s| s.len() <= MAX_SIGNATURE);
        self.notes = match (text("notes"), signature) {
            (Some(notes), Some(signature))
                if verify(notes.as_bytes(), signature, key, &self.version).is_ok() =>
            {
                Some(plain(notes))
            }
            (Some(_), _) => {
                tracing::info!("the release notes are not signed by this copy's key: not shown");
                None
            }
            (None, _) => None,
        };
        self
    }
}

pub fn verify(
    bytes: &[u8],
    signature: &str,
    key: &UpdateKey,
    version: &Version,
) -> Result<(), UpdateError> {
    let text = base64::engine::general_purpose::STANDARD
        .decode(signature.trim())
        .map_err(|_| UpdateError::Unverified)?;
    let text = std::str::from_utf8(&text).map_err(|_| UpdateError::Unverified)?;
    let signature = Signature::decode(text).map_err(|_| UpdateError::Unverified)?;
    key.public_key()
        .verify(bytes, &signature, true)
        .map_err(|_| UpdateError::Unverified)?;
    // Only now is the trusted comment the key's word: the version it signed must be the
    // one announced, so that an old artifact cannot come back under a new number.
    let signed = signature
        .trusted_comment()
        .split('\t')
        .find_map(|field| field.strip_prefix("version:"))
        .and_then(|v| Version::parse(v.trim_start_matches('v')).ok());
    if signed.as_ref() == Some(version) {
        Ok(())
    } else {
        Err(UpdateError::Unverified)
    }
}
