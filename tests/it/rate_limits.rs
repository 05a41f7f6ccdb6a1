//! How long a walk waits when a server says so (`Retry-After`, rate-limit
//! headers), and that an absurd wait is an error, never a stall or a panic.
//! Waits are at most about a second; only lower bounds on time are asserted.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fixture::{
    Calls, Fixture, Item, Reply, body, epoch_now, expected_names, fast_retries, header,
    linked_page, names, walk, walk_ok,
};
use pagewalk::{Error, ErrorKind};

#[test]
fn retry_after_in_seconds_is_honoured() {
    let server = Fixture::start();
    let calls = server.counted("/after", |call, _| {
        if call == 0 {
            Reply::status(503, "").with_header("Retry-After", "0.2")
        } else {
            Reply::json(body(1..=2))
        }
    });
    let items = walk_ok::<Item>(server.paginator("/after").retry_policy(fast_retries()));
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
    let calls = server.counted("/busy", |call, _| {
        if call < 3 {
            Reply::status(429, r#"{"message":"slow down"}"#).with_header("Retry-After", "0")
        } else {
            Reply::json(body(1..=2))
        }
    });
    let items = walk_ok::<Item>(server.paginator("/busy").retry_policy(fast_retries()));
    assert_eq!(names(&items), expected_names(2));
    assert_eq!(calls.count(), 4);
}

#[test]
fn an_unparseable_retry_after_falls_back_to_backoff() {
    let server = Fixture::start();
    let calls = server.counted("/soon", |call, _| {
        if call < 2 {
            Reply::status(503, "").with_header("Retry-After", "soon")
        } else {
            Reply::json(body(1..=2))
        }
    });
    let items = walk_ok::<Item>(server.paginator("/soon").retry_policy(fast_retries()));
    assert_eq!(names(&items), expected_names(2));
    assert_eq!(calls.count(), 3);
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let server = Fixture::start();
    let announced: Arc<Mutex<Option<SystemTime>>> = Arc::default();
    let date = Arc::clone(&announced);
    let calls = server.counted("/date", move |call, _| {
        if call == 0 {
            let value = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(1));
            let parsed = httpdate::parse_http_date(&value).expect("a valid HTTP-date");
            *date.lock().unwrap_or_else(PoisonError::into_inner) = Some(parsed);
            Reply::status(503, "").with_header("Retry-After", &value)
        } else {
            Reply::json(body(1..=2))
        }
    });
    let items = walk_ok::<Item>(server.paginator("/date").retry_policy(fast_retries()));
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
    let calls = server.counted("/later", |_, _| {
        Reply::status(503, "").with_header("Retry-After", "3600")
    });
    let started = Instant::now();
    let (items, error) = walk::<Item>(
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
    // It came from a response: its status, and what the server asked.
    assert_eq!(error.status(), Some(503));
    assert!(
        error
            .to_string()
            .contains("HTTP 503; the server asks to wait 3600s"),
        "{error}"
    );
    // Not a stall: far less than the hour asked for (a loose bound).
    assert!(started.elapsed() < Duration::from_secs(20));
}

/// Serves two pages at `path`; the first carries `headers`.
fn two_pages_first_with(server: &Fixture, path: &str, headers: Vec<(String, String)>) -> Calls {
    let path_owned = path.to_string();
    server.counted(path, move |_, request| {
        let page = request.page();
        let mut reply = linked_page(&path_owned, page, 2, 4);
        if page == 1 {
            for (name, value) in &headers {
                reply = reply.with_header(name, value);
            }
        }
        reply
    })
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
            header("X-RateLimit-Limit", 5000),
            header("X-RateLimit-Remaining", 0),
            header("X-RateLimit-Reset", reset),
        ],
    );
    let items = walk_ok::<Item>(server.paginator("/quota").retry_policy(fast_retries()));
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
            header("RateLimit-Limit", 100),
            header("RateLimit-Remaining", 0),
            header("RateLimit-Reset", 1),
        ],
    );
    let items = walk_ok::<Item>(server.paginator("/ietf").retry_policy(fast_retries()));
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
        vec![header("RateLimit", r#""default";r=0;t=1"#)],
    );
    let items = walk_ok::<Item>(
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
            header("X-RateLimit-Remaining", 4999),
            header("X-RateLimit-Reset", epoch_now() + 3600),
            header("RateLimit-Remaining", 99),
            header("RateLimit-Reset", 3600),
        ],
    );
    let items = walk_ok::<Item>(
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
                header("X-RateLimit-Remaining", 0),
                header("X-RateLimit-Reset", epoch_now() + 3600),
            ],
        ),
        (
            "/ietf-hour",
            vec![
                header("RateLimit-Remaining", 0),
                header("RateLimit-Reset", 3600),
            ],
        ),
    ] {
        let calls = two_pages_first_with(&server, path, headers);
        let started = Instant::now();
        let (items, error) = walk::<Item>(
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
    let calls = server.counted("/last-quota", |_, _| {
        Reply::json(body(1..=2))
            .with_header("X-RateLimit-Remaining", "0")
            .with_header("X-RateLimit-Reset", &(epoch_now() + 3600).to_string())
    });
    let started = Instant::now();
    let items = walk_ok::<Item>(
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
    let calls = server.counted("/reset-429", |call, _| {
        if call == 0 {
            Reply::status(429, r#"{"message":"quota"}"#)
                .with_header("RateLimit-Remaining", "0")
                .with_header("RateLimit-Reset", "1")
        } else {
            Reply::json(body(1..=2))
        }
    });
    let items = walk_ok::<Item>(server.paginator("/reset-429").retry_policy(fast_retries()));
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
        let page = request.page().clamp(1, 12);
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
    let items = walk_ok::<Item>(
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
                header("X-RateLimit-Remaining", 0),
                header("X-RateLimit-Reset", "9223372036854700000"),
            ],
        ),
        (
            "/far-delta",
            vec![
                header("RateLimit-Remaining", 0),
                header("RateLimit-Reset", "999999999"),
            ],
        ),
        (
            "/far-structured",
            vec![header("RateLimit", r#""q";r=0;t=999999999.5"#)],
        ),
        // Beyond what the clock can hold: still a wait, never "no wait".
        (
            "/past-the-clock",
            vec![
                header("X-RateLimit-Remaining", 0),
                header("X-RateLimit-Reset", "99999999999999999999"),
            ],
        ),
        ("/exponent", vec![header("RateLimit", r#""p";r=0;t=1e20"#)]),
    ] {
        two_pages_first_with(&server, path, headers);
        let (items, error) = walk::<Item>(
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
        let calls = server.counted(&path, move |call, _| {
            if call == 0 {
                Reply::status(503, "").with_header("Retry-After", value)
            } else {
                Reply::json(body(1..=2))
            }
        });
        let (items, error) = walk::<Item>(
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
fn an_endless_retry_after_with_no_cap_waits_without_a_panic() {
    // `max_wait(Duration::MAX)` accepts any wait: 30 digits of seconds is a
    // wait as long as the clock goes, not an overflow and not "retry now".
    let server = Fixture::start();
    let calls = server.counted("/forever", |_, _| {
        Reply::status(503, "").with_header("Retry-After", &"9".repeat(30))
    });
    let paginator = server
        .paginator("/forever")
        .retry_policy(fast_retries().max_wait(Duration::MAX));
    let walk =
        std::thread::spawn(move || paginator.items::<Item>().next().map(|item| item.is_ok()));
    std::thread::sleep(Duration::from_millis(300));
    assert!(!walk.is_finished(), "the walk must still be waiting");
    assert_eq!(calls.count(), 1, "no retry before the wait is over");
    // The thread sleeps on; the test process ends it.
}

#[test]
fn a_429_that_outlasts_the_retries_says_how_often_and_how_long() {
    let server = Fixture::start();
    server.counted("/slow-down", |_, _| {
        Reply::status(429, r#"{"message": "slow down"}"#).with_header("Retry-After", "0")
    });
    let (_, error) = walk::<Item>(server.paginator("/slow-down").retry_policy(fast_retries()));
    let error = error.expect("an error");
    assert_eq!(error.status(), Some(429));
    match error.kind() {
        ErrorKind::Status { attempts, wait, .. } => {
            assert!(*attempts > 1, "{error}");
            assert_eq!(*wait, Some(Duration::ZERO));
            let said = format!("HTTP 429 after {attempts} attempts; the server asks to wait 0 s");
            assert!(error.to_string().contains(&said), "{error}");
        }
        other => panic!("expected a status, got {other:?}"),
    }
}
