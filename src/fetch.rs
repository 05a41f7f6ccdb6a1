//! One page request: retries, rate limits, redirects and the credential policy.

use std::io::Read;
use std::sync::Mutex;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use ureq::http::{HeaderMap, header};
use url::Url;

use crate::Error;
use crate::error::excerpt;
use crate::origin::{Refusal, check_hop};
use crate::paginator::Config;
use crate::retry::{self, Jitter};

/// Redirects followed for one request before giving up.
const MAX_REDIRECTS: u32 = 10;
/// How often a long wait checks whether the iterator was dropped.
const CANCEL_CHECK: Duration = Duration::from_millis(25);
/// How much of an error response's body is kept for the message.
const ERROR_BODY_EXCERPT: usize = 1024;
/// How much of an error response's body is read at most: enough for the excerpt.
const ERROR_BODY_LIMIT: u64 = 4 * 1024;

/// A response whose body was read to the end.
pub(crate) struct Response {
    /// The URL after any redirects.
    pub final_url: Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// The earliest time the next request may go out, shared by every thread of a
/// walk so that one rate-limited response slows them all.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    not_before: Mutex<Option<Instant>>,
}

impl Throttle {
    fn delay_until(&self, until: Instant) {
        let mut not_before = self
            .not_before
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if not_before.is_none_or(|current| current < until) {
            *not_before = Some(until);
        }
    }

    fn remaining(&self) -> Duration {
        let not_before = *self
            .not_before
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        not_before.map_or(Duration::ZERO, |until| {
            until.saturating_duration_since(Instant::now())
        })
    }
}

/// Where a request is going, for error messages.
struct Target<'a> {
    url: &'a Url,
    page: u64,
}

impl Target<'_> {
    fn url(&self) -> String {
        self.url.to_string()
    }
}

/// Fetches `url`, the request for page `page`, following redirects under the
/// same origin policy as next links and retrying what is worth retrying.
pub(crate) fn fetch(
    config: &Config,
    start: &Url,
    url: &Url,
    page: u64,
    with_credentials: bool,
) -> Result<Response, Error> {
    let mut current = url.clone();
    let mut credentials = with_credentials;
    for _ in 0..=MAX_REDIRECTS {
        let response = fetch_once(config, &current, page, credentials)?;
        let Some(location) = redirect_location(&response) else {
            return Ok(response);
        };
        let target = current
            .join(&location)
            .map_err(|error| Error::InvalidNext {
                page,
                url: current.to_string(),
                next: location.clone(),
                reason: format!("bad redirect Location: {error}"),
            })?;
        credentials &= refuse(
            check_hop(start, &current, &target, config.allow_cross_origin),
            &current,
            &target,
            page,
        )?;
        current = target;
    }
    Err(Error::TooManyRedirects {
        page,
        url: url.to_string(),
        limit: MAX_REDIRECTS,
    })
}

/// Turns a refused hop into the error that says why.
pub(crate) fn refuse(
    verdict: Result<bool, Refusal>,
    from: &Url,
    to: &Url,
    page: u64,
) -> Result<bool, Error> {
    verdict.map_err(|refusal| {
        let (url, target) = (from.to_string(), to.to_string());
        match refusal {
            Refusal::UnsupportedScheme => Error::UnsupportedScheme {
                page,
                url: target,
                scheme: to.scheme().to_owned(),
            },
            Refusal::Downgrade => Error::Downgrade { page, url, target },
            Refusal::CrossOrigin => Error::CrossOrigin { page, url, target },
        }
    })
}

fn redirect_location(response: &Response) -> Option<String> {
    if !matches!(response.status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers.get(header::LOCATION)?;
    Some(std::str::from_utf8(location.as_bytes()).ok()?.to_owned())
}

/// One URL, retried on transient failures; redirects are returned as responses.
fn fetch_once(config: &Config, url: &Url, page: u64, credentials: bool) -> Result<Response, Error> {
    let target = Target { url, page };
    let policy = &config.retry;
    let mut jitter = Jitter::new();
    let mut attempt = 0;
    loop {
        wait_for_throttle(config, &target)?;
        let outcome = send(config, url, credentials);
        let retry_in = match &outcome {
            Ok(response) if retryable_response(response) => {
                requested_wait(config, &target, &response.headers)?
            }
            Err(error) if retryable_error(error) => None,
            _ => return finish(config, &target, outcome),
        };
        if attempt >= policy.retries_allowed() {
            return finish(config, &target, outcome);
        }
        // A server's "retry now" still gets the backoff, or every retry would fire at once.
        let backoff = policy.backoff(attempt, &mut jitter);
        if !pause(config, retry_in.unwrap_or_default().max(backoff)) {
            return finish(config, &target, outcome);
        }
        attempt += 1;
    }
}

/// Sleeps until the throttle allows a request, or fails if that is too long.
fn wait_for_throttle(config: &Config, target: &Target<'_>) -> Result<(), Error> {
    let wait = config.throttle.remaining();
    if wait > config.retry.longest_wait() {
        return Err(Error::WaitTooLong {
            page: target.page,
            url: target.url(),
            wait,
            max_wait: config.retry.longest_wait(),
        });
    }
    if pause(config, wait) {
        Ok(())
    } else {
        Err(cancelled(target))
    }
}

/// Sleeps for `duration`, waking early if the iterator was dropped (then `false`).
fn pause(config: &Config, duration: Duration) -> bool {
    let deadline = Instant::now() + duration;
    loop {
        if config.cancelled.load(Ordering::Relaxed) {
            return false;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return true;
        }
        thread::sleep(left.min(CANCEL_CHECK));
    }
}

/// The error a cancelled request ends with. Nobody sees it: the iterator that
/// would receive it is gone.
fn cancelled(target: &Target<'_>) -> Error {
    let source = ureq::Error::Io(std::io::Error::new(
        std::io::ErrorKind::Interrupted,
        "the iterator was dropped",
    ));
    Error::Transport {
        page: target.page,
        url: target.url(),
        source,
    }
}

/// The wait a retryable response asks for, checked against the policy's cap.
fn requested_wait(
    config: &Config,
    target: &Target<'_>,
    headers: &HeaderMap,
) -> Result<Option<Duration>, Error> {
    let Some(wait) = retry::requested_wait(headers, SystemTime::now()) else {
        return Ok(None);
    };
    let max_wait = config.retry.longest_wait();
    if wait > max_wait {
        return Err(Error::WaitTooLong {
            page: target.page,
            url: target.url(),
            wait,
            max_wait,
        });
    }
    // Other threads of this walk must not hammer a server that asked for a pause.
    config.throttle.delay_until(Instant::now() + wait);
    Ok(Some(wait))
}

fn retryable_response(response: &Response) -> bool {
    retry::is_retryable_status(response.status)
        || (response.status == 403 && retry::is_rate_limit_403(&response.headers))
}

fn retryable_error(error: &ureq::Error) -> bool {
    matches!(
        error,
        ureq::Error::Timeout(_)
            | ureq::Error::Io(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::Protocol(_)
            | ureq::Error::BodyStalled
    )
}

/// The outcome of the last attempt, as the caller sees it.
fn finish(
    config: &Config,
    target: &Target<'_>,
    outcome: Result<Response, ureq::Error>,
) -> Result<Response, Error> {
    let (page, url) = (target.page, target.url());
    match outcome {
        Ok(response) if response.status < 300 || redirect_location(&response).is_some() => {
            if let Some(wait) = retry::rate_limit_wait(&response.headers, SystemTime::now()) {
                // The quota is spent: the next request waits for the reset.
                config.throttle.delay_until(Instant::now() + wait);
            }
            Ok(response)
        }
        Ok(response) => Err(Error::Status {
            page,
            url,
            status: response.status,
            body: excerpt(&response.body, ERROR_BODY_EXCERPT),
        }),
        Err(ureq::Error::Timeout(kind)) => Err(Error::Timeout {
            page,
            url,
            source: ureq::Error::Timeout(kind),
        }),
        Err(ureq::Error::BodyExceedsLimit(_)) => Err(Error::BodyTooLarge {
            page,
            url,
            limit: config.max_body_size,
        }),
        Err(source) => Err(Error::Transport { page, url, source }),
    }
}

/// Sends one GET and reads the whole body, so the connection can go back to the pool.
fn send(config: &Config, url: &Url, credentials: bool) -> Result<Response, ureq::Error> {
    let mut request = config.agent.get(url.as_str());
    let user_accept = config
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("accept"));
    if !(credentials && user_accept) {
        request = request.header(header::ACCEPT, "application/json");
    }
    if credentials {
        for (name, value) in &config.headers {
            request = request.header(name.as_str(), value.as_str());
        }
    }
    let mut response = request
        .config()
        // We need the headers of error responses (Retry-After, rate limits),
        // and we follow redirects ourselves under our origin policy.
        .http_status_as_error(false)
        .max_redirects(0)
        // Per phase rather than `timeout_global`: with an overall timeout set,
        // ureq resolves every host (even an IP) on a new thread, a thread per
        // page that cost ~10% of a walk's throughput (benches/throughput.rs).
        .timeout_connect(Some(config.connect_timeout))
        .timeout_send_request(Some(config.timeout))
        .timeout_recv_response(Some(config.timeout))
        .timeout_recv_body(Some(config.timeout))
        .build()
        .call()?;
    let status = response.status().as_u16();
    let body = if status < 300 {
        response
            .body_mut()
            .with_config()
            .limit(config.max_body_size)
            .read_to_vec()?
    } else {
        // Only the start of an error page is shown; an unreadable one is still an error page.
        let mut start = Vec::new();
        let reader = response.body_mut().with_config().limit(u64::MAX).reader();
        let _ = reader.take(ERROR_BODY_LIMIT).read_to_end(&mut start);
        start
    };
    let (parts, _) = response.into_parts();
    Ok(Response {
        final_url: url.clone(),
        status,
        headers: parts.headers,
        body,
    })
}
