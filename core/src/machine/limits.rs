//! How often the page may start a sign-in or open the browser: a learner clicks a few
//! times a minute at most, a script in a compromised page would loop.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

/// The window over which actions are counted.
const WINDOW: Duration = Duration::from_secs(60);
/// Sign-ins started per minute: enough to cancel and start again, and again.
pub const SIGN_INS_PER_MINUTE: usize = 10;
/// Browser pages opened per minute.
pub const OPENS_PER_MINUTE: usize = 20;

#[derive(Debug)]
pub struct Limits {
    pub sign_ins: Recent,
    pub opens: Recent,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sign_ins: Recent::new(SIGN_INS_PER_MINUTE),
            opens: Recent::new(OPENS_PER_MINUTE),
        }
    }
}

/// The times of the last few actions of one kind.
#[derive(Debug)]
pub struct Recent {
    most: usize,
    times: VecDeque<Instant>,
}

impl Recent {
    fn new(most: usize) -> Self {
        Self {
            most,
            times: VecDeque::with_capacity(most),
        }
    }

    /// Counts one more action now, unless `most` were counted in the last minute.
    pub fn allow(&mut self) -> bool {
        let now = Instant::now();
        while self
            .times
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
        {
            self.times.pop_front();
        }
        if self.times.len() >= self.most {
            return false;
        }
        self.times.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_few_a_minute() {
        let mut recent = Recent::new(3);
        assert!(recent.allow() && recent.allow() && recent.allow());
        assert!(!recent.allow(), "the fourth in a minute is refused");
        tokio::time::advance(Duration::from_secs(59)).await;
        assert!(!recent.allow());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(recent.allow(), "a minute after the first");
        assert!(recent.allow() && recent.allow());
        assert!(!recent.allow());
    }
}
