//! Waiting for a condition rather than sleeping for a guessed time.
//!
//! A fixed sleep is either too short on a loaded machine (a flaky test) or too long
//! everywhere else (a slow one); polling a condition is neither. And when the condition
//! never holds, the failure says what was awaited, for how long, and what the last attempt
//! saw, rather than failing on some later assertion.
//!
//! [`eventually`] panics on timeout, for tests; [`Eventually::poll`] returns the timeout
//! as a value, for harness code that reports its own errors.

use std::fmt;
use std::thread;
use std::time::{Duration, Instant};

/// How long [`eventually`] waits between attempts unless told otherwise: short enough that
/// a test does not wait long after the condition holds, long enough not to spin.
pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(20);

/// The shortest interval between attempts: a zero interval would spin on a core the
/// process under test needs.
const MIN_INTERVAL: Duration = Duration::from_millis(1);

/// Calls `f` until it returns `Ok`, for at most `within`, and returns that value.
///
/// `f` is called at least once, and once more at the deadline, every
/// [`DEFAULT_INTERVAL`] in between.
///
/// # Panics
///
/// When `within` has passed and `f` still fails, with a message naming `what`, the time
/// waited, the number of attempts and `f`'s last error. A panic in `f` propagates.
///
/// ```
/// use std::time::{Duration, Instant};
/// use test_support::eventually::eventually;
///
/// let ready_at = Instant::now() + Duration::from_millis(50);
/// let waited = eventually(Duration::from_secs(5), "the clock to pass 50 ms", || {
///     let now = Instant::now();
///     if now >= ready_at { Ok(now) } else { Err(format!("{:?} to go", ready_at - now)) }
/// });
/// assert!(waited >= ready_at);
/// ```
#[track_caller]
pub fn eventually<T, E: fmt::Display>(
    within: Duration,
    what: &str,
    f: impl FnMut() -> Result<T, E>,
) -> T {
    Eventually::new(within).until(what, f)
}

/// A deadline and a polling interval; [`eventually`] with an interval of one's own, or
/// without panicking.
///
/// ```
/// use std::time::Duration;
/// use test_support::eventually::Eventually;
///
/// let mut attempts = 0;
/// let timeout = Eventually::new(Duration::from_millis(30))
///     .every(Duration::from_millis(5))
///     .poll(|| -> Result<(), String> {
///         attempts += 1;
///         Err(format!("attempt {attempts} failed"))
///     })
///     .unwrap_err();
/// assert!(timeout.attempts >= 2);
/// assert_eq!(timeout.last, format!("attempt {} failed", timeout.attempts));
/// assert!(timeout.waited >= Duration::from_millis(30));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eventually {
    within: Duration,
    every: Duration,
}

/// The condition still failed when the time was up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedOut<E> {
    /// How long it waited, from the first attempt to the last one's end.
    pub waited: Duration,
    /// How many times it tried (at least 1).
    pub attempts: u32,
    /// The last attempt's error.
    pub last: E,
}

impl<E: fmt::Display> fmt::Display for TimedOut<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "still failing after {:.1?} ({} attempts); last error: {}",
            self.waited, self.attempts, self.last
        )
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for TimedOut<E> {}

impl Eventually {
    /// Waits at most `within`, every [`DEFAULT_INTERVAL`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use test_support::eventually::Eventually;
    /// let n: u32 = Eventually::new(Duration::ZERO).poll(|| Ok::<_, String>(7)).unwrap();
    /// assert_eq!(n, 7);
    /// ```
    pub fn new(within: Duration) -> Self {
        Eventually {
            within,
            every: DEFAULT_INTERVAL,
        }
    }

    /// Waits `every` between attempts (at least 1 ms). For a condition that costs
    /// something to check (a query, a process listing), or a server that should not be
    /// flooded.
    ///
    /// ```
    /// use std::time::Duration;
    /// use test_support::eventually::Eventually;
    /// let slow = Eventually::new(Duration::from_secs(10)).every(Duration::from_millis(200));
    /// assert_ne!(slow, Eventually::new(Duration::from_secs(10)));
    /// ```
    pub fn every(self, every: Duration) -> Self {
        Eventually { every, ..self }
    }

    /// Calls `f` until it returns `Ok`, and returns that value; panics as [`eventually`]
    /// does when the time is up.
    ///
    /// ```
    /// use std::time::Duration;
    /// use test_support::eventually::Eventually;
    /// let mut n = 0;
    /// let n = Eventually::new(Duration::from_secs(5))
    ///     .every(Duration::from_millis(1))
    ///     .until("three attempts", || { n += 1; if n == 3 { Ok(n) } else { Err(n) } });
    /// assert_eq!(n, 3);
    /// ```
    #[track_caller]
    pub fn until<T, E: fmt::Display>(self, what: &str, f: impl FnMut() -> Result<T, E>) -> T {
        match self.poll(f) {
            Ok(value) => value,
            Err(t) => panic!(
                "timed out after {:.1?} waiting for {what} ({} attempts); last error: {}",
                t.waited, t.attempts, t.last
            ),
        }
    }

    /// Calls `f` until it returns `Ok`, and returns that value, or [`TimedOut`] with the
    /// last error once the time is up. `f` is called at least once, and once more at the
    /// deadline. To stop early on an error that waiting cannot cure, return it inside
    /// `Ok` (`T = Result<_, Fatal>`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use test_support::eventually::Eventually;
    /// // A process that exited will not start answering: stop waiting at once.
    /// let exited = true;
    /// let outcome = Eventually::new(Duration::from_secs(60)).poll(|| -> Result<Result<(), &str>, &str> {
    ///     if exited { Ok(Err("exited")) } else { Err("not answering yet") }
    /// });
    /// assert_eq!(outcome, Ok(Err("exited")));
    /// ```
    pub fn poll<T, E>(self, mut f: impl FnMut() -> Result<T, E>) -> Result<T, TimedOut<E>> {
        let started = Instant::now();
        // A deadline past what Instant can hold is no deadline.
        let deadline = started.checked_add(self.within);
        let every = self.every.max(MIN_INTERVAL);
        let mut attempts = 0u32;
        loop {
            attempts = attempts.saturating_add(1);
            let last = match f() {
                Ok(value) => return Ok(value),
                Err(e) => e,
            };
            let now = Instant::now();
            let remaining = match deadline {
                Some(d) if now >= d => {
                    return Err(TimedOut {
                        waited: now - started,
                        attempts,
                        last,
                    })
                }
                Some(d) => d - now,
                None => every,
            };
            thread::sleep(every.min(remaining));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_success_is_returned_without_waiting() {
        let started = Instant::now();
        let v = eventually(Duration::from_secs(60), "nothing", || Ok::<_, String>(1));
        assert_eq!(v, 1);
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn a_zero_deadline_still_tries_once() {
        let mut calls = 0;
        let t = Eventually::new(Duration::ZERO)
            .poll(|| -> Result<(), &str> {
                calls += 1;
                Err("no")
            })
            .unwrap_err();
        assert_eq!((calls, t.attempts, t.last), (1, 1, "no"));
    }

    #[test]
    fn the_last_attempt_is_at_the_deadline() {
        let within = Duration::from_millis(100);
        let started = Instant::now();
        let mut last_call = started;
        let t = Eventually::new(within)
            .every(Duration::from_secs(10))
            .poll(|| -> Result<(), ()> {
                last_call = Instant::now();
                Err(())
            })
            .unwrap_err();
        // A long interval is cut short by the deadline, and tried once more there.
        assert_eq!(t.attempts, 2);
        assert!(last_call - started >= within);
        assert!(t.waited < Duration::from_secs(5), "{:?}", t.waited);
    }

    #[test]
    fn the_panic_names_what_how_long_and_the_last_error() {
        let message = std::panic::catch_unwind(|| {
            eventually(Duration::from_millis(30), "the answer", || {
                Err::<(), _>("connection refused")
            })
        })
        .unwrap_err();
        let message = message
            .downcast_ref::<String>()
            .expect("a formatted message");
        assert!(message.contains("waiting for the answer"), "{message}");
        assert!(message.contains("timed out after"), "{message}");
        assert!(
            message.contains("last error: connection refused"),
            "{message}"
        );
    }

    #[test]
    fn a_zero_interval_does_not_spin() {
        let t = Eventually::new(Duration::from_millis(50))
            .every(Duration::ZERO)
            .poll(|| Err::<(), _>(()))
            .unwrap_err();
        assert!(t.attempts <= 60, "{} attempts in 50 ms", t.attempts);
    }

    #[test]
    fn timed_out_displays_its_parts() {
        let t = TimedOut {
            waited: Duration::from_millis(1500),
            attempts: 3,
            last: "503",
        };
        assert_eq!(
            t.to_string(),
            "still failing after 1.5s (3 attempts); last error: 503"
        );
    }
}
