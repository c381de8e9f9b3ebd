//! A release feed's answer, as Tauri's updater and tauri-action publish it (`latest.json`):
//! `version`, `notes`, and per target (`linux-x86_64-deb`, `windows-x86_64`…) an artifact's
//! `url` and `signature`. Read with the same care as every server's answer.

use semver::Version;
use serde_json::{Map, Value};
use url::Url;

use super::UpdateError;
use crate::settings::{is_loopback, LOOPBACK_UPDATES};

/// Longest release notes kept; they are shown as plain text.
pub const MAX_NOTES: usize = 2000;
/// Longest signature accepted (a minisign signature in base64 is about 400 bytes).
pub(crate) const MAX_SIGNATURE: usize = 4096;

/// A newer release, and where its artifact for this copy is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub version: Version,
    /// Plain text: no control character but line breaks, at most [`MAX_NOTES`] characters;
    /// only once the copy's key is found to have signed them
    /// ([`Release::with_signed_notes`]).
    pub notes: Option<String>,
    pub url: Url,
    /// The artifact's minisign signature, in base64.
    pub signature: String,
    /// The feed's answer as it came, for Tauri's updater, which reads it again.
    pub manifest: Value,
}

/// The release the feed announces, when it is newer than `current` and has an artifact for
/// one of `targets` (best first). A version that is not newer is no release: no downgrade.
pub fn parse(
    body: &[u8],
    current: &Version,
    targets: &[String],
    feed: &Url,
) -> Result<Option<Release>, UpdateError> {
    let Ok(Value::Object(manifest)) = serde_json::from_slice::<Value>(body) else {
        return Err(UpdateError::NotAManifest);
    };
    let version = manifest
        .get("version")
        .and_then(Value::as_str)
        .and_then(|v| Version::parse(v.trim_start_matches('v')).ok())
        .ok_or(UpdateError::NotAManifest)?;
    // Not newer, or a pre-release (`-rc`, `+build`): not for a copy of a release, and the
    // version is shown to the learner, so it holds numbers only.
    if version <= *current || !version.pre.is_empty() || !version.build.is_empty() {
        return Ok(None);
    }
    // A dynamic feed answers for this copy alone; a static one lists every target.
    let entry = match manifest.get("platforms") {
        Some(Value::Object(platforms)) => targets
            .iter()
            .find_map(|t| platforms.get(t).and_then(Value::as_object))
            .ok_or(UpdateError::NoArtifact)?,
        Some(_) => return Err(UpdateError::NotAManifest),
        None => &manifest,
    };
    let text = |map: &Map<String, Value>, name: &str, max: usize| {
        map.get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty() && s.len() <= max)
            .map(str::to_owned)
    };
    let url = text(entry, "url", 8192)
        .and_then(|u| Url::parse(&u).ok())
        .filter(|u| {
            u.scheme() == "https" || (LOOPBACK_UPDATES && is_loopback(u) && is_loopback(feed))
        })
        .ok_or(UpdateError::NoArtifact)?;
    let signature = text(entry, "signature", MAX_SIGNATURE).ok_or(UpdateError::NoArtifact)?;
    Ok(Some(Release {
        version,
        notes: None,
        url,
        signature,
        manifest: Value::Object(manifest.clone()),
    }))
}

/// Release notes as plain text: line breaks kept, every other control or format character
/// (a right-to-left override among them) dropped, at most [`MAX_NOTES`] characters.
pub(crate) fn plain(notes: &str) -> String {
    notes
        .chars()
        .filter(|c| *c == '\n' || !(c.is_control() || is_format(*c)))
        .take(MAX_NOTES)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Unicode's format characters that matter here: bidi controls and zero-width ones.
fn is_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed() -> Url {
        Url::parse("https://updates.example/latest.json").unwrap()
    }

    fn targets() -> Vec<String> {
        vec!["linux-x86_64-deb".into(), "linux-x86_64".into()]
    }

    fn parse_json(json: Value) -> Result<Option<Release>, UpdateError> {
        parse(
            json.to_string().as_bytes(),
            &Version::new(0, 1, 0),
            &targets(),
            &feed(),
        )
    }

    fn manifest(version: &str) -> Value {
        serde_json::json!({
            "version": version,
            "notes": "Fixes.\nMore fixes.\u{202E}",
            "pub_date": "2026-12-01T00:00:00Z",
            "platforms": {
                "linux-x86_64-deb": {"url": "https://updates.example/p_0.2.0.deb", "signature": "c2ln"},
                "windows-x86_64": {"url": "https://updates.example/p.msi", "signature": "c2ln"}
            }
        })
    }

    #[test]
    fn a_newer_release_for_this_copy() {
        let r = parse_json(manifest("v0.2.0")).unwrap().unwrap();
        assert_eq!(r.version, Version::new(0, 2, 0));
        assert_eq!(r.url.as_str(), "https://updates.example/p_0.2.0.deb");
        assert_eq!(r.notes, None, "not until their signature is checked");
    }

    #[test]
    fn not_newer_is_no_release() {
        assert_eq!(parse_json(manifest("0.1.0")), Ok(None));
        assert_eq!(parse_json(manifest("0.0.9")), Ok(None), "no downgrade");
        assert_eq!(
            parse_json(manifest("9.0.0-your-account-is-locked")),
            Ok(None)
        );
        assert_eq!(parse_json(manifest("9.0.0+call-us")), Ok(None));
    }

    #[test]
    fn what_cannot_be_used_is_said_by_its_code() {
        assert_eq!(
            parse(b"<html>", &Version::new(0, 1, 0), &targets(), &feed()),
            Err(UpdateError::NotAManifest)
        );
        assert_eq!(
            parse_json(serde_json::json!({"version": "soon"})),
            Err(UpdateError::NotAManifest)
        );
        let mut elsewhere = manifest("0.2.0");
        elsewhere["platforms"] =
            serde_json::json!({"darwin-aarch64": {"url": "https://x/a", "signature": "s"}});
        assert_eq!(parse_json(elsewhere), Err(UpdateError::NoArtifact));
        let mut plain_http = manifest("0.2.0");
        plain_http["platforms"]["linux-x86_64-deb"]["url"] = "http://updates.example/p.deb".into();
        assert_eq!(parse_json(plain_http), Err(UpdateError::NoArtifact));
        let mut unsigned = manifest("0.2.0");
        unsigned["platforms"]["linux-x86_64-deb"]["signature"] = "".into();
        assert_eq!(parse_json(unsigned), Err(UpdateError::NoArtifact));
    }

    #[test]
    fn notes_are_plain_and_short() {
        let long = format!("a\u{7}b\u{200B}c{}", "x".repeat(5000));
        let notes = plain(&long);
        assert!(notes.starts_with("abc"));
        assert_eq!(notes.chars().count(), MAX_NOTES);
    }
}
