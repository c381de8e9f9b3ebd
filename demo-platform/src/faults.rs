//! Fault switches: make the demo platform misbehave on purpose, per request (the
//! `X-Demo-Fault` header), for the next N requests, or at random.

use std::collections::{BTreeMap, VecDeque};
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 500 with an HTML body, as a crashed Rails app answers.
    ServerError,
    /// 429 with `Retry-After`.
    TooManyRequests,
    /// Answers only after this long (past the client's timeout in tests).
    Slow(Duration),
    /// Closes the connection without answering.
    Drop,
    /// 200 with an HTML maintenance page.
    NotJson,
    /// 200 with a body of several megabytes.
    Huge,
    /// `slow_down` whatever the pace (token endpoint).
    SlowDown,
    /// The real answer, but an error sent with status 200.
    ErrorIn200,
}

impl Fault {
    pub fn name(self) -> &'static str {
        match self {
            Fault::ServerError => "500",
            Fault::TooManyRequests => "429",
            Fault::Slow(_) => "slow",
            Fault::Drop => "drop",
            Fault::NotJson => "not_json",
            Fault::Huge => "huge",
            Fault::SlowDown => "slow_down",
            Fault::ErrorIn200 => "error_in_200",
        }
    }
}

impl FromStr for Fault {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim() {
            "500" | "server_error" => Fault::ServerError,
            "429" | "too_many_requests" => Fault::TooManyRequests,
            "slow" => Fault::Slow(Duration::from_secs(30)),
            "drop" => Fault::Drop,
            "not_json" | "garbage" => Fault::NotJson,
            "huge" => Fault::Huge,
            "slow_down" => Fault::SlowDown,
            "error_in_200" => Fault::ErrorIn200,
            other => match other.strip_prefix("slow:").and_then(|ms| ms.parse().ok()) {
                Some(ms) => Fault::Slow(Duration::from_millis(ms)),
                None => return Err(format!("unknown fault `{other}`")),
            },
        })
    }
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Any,
    DeviceAuthorization,
    Token,
    Revocation,
    Api,
}

impl Target {
    pub fn matches(self, route: Target) -> bool {
        self == Target::Any || self == route
    }
}

struct Random {
    rate: f64,
    faults: Vec<Fault>,
    target: Target,
    rng: StdRng,
}

#[derive(Default)]
struct Inner {
    queued: VecDeque<(Target, Fault)>,
    random: Option<Random>,
    served: BTreeMap<&'static str, usize>,
}

/// Shared by all requests; tests and the fault run set it while the server runs.
#[derive(Default)]
pub struct FaultSwitch(Mutex<Inner>);

impl FaultSwitch {
    /// The next `times` requests to `target` get `fault`.
    pub fn inject(&self, target: Target, fault: Fault, times: usize) {
        let mut inner = self.0.lock().unwrap();
        inner
            .queued
            .extend(std::iter::repeat_n((target, fault), times));
    }

    /// Each request to `target` gets one of `faults` with probability `rate`.
    pub fn random(&self, target: Target, rate: f64, faults: Vec<Fault>, seed: u64) {
        self.0.lock().unwrap().random = (!faults.is_empty() && rate > 0.0).then(|| Random {
            rate,
            faults,
            target,
            rng: StdRng::seed_from_u64(seed),
        });
    }

    pub fn clear(&self) {
        *self.0.lock().unwrap() = Inner::default();
    }

    /// How many times each fault was served so far.
    pub fn served(&self) -> Vec<(&'static str, usize)> {
        self.0
            .lock()
            .unwrap()
            .served
            .iter()
            .map(|(k, v)| (*k, *v))
            .collect()
    }

    /// The fault for a request to `route`, if any.
    pub fn take(&self, route: Target) -> Option<Fault> {
        let mut inner = self.0.lock().unwrap();
        let fault = Self::pick(&mut inner, route)?;
        *inner.served.entry(fault.name()).or_default() += 1;
        Some(fault)
    }

    fn pick(inner: &mut Inner, route: Target) -> Option<Fault> {
        if let Some(pos) = inner.queued.iter().position(|(t, _)| t.matches(route)) {
            return inner.queued.remove(pos).map(|(_, f)| f);
        }
        let random = inner.random.as_mut().filter(|r| r.target.matches(route))?;
        if !random.rng.random_bool(random.rate.clamp(0.0, 1.0)) {
            return None;
        }
        let fault = random.faults[random.rng.random_range(0..random.faults.len())];
        // `slow_down` only means something to the token endpoint.
        (fault != Fault::SlowDown || route == Target::Token).then_some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_faults_come_first_and_in_order() {
        let f = FaultSwitch::default();
        f.inject(Target::Token, Fault::ServerError, 2);
        f.inject(Target::Any, Fault::Drop, 1);
        assert_eq!(f.take(Target::Api), Some(Fault::Drop));
        assert_eq!(f.take(Target::Token), Some(Fault::ServerError));
        assert_eq!(f.take(Target::Token), Some(Fault::ServerError));
        assert_eq!(f.take(Target::Token), None);
    }

    #[test]
    fn parses_names() {
        assert_eq!(
            "slow:1500".parse::<Fault>(),
            Ok(Fault::Slow(Duration::from_millis(1500)))
        );
        assert_eq!("429".parse::<Fault>(), Ok(Fault::TooManyRequests));
        assert!("nope".parse::<Fault>().is_err());
    }
}
