//! Where a session is kept between runs: behind a trait, with the OS keychain for real and
//! memory for tests and for systems without a keychain. Never a plain file.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::flow::client::token_expiry;
use crate::flow::{Secret, TokenResponse};

/// A keychain that does not answer within this is treated as unavailable, so that a locked
/// or hung keychain never freezes the window.
pub const STORE_TIMEOUT: Duration = Duration::from_secs(5);

/// What is needed to resume a session without a new sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    /// When the access token stops working, in seconds since the Unix epoch.
    pub expires_at: Option<u64>,
}

impl StoredSession {
    pub fn from_token(token: &TokenResponse, now: SystemTime) -> Self {
        Self {
            access_token: token.access_token.clone(),
            refresh_token: token.refresh_token.clone(),
            expires_at: token_expiry(token, now)
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_secs()),
        }
    }

    /// After a refresh: the new tokens, keeping the old refresh token when the server sent
    /// none (RFC 6749 §6 lets it keep the old one).
    pub fn refreshed(&self, token: &TokenResponse, now: SystemTime) -> Self {
        let mut next = Self::from_token(token, now);
        if next.refresh_token.is_none() {
            next.refresh_token = self.refresh_token.clone();
        }
        next
    }

    /// True when the access token is past, or within `margin` of, its expiry.
    pub fn needs_refresh(&self, now: SystemTime, margin: Duration) -> bool {
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        self.expires_at
            .is_some_and(|at| at <= now.saturating_add(margin.as_secs()))
    }

    /// The keychain's payload. The one place where the tokens are written out on purpose.
    pub fn to_secret_json(&self) -> Secret {
        Secret::new(
            json!({
                "v": 1,
                "access_token": self.access_token.expose(),
                "refresh_token": self.refresh_token.as_ref().map(Secret::expose),
                "expires_at": self.expires_at,
            })
            .to_string(),
        )
    }

    pub fn from_secret_json(text: &str) -> Option<Self> {
        let value: Value = serde_json::from_str(text).ok()?;
        let access = value
            .get("access_token")?
            .as_str()
            .filter(|s| !s.is_empty())?;
        Some(Self {
            access_token: Secret::new(access),
            refresh_token: value
                .get("refresh_token")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(Secret::new),
            expires_at: value.get("expires_at").and_then(Value::as_u64),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No keychain, a locked one, or one that did not answer in time.
    #[error("the keychain is not available: {0}")]
    Unavailable(String),
}

/// Blocking calls: run them off the UI thread, through [`SessionStore`].
pub trait TokenStore: Send + Sync {
    fn load(&self) -> Result<Option<StoredSession>, StoreError>;
    fn save(&self, session: &StoredSession) -> Result<(), StoreError>;
    fn delete(&self) -> Result<(), StoreError>;
    /// True when a saved session outlives the app (a keychain), false for memory.
    fn remembers(&self) -> bool;
}

/// Keeps the session for this run only.
#[derive(Default)]
pub struct MemoryStore(Mutex<Option<StoredSession>>);

impl MemoryStore {
    pub fn with(session: StoredSession) -> Self {
        Self(Mutex::new(Some(session)))
    }
}

impl TokenStore for MemoryStore {
    fn load(&self) -> Result<Option<StoredSession>, StoreError> {
        Ok(self.0.lock().unwrap().clone())
    }

    fn save(&self, session: &StoredSession) -> Result<(), StoreError> {
        *self.0.lock().unwrap() = Some(session.clone());
        Ok(())
    }

    fn delete(&self) -> Result<(), StoreError> {
        *self.0.lock().unwrap() = None;
        Ok(())
    }

    fn remembers(&self) -> bool {
        false
    }
}

/// A token store used from async code: each call runs on a blocking thread and times out.
/// When the keychain fails, the store falls back to memory for the rest of the run.
#[derive(Clone)]
pub struct SessionStore {
    inner: Arc<Mutex<Arc<dyn TokenStore>>>,
    timeout: Duration,
}

impl SessionStore {
    pub fn new(store: Arc<dyn TokenStore>) -> Self {
        Self::with_timeout(store, STORE_TIMEOUT)
    }

    pub fn with_timeout(store: Arc<dyn TokenStore>, timeout: Duration) -> Self {
        Self {
            inner: Arc::new(Mutex::new(store)),
            timeout,
        }
    }

    fn current(&self) -> Arc<dyn TokenStore> {
        self.inner.lock().unwrap().clone()
    }

    /// True while sessions are kept beyond this run.
    pub fn remembers(&self) -> bool {
        self.current().remembers()
    }

    async fn call<T: Send + 'static>(
        &self,
        op: impl FnOnce(&dyn TokenStore) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.current();
        let task = tokio::task::spawn_blocking(move || op(store.as_ref()));
        match tokio::time::timeout(self.timeout, task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(StoreError::Unavailable(join.to_string())),
            Err(_) => Err(StoreError::Unavailable("no answer in time".into())),
        }
    }

    fn fall_back_to_memory(&self, error: &StoreError) {
        tracing::warn!(%error, "keeping the session in memory only");
        *self.inner.lock().unwrap() = Arc::new(MemoryStore::default());
    }

    /// The stored session; none when there is none or the keychain cannot be read (then
    /// the session lives in memory for this run).
    pub async fn load(&self) -> Option<StoredSession> {
        match self.call(|s| s.load()).await {
            Ok(session) => session,
            Err(e) => {
                self.fall_back_to_memory(&e);
                None
            }
        }
    }

    /// Saves the session; returns whether it will be remembered after this run.
    pub async fn save(&self, session: &StoredSession) -> bool {
        let copy = session.clone();
        match self.call(move |s| s.save(&copy)).await {
            Ok(()) => self.remembers(),
            Err(e) => {
                self.fall_back_to_memory(&e);
                let _ = self.current().save(session);
                false
            }
        }
    }

    pub async fn delete(&self) {
        if let Err(e) = self.call(|s| s.delete()).await {
            tracing::warn!(error = %e, "could not delete the stored session");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(expires_at: Option<u64>) -> StoredSession {
        StoredSession {
            access_token: Secret::new("a"),
            refresh_token: Some(Secret::new("r")),
            expires_at,
        }
    }

    #[test]
    fn json_round_trip_and_garbage() {
        let s = session(Some(42));
        assert_eq!(
            StoredSession::from_secret_json(s.to_secret_json().expose()),
            Some(s)
        );
        assert_eq!(StoredSession::from_secret_json("not json"), None);
        assert_eq!(
            StoredSession::from_secret_json(r#"{"access_token":""}"#),
            None
        );
        assert!(!format!("{:?}", session(None)).contains("\"a\""));
    }

    #[test]
    fn refresh_margin() {
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        assert!(session(Some(1030)).needs_refresh(now, Duration::from_secs(60)));
        assert!(!session(Some(1100)).needs_refresh(now, Duration::from_secs(60)));
        assert!(!session(None).needs_refresh(now, Duration::from_secs(60)));
    }

    #[test]
    fn a_refresh_without_a_new_refresh_token_keeps_the_old_one() {
        let old = session(None);
        let token =
            crate::flow::protocol::parse_token(br#"{"access_token":"b","expires_in":60}"#).unwrap();
        let next = old.refreshed(&token, UNIX_EPOCH);
        assert_eq!(next.access_token.expose(), "b");
        assert_eq!(next.refresh_token, old.refresh_token);
        assert_eq!(next.expires_at, Some(60));
    }

    /// A keychain that is locked (saves fail) and, if `hangs`, never answers a read.
    struct Broken {
        hangs: bool,
    }

    impl TokenStore for Broken {
        fn load(&self) -> Result<Option<StoredSession>, StoreError> {
            if self.hangs {
                std::thread::sleep(Duration::from_millis(500));
            }
            Ok(None)
        }
        fn save(&self, _: &StoredSession) -> Result<(), StoreError> {
            Err(StoreError::Unavailable("locked".into()))
        }
        fn delete(&self) -> Result<(), StoreError> {
            Ok(())
        }
        fn remembers(&self) -> bool {
            true
        }
    }

    #[tokio::test]
    async fn a_hung_keychain_times_out_and_memory_takes_over() {
        let store =
            SessionStore::with_timeout(Arc::new(Broken { hangs: true }), Duration::from_millis(50));
        assert!(store.remembers());
        assert_eq!(store.load().await, None);
        assert!(!store.remembers());
        assert!(!store.save(&session(None)).await);
        assert_eq!(store.load().await, Some(session(None)));
    }

    #[tokio::test]
    async fn a_failing_save_keeps_the_session_in_memory() {
        let store = SessionStore::new(Arc::new(Broken { hangs: false }));
        assert!(!store.save(&session(Some(1))).await);
        assert_eq!(store.load().await, Some(session(Some(1))));
    }
}
