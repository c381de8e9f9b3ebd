//! Every message the backend can ask the window to show, as one enum — with, for settings,
//! the setting's name (`Key`), why it cannot be used (`Invalid`) and where it comes from
//! (`Layer`). The window holds the words, in `ui/i18n.js`, under the same names; a test
//! keeps both languages complete for every one of them.

use passerelle_core::flow::{FlowError, MetadataError, RetryReason};
use passerelle_core::session::{Ended, NotRemembered, ResumeError};
use passerelle_core::settings::ConfigError;
use serde::Serialize;
use strum::{EnumIter, IntoStaticStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, EnumIter, IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Kind {
    // Why a sign-in or a session failed: the error view, with a title and a sentence.
    Denied,
    Expired,
    InvalidClient,
    UnsupportedGrant,
    Refused,
    Unreachable,
    ServerError,
    Unexpected,
    SessionInvalid,
    IssuerMismatch,
    ForeignEndpoint,
    MissingEndpoint,
    ClientSetup,
    SettingsFileBroken,
    ManagedFileBroken,
    InvalidSetting,
    // Why the learner is signed out: a notice on the sign-in view.
    SignedOut,
    RevocationFailed,
    KeychainNotCleared,
    SessionEnded,
    SettingsChanged,
    KeychainUnread,
    // Why a session will not be remembered: a notice on the profile.
    MemoryChosen,
    NoKeychain,
    TooLargeForKeychain,
    // Answers to a command the window sent.
    NotConfigured,
    NoSignIn,
    UnsafeUrl,
    Desktop,
    NotNow,
    ClientIdNeeded,
    Locked,
    SaveFailed,
}

impl Kind {
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Kinds shown as an error view have a sentence too, under `{kind}_text`.
    pub fn is_error_view(self) -> bool {
        use Kind::*;
        matches!(
            self,
            Denied
                | Expired
                | InvalidClient
                | UnsupportedGrant
                | Refused
                | Unreachable
                | ServerError
                | Unexpected
                | SessionInvalid
                | IssuerMismatch
                | ForeignEndpoint
                | MissingEndpoint
                | ClientSetup
                | SettingsFileBroken
                | ManagedFileBroken
                | InvalidSetting
        )
    }
}

impl From<&FlowError> for Kind {
    fn from(e: &FlowError) -> Self {
        match e {
            FlowError::Unreachable(_) => Kind::Unreachable,
            FlowError::ServerError(_) => Kind::ServerError,
            FlowError::Unexpected(_) => Kind::Unexpected,
            FlowError::Denied => Kind::Denied,
            FlowError::Expired | FlowError::InvalidGrant => Kind::Expired,
            FlowError::InvalidClient => Kind::InvalidClient,
            FlowError::UnsupportedGrantType => Kind::UnsupportedGrant,
            FlowError::Refused(_) => Kind::Refused,
            FlowError::SessionInvalid => Kind::SessionInvalid,
            // Never shown: a cancelled sign-in leaves quietly.
            FlowError::Cancelled => Kind::SignedOut,
            FlowError::Metadata(MetadataError::IssuerMismatch { .. }) => Kind::IssuerMismatch,
            FlowError::Metadata(MetadataError::ForeignEndpoint(_)) => Kind::ForeignEndpoint,
            FlowError::Metadata(MetadataError::MissingEndpoint(_)) => Kind::MissingEndpoint,
            FlowError::Metadata(MetadataError::Invalid(_)) => Kind::Unexpected,
            FlowError::ClientSetup(_) => Kind::ClientSetup,
        }
    }
}

impl From<&ResumeError> for Kind {
    fn from(e: &ResumeError) -> Self {
        match e {
            ResumeError::Ended => Kind::SessionEnded,
            ResumeError::SettingsChanged => Kind::SettingsChanged,
            ResumeError::Superseded => Kind::SignedOut,
            ResumeError::Flow(e) => e.into(),
        }
    }
}

impl From<RetryReason> for Kind {
    fn from(reason: RetryReason) -> Self {
        match reason {
            RetryReason::Unreachable => Kind::Unreachable,
            RetryReason::ServerError => Kind::ServerError,
            RetryReason::Unexpected => Kind::Unexpected,
        }
    }
}

impl From<&ConfigError> for Kind {
    fn from(e: &ConfigError) -> Self {
        match e {
            ConfigError::File { .. } => Kind::SettingsFileBroken,
            ConfigError::Missing(_) | ConfigError::Invalid { .. } => Kind::InvalidSetting,
        }
    }
}

impl From<Ended> for Kind {
    fn from(ended: Ended) -> Self {
        match ended {
            Ended::Everywhere => Kind::SignedOut,
            Ended::HereOnly => Kind::RevocationFailed,
            Ended::KeychainKept => Kind::KeychainNotCleared,
        }
    }
}

impl From<NotRemembered> for Kind {
    fn from(why: NotRemembered) -> Self {
        match why {
            NotRemembered::MemoryChosen => Kind::MemoryChosen,
            NotRemembered::NoKeychain => Kind::NoKeychain,
            NotRemembered::TooLarge => Kind::TooLargeForKeychain,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use passerelle_core::settings::{Invalid, Key, Layer};
    use strum::IntoEnumIterator;

    use super::*;

    /// The keys of one language's table in `ui/i18n.js` (`  key: "…",` lines).
    fn keys_of(lang: &str) -> BTreeSet<String> {
        let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/i18n.js"))
            .expect("ui/i18n.js");
        let start = source
            .find(&format!("\n  {lang}: {{"))
            .unwrap_or_else(|| panic!("no `{lang}` table in ui/i18n.js"));
        let table = &source[start..];
        let end = table.find("\n  },").expect("the table ends");
        table[..end]
            .lines()
            .skip(2)
            .filter_map(|line| line.trim().split_once(':'))
            .map(|(key, _)| key.trim().to_owned())
            .collect()
    }

    /// The name a value is sent to the window under.
    fn name_of(value: impl serde::Serialize) -> String {
        serde_json::to_value(value)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Every message the backend can send has its words in English and in French.
    #[test]
    fn every_kind_has_english_and_french_words() {
        let mut needed: Vec<String> = Vec::new();
        for kind in Kind::iter() {
            needed.push(kind.name().to_owned());
            if kind.is_error_view() {
                needed.push(format!("{}_text", kind.name()));
            }
        }
        needed.extend(Invalid::iter().map(|r| format!("invalid_{}", name_of(r))));
        needed.extend(Key::all().map(|k| format!("setting_{}", name_of(k))));
        needed.extend(Layer::iter().map(|l| format!("layer_{}", name_of(l))));
        for lang in ["en", "fr"] {
            let have = keys_of(lang);
            assert!(have.len() > 50, "{lang}: read {} keys", have.len());
            let missing: Vec<_> = needed.iter().filter(|k| !have.contains(*k)).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
        assert_eq!(
            keys_of("en"),
            keys_of("fr"),
            "both languages have the same keys"
        );
    }

    #[test]
    fn kinds_serialise_as_their_names() {
        for kind in Kind::iter() {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
        for reason in Invalid::iter() {
            assert_eq!(name_of(reason), <&str>::from(reason));
        }
    }
}
