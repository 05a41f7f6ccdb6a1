//! Reliability against the fixture server: what is retried and what is not,
//! how long pagewalk waits when a server says so (`Retry-After`, rate-limit
//! headers), timeouts, and what a broken server gets back (an `Err`, never a
//! panic or a hang). After any fatal error the iterators stay ended.
//!
//! Every test uses a 1 ms backoff and waits of at most about a second, and
//! asserts only lower bounds on time.

use std::ops::RangeInclusive;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fixture::{Fixture, Item, Recorded, Reply, expected_names, fast_retries, item};
use pagewalk::{Error, ErrorKind, Paginator, RetryPolicy};
use serde_json::{Value, json};

// ---------------------------------------------------------------- helpers

/// When each call of a custom route arrived, on both clocks.
#[derive(Clone, Default)]
struct Calls {
    log: Arc<Mutex<Vec<(Instant, SystemTime)>>>,
}

impl Calls {
    /// Records one arrival and returns its 0-based number.
    fn record(&self) -> usize {
        let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        log.push((Instant::now(), SystemTime::now()));
        log.len() - 1
    }

    fn count(&self) -> usize {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    fn arrival(&self, call: usize) -> (Instant, SystemTime) {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)[call]
    }

    /// The time between the arrivals of calls `from` and `to`.
    fn gap(&self, from: usize, to: usize) -> Duration {
        self.arrival(to).0 - self.arrival(from).0
    }
}

/// Serves `path` with `handler`, which gets the call's 0-based number.
fn route(
    server: &Fixture,
    path: &str,
    handler: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
) -> Calls {
    let calls = Calls::default();
    let log = calls.clone();
    server.route(path, move |request| handler(log.record(), request));
    calls
}

/// A body with items `numbers` under `data`.
fn body(numbers: RangeInclusive<u64>) -> Value {
    json!({ "data": numbers.map(item).collect::<Vec<Item>>() })
}

/// Page `page` (1-based) of `total` items, `per_page` at a time, served at
/// `path`: the items under `data`, the next page in a `Link` header.
fn page_reply(path: &str, page: u64, per_page: u64, total: u64) -> Reply {
    let first = (page - 1) * per_page + 1;
    let last = (page * per_page).min(total);
    let reply = Reply::json(body(first..=last));
    if last < total {
        reply.with_header("Link", &format!("<{path}?page={}>; rel=\"next\"", page + 1))
    } else {
        reply
    }
}

/// The `page` query parameter, 1 when absent.
fn page_of(request: &Recorded) -> u64 {
    request
        .param("page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(1)
}

/// Every item up to the end or the first error, and that error.
fn walk(paginator: Paginator) -> (Vec<Item>, Option<Error>) {
    fixture::drain(&mut paginator.items::<Item>())
}

/// Every item; panics on an error.
fn walk_ok(paginator: Paginator) -> Vec<Item> {
    let (items, error) = walk(paginator);
    if let Some(error) = error {
        panic!("unexpected error after {} items: {error}", items.len());
    }
    items
}

fn names(items: &[Item]) -> Vec<String> {
    items.iter().map(|item| item.name.clone()).collect()
}

/// Seconds since the epoch, rounded down.
fn epoch_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs()
}

// ---------------------------------------------------------------- what is retried

#[test]
fn a_connection_reset_is_retried() {
    let server = Fixture::start();
    let calls = route(&server, "/reset", |call, _| {
        if call < 2 {
            Reply::Close
        } else {
            Reply::json(body(1..=3))
        }
    });
    let items = walk_ok(server.paginator("/reset").retry_policy(fast_retries()));
    assert_eq!(names(&items), expected_names(3));
    assert_eq!(calls.count(), 3);
}

#[test]
fn a_truncated_body_is_retried() {
    let server = Fixture::start();
    let full = body(1..=3).to_string();
    let calls = route(&server, "/truncated", move |call, _| {
        if call == 0 {
            Reply::Truncated {
                headers: Vec::new(),
                body: full.as_bytes()[..40].to_vec(),
                declared_len: full.len(),
            }
        } else {
            Reply::json(serde_json::from_str(&full).expect("valid JSON"))
        }
    });
    let items = walk_ok(server.paginator("/truncated").retry_policy(fast_retries()));
    assert_eq!(names(&items), expected_names(3));
    assert_eq!(calls.count(), 2);
}

#[test]
fn a_timeout_is_retried() {
    let server = Fixture::start();
    let calls = route(&server, "/slow-once", |call, _| {
        if call == 0 {
            std::thread::sleep(Duration::from_millis(700));
        }
        Reply::json(body(1..=3))
    });
    let items = walk_ok(
        server
            .paginator("/slow-once")
            .timeout(Duration::from_millis(200))
            .retry_policy(fast_retries()),
    );
    assert_eq!(names(&items), expected_names(3));
    assert_eq!(calls.count(), 2);
}

#[test]
fn a_timeout_on_every_try_is_a_timeout_error() {
    let server = Fixture::start();
    let calls = route(&server, "/slow", |_, _| {
        std::thread::sleep(Duration::from_millis(600));
        Reply::json(body(1..=3))
    });
    let (items, error) = walk(
        server
            .paginator("/slow")
            .timeout(Duration::from_millis(200))
            .retry_policy(fast_retries().retries(1)),
    );
    assert!(items.is_empty());
    let error = error.expect("a timeout");
    assert!(error.is_timeout() && error.page() == Some(1), "{error:?}");
    assert_eq!(error.url(), Some(server.url("/slow").as_str()));
    assert_eq!(calls.count(), 2);
}

#[test]
fn transient_statuses_are_retried() {
    let server = Fixture::start();
    for status in [408, 429, 500, 502, 503, 504] {
        let path = format!("/status-{status}");
        let calls = route(&server, &path, move |call, _| {
            if call == 0 {
                Reply::status(status, r#"{"message":"try again"}"#)
            } else {
                Reply::json(body(1..=3))
            }
        });
        let items = walk_ok(server.paginator(&path).retry_policy(fast_retries()));
        assert_eq!(names(&items), expected_names(3), "status {status}");
        assert_eq!(calls.count(), 2, "status {status}: one failure, one retry");
    }
}

#[test]
fn three_retries_by_default_then_the_error_names_url_page_and_status() {
    let server = Fixture::start();
    // 10 KB of text, only about 1 KiB of which may end up in the error.
    let big: String = (0..1000).map(|n| format!("oops {n:04} ")).collect();
    let calls = route(&server, "/down", move |_, request| {
        if page_of(request) == 1 {
            page_reply("/down", 1, 3, 6)
        } else {
            Reply::status(503, &big)
        }
    });
    let (items, error) = walk(server.paginator("/down").retry_policy(fast_retries()));
    assert_eq!(names(&items), expected_names(3));
    // One request for page 1, then 1 + 3 for page 2.
    assert_eq!(calls.count(), 5);
    let error = error.expect("page 2 fails");
    let message = error.to_string();
    assert_eq!(error.page(), Some(2));
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.url(), Some(server.url("/down?page=2").as_str()));
    assert!(message.contains(&server.url("/down?page=2")), "{message}");
    assert!(
        message.contains("page 2") && message.contains("503"),
        "{message}"
    );
    match error.kind() {
        ErrorKind::Status { body, .. } => {
            assert!(body.starts_with("oops 0000 oops 0001"), "{body:?}");
            assert!(body.len() <= 1024 + 4, "{} bytes of body kept", body.len());
            assert!(body.len() >= 1000, "{} bytes of body kept", body.len());
        }
        other => panic!("expected ErrorKind::Status, got {other:?}"),
    }
}

#[test]
fn retries_sets_the_number_of_retries() {
    let server = Fixture::start();
    for retries in [0, 1, 5] {
        let path = format!("/always-503-{retries}");
        let calls = route(&server, &path, |_, _| Reply::status(503, ""));
        let (items, error) = walk(
            server
                .paginator(&path)
                .retry_policy(fast_retries())
                .retries(retries),
        );
        assert!(items.is_empty());
        assert_eq!(error.and_then(|e| e.status()), Some(503));
        assert_eq!(calls.count(), retries as usize + 1, "retries({retries})");
    }
    // The shorthand keeps the rest of the policy, and RetryPolicy::none() never retries.
    let calls = route(&server, "/none", |_, _| Reply::status(500, ""));
    let (_, error) = walk(server.paginator("/none").retry_policy(RetryPolicy::none()));
    assert_eq!(error.and_then(|e| e.status()), Some(500));
    assert_eq!(calls.count(), 1);
}

#[test]
fn client_errors_are_not_retried() {
    let server = Fixture::start();
    for status in [400, 401, 404, 405, 410, 422] {
        let path = format!("/client-{status}");
        let calls = route(&server, &path, move |_, _| {
            Reply::status(status, r#"{"message":"no"}"#)
        });
        let (items, error) = walk(server.paginator(&path).retry_policy(fast_retries()));
        assert!(items.is_empty());
        let error = error.expect("an error");
        assert_eq!(error.page(), Some(1));
        match error.kind() {
            ErrorKind::Status {
                status: got, body, ..
            } => {
                assert_eq!(*got, status);
                assert_eq!(body, r#"{"message":"no"}"#);
            }
            other => panic!("status {status}: expected ErrorKind::Status, got {other:?}"),
        }
        assert_eq!(calls.count(), 1, "status {status} must not be retried");
    }
}

#[test]
fn a_reset_on_every_try_is_a_transport_error() {
    let server = Fixture::start();
    let calls = route(&server, "/gone", |_, _| Reply::Close);
    let (items, error) = walk(server.paginator("/gone").retry_policy(fast_retries()));
    assert!(items.is_empty());
    let error = error.expect("a transport error");
    assert!(
        matches!(error.kind(), ErrorKind::Transport) && error.page() == Some(1),
        "{error:?}"
    );
    assert_eq!(error.url(), Some(server.url("/gone").as_str()));
    assert_eq!(calls.count(), 4, "first try and 3 retries");
}

/// A bare TCP server on loopback that reads each request, sends `head`, then
/// holds the connection open for `hold` without another byte. Stops
/// accepting after `deadline`.
fn stalling_server(head: &'static [u8], hold: Duration, deadline: Duration) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    listener
        .set_nonblocking(true)
        .expect("a non-blocking listener");
    std::thread::spawn(move || {
        let stop = Instant::now() + deadline;
        let mut held = Vec::new();
        while Instant::now() < stop {
            match listener.accept() {
                Ok((mut stream, _)) => {
                    let _ = stream.set_nonblocking(false);
                    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                    let mut request = [0u8; 4096];
                    let _ = stream.read(&mut request);
                    let _ = stream.write_all(head);
                    held.push((stream, Instant::now() + hold));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
            held.retain(|(_, until)| Instant::now() < *until);
        }
    });
    format!("http://{address}")
}

#[test]
fn a_body_that_stalls_is_a_timeout() {
    // Headers at once, then one byte of a 100-byte body, then nothing.
    let base = stalling_server(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
        Duration::from_secs(5),
        Duration::from_secs(10),
    );
    let (items, error) = walk(
        Paginator::new(format!("{base}/items"))
            .agent(fixture::agent())
            .timeout(Duration::from_millis(300))
            .retry_policy(fast_retries().retries(1)),
    );
    assert!(items.is_empty());
    let error = error.expect("a timeout");
    assert!(error.is_timeout() && error.page() == Some(1), "{error:?}");
}

#[test]
fn headers_that_never_come_are_a_timeout() {
    let base = stalling_server(b"", Duration::from_secs(5), Duration::from_secs(10));
    let (items, error) = walk(
        Paginator::new(format!("{base}/items"))
            .agent(fixture::agent())
            .timeout(Duration::from_millis(300))
            .retry_policy(fast_retries().retries(1)),
    );
    assert!(items.is_empty());
    let error = error.expect("a timeout");
    assert!(error.is_timeout() && error.page() == Some(1), "{error:?}");
}

// ---------------------------------------------------------------- Retry-After

#[test]
fn retry_after_in_seconds_is_honoured() {
    let server = Fixture::start();
    let calls = route(&server, "/after", |call, _| {
        if call == 0 {
            Reply::status(503, "").with_header("Retry-After", "0.2")
        } else {
            Reply::json(body(1..=2))
        }
    });
    let items = walk_ok(server.paginator("/after").retry_policy(fast_retries()));
    assert_eq!(names(&items), expected_names(2));
    assert_eq!(calls.count(), 2);
    assert!(
        calls.gap(0, 1) >= Duration::from_millis(200),
        "retried after {:?}",
        calls.gap(0, 1)
    );
}

#[test]
fn retry_after_zero_on_429_retries_at_once() {
    let server = Fixture::start();
    let calls = route(&server, "/busy", |call, _| {
        if call < 3 {
            Reply::status(429, r#"{"message":"slow down"}"#).with_header("Retry-After", "0")
        } else {
            Reply::json(body(1..=2))
        }
    });
    let items = walk_ok(server.paginator("/busy").retry_policy(fast_retries()));
    assert_eq!(names(&items), expected_names(2));
    assert_eq!(calls.count(), 4);
}

#[test]
fn an_unparseable_retry_after_falls_back_to_backoff() {
    let server = Fixture::start();
    let calls = route(&server, "/soon", |call, _| {
        if call < 2 {
            Reply::status(503, "").with_header("Retry-After", "soon")
        } else {
            Reply::json(body(1..=2))
        }
    });
    let items = walk_ok(server.paginator("/soon").retry_policy(fast_retries()));
    assert_eq!(names(&items), expected_names(2));
    assert_eq!(calls.count(), 3);
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let server = Fixture::start();
    let announced: Arc<Mutex<Option<SystemTime>>> = Arc::default();
    let date = Arc::clone(&announced);
    let calls = route(&server, "/date", move |call, _| {
        if call == 0 {
            let value = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(1));
            let parsed = httpdate::parse_http_date(&value).expect("a valid HTTP-date");
            *date.lock().unwrap_or_else(PoisonError::into_inner) = Some(parsed);
            Reply::status(503, "").with_header("Retry-After", &value)
        } else {
            Reply::json(body(1..=2))
        }
    });
    let items = walk_ok(server.paginator("/date").retry_policy(fast_retries()));
    assert_eq!(names(&items), expected_names(2));
    assert_eq!(calls.count(), 2);
    // The date has whole seconds: the retry must come no earlier than it says.
    let announced = announced
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .expect("the first call announced a date");
    let (_, retried_at) = calls.arrival(1);
    assert!(
        retried_at >= announced,
        "retried {:?} before the announced date",
        announced.duration_since(retried_at).unwrap_or_default()
    );
}

#[test]
fn a_retry_after_beyond_max_wait_fails_at_once() {
    let server = Fixture::start();
    let calls = route(&server, "/later", |_, _| {
        Reply::status(503, "").with_header("Retry-After", "3600")
    });
    let started = Instant::now();
    let (items, error) = walk(
        server
            .paginator("/later")
            .retry_policy(fast_retries().max_wait(Duration::from_millis(100))),
    );
    assert!(items.is_empty());
    let error = error.expect("an error");
    assert_eq!(
        (error.page(), error.url()),
        (Some(1), Some(server.url("/later").as_str()))
    );
    match error.kind() {
        ErrorKind::WaitTooLong { wait, max_wait, .. } => {
            assert_eq!(*wait, Duration::from_secs(3600));
            assert_eq!(*max_wait, Duration::from_millis(100));
        }
        other => panic!("expected WaitTooLong, got {other:?}"),
    }
    assert_eq!(calls.count(), 1, "no retry after a wait too long");
    // Not a stall: far less than the hour asked for (a loose bound).
    assert!(started.elapsed() < Duration::from_secs(20));
}

// ---------------------------------------------------------------- rate limits

/// Serves two pages at `path`; the first carries `headers`.
fn two_pages_first_with(server: &Fixture, path: &str, headers: Vec<(String, String)>) -> Calls {
    let path_owned = path.to_string();
    route(server, path, move |_, request| {
        let page = page_of(request);
        let mut reply = page_reply(&path_owned, page, 2, 4);
        if page == 1 {
            for (name, value) in &headers {
                reply = reply.with_header(name, value);
            }
        }
        reply
    })
}

fn pair(name: &str, value: impl ToString) -> (String, String) {
    (name.to_string(), value.to_string())
}

#[test]
fn a_spent_github_quota_delays_the_next_request_until_the_reset() {
    let server = Fixture::start();
    // A reset at least half a second away, in whole epoch seconds.
    let now = SystemTime::now();
    let mut reset = epoch_now() + 1;
    if UNIX_EPOCH + Duration::from_secs(reset) < now + Duration::from_millis(500) {
        reset += 1;
    }
    let calls = two_pages_first_with(
        &server,
        "/quota",
        vec![
            pair("X-RateLimit-Limit", 5000),
            pair("X-RateLimit-Remaining", 0),
            pair("X-RateLimit-Reset", reset),
        ],
    );
    let items = walk_ok(server.paginator("/quota").retry_policy(fast_retries()));
    assert_eq!(names(&items), expected_names(4));
    assert_eq!(calls.count(), 2, "a 200 with a spent quota is not retried");
    assert!(
        calls.gap(0, 1) >= Duration::from_millis(500),
        "page 2 came {:?} after page 1",
        calls.gap(0, 1)
    );
    let (_, second) = calls.arrival(1);
    assert!(second >= UNIX_EPOCH + Duration::from_secs(reset));
}

#[test]
fn a_spent_ietf_quota_delays_the_next_request() {
    let server = Fixture::start();
    let calls = two_pages_first_with(
        &server,
        "/ietf",
        vec![
            pair("RateLimit-Limit", 100),
            pair("RateLimit-Remaining", 0),
            pair("RateLimit-Reset", 1),
        ],
    );
    let items = walk_ok(server.paginator("/ietf").retry_policy(fast_retries()));
    assert_eq!(names(&items), expected_names(4));
    assert_eq!(calls.count(), 2);
    assert!(
        calls.gap(0, 1) >= Duration::from_millis(950),
        "page 2 came {:?} after page 1",
        calls.gap(0, 1)
    );
}

#[test]
fn a_spent_structured_ietf_quota_delays_the_next_request() {
    let server = Fixture::start();
    let calls = two_pages_first_with(
        &server,
        "/ietf-structured",
        vec![pair("RateLimit", r#""default";r=0;t=1"#)],
    );
    let items = walk_ok(
        server
            .paginator("/ietf-structured")
            .retry_policy(fast_retries()),
    );
    assert_eq!(names(&items), expected_names(4));
    assert_eq!(calls.count(), 2);
    assert!(
        calls.gap(0, 1) >= Duration::from_millis(950),
        "page 2 came {:?} after page 1",
        calls.gap(0, 1)
    );
}

#[test]
fn quota_left_means_no_wait() {
    let server = Fixture::start();
    let calls = two_pages_first_with(
        &server,
        "/plenty",
        vec![
            pair("X-RateLimit-Remaining", 4999),
            pair("X-RateLimit-Reset", epoch_now() + 3600),
            pair("RateLimit-Remaining", 99),
            pair("RateLimit-Reset", 3600),
        ],
    );
    let items = walk_ok(
        server
            .paginator("/plenty")
            .retry_policy(fast_retries().max_wait(Duration::from_millis(100))),
    );
    assert_eq!(names(&items), expected_names(4));
    assert_eq!(calls.count(), 2);
}

#[test]
fn a_reset_beyond_max_wait_fails_before_the_next_request() {
    let server = Fixture::start();
    for (path, headers) in [
        (
            "/github-hour",
            vec![
                pair("X-RateLimit-Remaining", 0),
                pair("X-RateLimit-Reset", epoch_now() + 3600),
            ],
        ),
        (
            "/ietf-hour",
            vec![
                pair("RateLimit-Remaining", 0),
                pair("RateLimit-Reset", 3600),
            ],
        ),
    ] {
        let calls = two_pages_first_with(&server, path, headers);
        let started = Instant::now();
        let (items, error) = walk(
            server
                .paginator(path)
                .retry_policy(fast_retries().max_wait(Duration::from_millis(100))),
        );
        assert_eq!(names(&items), expected_names(2), "{path}: page 1 delivered");
        let error = error.expect("an error");
        assert_eq!(error.page(), Some(2), "{path}");
        match error.kind() {
            ErrorKind::WaitTooLong { wait, max_wait, .. } => {
                assert!(*wait > Duration::from_secs(3000), "{path}: {wait:?}");
                assert_eq!(*max_wait, Duration::from_millis(100));
            }
            other => panic!("{path}: expected WaitTooLong on page 2, got {other:?}"),
        }
        assert_eq!(calls.count(), 1, "{path}: page 2 must not be requested");
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{path}: stalled"
        );
    }
}

#[test]
fn a_spent_quota_on_the_last_page_ends_the_walk_cleanly() {
    let server = Fixture::start();
    let calls = route(&server, "/last-quota", |_, _| {
        Reply::json(body(1..=2))
            .with_header("X-RateLimit-Remaining", "0")
            .with_header("X-RateLimit-Reset", &(epoch_now() + 3600).to_string())
    });
    let started = Instant::now();
    let items = walk_ok(
        server
            .paginator("/last-quota")
            .retry_policy(fast_retries().max_wait(Duration::from_millis(100))),
    );
    assert_eq!(names(&items), expected_names(2));
    assert_eq!(calls.count(), 1);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "no wait without a next request"
    );
}

#[test]
fn a_429_without_retry_after_waits_for_the_quota_reset() {
    let server = Fixture::start();
    let calls = route(&server, "/reset-429", |call, _| {
        if call == 0 {
            Reply::status(429, r#"{"message":"quota"}"#)
                .with_header("RateLimit-Remaining", "0")
                .with_header("RateLimit-Reset", "1")
        } else {
            Reply::json(body(1..=2))
        }
    });
    let items = walk_ok(server.paginator("/reset-429").retry_policy(fast_retries()));
    assert_eq!(names(&items), expected_names(2));
    assert_eq!(calls.count(), 2);
    assert!(
        calls.gap(0, 1) >= Duration::from_millis(950),
        "retried after {:?}",
        calls.gap(0, 1)
    );
}

#[test]
fn a_429_pauses_every_concurrent_worker() {
    // Twelve numbered pages with a `last` link, so that the walk is planned
    // and fetched by three workers. Page 2 answers 429 with Retry-After: 1
    // the first time, at once; every other answer takes 300 ms, so without
    // a shared pause the other workers would ask for pages 5 and 6 about
    // 300 ms after the 429.
    let server = Fixture::start();
    let arrivals: Arc<Mutex<Vec<(u64, Instant)>>> = Arc::default();
    let log = Arc::clone(&arrivals);
    let limited = Arc::new(std::sync::atomic::AtomicBool::new(false));
    server.route("/planned", move |request| {
        let page = page_of(request).clamp(1, 12);
        log.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((page, Instant::now()));
        if page == 2 && !limited.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return Reply::status(429, "").with_header("Retry-After", "1");
        }
        std::thread::sleep(Duration::from_millis(300));
        let mut reply = Reply::json(body(page..=page));
        let mut links = vec!["</planned?page=12>; rel=\"last\"".to_string()];
        if page < 12 {
            links.push(format!("</planned?page={}>; rel=\"next\"", page + 1));
        }
        reply = reply.with_header("Link", &links.join(", "));
        reply
    });
    let items = walk_ok(
        server
            .paginator("/planned")
            .concurrency(3)
            .retry_policy(fast_retries()),
    );
    assert_eq!(names(&items), expected_names(12));

    let arrivals = arrivals
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let limited_at = arrivals
        .iter()
        .find(|(page, _)| *page == 2)
        .map(|(_, at)| *at)
        .expect("page 2 was requested");
    let during_pause: Vec<(u64, Duration)> = arrivals
        .iter()
        .filter(|(_, at)| *at > limited_at)
        .map(|(page, at)| (*page, *at - limited_at))
        .filter(|(_, after)| {
            *after > Duration::from_millis(200) && *after < Duration::from_millis(1000)
        })
        .collect();
    assert!(
        during_pause.is_empty(),
        "requests (page, time after the 429) sent during the pause: {during_pause:?}"
    );
}

#[test]
fn absurd_waits_are_wait_too_long_not_a_panic() {
    let server = Fixture::start();
    for (path, headers) in [
        (
            "/far-epoch",
            vec![
                pair("X-RateLimit-Remaining", 0),
                pair("X-RateLimit-Reset", "9223372036854700000"),
            ],
        ),
        (
            "/far-delta",
            vec![
                pair("RateLimit-Remaining", 0),
                pair("RateLimit-Reset", "999999999"),
            ],
        ),
        (
            "/far-structured",
            vec![pair("RateLimit", r#""q";r=0;t=999999999.5"#)],
        ),
    ] {
        two_pages_first_with(&server, path, headers);
        let (items, error) = walk(
            server
                .paginator(path)
                .retry_policy(fast_retries().max_wait(Duration::from_secs(1))),
        );
        assert_eq!(items.len(), 2, "{path}");
        assert!(
            matches!(
                error.as_ref().map(Error::kind),
                Some(ErrorKind::WaitTooLong { .. })
            ),
            "{path}: {error:?}"
        );
    }
    for value in [
        "99999999999999999999999",
        "1e400",
        "-1",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        let path = format!("/retry-after-{}", value.len());
        let calls = route(&server, &path, move |call, _| {
            if call == 0 {
                Reply::status(503, "").with_header("Retry-After", value)
            } else {
                Reply::json(body(1..=2))
            }
        });
        let (items, error) = walk(
            server
                .paginator(&path)
                .retry_policy(fast_retries().max_wait(Duration::from_secs(1))),
        );
        match error.as_ref().map(|error| (error.kind(), error.page())) {
            // Too long to wait for...
            Some((ErrorKind::WaitTooLong { .. }, Some(1))) => {
                assert_eq!(calls.count(), 1, "{value}")
            }
            // ...or unparseable, hence an ordinary backoff.
            None => assert_eq!((items.len(), calls.count()), (2, 2), "{value}"),
            other => panic!("Retry-After: {value}: {other:?}"),
        }
    }
}

#[test]
fn a_github_rate_limit_403_is_retried() {
    let server = Fixture::start();
    // Primary limit: a spent quota whose reset is now (so no real wait).
    let primary = route(&server, "/primary", |call, _| {
        if call == 0 {
            Reply::status(403, r#"{"message":"API rate limit exceeded"}"#)
                .with_header("X-RateLimit-Remaining", "0")
                .with_header("X-RateLimit-Reset", &epoch_now().to_string())
        } else {
            Reply::json(body(1..=2))
        }
    });
    // Secondary limit: a 403 with Retry-After.
    let secondary = route(&server, "/secondary", |call, _| {
        if call == 0 {
            Reply::status(
                403,
                r#"{"message":"You have exceeded a secondary rate limit"}"#,
            )
            .with_header("Retry-After", "0")
        } else {
            Reply::json(body(1..=2))
        }
    });
    for (path, calls) in [("/primary", primary), ("/secondary", secondary)] {
        let items = walk_ok(server.paginator(path).retry_policy(fast_retries()));
        assert_eq!(names(&items), expected_names(2), "{path}");
        assert_eq!(calls.count(), 2, "{path}: retried once");
    }
}

#[test]
fn a_plain_403_is_not_retried() {
    let server = Fixture::start();
    let calls = route(&server, "/forbidden", |_, _| {
        Reply::status(
            403,
            r#"{"message":"Resource not accessible by integration"}"#,
        )
        .with_header("X-RateLimit-Remaining", "4999")
    });
    let (items, error) = walk(server.paginator("/forbidden").retry_policy(fast_retries()));
    assert!(items.is_empty());
    let error = error.expect("an error");
    assert_eq!(error.page(), Some(1));
    match error.kind() {
        ErrorKind::Status {
            status: 403, body, ..
        } => {
            assert!(body.contains("not accessible"), "{body}")
        }
        other => panic!("expected a 403, got {other:?}"),
    }
    assert_eq!(calls.count(), 1);
}

// ---------------------------------------------------------------- broken servers

/// Walks `path` with a short timeout and one retry; the walk must end with an error.
fn expect_error(server: &Fixture, path: &str) -> Error {
    let (items, error) = walk(
        server
            .paginator(path)
            .timeout(Duration::from_secs(2))
            .retry_policy(fast_retries().retries(1)),
    );
    assert!(items.is_empty(), "{path}: no items from a broken page");
    error.unwrap_or_else(|| panic!("{path}: expected an error, got a clean end"))
}

/// Deterministic pseudo-random bytes, not valid UTF-8 nor JSON.
fn garbage(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut out: Vec<u8> = (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    out[0] = 0xFF;
    out
}

#[test]
fn garbage_bytes_are_an_error() {
    let server = Fixture::start();
    server.route("/garbage", |_| Reply::Raw {
        status: 200,
        headers: vec![pair("Content-Type", "application/octet-stream")],
        body: garbage(4096),
    });
    let error = expect_error(&server, "/garbage");
    assert_eq!(error.page(), Some(1));
    match error.kind() {
        ErrorKind::NotJson { content_type, .. } => {
            assert_eq!(content_type.as_deref(), Some("application/octet-stream"))
        }
        other => panic!("expected NotJson, got {other:?}"),
    }
}

#[test]
fn an_html_page_is_an_error_naming_its_content_type() {
    let server = Fixture::start();
    server.route("/html", |_| Reply::Raw {
        status: 200,
        headers: vec![pair("Content-Type", "text/html; charset=utf-8")],
        body: b"<!DOCTYPE html><html><body><h1>Sign in</h1></body></html>".to_vec(),
    });
    let error = expect_error(&server, "/html");
    let message = error.to_string();
    match error.kind() {
        ErrorKind::NotJson { content_type, .. } => {
            assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
            assert!(message.contains("text/html"), "{message}");
        }
        other => panic!("expected NotJson, got {other:?}"),
    }
}

#[test]
fn broken_json_is_an_error_with_its_position() {
    let server = Fixture::start();
    server.route("/broken-json", |_| Reply::Raw {
        status: 200,
        headers: vec![pair("Content-Type", "application/json")],
        body: br#"{"data": [{"id": 1,}]"#.to_vec(),
    });
    let error = expect_error(&server, "/broken-json");
    assert!(
        matches!(error.kind(), ErrorKind::Json) && error.page() == Some(1),
        "{error:?}"
    );
    let source = std::error::Error::source(&error)
        .and_then(|source| source.downcast_ref::<serde_json::Error>())
        .expect("the parse error is the source");
    assert!(source.line() >= 1);
}

#[test]
fn bodies_that_are_not_pages_are_errors() {
    let server = Fixture::start();
    for (path, body) in [
        ("/empty-body", ""),
        ("/null", "null"),
        ("/number", "42"),
        ("/no-array", r#"{"message":"ok"}"#),
    ] {
        server.route(path, move |_| Reply::Raw {
            status: 200,
            headers: vec![pair("Content-Type", "application/json")],
            body: body.as_bytes().to_vec(),
        });
        let error = expect_error(&server, path);
        assert_eq!(error.page(), Some(1), "{path}: {error}");
        assert_eq!(error.url(), Some(server.url(path).as_str()), "{path}");
    }
}

#[test]
fn an_invalid_gzip_stream_is_an_error() {
    let server = Fixture::start();
    let calls = route(&server, "/gzip", |_, _| Reply::Raw {
        status: 200,
        headers: vec![
            pair("Content-Type", "application/json"),
            pair("Content-Encoding", "gzip"),
        ],
        // The gzip magic number, then nonsense.
        body: [&[0x1f, 0x8b, 0x08, 0x00][..], &garbage(512)].concat(),
    });
    let error = expect_error(&server, "/gzip");
    assert_eq!(error.page(), Some(1), "{error}");
    assert!(calls.count() <= 2);
}

#[test]
fn a_connection_closed_every_time_is_an_error() {
    let server = Fixture::start();
    let calls = route(&server, "/half-closed", |_, _| Reply::Close);
    let error = expect_error(&server, "/half-closed");
    assert!(
        matches!(error.kind(), ErrorKind::Transport) && error.page() == Some(1),
        "{error:?}"
    );
    assert_eq!(calls.count(), 2, "first try and one retry");
}

#[test]
fn a_body_cut_short_every_time_is_an_error() {
    let server = Fixture::start();
    let calls = route(&server, "/short", |_, _| Reply::Truncated {
        headers: Vec::new(),
        body: br#"{"data": [{"id": 1"#.to_vec(),
        declared_len: 10_000,
    });
    let error = expect_error(&server, "/short");
    assert_eq!(error.page(), Some(1), "{error}");
    assert_eq!(calls.count(), 2, "first try and one retry");
}

#[test]
fn broken_framing_is_an_error() {
    let server = Fixture::start();
    server.route("/bad-length", |_| Reply::Raw {
        status: 200,
        headers: vec![
            pair("Content-Type", "application/json"),
            pair("Content-Length", "many"),
        ],
        body: b"[]".to_vec(),
    });
    server.route("/bad-chunks", |_| Reply::Raw {
        status: 200,
        headers: vec![
            pair("Content-Type", "application/json"),
            pair("Transfer-Encoding", "chunked"),
        ],
        body: b"zz\r\n[]\r\n0\r\n\r\n".to_vec(),
    });
    for path in ["/bad-length", "/bad-chunks"] {
        let error = expect_error(&server, path);
        assert_eq!(error.page(), Some(1), "{path}: {error}");
    }
}

// ---------------------------------------------------------------- fused after errors

#[test]
fn after_an_error_the_iterators_stay_ended() {
    let server = Fixture::start();
    let calls = route(&server, "/ends", |_, request| match page_of(request) {
        1 => page_reply("/ends", 1, 3, 9),
        _ => Reply::status(404, r#"{"message":"Not Found"}"#),
    });

    let mut items = server.paginator("/ends").items::<Item>();
    for name in expected_names(3) {
        assert_eq!(items.next().expect("an item").expect("page 1").name, name);
    }
    let error = items
        .next()
        .expect("the error")
        .expect_err("page 2 is a 404");
    assert_eq!(error.status(), Some(404));
    for _ in 0..5 {
        assert!(items.next().is_none());
    }
    assert_eq!(calls.count(), 2, "nothing is fetched after the error");

    let mut pages = server.paginator("/ends").pages::<Item>();
    assert_eq!(
        pages.next().expect("page 1").expect("page 1").items().len(),
        3
    );
    assert!(pages.next().expect("the error").is_err());
    for _ in 0..5 {
        assert!(pages.next().is_none());
    }
    assert_eq!(calls.count(), 4);

    // flatten() drops the error and ends: it cannot spin.
    let flattened: Vec<Item> = server
        .paginator("/ends")
        .items::<Item>()
        .flatten()
        .collect();
    assert_eq!(names(&flattened), expected_names(3));
    let mut count = 0;
    for page in server.paginator("/ends").pages::<Item>().flatten() {
        count += page.items().len();
    }
    assert_eq!(count, 3);
}

#[test]
fn a_start_error_is_yielded_once() {
    for url in ["not a url", "ftp://127.0.0.1/files", "http://"] {
        let mut items = Paginator::new(url).items::<Value>();
        let error = items
            .next()
            .expect("an error")
            .expect_err("a bad start URL");
        assert!(
            matches!(
                error.kind(),
                ErrorKind::InvalidUrl | ErrorKind::UnsupportedScheme { .. }
            ),
            "{url}: {error:?}"
        );
        assert!(items.next().is_none());
        assert!(items.next().is_none());
        assert_eq!(Paginator::new(url).into_iter().flatten().count(), 0);
    }
}

#[test]
fn a_refused_connection_is_an_error_not_a_hang() {
    // A port that was just free: nothing listens there any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let (items, error) = walk(
        Paginator::new(format!("http://127.0.0.1:{port}/items"))
            .agent(fixture::agent())
            .timeout(Duration::from_secs(2))
            .retry_policy(fast_retries().retries(1)),
    );
    assert!(items.is_empty());
    match error {
        Some(error) if matches!(error.kind(), ErrorKind::Transport) && error.page() == Some(1) => {}
        other => panic!("expected a transport error, got {other:?}"),
    }
}
