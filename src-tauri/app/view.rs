//! What the window shows, pushed by the backend over a channel. Holds no secret: tokens
//! and the device code never leave Rust.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::flow::{PollProgress, Profile};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum View {
    /// No platform configured yet: ask for its address and the client id.
    Setup {
        auth_url: String,
        client_id: String,
        /// Opened from the settings button (there is a view to go back to), not first start.
        can_cancel: bool,
    },
    About {
        version: &'static str,
        license: &'static str,
        /// The platform in use, when one is configured.
        platform: Option<String>,
    },
    /// A stored session is being restored (quietly, after the first paint).
    Restoring,
    SignedOut {
        /// Why we are here, when it is worth saying: `signed_out`, `revocation_failed`,
        /// `session_ended`.
        notice: Option<&'static str>,
    },
    /// Asking the platform for a code.
    Starting,
    CodeShown(CodeShown),
    Error {
        kind: &'static str,
        /// Our own words for support, never the server's.
        message: String,
    },
    SignedIn {
        profile: ProfileView,
        platform: String,
        /// False when there is no keychain: the session ends with the app.
        remembered: bool,
    },
    /// Revoking the session on the platform.
    SigningOut,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeShown {
    /// Exactly as the platform gave it; this is what is copied.
    pub user_code: String,
    /// Grouped for reading (`ABCD-EFGH`).
    pub user_code_display: String,
    pub verification_uri: String,
    /// A QR code of the complete verification URL, as a `data:` SVG image.
    pub qr_code: String,
    /// When the code dies, in milliseconds since the Unix epoch.
    pub expires_at_ms: u64,
    pub status: Status,
    /// False when the verification URL failed the safety checks: shown as text only.
    pub can_open: bool,
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
        reason: &'static str,
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
                kind, next_poll_in, ..
            } => Status::Retrying {
                reason: kind,
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

/// `ABCD1234` → `ABCD-1234`; codes of other shapes are shown as given.
pub fn group_user_code(code: &str) -> String {
    let is_plain = code.chars().all(|c| c.is_ascii_alphanumeric());
    if is_plain && code.len() == 8 {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_eight_character_codes() {
        assert_eq!(group_user_code("ABCD1234"), "ABCD-1234");
        assert_eq!(group_user_code("WDJB-MJHT"), "WDJB-MJHT");
        assert_eq!(group_user_code("ABC"), "ABC");
    }

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
    fn polls_that_change_nothing_give_equal_statuses() {
        use std::time::Duration;
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
            kind: "unreachable",
            attempt: 3,
            next_poll_in: Duration::from_secs(60),
        };
        let Status::Retrying { retry_at_ms, .. } = Status::from_progress(&retrying, now) else {
            panic!("not a retry");
        };
        assert_eq!(retry_at_ms, epoch_ms(now) + 60_000);
        assert_ne!(
            Status::from_progress(&retrying, now),
            Status::from_progress(&retrying, later)
        );
    }

    #[test]
    fn serialises_with_a_state_tag() {
        let v = serde_json::to_value(View::SignedOut { notice: None }).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"state": "signed_out", "notice": null})
        );
    }
}
