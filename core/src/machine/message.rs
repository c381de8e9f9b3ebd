//! Every message the machine can ask the window to show, as one enum — with, for settings,
//! the setting's name (`Key`), why it cannot be used (`Invalid`) and where it comes from
//! (`Layer`). The window holds the words, in `ui/i18n.js`, under the same names; a test
//! keeps both languages complete for every one of them.

use crate::flow::{FlowError, MetadataError, RetryReason};
use crate::session::{Ended, NotRemembered, ResumeError};
use crate::settings::ConfigError;
use serde::Serialize;
use strum::{EnumIter, IntoStaticStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, EnumIter, IntoStaticStr)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Message {
    // Why a sign-in or a session failed: the error view, with a title and a sentence.
    Denied,
    UnusableCode,
    UnusableToken,
    Expired,
    InvalidClient,
    UnsupportedGrant,
    Refused,
    Unreachable,
    UntrustedCertificate,
    ProxyAuthentication,
    ServerError,
    Unexpected,
    SessionInvalid,
    IssuerMismatch,
    ForeignEndpoint,
    MissingEndpoint,
    ClientSetup,
    SettingsFileBroken,
    ManagedFileBroken,
    ManagedFileUntrusted,
    PolicyBroken,
    InvalidSetting,
    // Why the learner is signed out: a notice on the sign-in view.
    SignedOut,
    RevocationFailed,
    KeychainNotCleared,
    SessionEnded,
    SettingsChanged,
    KeychainUnread,
    SignedOutIdle,
    SignedOutAsleep,
    // Why a session will not be remembered: a notice on the profile.
    MemoryChosen,
    NoKeychain,
    TooLargeForKeychain,
    EndsWithTheApp,
    // Answers to a command the window sent.
    NotConfigured,
    NoSignIn,
    UnsafeUrl,
    Desktop,
    NotNow,
    ClientIdNeeded,
    Locked,
    SaveFailed,
    NotConfirmed,
    TooFast,
    // Why an update was not installed: a line beside the view.
    UpdateUnverified,
    UpdateFailed,
}

impl Message {
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Messages shown as an error view have a sentence too, under `{kind}_text`.
    pub fn is_error_view(self) -> bool {
        use Message::*;
        matches!(
            self,
            Denied
                | UnusableCode
                | UnusableToken
                | Expired
                | InvalidClient
                | UnsupportedGrant
                | Refused
                | Unreachable
                | UntrustedCertificate
                | ProxyAuthentication
                | ServerError
                | Unexpected
                | SessionInvalid
                | IssuerMismatch
                | ForeignEndpoint
                | MissingEndpoint
                | ClientSetup
                | SettingsFileBroken
                | ManagedFileBroken
                | ManagedFileUntrusted
                | PolicyBroken
                | InvalidSetting
        )
    }
}

impl From<&FlowError> for Message {
    fn from(e: &FlowError) -> Self {
        match e {
            FlowError::Unreachable(_) => Message::Unreachable,
            FlowError::Untrusted(_) => Message::UntrustedCertificate,
            FlowError::ProxyRefused { .. } => Message::ProxyAuthentication,
            FlowError::ServerError(_) => Message::ServerError,
            FlowError::Unexpected(_) => Message::Unexpected,
            FlowError::Denied => Message::Denied,
            FlowError::UnusableCode => Message::UnusableCode,
            FlowError::UnusableToken(_) => Message::UnusableToken,
            FlowError::Expired | FlowError::InvalidGrant => Message::Expired,
            FlowError::InvalidClient => Message::InvalidClient,
            FlowError::UnsupportedGrantType => Message::UnsupportedGrant,
            FlowError::Refused(_) => Message::Refused,
            FlowError::SessionInvalid => Message::SessionInvalid,
            // Never shown: a cancelled sign-in leaves quietly.
            FlowError::Cancelled => Message::SignedOut,
            FlowError::Metadata(MetadataError::IssuerMismatch { .. }) => Message::IssuerMismatch,
            FlowError::Metadata(MetadataError::ForeignEndpoint(_)) => Message::ForeignEndpoint,
            FlowError::Metadata(MetadataError::MissingEndpoint(_)) => Message::MissingEndpoint,
            FlowError::Metadata(MetadataError::Invalid(_)) => Message::Unexpected,
            FlowError::ClientSetup(_) => Message::ClientSetup,
        }
    }
}

impl From<&ResumeError> for Message {
    fn from(e: &ResumeError) -> Self {
        match e {
            ResumeError::Ended => Message::SessionEnded,
            ResumeError::SettingsChanged => Message::SettingsChanged,
            ResumeError::Superseded => Message::SignedOut,
            ResumeError::Flow(e) => e.into(),
        }
    }
}

impl From<RetryReason> for Message {
    fn from(reason: RetryReason) -> Self {
        match reason {
            RetryReason::Unreachable => Message::Unreachable,
            RetryReason::ServerError => Message::ServerError,
            RetryReason::Unexpected => Message::Unexpected,
        }
    }
}

impl From<&ConfigError> for Message {
    fn from(e: &ConfigError) -> Self {
        match e {
            ConfigError::File { .. } => Message::SettingsFileBroken,
            ConfigError::Untrusted { .. } => Message::ManagedFileUntrusted,
            ConfigError::Policy { .. } => Message::PolicyBroken,
            ConfigError::Missing(_) | ConfigError::Invalid { .. } => Message::InvalidSetting,
        }
    }
}

impl From<Ended> for Message {
    fn from(ended: Ended) -> Self {
        match ended {
            Ended::Everywhere => Message::SignedOut,
            Ended::HereOnly => Message::RevocationFailed,
            Ended::KeychainKept => Message::KeychainNotCleared,
        }
    }
}

impl From<NotRemembered> for Message {
    fn from(why: NotRemembered) -> Self {
        match why {
            NotRemembered::MemoryChosen => Message::MemoryChosen,
            NotRemembered::NoKeychain => Message::NoKeychain,
            NotRemembered::TooLarge => Message::TooLargeForKeychain,
            NotRemembered::EndsWithTheApp => Message::EndsWithTheApp,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::settings::{Invalid, Key, Layer};
    use strum::IntoEnumIterator;

    use super::*;

    /// The keys of one language's table in `ui/i18n.js` (`  key: "…",` lines).
    fn keys_of(lang: &str) -> BTreeSet<String> {
        let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/i18n.js"))
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
        for kind in Message::iter() {
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
        for kind in Message::iter() {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
        for reason in Invalid::iter() {
            assert_eq!(name_of(reason), <&str>::from(reason));
        }
    }
}
