//! One page request: retries, rate limits, redirects and the credential policy.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant, SystemTime};

use http::{Method, header};
use url::Url;

use super::Response;
use super::buffers::Buffers;
use super::origin::{Credentials, Outgoing, check_hop, refusal_error, withheld};
use super::rate_limit;
use super::retry::{Jitter, backoff, is_retryable_error, is_retryable_status};
use super::send::Exchange;
use super::throttle::{Throttle, Waits};
use crate::credentials::CredentialsSource;
use crate::text::{excerpt, redact};
use crate::{Error, ErrorKind, RetryPolicy};

/// Redirects followed for one request before giving up.
const MAX_REDIRECTS: u32 = 10;
/// How much of an error response's body is kept for the message.
const ERROR_BODY_EXCERPT: usize = 1024;

/// Sends the requests of one walk, shared by its threads.
pub(crate) struct Client {
    pub agent: ureq::Agent,
    /// The agent was made for this walk, configured as its requests need:
    /// they are sent without a configuration of their own.
    pub agent_is_ours: bool,
    /// The user's headers, for the start URL's origin only.
    pub headers: Vec<(String, String)>,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_body_size: u64,
    pub retry: RetryPolicy,
    pub allow_cross_origin: bool,
    pub throttle: Throttle,
    /// Set when the iterator is dropped: waits and retries give up.
    pub cancelled: Arc<AtomicBool>,
    /// Headers asked for before each request to the start URL's origin.
    pub credentials: Option<CredentialsSource>,
    /// The waits in progress, for the iterator's progress report.
    pub waits: Arc<Waits>,
    /// Whether a successful response's body is a rate limit all the same
    /// (`{"ok": false, "error": "ratelimited"}`): retried like a 429. The
    /// rules decide; this layer only asks.
    pub rate_limited: fn(&[u8]) -> bool,
    /// Bodies' buffers, given back by the walk when it is done with a page.
    pub buffers: Buffers,
}

/// Where a request is going, for error messages.
struct Target<'a> {
    url: &'a Url,
    page: u64,
}

impl Target<'_> {
    fn error(&self, kind: ErrorKind) -> Error {
        Error::new(kind).at(self.page, self.url.as_str())
    }
}

impl Client {
    /// Sends `outgoing`, the request for page `page` of a walk that started at
    /// `start`, following redirects under the same origin policy as next
    /// links and retrying what is worth retrying.
    pub(crate) fn fetch(
        &self,
        start: &Url,
        outgoing: &Outgoing,
        page: u64,
    ) -> Result<Response, Error> {
        let mut current = outgoing.request.url().clone();
        let mut credentials = outgoing.credentials;
        for hops in 0..=MAX_REDIRECTS {
            // The request itself first; a copy to each redirect's target after.
            let redirected;
            let hop = if hops == 0 {
                outgoing
            } else {
                redirected = Outgoing {
                    request: outgoing.request.clone().with_url(current.clone()),
                    credentials,
                };
                &redirected
            };
            let response = self.fetch_once(hop, page)?;
            let Some(location) = redirect_location(&response) else {
                return Ok(response);
            };
            let target = Target {
                url: &current,
                page,
            };
            if !keeps_method(response.status, outgoing.request.method()) {
                return Err(target.error(ErrorKind::InvalidNext {
                    next: location,
                    reason: format!(
                        "a {} redirect would turn this {} into a GET and drop its body",
                        response.status,
                        outgoing.request.method()
                    ),
                }));
            }
            let next = current.join(&location).map_err(|error| {
                target.error(ErrorKind::InvalidNext {
                    next: location.clone(),
                    reason: format!("bad redirect Location: {error}"),
                })
            })?;
            let verdict = check_hop(start, &current, &next, self.allow_cross_origin)
                .map_err(|refusal| refusal_error(refusal, &current, &next, page))?;
            // Once withheld along a chain, credentials stay withheld.
            if verdict == Credentials::Withheld {
                if credentials == Credentials::Sent {
                    withheld(page, &next);
                }
                credentials = Credentials::Withheld;
            }
            current = next;
        }
        Err(Error::new(ErrorKind::TooManyRedirects {
            limit: MAX_REDIRECTS,
        })
        .at(page, outgoing.request.url().as_str()))
    }

    /// One request, retried on transient failures; redirects are returned as responses.
    fn fetch_once(&self, outgoing: &Outgoing, page: u64) -> Result<Response, Error> {
        let url = outgoing.request.url();
        let target = Target { url, page };
        let exchange = Exchange {
            agent: &self.agent,
            configured: self.agent_is_ours,
            headers: &self.headers,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            max_body_size: self.max_body_size,
            buffers: &self.buffers,
        };
        let mut jitter = Jitter::new();
        let mut attempt = 0;
        let mut refresh = false;
        let mut refreshed = false;
        loop {
            let outcome = self.attempt(&exchange, outgoing, &target, attempt, refresh)?;
            refresh = false;
            // An expired token: fresh credentials, and the request once more.
            if !refreshed && self.unauthorized(&outcome, outgoing) {
                log::info!(
                    "page {page}: 401 from {}: asking for fresh credentials",
                    redact(url.as_str())
                );
                (refresh, refreshed) = (true, true);
                continue;
            }
            let Some(wait) = self.retry_in(&target, outgoing, &outcome, attempt, &mut jitter)?
            else {
                return self.finish(&target, outcome, attempt + 1);
            };
            if !self.waits.pause(&self.cancelled, wait) {
                return self.finish(&target, outcome, attempt + 1);
            }
            attempt += 1;
        }
    }

    /// How long to wait before trying again after `outcome`, or `None` when
    /// it is final.
    fn retry_in(
        &self,
        target: &Target<'_>,
        outgoing: &Outgoing,
        outcome: &Result<Response, ureq::Error>,
        attempt: u32,
        jitter: &mut Jitter,
    ) -> Result<Option<Duration>, Error> {
        // A rate limit says the server did not act on the request: it
        // is retried even where a POST otherwise is not.
        let refused = outcome.as_ref().is_ok_and(|response| {
            response.status == 429
                || (response.status == 403 && rate_limit::is_rate_limit_403(&response.headers))
                || (response.status < 300 && (self.rate_limited)(&response.body))
        });
        let asked = match outcome {
            Ok(response) if refused || retryable_response(response) => {
                self.requested_wait(target, response, attempt + 1)?
            }
            Err(error) if is_retryable_error(error) => None,
            _ => return Ok(None),
        };
        let allowed = if refused {
            self.retry.retries()
        } else {
            self.retry.retries_of(outgoing.request.method())
        };
        if attempt >= allowed {
            return Ok(None);
        }
        // A server's "retry now" still gets the backoff, or every retry would fire at once.
        let wait = asked
            .unwrap_or_default()
            .max(backoff(&self.retry, attempt, jitter));
        log::info!(
            "page {}: retrying {} in {} ms{} after {} (retry {} of {allowed})",
            target.page,
            redact(target.url.as_str()),
            wait.as_millis(),
            if asked.is_some() {
                ", as the server asks,"
            } else {
                ""
            },
            Failed(outcome),
            attempt + 1
        );
        Ok(Some(wait))
    }

    /// One try: waits for the throttle, asks for credentials, sends.
    fn attempt(
        &self,
        exchange: &Exchange<'_>,
        outgoing: &Outgoing,
        target: &Target<'_>,
        attempt: u32,
        refresh: bool,
    ) -> Result<Result<Response, ureq::Error>, Error> {
        self.wait_for_throttle(target)?;
        let supplied = match (&self.credentials, outgoing.credentials) {
            (Some(source), Credentials::Sent) => source
                .headers(&outgoing.request, target.url, refresh)
                .map_err(|message| target.error(ErrorKind::Credentials { message }))?,
            _ => Vec::new(),
        };
        let started = Instant::now();
        let outcome = exchange.send(outgoing, target.url, &supplied);
        log::debug!(
            "page {}: {} {} -> {} in {} ms (attempt {})",
            target.page,
            outgoing.request.method(),
            redact(target.url.as_str()),
            Outcome(&outcome),
            started.elapsed().as_millis(),
            attempt + 1
        );
        Ok(outcome)
    }

    /// Whether `outcome` is a 401 that a credentials callback may cure.
    fn unauthorized(&self, outcome: &Result<Response, ureq::Error>, outgoing: &Outgoing) -> bool {
        self.credentials.is_some()
            && outgoing.credentials == Credentials::Sent
            && outcome
                .as_ref()
                .is_ok_and(|response| response.status == 401)
    }

    /// Sleeps until the throttle allows a request, or fails if that is too long.
    fn wait_for_throttle(&self, target: &Target<'_>) -> Result<(), Error> {
        let wait = self.throttle.remaining();
        let max_wait = self.retry.max_wait();
        if wait > max_wait {
            return Err(target.error(ErrorKind::WaitTooLong {
                wait,
                max_wait,
                status: None,
                attempts: 0,
            }));
        }
        if !wait.is_zero() {
            log::info!(
                "page {}: waiting {} ms for the rate limit before {}",
                target.page,
                wait.as_millis(),
                redact(target.url.as_str())
            );
        }
        if self.waits.pause(&self.cancelled, wait) {
            Ok(())
        } else {
            Err(cancelled(target))
        }
    }

    /// The wait a retryable response asks for, checked against the policy's cap.
    fn requested_wait(
        &self,
        target: &Target<'_>,
        response: &Response,
        attempts: u32,
    ) -> Result<Option<Duration>, Error> {
        let Some(wait) = rate_limit::requested_wait(&response.headers, SystemTime::now()) else {
            return Ok(None);
        };
        let max_wait = self.retry.max_wait();
        if wait > max_wait {
            return Err(target.error(ErrorKind::WaitTooLong {
                wait,
                max_wait,
                status: Some(response.status),
                attempts,
            }));
        }
        // Other threads of this walk must not hammer a server that asked for a pause.
        self.throttle.delay_by(wait);
        Ok(Some(wait))
    }

    /// The outcome of the last attempt, as the caller sees it.
    fn finish(
        &self,
        target: &Target<'_>,
        outcome: Result<Response, ureq::Error>,
        attempts: u32,
    ) -> Result<Response, Error> {
        match outcome {
            Ok(response) if response.status < 300 || redirect_location(&response).is_some() => {
                if let Some(wait) =
                    rate_limit::rate_limit_wait(&response.headers, SystemTime::now())
                {
                    log::info!(
                        "page {}: {} says the rate limit's quota is spent: the next request waits {} ms for its reset",
                        target.page,
                        redact(target.url.as_str()),
                        wait.as_millis()
                    );
                    // The quota is spent: the next request waits for the reset.
                    self.throttle.delay_by(wait);
                }
                Ok(response)
            }
            Ok(response) => Err(target.error(ErrorKind::Status {
                status: response.status,
                body: excerpt(&response.body, ERROR_BODY_EXCERPT),
                attempts,
                wait: rate_limit::requested_wait(&response.headers, SystemTime::now()),
            })),
            Err(source @ ureq::Error::Timeout(_)) => {
                Err(target.error(ErrorKind::Timeout).caused_by(source))
            }
            Err(ureq::Error::BodyExceedsLimit(_)) => Err(target.error(ErrorKind::BodyTooLarge {
                limit: self.max_body_size,
            })),
            Err(source) => Err(target.error(ErrorKind::Transport).caused_by(source)),
        }
    }
}

/// An exchange's outcome for the debug log: the status and size, or the error.
struct Outcome<'a>(&'a Result<Response, ureq::Error>);

impl fmt::Display for Outcome<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Ok(response) => write!(f, "{}, {} bytes", response.status, response.body.len()),
            Err(error) => write!(f, "{error}"),
        }
    }
}

/// Why a try failed, for the retry log: its status, or its error.
struct Failed<'a>(&'a Result<Response, ureq::Error>);

impl fmt::Display for Failed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Ok(response) if response.status < 300 => f.write_str("a rate limit in the body"),
            Ok(response) => write!(f, "status {}", response.status),
            Err(error) => write!(f, "{error}"),
        }
    }
}

/// The error a cancelled request ends with. Nobody sees it: the iterator that
/// would receive it is gone.
fn cancelled(target: &Target<'_>) -> Error {
    let source = std::io::Error::new(std::io::ErrorKind::Interrupted, "the iterator was dropped");
    target.error(ErrorKind::Transport).caused_by(source)
}

fn retryable_response(response: &Response) -> bool {
    is_retryable_status(response.status)
}

fn redirect_location(response: &Response) -> Option<String> {
    if !matches!(response.status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers.get(header::LOCATION)?;
    Some(std::str::from_utf8(location.as_bytes()).ok()?.to_owned())
}

/// Whether following a redirect of `status` keeps `method` and its body:
/// 307 and 308 always do; 301, 302 and 303 turn anything but a GET or HEAD
/// into a GET, which would silently drop a paginated query's body.
fn keeps_method(status: u16, method: &Method) -> bool {
    matches!(status, 307 | 308) || *method == Method::GET || *method == Method::HEAD
}
