//! What the window shows, derived from the app's state and pushed over a channel. Holds
//! no secret: tokens and the device code never leave Rust.

use std::time::{SystemTime, UNIX_EPOCH};

use passerelle_core::flow::{PollProgress, Profile, Verification};
use passerelle_core::settings::{check_url, Invalid, Key, Layer};
use serde::Serialize;

use super::qr::qr_data_uri;
use super::state::{Overlay, Phase, State, Step};
use super::words::Kind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum View {
    /// Choosing the platform: at first start, or from the settings button.
    Setup(SetupView),
    About {
        version: &'static str,
        license: &'static str,
        /// The platform in use, when one is configured.
        platform: Option<String>,
        /// The platform this copy was built for, when its distributor built one in.
        built_for: Option<String>,
    },
    /// A stored session is being restored (quietly, after the first paint).
    Restoring,
    /// The keychain is taking long: most likely it asks the learner to unlock it.
    WaitingForKeychain,
    SignedOut {
        notice: Option<Kind>,
    },
    /// Asking the platform for a code.
    Starting,
    CodeShown(CodeShown),
    Error(ErrorView),
    SignedIn {
        profile: ProfileView,
        platform: String,
        /// Why the session ends with the app, when it does.
        not_remembered: Option<Kind>,
    },
    SigningOut,
}

impl View {
    /// What the window shows in `state`.
    pub fn of(state: &State) -> View {
        if state.keychain_waiting {
            return View::WaitingForKeychain;
        }
        match state.overlay {
            Some(Overlay::About) => return about(state),
            Some(Overlay::Settings) => return View::Setup(setup(state, false)),
            None => {}
        }
        match &state.phase {
            Phase::Setup => View::Setup(setup(state, true)),
            Phase::Broken(error) | Phase::Failed { error, .. } => View::Error(error.clone()),
            Phase::Restoring(_) => View::Restoring,
            Phase::SignedOut(notice) => View::SignedOut { notice: *notice },
            Phase::SigningIn(attempt) => match &attempt.step {
                Step::Asking => View::Starting,
                Step::Code(_, shown) | Step::Approved(shown) => View::CodeShown(shown.clone()),
            },
            Phase::SignedIn {
                session,
                not_remembered,
            } => View::SignedIn {
                profile: ProfileView::from(&session.profile),
                platform: state.platform_label().unwrap_or_default(),
                not_remembered: *not_remembered,
            },
            Phase::SigningOut(_) => View::SigningOut,
        }
    }
}

fn about(state: &State) -> View {
    View::About {
        version: env!("CARGO_PKG_VERSION"),
        license: env!("CARGO_PKG_LICENSE"),
        platform: state.platform_label(),
        built_for: state.built_for.clone(),
    }
}

fn setup(state: &State, first_run: bool) -> SetupView {
    let merged = &state.config.merged;
    let platform = merged
        .raw
        .get(Key::AuthUrl)
        .and_then(|a| check_url(Key::AuthUrl, a).ok());
    // The learner's own client id, when their file is for the platform shown.
    let file = &state.config.file;
    let own_client_id = platform
        .as_ref()
        .is_none_or(|p| file.is_for(p, Some(p)))
        .then(|| file.get(Key::ClientId))
        .flatten();
    SetupView {
        first_run,
        auth_url: merged.raw.get(Key::AuthUrl).unwrap_or_default().to_owned(),
        client_id: own_client_id.unwrap_or_default().to_owned(),
        locked: Key::all().filter(|k| merged.is_locked(*k)).collect(),
        managed: merged
            .from
            .values()
            .any(|l| matches!(l, Layer::Locked | Layer::Managed)),
        in_use: merged
            .raw
            .keys()
            .map(|key| InUse {
                key,
                value: merged.raw.get(key).unwrap_or_default().to_owned(),
                from: merged.from.get(&key).copied().unwrap_or(Layer::File),
            })
            .collect(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InUse {
    pub key: Key,
    pub value: String,
    pub from: Layer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorView {
    pub kind: Kind,
    /// Our own words for support, never a server's.
    pub detail: String,
    /// The setting a settings error is about.
    pub setting: Option<Key>,
    pub reason: Option<Invalid>,
    /// The settings file an error is about, and its line.
    pub file: Option<String>,
    pub line: Option<usize>,
    pub can_retry: bool,
    pub can_open_settings: bool,
    /// Back to the sign-in view (a sign-in's error); settings errors have nowhere to go.
    pub can_go_back: bool,
}

impl ErrorView {
    pub fn new(kind: Kind, detail: String) -> Self {
        Self {
            kind,
            detail,
            setting: None,
            reason: None,
            file: None,
            line: None,
            can_retry: true,
            can_open_settings: false,
            can_go_back: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeShown {
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

impl CodeShown {
    pub fn new(user_code: &str, verification: &Verification, expires_at: SystemTime) -> Self {
        let (verification_uri, trusted, qr_code) = match verification {
            Verification::Trusted { uri, open } => {
                (uri.to_string(), true, qr_data_uri(open.as_str()))
            }
            Verification::Untrusted { uri } => (uri.clone(), false, String::new()),
        };
        Self {
            user_code: user_code.to_owned(),
            verification_uri,
            trusted,
            qr_code,
            expires_at_ms: epoch_ms(expires_at),
            status: Status::Waiting,
        }
    }
}

/// What the polling is up to. Times are absolute, so that a poll that changes nothing
/// gives an equal status, which is not sent to the window again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Status {
    Waiting,
    SlowedDown {
        interval_secs: u64,
    },
    Retrying {
        reason: Kind,
        /// When the next try is due (milliseconds since the epoch), for "retrying in N s".
        retry_at_ms: u64,
    },
    /// Approved: fetching the profile.
    Approved,
}

impl Status {
    pub fn from_progress(p: &PollProgress, now: SystemTime) -> Self {
        match p {
            PollProgress::Waiting { .. } => Status::Waiting,
            PollProgress::SlowedDown { interval, .. } => Status::SlowedDown {
                interval_secs: interval.as_secs_f64().round() as u64,
            },
            PollProgress::Retrying {
                reason,
                next_poll_in,
                ..
            } => Status::Retrying {
                reason: (*reason).into(),
                retry_at_ms: epoch_ms(now + *next_poll_in),
            },
        }
    }
}

/// Milliseconds since the epoch, as the window's clock counts them.
pub fn epoch_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    use std::time::Duration;

    use passerelle_core::flow::RetryReason;

    use super::*;

    #[test]
    fn the_code_is_shown_as_issued_and_only_a_trusted_page_is_encoded() {
        let at = UNIX_EPOCH + Duration::from_secs(10);
        let trusted = Verification::Trusted {
            uri: "https://p.example/device".parse().unwrap(),
            open: "https://p.example/device?user_code=ABCD1234"
                .parse()
                .unwrap(),
        };
        let shown = CodeShown::new("ABCD1234", &trusted, at);
        assert_eq!(shown.user_code, "ABCD1234");
        assert!(shown.trusted && shown.qr_code.starts_with("data:image/svg+xml"));
        assert_eq!(shown.expires_at_ms, 10_000);
        let untrusted = Verification::Untrusted {
            uri: "https://phish.example/device".into(),
        };
        let shown = CodeShown::new("wdjb-mjht", &untrusted, at);
        assert_eq!(shown.user_code, "wdjb-mjht");
        assert!(!shown.trusted && shown.qr_code.is_empty());
        assert_eq!(shown.verification_uri, "https://phish.example/device");
    }

    #[test]
    fn initials_from_names_or_display_name() {
        let mut p = passerelle_core::flow::protocol::parse_profile(
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
    fn polls_that_change_nothing_give_equal_statuses() {
        let now = SystemTime::now();
        let later = now + Duration::from_secs(5);
        let waiting = |secs| PollProgress::Waiting {
            next_poll_in: Duration::from_secs(secs),
        };
        assert_eq!(
            Status::from_progress(&waiting(5), now),
            Status::from_progress(&waiting(4), later)
        );
        // A retry is due at a moment: the window counts down to it between polls.
        let retrying = PollProgress::Retrying {
            reason: RetryReason::Unreachable,
            attempt: 3,
            next_poll_in: Duration::from_secs(60),
        };
        let Status::Retrying {
            retry_at_ms,
            reason,
        } = Status::from_progress(&retrying, now)
        else {
            panic!("not a retry");
        };
        assert_eq!(reason, Kind::Unreachable);
        assert_eq!(retry_at_ms, epoch_ms(now) + 60_000);
        assert_ne!(
            Status::from_progress(&retrying, now),
            Status::from_progress(&retrying, later)
        );
    }

    #[test]
    fn serialises_with_a_state_tag() {
        let v = serde_json::to_value(View::SignedOut {
            notice: Some(Kind::SessionEnded),
        })
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"state": "signed_out", "notice": "session_ended"})
        );
    }
}
