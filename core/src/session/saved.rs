//! A session as it is kept between runs: its tokens, and what they were issued for.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::epoch;
use crate::flow::{
    AccessToken, DeviceFlowClient, Endpoints, FlowError, Profile, RefreshToken, TokenResponse,
};
use crate::settings::origin_of;
use url::Url;

/// Who and where the tokens were issued for. A session is used only while the settings
/// still send its tokens to the same origins with this client id: after a change of
/// platform, or a settings file edited to send the API elsewhere, the tokens stay put. The
/// endpoints themselves are kept too, so that a session can be ended from anywhere (a
/// computer switched to shared use clears every platform's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub client_id: String,
    /// Where the refresh token goes…
    pub token: Url,
    /// …and where the session is revoked, when the server has a revocation endpoint.
    pub revocation: Option<Url>,
    /// Where the access token goes.
    pub profile: Url,
}

impl Binding {
    pub fn new(client_id: &str, endpoints: &Endpoints) -> Self {
        Self {
            client_id: client_id.to_owned(),
            token: endpoints.token.clone(),
            revocation: endpoints.revocation.clone(),
            profile: endpoints.profile.clone(),
        }
    }

    /// Whether tokens bound so may go where `other` sends them: the same client id, and the
    /// same origins for the token, revocation and profile endpoints.
    pub fn same_origins(&self, other: &Binding) -> bool {
        let origins = |b: &Binding| {
            (
                b.client_id.clone(),
                origin_of(&b.token),
                b.revocation.as_ref().map(origin_of),
                origin_of(&b.profile),
            )
        };
        origins(self) == origins(other)
    }

    /// Where `client` sends tokens now (reading the server's metadata if not done yet).
    pub async fn of(client: &DeviceFlowClient) -> Result<Self, FlowError> {
        Ok(Self::new(
            &client.settings().client_id,
            client.endpoints().await?,
        ))
    }
}

/// How far ahead of this computer's clock a server's `created_at` may be, and still be
/// believed.
const CLOCK_SKEW: Duration = Duration::from_secs(300);

/// When a token stops being valid: `created_at + expires_in` when the server says when it
/// made it (a moment this clock can hold, not in the future), else from now; `None` when
/// unknown or past what the clock can hold. Every step is checked: no server value can
/// overflow it.
pub fn token_expiry(token: &TokenResponse, now: SystemTime) -> Option<SystemTime> {
    let expires_in = token.expires_in?;
    let created = token
        .created_at
        .and_then(epoch::at)
        .filter(|created| {
            now.checked_add(CLOCK_SKEW)
                .is_none_or(|late| *created <= late)
        })
        .unwrap_or(now);
    created.checked_add(expires_in)
}

/// What is needed to resume a session without a new sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSession {
    /// None when it did not fit in the keychain (see [`SavedSession::to_payload`]): a
    /// refresh gives a new one.
    pub access_token: Option<AccessToken>,
    pub refresh_token: Option<RefreshToken>,
    /// When the access token stops working, in seconds since the Unix epoch.
    pub expires_at: Option<u64>,
    pub binding: Binding,
    /// When the learner signed in, in seconds since the Unix epoch.
    pub signed_in_at: Option<u64>,
    /// The learner's profile as last read, and when: shown while the platform cannot be
    /// reached. Left out first when the keychain has no room.
    pub profile: Option<KnownProfile>,
}

/// The profile as last read from the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownProfile {
    pub profile: Profile,
    /// Seconds since the Unix epoch.
    pub read_at: u64,
}

/// The keychain's payload, as JSON. Its strings may be tokens: they are wiped when it is
/// dropped.
#[derive(Serialize, Deserialize)]
struct Payload {
    v: u64,
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_at: Option<u64>,
    client_id: String,
    token_endpoint: String,
    #[serde(default)]
    revocation_endpoint: Option<String>,
    profile_endpoint: String,
    #[serde(default)]
    signed_in_at: Option<u64>,
    #[serde(default)]
    profile: Option<KnownProfile>,
}

impl Drop for Payload {
    fn drop(&mut self) {
        self.access_token.zeroize();
        self.refresh_token.zeroize();
    }
}

/// The payload's format, so that a later version can tell what it reads.
const VERSION: u64 = 1;

impl SavedSession {
    pub fn from_token(token: &TokenResponse, binding: Binding, now: SystemTime) -> Self {
        Self {
            access_token: Some(token.access_token.clone()),
            refresh_token: token.refresh_token.clone(),
            expires_at: token_expiry(token, now).map(epoch::secs),
            binding,
            signed_in_at: Some(epoch::secs(now)),
            profile: None,
        }
    }

    /// After a refresh: the new tokens, keeping the old refresh token when the server sent
    /// none (RFC 6749 §6 lets it keep the old one), and what was known of the learner.
    pub fn refreshed(&self, token: &TokenResponse, now: SystemTime) -> Self {
        let mut next = Self::from_token(token, self.binding.clone(), now);
        if next.refresh_token.is_none() {
            next.refresh_token = self.refresh_token.clone();
        }
        next.signed_in_at = self.signed_in_at;
        next.profile = self.profile.clone();
        next
    }

    /// The same session: the same tokens, whatever else was learnt of it since.
    pub fn is_same(&self, other: &SavedSession) -> bool {
        self.access_token == other.access_token && self.refresh_token == other.refresh_token
    }

    /// This session, with `profile` read at `now`.
    pub fn with_profile(&self, profile: &Profile, now: SystemTime) -> Self {
        Self {
            profile: Some(KnownProfile {
                profile: profile.clone(),
                read_at: epoch::secs(now),
            }),
            ..self.clone()
        }
    }

    /// True when there is no access token, or it is past, or within `margin` of, its expiry.
    pub fn needs_refresh(&self, now: SystemTime, margin: Duration) -> bool {
        let now = epoch::secs(now);
        self.access_token.is_none()
            || self
                .expires_at
                .is_some_and(|at| at <= now.saturating_add(margin.as_secs()))
    }

    /// The keychain's payload, no longer than `max_len` bytes when the keychain has a limit
    /// (Windows' Credential Manager: 2,560). When the whole session does not fit, the access
    /// token is left out (a refresh replaces it at the next start); when even that does not
    /// fit, `None`. The one place where tokens are written out on purpose; the text is wiped
    /// when dropped.
    pub fn to_payload(&self, max_len: Option<usize>) -> Option<Zeroizing<String>> {
        let fits = |text: &Zeroizing<String>| max_len.is_none_or(|max| text.len() <= max);
        let whole = self.payload(true, true);
        if fits(&whole) {
            return Some(whole);
        }
        // The profile is only a copy for when the platform cannot be reached.
        let without_profile = self.payload(true, false);
        if fits(&without_profile) {
            return Some(without_profile);
        }
        // Without a refresh token, a session without its access token is nothing.
        let lean = self
            .refresh_token
            .is_some()
            .then(|| self.payload(false, false))?;
        fits(&lean).then_some(lean)
    }

    fn payload(&self, with_access_token: bool, with_profile: bool) -> Zeroizing<String> {
        let b = &self.binding;
        let payload = Payload {
            v: VERSION,
            access_token: self
                .access_token
                .as_ref()
                .filter(|_| with_access_token)
                .map(|t| t.expose().to_owned()),
            refresh_token: self.refresh_token.as_ref().map(|t| t.expose().to_owned()),
            expires_at: self.expires_at.filter(|_| with_access_token),
            client_id: b.client_id.clone(),
            token_endpoint: b.token.to_string(),
            revocation_endpoint: b.revocation.as_ref().map(Url::to_string),
            profile_endpoint: b.profile.to_string(),
            signed_in_at: self.signed_in_at,
            profile: self.profile.clone().filter(|_| with_profile),
        };
        Zeroizing::new(serde_json::to_string(&payload).expect("a payload is always JSON"))
    }

    /// `None` for anything but a payload of a format still read, with at least one usable
    /// token and its binding.
    pub fn from_payload(text: &str) -> Option<Self> {
        let p: Payload = serde_json::from_str(text).ok()?;
        if p.v != VERSION {
            return None;
        }
        let nonempty =
            |s: &Option<String>| s.as_deref().filter(|s| !s.is_empty()).map(str::to_owned);
        let required = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        let session = Self {
            access_token: nonempty(&p.access_token).map(AccessToken::new),
            refresh_token: nonempty(&p.refresh_token).map(RefreshToken::new),
            expires_at: p.expires_at,
            binding: Binding {
                client_id: required(&p.client_id)?,
                token: Url::parse(&p.token_endpoint).ok()?,
                revocation: match &p.revocation_endpoint {
                    Some(url) => Some(Url::parse(url).ok()?),
                    None => None,
                },
                profile: Url::parse(&p.profile_endpoint).ok()?,
            },
            signed_in_at: p.signed_in_at,
            profile: p.profile.clone(),
        };
        (session.access_token.is_some() || session.refresh_token.is_some()).then_some(session)
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    pub(crate) fn binding() -> Binding {
        Binding {
            client_id: "app".into(),
            token: Url::parse("https://auth.example/oauth/token").unwrap(),
            revocation: Some(Url::parse("https://auth.example/oauth/revoke").unwrap()),
            profile: Url::parse("https://api.example/me").unwrap(),
        }
    }

    fn session(access: &str, refresh: Option<&str>, expires_at: Option<u64>) -> SavedSession {
        SavedSession {
            access_token: Some(AccessToken::new(access)),
            refresh_token: refresh.map(RefreshToken::new),
            expires_at,
            binding: binding(),
            signed_in_at: None,
            profile: None,
        }
    }

    #[test]
    fn payload_round_trip_and_garbage() {
        let s = session("a", Some("r"), Some(42));
        let payload = s.to_payload(None).unwrap();
        assert_eq!(SavedSession::from_payload(&payload), Some(s.clone()));
        assert_eq!(SavedSession::from_payload("not json"), None);
        // Without its binding, or of another format: not used, the learner signs in again.
        assert_eq!(
            SavedSession::from_payload(r#"{"v":1,"access_token":"a","refresh_token":"r"}"#),
            None
        );
        let later = payload.replace(r#""v":1"#, r#""v":2"#);
        assert_ne!(*later, *payload);
        assert_eq!(SavedSession::from_payload(&later), None);
        let no_token = payload
            .replace(r#""access_token":"a""#, r#""access_token":"""#)
            .replace(r#""refresh_token":"r""#, r#""refresh_token":null"#);
        assert_eq!(SavedSession::from_payload(&no_token), None);
        assert!(!format!("{s:?}").contains("\"a\""));
    }

    /// A JWT-issuing server (Keycloak, Entra ID…) gives tokens of a kilobyte or more; Windows'
    /// Credential Manager holds 2,560 bytes.
    #[test]
    fn jwt_sized_sessions_fit_windows_credential_manager() {
        const WINDOWS: Option<usize> = Some(2560);
        let jwt = |len: usize| format!("eyJhbGciOiJSUzI1NiJ9.{}.sig", "x".repeat(len));
        let kept = |s: &SavedSession, max| {
            s.to_payload(max).map(|payload| {
                let back = SavedSession::from_payload(&payload).unwrap();
                (payload.len(), back)
            })
        };
        let small = session(&jwt(700), Some(&jwt(600)), Some(1));
        assert_eq!(kept(&small, WINDOWS).unwrap().1, small, "kept whole");

        let big = session(&jwt(1800), Some(&jwt(900)), Some(1));
        let (len, back) = kept(&big, WINDOWS).unwrap();
        assert!(len <= 2560, "{len}");
        assert_eq!(back.access_token, None);
        assert_eq!(back.refresh_token, big.refresh_token);
        assert!(
            back.needs_refresh(SystemTime::now(), Duration::ZERO),
            "refreshed at the next start"
        );
        // Elsewhere the whole session is kept.
        assert_eq!(kept(&big, None).unwrap().1, big);

        // Too large even without the access token, or nothing to refresh with: not kept.
        assert_eq!(
            session(&jwt(100), Some(&jwt(3000)), None).to_payload(WINDOWS),
            None
        );
        assert_eq!(session(&jwt(3000), None, None).to_payload(WINDOWS), None);
    }

    #[test]
    fn expiry_uses_created_at_when_sane() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut t = crate::flow::protocol::parse_token(
            br#"{"access_token":"a","expires_in":100,"created_at":999950}"#,
        )
        .unwrap();
        assert_eq!(token_expiry(&t, now), Some(now + Duration::from_secs(50)));
        t.created_at = Some(9_999_999_999);
        assert_eq!(token_expiry(&t, now), Some(now + Duration::from_secs(100)));
        // Past what any clock holds: the time is not believed, and nothing overflows.
        t.created_at = Some(u64::MAX);
        assert_eq!(token_expiry(&t, now), Some(now + Duration::from_secs(100)));
        t.expires_in = Some(Duration::MAX);
        assert_eq!(token_expiry(&t, now), None);
        t.expires_in = None;
        assert_eq!(token_expiry(&t, now), None);
    }

    #[test]
    fn refresh_margin() {
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        let margin = Duration::from_secs(60);
        assert!(session("a", None, Some(1030)).needs_refresh(now, margin));
        assert!(!session("a", None, Some(1100)).needs_refresh(now, margin));
        assert!(!session("a", None, None).needs_refresh(now, margin));
    }

    #[test]
    fn a_refresh_without_a_new_refresh_token_keeps_the_old_one() {
        let old = session("a", Some("r"), None);
        let token =
            crate::flow::protocol::parse_token(br#"{"access_token":"b","expires_in":60}"#).unwrap();
        let next = old.refreshed(&token, UNIX_EPOCH);
        assert_eq!(next.access_token, Some(AccessToken::new("b")));
        assert_eq!(next.refresh_token, old.refresh_token);
        assert_eq!(next.expires_at, Some(60));
        assert_eq!(next.binding, old.binding);
    }
}
