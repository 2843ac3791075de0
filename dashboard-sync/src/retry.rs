//! When to try a request again, and how long to wait first.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// Retries with exponential backoff and jitter, for connection errors, timeouts, 429 and
/// 5xx. Never for other 4xx: those answers will not change by asking again.
///
/// ```
/// use std::time::Duration;
/// use dashboard_sync::RetryPolicy;
/// let p = RetryPolicy::default();
/// assert_eq!(p.max_attempts, 5);
/// assert!(p.backoff(1) <= Duration::from_millis(250));
/// assert!(p.backoff(10) <= p.max_delay);
/// assert!(RetryPolicy::retryable_status(503) && RetryPolicy::retryable_status(429));
/// assert!(!RetryPolicy::retryable_status(412) && !RetryPolicy::retryable_status(400));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The wait before the first retry, before jitter; it doubles for each retry after.
    pub base_delay: Duration,
    /// No backoff waits longer than this.
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured; a server asking for more gets a clear failure
    /// instead of a push that hangs for minutes.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Whether an HTTP status is worth retrying: 429 and 5xx.
    pub fn retryable_status(status: u16) -> bool {
        status == 429 || (500..=599).contains(&status)
    }

    /// The wait before retry number `retry` (1 for the first retry): "equal jitter", half
    /// of the exponential delay fixed and half random, so many clients that failed
    /// together do not come back together, yet none retries at once.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        let capped = exp.min(self.max_delay);
        let half = capped / 2;
        let jitter_ms = half.as_millis() as u64;
        let random = if jitter_ms == 0 {
            0
        } else {
            random_u64() % (jitter_ms + 1)
        };
        half + Duration::from_millis(random)
    }
}

/// A random number without a dependency: std seeds every `RandomState` randomly.
fn random_u64() -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0),
    );
    h.finish()
}

/// Parses `Retry-After` in its delay-seconds form. The HTTP-date form is rare from
/// Grafana and its proxies; without it the normal backoff applies.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(dashboard_sync::retry::parse_retry_after("3"), Some(Duration::from_secs(3)));
/// assert_eq!(dashboard_sync::retry::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
/// ```
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_within_bounds() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_retry_after: Duration::from_secs(1),
        };
        for retry in 1..10 {
            let exp = Duration::from_millis(100 * (1 << (retry - 1))).min(p.max_delay);
            for _ in 0..50 {
                let d = p.backoff(retry);
                assert!(d >= exp / 2 && d <= exp, "retry {retry}: {d:?} vs {exp:?}");
            }
        }
    }

    #[test]
    fn jitter_varies() {
        let p = RetryPolicy::default();
        let waits: std::collections::BTreeSet<Duration> = (0..20).map(|_| p.backoff(3)).collect();
        assert!(waits.len() > 1);
    }
}
