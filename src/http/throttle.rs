//! Waiting: the pause every thread of a walk shares after a rate limit, and
//! sleeps that end early when the iterator is dropped.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

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

/// The waits in progress on a walk's threads, so that its iterator can say
/// whether the walk is waiting, and until when.
#[derive(Debug, Default)]
pub(crate) struct Waits {
    /// When each wait in progress ends, by thread.
    until: Mutex<Vec<(thread::ThreadId, SystemTime)>>,
}

impl Waits {
    /// When the longest wait in progress ends, if one is.
    pub(crate) fn until(&self) -> Option<SystemTime> {
        let until = self
            .until
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        until.iter().map(|(_, end)| *end).max()
    }

    /// Sleeps for `duration` as [`pause`] does, recorded while it lasts.
    pub(crate) fn pause(&self, cancelled: &AtomicBool, duration: Duration) -> bool {
        if duration.is_zero() {
            return pause(cancelled, duration);
        }
        let me = thread::current().id();
        let end = SystemTime::now()
            .checked_add(duration)
            .unwrap_or(SystemTime::UNIX_EPOCH + Duration::from_secs(u32::MAX.into()));
        self.until
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .push((me, end));
        let done = pause(cancelled, duration);
        self.until
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .retain(|(thread, _)| *thread != me);
        done
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
