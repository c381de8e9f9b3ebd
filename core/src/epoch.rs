//! Times as the Unix epoch counts them: seconds in what is kept, milliseconds for the window
//! (JavaScript's clock). One place converts, and none overflows.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the epoch; 0 before it.
pub fn secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Milliseconds since the epoch; 0 before it.
pub fn ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Seconds since the epoch, as milliseconds.
pub fn ms_of_secs(secs: u64) -> u64 {
    secs.saturating_mul(1000)
}

/// The moment `secs` after the epoch, when the clock can hold it.
pub fn at(secs: u64) -> Option<SystemTime> {
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_never_overflow() {
        assert_eq!(secs(UNIX_EPOCH + Duration::from_millis(2500)), 2);
        assert_eq!(ms(UNIX_EPOCH + Duration::from_millis(2500)), 2500);
        assert_eq!(secs(UNIX_EPOCH - Duration::from_secs(1)), 0);
        assert_eq!(ms_of_secs(u64::MAX), u64::MAX);
        assert_eq!(at(7).map(secs), Some(7));
        assert_eq!(at(u64::MAX), None);
    }
}
