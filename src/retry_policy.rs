//! How failed requests are retried, and how long a walk may wait for a server.

use std::time::Duration;

/// How failed requests are retried and how long pagewalk may wait for a server.
///
/// Build one with [`RetryPolicy::builder`]; each setting has one name, the
/// setter's on the builder and the getter's here.
///
/// ```
/// use std::time::Duration;
/// use pagewalk::RetryPolicy;
///
/// let policy = RetryPolicy::builder()
///     .retries(5)
///     .max_wait(Duration::from_secs(60))
///     .build();
/// assert_eq!(policy.retries(), 5);
/// assert_eq!(policy.base_delay(), Duration::from_millis(250));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_wait: Duration,
    retry_posts: bool,
}

impl Default for RetryPolicy {
    /// 3 retries, backoff from 250 ms capped at 30 s, waits of up to 5
    /// minutes, POSTs retried like GETs.
    fn default() -> RetryPolicy {
        RetryPolicy {
            retries: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
            max_wait: Duration::from_secs(5 * 60),
            retry_posts: true,
        }
    }
}

impl RetryPolicy {
    /// A builder starting from the default policy: see each setter for its default.
    pub fn builder() -> RetryPolicyBuilder {
        RetryPolicyBuilder(RetryPolicy::default())
    }

    /// A policy that never retries; the waits it accepts keep their defaults.
    pub fn none() -> RetryPolicy {
        RetryPolicy::builder().retries(0).build()
    }

    /// A builder starting from this policy.
    pub fn to_builder(&self) -> RetryPolicyBuilder {
        RetryPolicyBuilder(self.clone())
    }

    /// The most retries of one request, not counting the first try.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The base of the exponential backoff: retry number `k` (from 0) sleeps
    /// a random time up to `base_delay * 2^k`.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The cap of one backoff sleep.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The longest wait accepted from a server, through `Retry-After` or a
    /// rate-limit reset.
    pub fn max_wait(&self) -> Duration {
        self.max_wait
    }

    /// Whether a request with a method other than `GET` (a paginated `POST`
    /// query) is retried after a failure that may have reached the server.
    pub fn retry_posts(&self) -> bool {
        self.retry_posts
    }

    /// The retries allowed for a request with `method`.
    pub(crate) fn retries_of(&self, method: &http::Method) -> u32 {
        if self.retry_posts || method == http::Method::GET || method == http::Method::HEAD {
            self.retries
        } else {
            0
        }
    }
}

/// Builds a [`RetryPolicy`]; made by [`RetryPolicy::builder`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a builder does nothing until it is built"]
pub struct RetryPolicyBuilder(RetryPolicy);

impl RetryPolicyBuilder {
    /// Retries a failed request up to `n` times, not counting the first try.
    /// Defaults to 3.
    pub fn retries(mut self, n: u32) -> RetryPolicyBuilder {
        self.0.retries = n;
        self
    }

    /// Sets the base of the exponential backoff: retry number `k` (from 0)
    /// sleeps a random time up to `delay * 2^k` ("full jitter"). Defaults to
    /// 250 ms.
    pub fn base_delay(mut self, delay: Duration) -> RetryPolicyBuilder {
        self.0.base_delay = delay;
        self
    }

    /// Caps one backoff sleep. Defaults to 30 seconds.
    pub fn max_delay(mut self, delay: Duration) -> RetryPolicyBuilder {
        self.0.max_delay = delay;
        self
    }

    /// Sets the longest wait accepted from a server, through `Retry-After` or
    /// a rate-limit reset; a longer one is an
    /// [`ErrorKind::WaitTooLong`](crate::ErrorKind::WaitTooLong) rather than a
    /// stall. Defaults to 5 minutes.
    pub fn max_wait(mut self, wait: Duration) -> RetryPolicyBuilder {
        self.0.max_wait = wait;
        self
    }

    /// Whether a request with a method other than `GET` is retried under
    /// this policy after a connection error, a timeout or a 5xx. Defaults to
    /// `true`: a paginated `POST` (Notion's database query, a search, a
    /// GraphQL query) reads and changes nothing, so sending it again is
    /// safe. Turn it off for an API whose `POST` does change something: each
    /// such request is then sent once, and a `429`, which says the server did
    /// not act on it, is still waited out and retried.
    pub fn retry_posts(mut self, retry: bool) -> RetryPolicyBuilder {
        self.0.retry_posts = retry;
        self
    }

    /// The policy.
    #[must_use]
    pub fn build(self) -> RetryPolicy {
        self.0
    }
}

impl From<RetryPolicyBuilder> for RetryPolicy {
    fn from(builder: RetryPolicyBuilder) -> RetryPolicy {
        builder.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_one_name_per_setting() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.retries(), 3);
        assert_eq!(policy.base_delay(), Duration::from_millis(250));
        assert_eq!(policy.max_delay(), Duration::from_secs(30));
        assert_eq!(policy.max_wait(), Duration::from_secs(300));
        assert!(policy.retry_posts());
        assert_eq!(RetryPolicy::none(), policy.to_builder().retries(0).build());
        let once = policy.to_builder().retry_posts(false).build();
        assert_eq!(once.retries_of(&http::Method::GET), 3);
        assert_eq!(once.retries_of(&http::Method::POST), 0);
        assert_eq!(policy.retries_of(&http::Method::POST), 3);
        let custom: RetryPolicy = RetryPolicy::builder()
            .base_delay(Duration::ZERO)
            .max_delay(Duration::from_secs(1))
            .max_wait(Duration::ZERO)
            .into();
        assert_eq!(
            (custom.base_delay(), custom.max_delay(), custom.max_wait()),
            (Duration::ZERO, Duration::from_secs(1), Duration::ZERO)
        );
    }
}
