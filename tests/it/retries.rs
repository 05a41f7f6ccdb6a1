//! What is retried and what is not, and timeouts. Every test uses a 1 ms
//! backoff and asserts only lower bounds on time.

use std::time::{Duration, Instant};

use fixture::{
    Fixture, Item, Reply, body, epoch_now, expected_names, fast_retries, linked_page, names, walk,
    walk_ok,
};
use pagewalk::{ErrorKind, Paginator, RetryPolicy};

#[test]
fn a_connection_reset_is_retried() {
    let server = Fixture::start();
    let calls = server.counted("/reset", |call, _| {
        if call < 2 {
            Reply::Close
        } else {
            Reply::json(body(1..=3))
        }
    });
    let items = walk_ok::<Item>(server.paginator("/reset").retry_policy(fast_retries()));
    assert_eq!(names(&items), expected_names(3));
    assert_eq!(calls.count(), 3);
}

#[test]
fn a_truncated_body_is_retried() {
    let server = Fixture::start();
    let full = body(1..=3).to_string();
    let calls = server.counted("/truncated", move |call, _| {
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
    let items = walk_ok::<Item>(server.paginator("/truncated").retry_policy(fast_retries()));
    assert_eq!(names(&items), expected_names(3));
    assert_eq!(calls.count(), 2);
}

#[test]
fn a_timeout_is_retried() {
    let server = Fixture::start();
    let calls = server.counted("/slow-once", |call, _| {
        if call == 0 {
            std::thread::sleep(Duration::from_millis(700));
        }
        Reply::json(body(1..=3))
    });
    let items = walk_ok::<Item>(
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
    let calls = server.counted("/slow", |_, _| {
        std::thread::sleep(Duration::from_millis(600));
        Reply::json(body(1..=3))
    });
    let (items, error) = walk::<Item>(
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
        let calls = server.counted(&path, move |call, _| {
            if call == 0 {
                Reply::status(status, r#"{"message":"try again"}"#)
            } else {
                Reply::json(body(1..=3))
            }
        });
        let items = walk_ok::<Item>(server.paginator(&path).retry_policy(fast_retries()));
        assert_eq!(names(&items), expected_names(3), "status {status}");
        assert_eq!(calls.count(), 2, "status {status}: one failure, one retry");
    }
}

#[test]
fn three_retries_by_default_then_the_error_names_url_page_and_status() {
    let server = Fixture::start();
    // 10 KB of text, only about 1 KiB of which may end up in the error.
    let big: String = (0..1000).map(|n| format!("oops {n:04} ")).collect();
    let calls = server.counted("/down", move |_, request| {
        if request.page() == 1 {
            linked_page("/down", 1, 3, 6)
        } else {
            Reply::status(503, &big)
        }
    });
    let (items, error) = walk::<Item>(server.paginator("/down").retry_policy(fast_retries()));
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
        let calls = server.counted(&path, |_, _| Reply::status(503, ""));
        let (items, error) = walk::<Item>(
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
    let calls = server.counted("/none", |_, _| Reply::status(500, ""));
    let (_, error) = walk::<Item>(server.paginator("/none").retry_policy(RetryPolicy::none()));
    assert_eq!(error.and_then(|e| e.status()), Some(500));
    assert_eq!(calls.count(), 1);
}

#[test]
fn client_errors_are_not_retried() {
    let server = Fixture::start();
    for status in [400, 401, 404, 405, 410, 422] {
        let path = format!("/client-{status}");
        let calls = server.counted(&path, move |_, _| {
            Reply::status(status, r#"{"message":"no"}"#)
        });
        let (items, error) = walk::<Item>(server.paginator(&path).retry_policy(fast_retries()));
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
    let calls = server.counted("/gone", |_, _| Reply::Close);
    let (items, error) = walk::<Item>(server.paginator("/gone").retry_policy(fast_retries()));
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
    let (items, error) = walk::<Item>(
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
    let (items, error) = walk::<Item>(
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
fn a_github_rate_limit_403_is_retried() {
    let server = Fixture::start();
    // Primary limit: a spent quota whose reset is now (so no real wait).
    let primary = server.counted("/primary", |call, _| {
        if call == 0 {
            Reply::status(403, r#"{"message":"API rate limit exceeded"}"#)
                .with_header("X-RateLimit-Remaining", "0")
                .with_header("X-RateLimit-Reset", &epoch_now().to_string())
        } else {
            Reply::json(body(1..=2))
        }
    });
    // Secondary limit: a 403 with Retry-After.
    let secondary = server.counted("/secondary", |call, _| {
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
        let items = walk_ok::<Item>(server.paginator(path).retry_policy(fast_retries()));
        assert_eq!(names(&items), expected_names(2), "{path}");
        assert_eq!(calls.count(), 2, "{path}: retried once");
    }
}

#[test]
fn a_plain_403_is_not_retried() {
    let server = Fixture::start();
    let calls = server.counted("/forbidden", |_, _| {
        Reply::status(
            403,
            r#"{"message":"Resource not accessible by integration"}"#,
        )
        .with_header("X-RateLimit-Remaining", "4999")
    });
    let (items, error) = walk::<Item>(server.paginator("/forbidden").retry_policy(fast_retries()));
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
