//! Whether and how this copy updates itself: the mode, the release feed, and the key its
//! releases are signed with — settings like any other, checked with the same care.

use base64::Engine;
use minisign_verify::PublicKey;
use url::Url;

use super::address::{check_url, is_loopback};
use super::error::{ConfigError, Invalid};
use super::key::Key;
use super::raw::RawSettings;

/// Whether and how this copy updates itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Updates {
    /// Nothing is ever asked of any update address.
    Off,
    /// Checked: `notify` offers the update, `auto` downloads it and installs it at the next
    /// quit. `feed` is the release manifest, `key` the one its artifacts are signed with.
    On {
        auto: bool,
        feed: Url,
        key: UpdateKey,
    },
}

/// Whether this build may take its updates from this computer (a build made for the tests,
/// `--features test-updates`): every other build, only over https.
pub const LOOPBACK_UPDATES: bool = cfg!(feature = "test-updates");

/// The key a copy's updates are signed with: a minisign public key, written as Tauri's
/// `tauri signer generate` writes it (the `.pub` file's text, in base64).
#[derive(Clone)]
pub struct UpdateKey {
    text: String,
    key: PublicKey,
}

impl UpdateKey {
    /// The key, when `text` is one.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()?;
        let key = PublicKey::decode(std::str::from_utf8(&bytes).ok()?).ok()?;
        Some(Self {
            text: text.to_owned(),
            key,
        })
    }

    /// As it was written: what Tauri's updater is given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }
}

impl PartialEq for UpdateKey {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for UpdateKey {}

impl std::fmt::Debug for UpdateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("UpdateKey").field(&self.text).finish()
    }
}

impl Updates {
    /// `updates`, `update_url` and `update_pubkey`: on, with both an address and a key, unless
    /// off (or one of them is missing: nothing to check with).
    pub fn check(raw: &RawSettings) -> Result<Updates, ConfigError> {
        let invalid = |key, reason| ConfigError::Invalid { key, reason };
        let auto = match raw.get(Key::Updates).or(Key::Updates.default_value()) {
            Some("notify") => false,
            Some("auto") => true,
            Some("off") => return Ok(Updates::Off),
            _ => return Err(invalid(Key::Updates, Invalid::NotAnUpdateMode)),
        };
        let feed = raw
            .get(Key::UpdateUrl)
            .map(|v| {
                let url = check_url(Key::UpdateUrl, v)
                    .map_err(|_| invalid(Key::UpdateUrl, Invalid::NotAnUpdateFeed))?;
                let allowed = url.scheme() == "https" || (LOOPBACK_UPDATES && is_loopback(&url));
                allowed
                    .then_some(url)
                    .ok_or(invalid(Key::UpdateUrl, Invalid::NotAnUpdateFeed))
            })
            .transpose()?;
        let key = raw
            .get(Key::UpdatePubkey)
            .map(|text| UpdateKey::parse(text).ok_or(invalid(Key::UpdatePubkey, Invalid::NotAKey)))
            .transpose()?;
        Ok(match (feed, key) {
            (Some(feed), Some(key)) => Updates::On { auto, feed, key },
            _ => Updates::Off,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_need_an_https_feed_and_a_key_and_may_be_off() {
        // As `tauri signer generate` writes a public key: the `.pub` file, in base64.
        let key = "dW50cnVzdGVkIGNvbW1lbnQ6IG1pbmlzaWduIHB1YmxpYyBrZXk6IDI2QjJEQjg2QjA2RTc5QTcKUldTbmVXNndodHV5SmxRTXBNNFViRXo4d1hLK3Yyb3VtZWZPeUxNNDYyRGcyazZKYnlmVU9SZk8K";
        let raw = |pairs: &[(Key, &str)]| {
            pairs
                .iter()
                .fold(RawSettings::default(), |raw, (k, v)| raw.with(*k, *v))
        };
        let feed = (Key::UpdateUrl, "https://updates.example/latest.json");
        let on = Updates::check(&raw(&[feed, (Key::UpdatePubkey, key)])).unwrap();
        assert!(matches!(on, Updates::On { auto: false, .. }));
        let auto = raw(&[(Key::Updates, "auto"), feed, (Key::UpdatePubkey, key)]);
        assert!(matches!(
            Updates::check(&auto),
            Ok(Updates::On { auto: true, .. })
        ));
        // Off, or nothing to check with: nothing is asked.
        let off = raw(&[(Key::Updates, "off"), feed, (Key::UpdatePubkey, key)]);
        assert_eq!(Updates::check(&off), Ok(Updates::Off));
        assert_eq!(Updates::check(&raw(&[feed])), Ok(Updates::Off));
        assert_eq!(Updates::check(&RawSettings::default()), Ok(Updates::Off));
        let invalid = |pairs: &[(Key, &str)]| match Updates::check(&raw(pairs)) {
            Err(ConfigError::Invalid { key, reason }) => (key, reason),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            invalid(&[(Key::Updates, "sometimes")]),
            (Key::Updates, Invalid::NotAnUpdateMode)
        );
        for address in [
            "http://updates.example/latest.json",
            "ftp://x/y",
            "not a url",
        ] {
            assert_eq!(
                invalid(&[(Key::UpdateUrl, address), (Key::UpdatePubkey, key)]),
                (Key::UpdateUrl, Invalid::NotAnUpdateFeed),
                "{address}"
            );
        }
        assert_eq!(
            invalid(&[feed, (Key::UpdatePubkey, "c2VjcmV0")]),
            (Key::UpdatePubkey, Invalid::NotAKey)
        );
        // A loopback feed only in a build made for the tests.
        let local = raw(&[
            (Key::UpdateUrl, "http://127.0.0.1:8080/latest.json"),
            (Key::UpdatePubkey, key),
        ]);
        assert_eq!(Updates::check(&local).is_ok(), LOOPBACK_UPDATES);
    }
}
