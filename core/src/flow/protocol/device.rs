//! RFC 8628 §3.2: the device authorization answer.

use std::time::Duration;

use url::Url;

use super::{invalid, Fields, ProtocolError, MAX_FIELD_LEN};
use crate::flow::secret::DeviceCode;

/// RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default."
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// Polling faster than once a second helps nobody; a server that says 0 gets 1.
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);
/// A server asking for more than this between polls would leave the learner waiting for nothing.
pub const MAX_INTERVAL: Duration = Duration::from_secs(300);
/// Device codes are meant to live minutes; a larger `expires_in` is clamped to this.
pub const MAX_EXPIRES_IN: Duration = Duration::from_secs(3600);
/// Longest user code accepted: it is shown large and typed by hand (RFC 8628 §6.1 suggests
/// eight characters).
pub const MAX_USER_CODE_LEN: usize = 32;

/// RFC 8628 §3.2 device authorization response.
#[derive(Debug, Clone)]
pub struct DeviceAuthorization {
    pub device_code: DeviceCode,
    pub user_code: String,
    pub verification_uri: Url,
    pub verification_uri_complete: Option<Url>,
    pub expires_in: Duration,
    pub interval: Duration,
}

pub fn parse_device_authorization(body: &[u8]) -> Result<DeviceAuthorization, ProtocolError> {
    let f = Fields::parse(body)?;
    let expires_in = match f.opt_seconds("expires_in")? {
        None => return Err(ProtocolError::Missing("expires_in")),
        Some(0) => return Err(invalid("expires_in", "zero")),
        Some(s) => Duration::from_secs(s).min(MAX_EXPIRES_IN),
    };
    let interval = f
        .opt_seconds("interval")?
        .map_or(DEFAULT_INTERVAL, Duration::from_secs)
        .clamp(MIN_INTERVAL, MAX_INTERVAL);
    let verification_uri = f
        .opt_url("verification_uri")?
        // Early drafts of RFC 8628 (and Google) call it `verification_url`.
        .or(f.opt_url("verification_url")?)
        .ok_or(ProtocolError::Missing("verification_uri"))?;
    Ok(DeviceAuthorization {
        device_code: DeviceCode::new(f.string("device_code", MAX_FIELD_LEN)?),
        user_code: readable(f.string("user_code", MAX_FIELD_LEN)?)?,
        verification_uri,
        verification_uri_complete: f.opt_url("verification_uri_complete")?,
        expires_in,
        interval,
    })
}

/// A code a person can read and type (RFC 8628 §6.1): letters and digits, with spaces and
/// hyphens between them, no longer than [`MAX_USER_CODE_LEN`]. Anything else — a control
/// or format character (a right-to-left override, a zero-width space), a symbol, a letter
/// from a script that reads the other way — could show one code and mean another.
fn readable(code: String) -> Result<String, ProtocolError> {
    let inner = code.trim_matches(|c| c == ' ' || c == '-');
    let ok = code.len() <= MAX_USER_CODE_LEN
        && inner == code
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
    ok.then_some(code).ok_or(ProtocolError::UnusableCode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_authorization_of_the_platform() {
        let a = parse_device_authorization(
            br#"{"device_code":"dc","user_code":"ABCD1234","verification_uri":"https://p.example/oauth/device",
                "verification_uri_complete":"https://p.example/oauth/device?user_code=ABCD1234","expires_in":300,"interval":5}"#,
        )
        .unwrap();
        assert_eq!(a.device_code.expose(), "dc");
        assert_eq!(a.user_code, "ABCD1234");
        assert_eq!(a.expires_in, Duration::from_secs(300));
        assert_eq!(a.interval, Duration::from_secs(5));
        assert!(a.verification_uri_complete.is_some());
    }

    #[test]
    fn interval_defaults_and_is_clamped() {
        let base = r#""device_code":"d","user_code":"U","verification_uri":"https://x/","expires_in":"600""#;
        let p = |extra: &str| parse_device_authorization(format!("{{{base}{extra}}}").as_bytes());
        assert_eq!(p("").unwrap().interval, DEFAULT_INTERVAL);
        assert_eq!(p(r#","interval":0"#).unwrap().interval, MIN_INTERVAL);
        assert_eq!(p(r#","interval":1e30"#).unwrap().interval, MAX_INTERVAL);
        assert_eq!(p(r#","interval":null"#).unwrap().interval, DEFAULT_INTERVAL);
        assert_eq!(p("").unwrap().expires_in, Duration::from_secs(600));
        assert_eq!(
            p(r#","interval":-1"#).unwrap_err(),
            invalid("interval", "negative")
        );
        assert_eq!(
            p(r#","interval":"soon""#).unwrap_err(),
            invalid("interval", "not a number")
        );
    }

    #[test]
    fn expires_in_is_required_positive_and_clamped() {
        let p = |e: &str| {
            parse_device_authorization(
                format!(
                    r#"{{"device_code":"d","user_code":"U","verification_uri":"https://x/"{e}}}"#
                )
                .as_bytes(),
            )
        };
        assert_eq!(p("").unwrap_err(), ProtocolError::Missing("expires_in"));
        assert_eq!(
            p(r#","expires_in":0"#).unwrap_err(),
            invalid("expires_in", "zero")
        );
        assert_eq!(
            p(r#","expires_in":-5"#).unwrap_err(),
            invalid("expires_in", "negative")
        );
        assert_eq!(
            p(r#","expires_in":99999999999999"#).unwrap().expires_in,
            MAX_EXPIRES_IN
        );
    }

    #[test]
    fn device_authorization_rejects_missing_or_wrong_fields() {
        assert_eq!(
            parse_device_authorization(b"<html>").unwrap_err(),
            ProtocolError::NotJson
        );
        assert_eq!(
            parse_device_authorization(b"[1]").unwrap_err(),
            ProtocolError::NotAnObject
        );
        assert_eq!(
            parse_device_authorization(
                br#"{"user_code":"U","verification_uri":"https://x/","expires_in":5}"#
            )
            .unwrap_err(),
            ProtocolError::Missing("device_code")
        );
        assert_eq!(
            parse_device_authorization(br#"{"device_code":7,"user_code":"U","verification_uri":"https://x/","expires_in":5}"#)
                .unwrap_err(),
            invalid("device_code", "not a string")
        );
        assert_eq!(
            parse_device_authorization(br#"{"device_code":"d","user_code":"U","verification_uri":"not a url","expires_in":5}"#)
                .unwrap_err(),
            invalid("verification_uri", "not a URL")
        );
        let long = "U".repeat(MAX_USER_CODE_LEN + 1);
        assert_eq!(
            parse_device_authorization(
                format!(r#"{{"device_code":"d","user_code":"{long}","verification_uri":"https://x/","expires_in":5}}"#).as_bytes()
            )
            .unwrap_err(),
            ProtocolError::UnusableCode
        );
    }

    #[test]
    fn only_codes_a_person_can_read_and_type() {
        let code = |c: &str| {
            parse_device_authorization(
                serde_json::json!({"device_code": "d", "user_code": c, "verification_uri": "https://x/", "expires_in": 5})
                    .to_string()
                    .as_bytes(),
            )
            .map(|a| a.user_code)
        };
        for readable in ["7PU2IW3N", "WDJB-MJHT", "wdjb mjht", "4O24J7VX", "12345678"] {
            assert_eq!(code(readable).unwrap(), readable);
        }
        // A right-to-left override and a zero-width space: shown as ABFEDC, meant otherwise.
        for unusable in [
            "AB\u{202E}CDEF",
            "ABC\u{200B}DEF",
            "ABC\tDEF",
            "ABCD\nEFGH",
            " ABCD",
            "ABCD-",
            "-",
            "ABC/DEF",
            "ÀBCDEFGH",
            "אבגדהוזח",
            "ABC\u{00A0}DEF",
        ] {
            assert_eq!(
                code(unusable).unwrap_err(),
                ProtocolError::UnusableCode,
                "{unusable:?}"
            );
        }
    }
}
