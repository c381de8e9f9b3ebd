//! What the demo platform remembers: device grants and tokens, with Doorkeeper's rules.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

use rand::distr::{Alphanumeric, SampleString};
use rand::Rng;

/// The learner who signs in on the demo platform.
#[derive(Debug, Clone)]
pub struct DemoUser {
    pub id: u64,
    pub email: String,
    pub password: String,
    pub firstname: String,
    pub lastname: String,
    pub created_at: String,
    pub created_date: String,
}

impl Default for DemoUser {
    fn default() -> Self {
        Self {
            id: 5,
            email: "camille.martin@example.com".into(),
            password: "passerelle".into(),
            firstname: "Camille".into(),
            lastname: "Martin".into(),
            created_at: "2024-02-05T08:52:20.957Z".into(),
            created_date: "05/02/2024".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Pending,
    Approved,
    Denied,
}

#[derive(Debug)]
pub struct DeviceGrant {
    pub client_id: String,
    pub user_code: String,
    pub scope: String,
    pub expires_at: Instant,
    pub interval: Duration,
    pub last_counted_poll: Option<Instant>,
    pub decision: Decision,
}

#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub client_id: String,
    pub access_token: String,
    pub refresh_token: String,
    pub scope: String,
    pub expires_at: Instant,
    pub revoked: bool,
    /// Doorkeeper's `previous_refresh_token`: retired when this record's access token is
    /// first used.
    pub previous_refresh_token: Option<String>,
}

/// The answer of the token endpoint to a device-code poll.
#[derive(Debug, PartialEq, Eq)]
pub enum PollOutcome {
    Token(TokenRecord),
    Pending,
    SlowDown,
    Denied,
    Expired,
    InvalidGrant,
}

impl PartialEq for TokenRecord {
    fn eq(&self, other: &Self) -> bool {
        self.access_token == other.access_token
    }
}
impl Eq for TokenRecord {}

#[derive(Debug, Clone)]
pub struct Settings {
    pub clients: Vec<String>,
    pub expires_in: Duration,
    pub interval: Duration,
    pub token_lifetime: Duration,
    pub scope: String,
    pub max_pending: usize,
    /// Put before every device code and token.
    pub secret_prefix: String,
    /// Put after every access token.
    pub access_suffix: String,
    /// The one user code issued, when set (a hostile server's).
    pub fixed_user_code: Option<String>,
    /// Doorkeeper 5.5's rotation and revocation (see `DemoOptions::doorkeeper_5_5`).
    pub doorkeeper_5_5: bool,
    /// The OAuth error every refresh is answered with, when set.
    pub refresh_error: Option<String>,
}

#[derive(Default)]
pub struct Store {
    /// Keyed by device code.
    pub grants: HashMap<String, DeviceGrant>,
    /// Device code by user code, exactly as issued.
    pub by_user_code: HashMap<String, String>,
    pub tokens: Vec<TokenRecord>,
}

fn user_code() -> String {
    const CHARS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..8)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

/// A random token, after `prefix` (a canary string the tests look for).
fn random_token(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        Alphanumeric.sample_string(&mut rand::rng(), 43)
    )
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Store {
    /// Creates a grant; returns (device code, user code).
    pub fn authorize_device(
        &mut self,
        settings: &Settings,
        client_id: &str,
        scope: Option<&str>,
    ) -> (String, String) {
        let device_code = random_token(&settings.secret_prefix);
        let mut code = settings.fixed_user_code.clone().unwrap_or_else(user_code);
        while settings.fixed_user_code.is_none() && self.by_user_code.contains_key(&code) {
            code = user_code();
        }
        let now = Instant::now();
        self.by_user_code.insert(code.clone(), device_code.clone());
        self.grants.insert(
            device_code.clone(),
            DeviceGrant {
                client_id: client_id.to_owned(),
                user_code: code.clone(),
                scope: scope.unwrap_or(&settings.scope).to_owned(),
                expires_at: now + settings.expires_in,
                interval: settings.interval,
                last_counted_poll: None,
                decision: Decision::Pending,
            },
        );
        (device_code, code)
    }

    /// Doorkeeper's order: unknown, wrong client, expired, too early, then the decision.
    pub fn poll(
        &mut self,
        settings: &Settings,
        device_code: &str,
        client_id: &str,
        now: Instant,
    ) -> PollOutcome {
        let Some(grant) = self.grants.get_mut(device_code) else {
            return PollOutcome::InvalidGrant;
        };
        if grant.client_id != client_id {
            return PollOutcome::InvalidGrant;
        }
        if now >= grant.expires_at {
            // Said once; after that the grant is gone and the code unknown.
            self.remove_grant(device_code);
            return PollOutcome::Expired;
        }
        if grant
            .last_counted_poll
            .is_some_and(|last| now.duration_since(last) < grant.interval)
        {
            return PollOutcome::SlowDown;
        }
        grant.last_counted_poll = Some(now);
        match grant.decision {
            Decision::Pending => PollOutcome::Pending,
            Decision::Denied => {
                self.remove_grant(device_code);
                PollOutcome::Denied
            }
            Decision::Approved => {
                let scope = grant.scope.clone();
                let client = grant.client_id.clone();
                self.remove_grant(device_code);
                PollOutcome::Token(self.issue(settings, &client, &scope))
            }
        }
    }

    fn remove_grant(&mut self, device_code: &str) {
        if let Some(g) = self.grants.remove(device_code) {
            self.by_user_code.remove(&g.user_code);
        }
    }

    fn issue(&mut self, settings: &Settings, client_id: &str, scope: &str) -> TokenRecord {
        let record = TokenRecord {
            client_id: client_id.to_owned(),
            access_token: random_token(&settings.secret_prefix) + &settings.access_suffix,
            refresh_token: random_token(&settings.secret_prefix),
            scope: scope.to_owned(),
            expires_at: Instant::now() + settings.token_lifetime,
            revoked: false,
            previous_refresh_token: None,
        };
        self.tokens.push(record.clone());
        record
    }

    /// Approves or denies the grant behind a user code, matched exactly as Doorkeeper's
    /// `find_by(user_code:)` does; false when no live grant has it.
    pub fn decide(&mut self, user_code: &str, decision: Decision) -> bool {
        let Some(device_code) = self.by_user_code.get(user_code) else {
            return false;
        };
        match self.grants.get_mut(device_code) {
            Some(g) if g.decision == Decision::Pending && Instant::now() < g.expires_at => {
                g.decision = decision;
                true
            }
            _ => false,
        }
    }

    /// Refresh grant with rotation: the old refresh (and access) token dies — at once, or,
    /// as Doorkeeper 5.5 does, when the new access token is first used.
    pub fn refresh(
        &mut self,
        settings: &Settings,
        refresh_token: &str,
        client_id: &str,
    ) -> Option<TokenRecord> {
        let old = self
            .tokens
            .iter_mut()
            .find(|t| t.refresh_token == refresh_token && !t.revoked && t.client_id == client_id)?;
        if !settings.doorkeeper_5_5 {
            old.revoked = true;
        }
        let scope = old.scope.clone();
        let mut record = self.issue(settings, client_id, &scope);
        if settings.doorkeeper_5_5 {
            record.previous_refresh_token = Some(refresh_token.to_owned());
            if let Some(new) = self.tokens.last_mut() {
                new.previous_refresh_token = Some(refresh_token.to_owned());
            }
        }
        Some(record)
    }

    /// RFC 7009: revokes the record holding this access or refresh token. Doorkeeper 5.5
    /// revokes nothing when the record's access token has expired (and still answers 200).
    pub fn revoke(&mut self, settings: &Settings, token: &str, client_id: &str, now: Instant) {
        for t in &mut self.tokens {
            let expired = now >= t.expires_at;
            if (t.refresh_token == token || t.access_token == token)
                && t.client_id == client_id
                && !(settings.doorkeeper_5_5 && expired)
            {
                t.revoked = true;
            }
        }
    }

    pub fn access_is_valid(&self, access_token: &str, now: Instant) -> bool {
        self.tokens
            .iter()
            .any(|t| t.access_token == access_token && !t.revoked && now < t.expires_at)
    }

    /// An API call with `access_token`: true when it opens the API. Its first use retires
    /// the refresh token it was rotated from (Doorkeeper's `previous_refresh_token`).
    pub fn use_access(&mut self, access_token: &str, now: Instant) -> bool {
        if !self.access_is_valid(access_token, now) {
            return false;
        }
        let previous = self
            .tokens
            .iter_mut()
            .find(|t| t.access_token == access_token)
            .and_then(|t| t.previous_refresh_token.take());
        if let Some(previous) = previous {
            for t in self
                .tokens
                .iter_mut()
                .filter(|t| t.refresh_token == previous)
            {
                t.revoked = true;
            }
        }
        true
    }

    /// Refresh tokens that would still give new tokens.
    pub fn live_refresh_tokens(&self) -> Vec<String> {
        self.tokens
            .iter()
            .filter(|t| !t.revoked)
            .map(|t| t.refresh_token.clone())
            .collect()
    }

    /// Forgets grants that expired long ago and revoked tokens, so memory stays bounded.
    pub fn purge(&mut self, now: Instant, grace: Duration) {
        let stale: Vec<String> = self
            .grants
            .iter()
            .filter(|(_, g)| now >= g.expires_at + grace)
            .map(|(code, _)| code.clone())
            .collect();
        for code in stale {
            self.remove_grant(&code);
        }
        // Refresh tokens never expire (Doorkeeper): only revoked records go.
        self.tokens.retain(|t| !t.revoked);
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
