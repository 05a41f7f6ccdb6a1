//! What is worth another try, and how long to sleep before it.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::RetryPolicy;

/// Whether a response with this status is worth another try.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// Whether a failed exchange is worth another try: the connection, not the
/// request, was the problem.
pub(crate) fn is_retryable_error(error: &ureq::Error) -> bool {
    matches!(
        error,
        ureq::Error::Timeout(_)
            | ureq::Error::Io(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::Protocol(_)
            | ureq::Error::BodyStalled
    )
}

/// Full-jitter exponential backoff for retry number `attempt` (from 0): a
/// uniformly random duration in `[0, min(max_delay, base_delay * 2^attempt)]`.
pub(crate) fn backoff(policy: &RetryPolicy, attempt: u32, jitter: &mut Jitter) -> Duration {
    let ceiling = 1u32
        .checked_shl(attempt)
        .and_then(|factor| policy.base_delay().checked_mul(factor))
        .map_or(policy.max_delay(), |delay| delay.min(policy.max_delay()));
    let secs = ceiling.as_secs_f64() * jitter.next_fraction();
    // Float rounding must not push the sleep past its ceiling.
    Duration::try_from_secs_f64(secs).map_or(ceiling, |delay| delay.min(ceiling))
}

/// A small seeded PRNG (SplitMix64), so that jitter needs no `rand` dependency.
pub(crate) struct Jitter {
    state: u64,
}

impl Jitter {
    /// A generator seeded from the process's random hasher keys and the clock,
    /// so that clients started together do not retry in lockstep.
    pub(crate) fn new() -> Jitter {
        let mut hasher = RandomState::new().build_hasher();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        hasher.write_u128(nanos);
        Jitter::seeded(hasher.finish())
    }

    /// A generator with a fixed seed, for reproducible tests.
    pub(crate) fn seeded(seed: u64) -> Jitter {
        Jitter { state: seed }
    }

    /// A uniformly random number in `[0, 1)`.
    pub(crate) fn next_fraction(&mut self) -> f64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // The top 53 bits fill an f64 mantissa exactly.
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(base: Duration, cap: Duration) -> RetryPolicy {
        RetryPolicy::builder()
            .base_delay(base)
            .max_delay(cap)
            .build()
    }

    #[test]
    fn retryable_statuses() {
        let retryable: Vec<u16> = (100..600).filter(|&s| is_retryable_status(s)).collect();
        assert_eq!(retryable, [408, 429, 500, 502, 503, 504]);
    }

    #[test]
    fn backoff_stays_within_bounds() {
        let (base, cap) = (Duration::from_millis(100), Duration::from_secs(1));
        let policy = policy(base, cap);
        let mut jitter = Jitter::seeded(42);
        for attempt in 0..10 {
            let ceiling = (base * 2u32.pow(attempt)).min(cap);
            for _ in 0..200 {
                assert!(backoff(&policy, attempt, &mut jitter) <= ceiling);
            }
        }
        for attempt in [31, 32, 64, 1000, u32::MAX] {
            assert!(backoff(&policy, attempt, &mut jitter) <= cap);
        }
        let max = Duration::MAX;
        backoff(&self::policy(max, max), 1000, &mut jitter);
    }

    #[test]
    fn backoff_is_full_jitter() {
        let second = Duration::from_secs(1);
        let policy = policy(second, second);
        let mut jitter = Jitter::seeded(7);
        let draws: Vec<Duration> = (0..1000)
            .map(|_| backoff(&policy, 5, &mut jitter))
            .collect();
        assert!(draws.iter().any(|&d| d < second / 20));
        assert!(draws.iter().any(|&d| d > second * 19 / 20));
        let mut jitter = Jitter::new();
        assert!((0..1000).all(|_| (0.0..1.0).contains(&jitter.next_fraction())));
    }
}
