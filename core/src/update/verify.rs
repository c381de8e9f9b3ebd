//! Whether an artifact is the one the copy's key signed, for the version announced: a
//! minisign signature (as `tauri signer sign` writes it) whose trusted comment names the
//! version. Anything else — tampered, unsigned, another key, another version — is refused.

use base64::Engine;
use minisign_verify::Signature;
use semver::Version;

use super::UpdateError;
use crate::settings::UpdateKey;

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
