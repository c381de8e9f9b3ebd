//! The key a copy's updates are signed with: a minisign public key, written as Tauri's
//! `tauri signer generate` writes it (the `.pub` file's text, in base64).

use base64::Engine;
use minisign_verify::PublicKey;

/// The key, when `text` is one.
pub fn decode(text: &str) -> Option<PublicKey> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()?;
    PublicKey::decode(std::str::from_utf8(&bytes).ok()?).ok()
}
