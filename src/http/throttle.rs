//! Waiting: the pause every thread of a walk shares after a rate limit, and
//! sleeps that end early when the iterator is dropped.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// How often a long wait checks whether the iterator was dropped.
const CANCEL_CHECK: Duration = Duration::from_millis(25);

/// The earliest time the next request may go out, shared by every thread of a
/// walk so that one rate-limited response slows them all.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    not_before: Mutex<Option<Instant>>,
}

impl Throttle {
    /// No request before `wait` from now; an absurd wait is as far as the
    /// clock goes, never a panic and never "no wait".
    pub(crate) fn delay_by(&self, wait: Duration) {
        let now = Instant::now();
        let until = now.checked_add(wait).unwrap_or_else(|| far_future(now));
        let mut not_before = self
            .not_before
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if not_before.is_none_or(|current| current < until) {
            *not_before = Some(until);
        }
    }

    /// How long until the next request may go out.
    pub(crate) fn remaining(&self) -> Duration {
        let not_before = *self
            .not_before
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        not_before.map_or(Duration::ZERO, |until| {
            until.saturating_duration_since(Instant::now())
        })
    }
}

/// As far ahead as the clock allows, up to a century: a wait that long is
/// refused against `max_wait` anyway, but must never read as "no wait".
fn far_future(now: Instant) -> Instant {
    let mut ahead = Duration::from_secs(100 * 365 * 24 * 3600);
    while !ahead.is_zero() {
        if let Some(far) = now.checked_add(ahead) {
            return far;
        }
        ahead /= 2;
    }
    now
}

/// Sleeps for `duration`, waking early if `cancelled` is set (then `false`).
pub(crate) fn pause(cancelled: &AtomicBool, duration: Duration) -> bool {
    let deadline = Instant::now().checked_add(duration);
    loop {
        if cancelled.load(Ordering::Relaxed) {
            return false;
        }
        let left = deadline.map_or(CANCEL_CHECK, |deadline| {
            deadline.saturating_duration_since(Instant::now())
        });
        if left.is_zero() {
            return true;
        }
        thread::sleep(left.min(CANCEL_CHECK));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_delays_saturate() {
        let throttle = Throttle::default();
        throttle.delay_by(Duration::MAX);
        assert!(throttle.remaining() > Duration::from_secs(3600));
        throttle.delay_by(Duration::from_secs(1));
        assert!(
            throttle.remaining() > Duration::from_secs(3600),
            "a later wait is kept"
        );
    }

    #[test]
    fn a_cancelled_pause_ends_at_once() {
        let cancelled = AtomicBool::new(true);
        let started = Instant::now();
        assert!(!pause(&cancelled, Duration::MAX));
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(pause(&AtomicBool::new(false), Duration::ZERO));
    }
}
