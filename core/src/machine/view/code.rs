//! The code's view: derived from the code the platform issued and what the polling last
//! reported; its QR code is drawn once, the first time the code is shown.

use super::super::state::{IssuedCode, Progress};
use super::models::{CodeView, Status};
use super::qr::qr_data_uri;
use crate::epoch;
use crate::flow::Verification;

/// The code as shown; `progress` is `None` once the learner approved.
pub fn view(code: &IssuedCode, progress: Option<&Progress>) -> CodeView {
    let pending = &code.pending;
    let (verification_uri, trusted, qr_code) = match &pending.verification {
        Verification::Trusted { uri, open } => (
            uri.to_string(),
            true,
            code.qr.get_or_init(|| qr_data_uri(open.as_str())).clone(),
        ),
        Verification::Untrusted { uri } => (uri.clone(), false, String::new()),
    };
    CodeView {
        user_code: pending.authorization.user_code.clone(),
        verification_uri,
        trusted,
        qr_code,
        expires_at_ms: epoch::ms(pending.expires_at),
        status: progress.map_or(Status::Approved, status),
    }
}

fn status(progress: &Progress) -> Status {
    match *progress {
        Progress::Waiting => Status::Waiting,
        Progress::SlowedDown { interval } => Status::SlowedDown {
            interval_secs: interval.as_secs_f64().round() as u64,
        },
        Progress::Retrying { reason, due } => Status::Retrying {
            reason: reason.into(),
            retry_at_ms: epoch::ms(due),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::flow::protocol::parse_device_authorization;
    use crate::flow::{PendingSignIn, RetryReason};
    use crate::machine::message::Message;

    fn issued(verification: Verification) -> IssuedCode {
        let authorization = parse_device_authorization(
            br#"{"device_code":"d","user_code":"ABCD1234","verification_uri":"https://p.example/device","expires_in":60}"#,
        )
        .unwrap();
        IssuedCode {
            pending: PendingSignIn {
                authorization,
                verification,
                deadline: tokio::time::Instant::now(),
                expires_at: UNIX_EPOCH + Duration::from_secs(10),
            },
            qr: OnceLock::new(),
        }
    }

    #[test]
    fn the_code_is_shown_as_issued_and_only_a_trusted_page_is_encoded() {
        let trusted = issued(Verification::Trusted {
            uri: "https://p.example/device".parse().unwrap(),
            open: "https://p.example/device?user_code=ABCD1234"
                .parse()
                .unwrap(),
        });
        let shown = view(&trusted, Some(&Progress::Waiting));
        assert_eq!(shown.user_code, "ABCD1234");
        assert!(shown.trusted && shown.qr_code.starts_with("data:image/svg+xml"));
        assert_eq!(shown.expires_at_ms, 10_000);
        assert_eq!(shown.status, Status::Waiting);
        // Drawn once: the second view gives the very same image.
        let drawn = trusted.qr.get().unwrap().as_ptr();
        view(&trusted, None);
        assert_eq!(trusted.qr.get().unwrap().as_ptr(), drawn);
        assert_eq!(view(&trusted, None).status, Status::Approved);

        let untrusted = issued(Verification::Untrusted {
            uri: "https://phish.example/device".into(),
        });
        let shown = view(&untrusted, Some(&Progress::Waiting));
        assert!(!shown.trusted && shown.qr_code.is_empty());
        assert_eq!(shown.verification_uri, "https://phish.example/device");
    }

    #[test]
    fn a_retry_is_due_at_a_moment() {
        let due = UNIX_EPOCH + Duration::from_secs(70);
        let s = status(&Progress::Retrying {
            reason: RetryReason::Unreachable,
            due,
        });
        assert_eq!(
            s,
            Status::Retrying {
                reason: Message::Unreachable,
                retry_at_ms: 70_000
            }
        );
        assert_eq!(
            status(&Progress::SlowedDown {
                interval: Duration::from_millis(10_400)
            }),
            Status::SlowedDown { interval_secs: 10 }
        );
    }
}
