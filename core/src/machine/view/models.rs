//! The types that cross to the window, as JSON. None holds a secret: tokens and the device
//! code never leave Rust. The window renders them and decides nothing: which buttons a
//! view offers, which tools show, what Escape does, all come from here.

use serde::Serialize;

use super::super::message::Message;
use crate::flow::Profile;
use crate::settings::{Invalid, Key, Layer};

/// What the window shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct View {
    #[serde(flatten)]
    pub screen: Screen,
    /// The header's tools this view may open (settings, about).
    pub tools: Vec<Action>,
    /// The buttons this view offers, in order: any other button stays hidden.
    pub actions: Vec<Action>,
    /// This screen covers another (settings or about): closing it goes back to that one.
    pub covers: bool,
    /// What Escape does here, if anything.
    pub escape: Option<Action>,
    /// The line about updates, beside the screen.
    pub update: Option<UpdateView>,
}

/// Where this copy is with its updates, as the window says it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UpdateView {
    /// "Passerelle X is available", with Update.
    Available {
        version: String,
    },
    /// "Passerelle X is available; your system's software updates or your school install
    /// it": a copy installed for the whole computer, with no button.
    Managed {
        version: String,
    },
    /// Downloaded so far, of the total when known (bytes).
    Downloading {
        version: String,
        done: u64,
        total: Option<u64>,
    },
    /// Downloaded and verified: installed when the app quits.
    Ready {
        version: String,
    },
    Failed {
        message: Message,
    },
    /// Once, after the restart: "Updated to X", with the release notes as plain text.
    Updated {
        version: String,
        notes: Option<String>,
    },
}

/// A command the window may send from this view: serialised as the command's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::EnumIter)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    StartSignIn,
    CancelSignIn,
    OpenVerificationPage,
    CopyUserCode,
    Retry,
    SignOut,
    SaveSetup,
    OpenSettings,
    OpenAbout,
    CloseOverlay,
    SkipKeychain,
    CopySupportDetails,
    UpdateNow,
    DismissUpdate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Screen {
    /// Choosing the platform: at first start, or from the settings button.
    Setup(SetupView),
    About {
        version: String,
        license: &'static str,
        /// The platform in use, when one is configured.
        platform: Option<String>,
        /// The platform this copy was built for, when its distributor built one in.
        built_for: Option<String>,
        /// The settings the school manages on this computer, as a browser's policy page
        /// lists them; empty when it manages none.
        managed: Vec<InUse>,
    },
    /// A stored session is being restored (quietly, after the first paint).
    Restoring,
    /// The keychain is taking long: most likely it asks the learner to unlock it.
    WaitingForKeychain,
    SignedOut {
        notice: Option<Message>,
    },
    /// Asking the platform for a code.
    Starting,
    CodeShown(CodeView),
    Error(ErrorView),
    SignedIn {
        profile: ProfileView,
        platform: String,
        /// Why the session ends with the app, when it does.
        not_remembered: Option<Message>,
        /// Whether the session is kept on this computer between runs.
        remembered: bool,
        /// When the learner signed in (milliseconds since the epoch), when known.
        signed_in_since_ms: Option<u64>,
        /// The platform cannot be reached: the profile is the one read then (milliseconds
        /// since the epoch), and it is tried again.
        offline_since_ms: Option<u64>,
    },
    SigningOut,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SetupView {
    /// First start: nothing to go back to.
    pub first_run: bool,
    pub auth_url: String,
    /// The learner's own client id, if they gave one.
    pub client_id: String,
    /// Settings the school locked: shown, not editable.
    pub locked: Vec<Key>,
    /// Some settings come from the school.
    pub managed: bool,
    /// What will be used, and where each value comes from.
    pub in_use: Vec<InUse>,
    /// A save is under way: Save waits for it.
    pub saving: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InUse {
    pub key: Key,
    pub value: String,
    pub from: Layer,
    /// The learner's layers cannot change it.
    pub locked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ErrorView {
    pub message: Message,
    /// Our own words for support, never a server's.
    pub detail: String,
    /// The setting a settings error is about.
    pub setting: Option<Key>,
    pub reason: Option<Invalid>,
    /// The settings file an error is about, and its line.
    pub file: Option<String>,
    pub line: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CodeView {
    /// Exactly as the platform gave it: shown, copied and typed as such.
    pub user_code: String,
    /// The page to go to, as text.
    pub verification_uri: String,
    /// The page is on the platform: it may be opened, and is encoded in `qr_code`. When
    /// false, nothing is opened or encoded, and the address carries a warning.
    pub trusted: bool,
    /// A QR code of the page to open, as a `data:` SVG image; empty when not trusted.
    pub qr_code: String,
    /// When the code dies, in milliseconds since the Unix epoch.
    pub expires_at_ms: u64,
    pub status: Status,
}

/// What the polling is up to. Times are absolute, so that a poll that changes nothing
/// gives an equal status, which is not sent to the window again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Status {
    Waiting,
    SlowedDown {
        interval_secs: u64,
    },
    Retrying {
        reason: Message,
        /// When the next try is due (milliseconds since the epoch), for "retrying in N s".
        retry_at_ms: u64,
    },
    /// Approved: fetching the profile.
    Approved,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ProfileView {
    pub display_name: String,
    pub email: Option<String>,
    /// ISO 8601 (or the platform's own date); the window formats it for the learner's locale.
    pub member_since: Option<String>,
    pub initials: String,
}

impl From<&Profile> for ProfileView {
    fn from(p: &Profile) -> Self {
        Self {
            display_name: p.display_name.clone(),
            email: p.email.clone(),
            member_since: p.member_since.clone(),
            initials: initials(p),
        }
    }
}

fn initials(p: &Profile) -> String {
    let first_letter = |s: &str| s.trim().chars().find(|c| c.is_alphanumeric());
    let from_names = [p.first_name.as_deref(), p.last_name.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(first_letter)
        .collect::<String>();
    let letters = if from_names.is_empty() {
        p.display_name
            .split_whitespace()
            .take(2)
            .filter_map(first_letter)
            .collect()
    } else {
        from_names
    };
    letters.to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_from_names_or_display_name() {
        let mut p = crate::flow::protocol::parse_profile(
            br#"{"id":1,"firstname":"camille","lastname":"Martin"}"#,
        )
        .unwrap();
        assert_eq!(ProfileView::from(&p).initials, "CM");
        p.first_name = None;
        p.last_name = None;
        p.display_name = "Ada Lovelace King".into();
        assert_eq!(ProfileView::from(&p).initials, "AL");
        p.display_name = "<>".into();
        assert_eq!(ProfileView::from(&p).initials, "");
    }

    #[test]
    fn serialises_flat_with_a_state_tag_and_actions_as_commands() {
        let v = serde_json::to_value(View {
            screen: Screen::SignedOut {
                notice: Some(Message::SessionEnded),
            },
            tools: vec![Action::OpenSettings, Action::OpenAbout],
            actions: vec![Action::StartSignIn],
            covers: false,
            escape: None,
            update: None,
        })
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "state": "signed_out",
                "notice": "session_ended",
                "tools": ["open_settings", "open_about"],
                "actions": ["start_sign_in"],
                "covers": false,
                "escape": null,
                "update": null,
            })
        );
    }
}
