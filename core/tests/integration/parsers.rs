//! Every response parser against arbitrary input: a typed error or a sane value, never a
//! panic — and the expiry of a token computed from any numbers a server sends. Fixed cases
//! (wrong types, missing fields, zero, negative and huge numbers, long strings) are unit
//! tests next to the parsers in `core/src/flow/protocol/`.

use std::time::Duration;

use std::time::{SystemTime, UNIX_EPOCH};

use passerelle_core::flow::protocol::{
    parse_device_authorization, parse_error, parse_metadata, parse_profile, parse_token,
    MAX_EXPIRES_IN, MAX_FIELD_LEN, MAX_INTERVAL, MAX_TOKEN_LIFETIME, MAX_USER_CODE_LEN,
    MIN_INTERVAL,
};
use passerelle_core::session::saved::token_expiry;
use passerelle_core::session::{Binding, SavedSession};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Any JSON value, nested a little.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        ".{0,24}".prop_map(Value::String),
        "-?[0-9]{1,30}".prop_map(Value::String),
        "https?://[a-z.]{1,12}/[a-z]{0,8}".prop_map(Value::String),
        (0usize..20_000).prop_map(|n| Value::String("x".repeat(n))),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A JSON object whose members are some of `keys`, each with any value.
fn object_with(keys: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::option::of(json_value()), keys.len()).prop_map(move |values| {
        let mut map = Map::new();
        for (key, value) in keys.iter().zip(values) {
            if let Some(value) = value {
                map.insert((*key).to_owned(), value);
            }
        }
        serde_json::to_vec(&Value::Object(map)).unwrap()
    })
}

const DEVICE: &[&str] = &[
    "device_code",
    "user_code",
    "verification_uri",
    "verification_uri_complete",
    "expires_in",
    "interval",
];
const TOKEN: &[&str] = &[
    "access_token",
    "token_type",
    "expires_in",
    "refresh_token",
    "scope",
    "created_at",
];
const ERROR: &[&str] = &["error", "error_description"];
const PROFILE: &[&str] = &[
    "id",
    "sub",
    "email",
    "firstname",
    "lastname",
    "given_name",
    "family_name",
    "name",
    "created_at",
    "created_date",
];
const METADATA: &[&str] = &[
    "issuer",
    "device_authorization_endpoint",
    "token_endpoint",
    "revocation_endpoint",
];

const VALID_DEVICE: &str = r#"{"device_code":"d","user_code":"ABCD1234","verification_uri":"https://p.example/device","verification_uri_complete":"https://p.example/device?user_code=ABCD1234","expires_in":300,"interval":5}"#;
const VALID_TOKEN: &str = r#"{"access_token":"a","token_type":"Bearer","expires_in":7200,"refresh_token":"r","scope":"read","created_at":1707128830}"#;
const KNOWN_CODES: &[&str] = &[
    "authorization_pending",
    "slow_down",
    "access_denied",
    "expired_token",
    "invalid_grant",
    "invalid_client",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_request",
    "invalid_scope",
    "server_error",
    "temporarily_unavailable",
    "other",
];

/// A valid answer with some of its `keys` removed or given any JSON value: most cases
/// parse, so the checks on parsed values run.
fn varied(valid: &'static str, keys: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    let change = prop_oneof![
        3 => Just(None),
        1 => Just(Some(None)),
        1 => json_value().prop_map(|v| Some(Some(v))),
    ];
    prop::collection::vec(change, keys.len()).prop_map(move |changes| {
        let mut map: Map<String, Value> = serde_json::from_str(valid).unwrap();
        for (key, change) in keys.iter().zip(changes) {
            match change {
                None => {}
                Some(None) => {
                    map.remove(*key);
                }
                Some(Some(value)) => {
                    map.insert((*key).to_owned(), value);
                }
            }
        }
        serde_json::to_vec(&Value::Object(map)).unwrap()
    })
}

fn all_parsers(bytes: &[u8]) {
    let _ = parse_device_authorization(bytes);
    let _ = parse_token(bytes);
    let _ = parse_error(bytes);
    let _ = parse_profile(bytes);
    let _ = parse_metadata(bytes);
}

/// Any number a server might write, as JSON: huge, negative, fractional, or a string of
/// digits past `u64`.
fn any_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        (0.0..1e6f64).prop_map(|f| serde_json::json!(f)),
        "-?[0-9]{1,40}(\\.[0-9]{1,4})?".prop_map(Value::String),
        Just(serde_json::json!(u64::MAX)),
        Just(serde_json::json!(i64::MAX)),
        Just(serde_json::json!(i64::MIN)),
    ]
}

/// Now, as a clock may read it: today, the epoch, the far future.
fn any_now() -> impl Strategy<Value = SystemTime> {
    prop_oneof![
        Just(SystemTime::now()),
        Just(UNIX_EPOCH),
        (0u64..u32::MAX as u64 * 4).prop_map(|s| UNIX_EPOCH + Duration::from_secs(s)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever `expires_in` and `created_at` say, the token is read, and its expiry is
    /// unknown or within a lifetime of the later of now and when it was made.
    #[test]
    fn token_lifetimes_never_overflow(expires_in in any_number(), created_at in any_number(), now in any_now()) {
        let body = serde_json::json!({"access_token": "a", "refresh_token": "r", "expires_in": expires_in, "created_at": created_at});
        let token = parse_token(body.to_string().as_bytes()).expect("the access token is there");
        prop_assert!(token.expires_in.is_none_or(|d| d <= MAX_TOKEN_LIFETIME));
        if let Some(expiry) = token_expiry(&token, now) {
            let latest = now + Duration::from_secs(300) + MAX_TOKEN_LIFETIME;
            prop_assert!(expiry <= latest);
        }
        let binding = Binding { client_id: "c".into(), token: "https://x/token".parse().unwrap(), revocation: None, profile: "https://x/me".parse().unwrap() };
        let session = SavedSession::from_token(&token, binding, now);
        let _ = session.needs_refresh(now, Duration::from_secs(60));
        prop_assert!(session.to_payload(Some(2560)).is_some());
    }

    #[test]
    fn any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        all_parsers(&bytes);
    }

    #[test]
    fn any_json(value in json_value()) {
        all_parsers(&serde_json::to_vec(&value).unwrap());
    }

    #[test]
    fn device_authorization_values_are_sane(body in varied(VALID_DEVICE, DEVICE)) {
        if let Ok(a) = parse_device_authorization(&body) {
            prop_assert!(a.interval >= MIN_INTERVAL && a.interval <= MAX_INTERVAL);
            prop_assert!(a.expires_in >= Duration::from_secs(1) && a.expires_in <= MAX_EXPIRES_IN);
            prop_assert!(!a.user_code.trim().is_empty() && a.user_code.len() <= MAX_USER_CODE_LEN);
            prop_assert!(!a.device_code.expose().is_empty() && a.device_code.expose().len() <= MAX_FIELD_LEN);
        }
    }

    #[test]
    fn token_values_are_sane(body in varied(VALID_TOKEN, TOKEN)) {
        if let Ok(t) = parse_token(&body) {
            prop_assert!(!t.access_token.expose().trim().is_empty());
            prop_assert!(t.access_token.expose().len() <= MAX_FIELD_LEN);
        }
    }

    #[test]
    fn errors_profiles_and_metadata(error in object_with(ERROR), profile in object_with(PROFILE), meta in object_with(METADATA)) {
        if let Some(e) = parse_error(&error) {
            // Only our own names: the server's text is never kept.
            prop_assert!(KNOWN_CODES.contains(&e.code.as_str()), "{}", e.code.as_str());
        }
        if let Ok(p) = parse_profile(&profile) {
            prop_assert!(!p.display_name.is_empty());
        }
        let _ = parse_metadata(&meta);
    }
}
