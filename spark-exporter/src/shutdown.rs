//! Graceful shutdown: a flag every thread checks, and SIGTERM/SIGINT handling.
//!
//! Signals are blocked in every thread ([`block_termination_signals`], called before any
//! thread starts) and taken synchronously by one thread with `sigwait`
//! ([`wait_for_termination_signal`]), so no code runs in a signal handler.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use spark_exporter::shutdown::Shutdown;
//!
//! let s = Shutdown::new();
//! assert!(!s.wait_until(Instant::now() + Duration::from_millis(10)));
//! s.trigger();
//! assert!(s.is_triggered());
//! assert!(s.wait_until(Instant::now() + Duration::from_secs(60))); // returns at once
//! ```

use std::sync::{Condvar, Mutex};
use std::time::Instant;

/// A one-way flag with waiting.
#[derive(Debug, Default)]
pub struct Shutdown {
    triggered: Mutex<bool>,
    changed: Condvar,
}

impl Shutdown {
    /// Not triggered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Triggers it and wakes every waiter.
    pub fn trigger(&self) {
        *self.triggered.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.changed.notify_all();
    }

    /// Whether it was triggered.
    pub fn is_triggered(&self) -> bool {
        *self.triggered.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until `deadline` or the trigger; `true` when triggered.
    pub fn wait_until(&self, deadline: Instant) -> bool {
        let mut triggered = self.triggered.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if *triggered {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            triggered = self
                .changed
                .wait_timeout(triggered, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// The signals that stop the exporter.
#[cfg(unix)]
fn termination_set() -> libc::sigset_t {
    // SAFETY: sigemptyset/sigaddset initialise and fill a set we own.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::sigaddset(&mut set, libc::SIGINT);
        set
    }
}

/// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts afterwards.
/// Call it first thing in `main`.
#[cfg(unix)]
pub fn block_termination_signals() -> std::io::Result<()> {
    let set = termination_set();
    // SAFETY: plain syscall on a valid set.
    let rc = unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::from_raw_os_error(rc))
    }
}

/// Waits for SIGTERM or SIGINT (blocked beforehand) and returns its number.
#[cfg(unix)]
pub fn wait_for_termination_signal() -> std::io::Result<i32> {
    let set = termination_set();
    let mut sig: libc::c_int = 0;
    loop {
        // SAFETY: valid set and out pointer.
        let rc = unsafe { libc::sigwait(&set, &mut sig) };
        match rc {
            0 => return Ok(sig),
            libc::EINTR => continue,
            e => return Err(std::io::Error::from_raw_os_error(e)),
        }
    }
}
