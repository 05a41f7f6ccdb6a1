//! What a broken server gets back: an `Err` naming the page, never a panic or
//! a hang, whatever bytes or framing it sends.

use std::time::Duration;

use fixture::{Fixture, Item, Reply, fast_retries, header, walk};
use pagewalk::{Error, ErrorKind, Paginator};

/// Walks `path` with a short timeout and one retry; the walk must end with an error.
fn expect_error(server: &Fixture, path: &str) -> Error {
    let (items, error) = walk::<Item>(
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
        headers: vec![header("Content-Type", "application/octet-stream")],
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
        headers: vec![header("Content-Type", "text/html; charset=utf-8")],
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
        headers: vec![header("Content-Type", "application/json")],
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
            headers: vec![header("Content-Type", "application/json")],
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
    let calls = server.counted("/gzip", |_, _| Reply::Raw {
        status: 200,
        headers: vec![
            header("Content-Type", "application/json"),
            header("Content-Encoding", "gzip"),
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
    let calls = server.counted("/half-closed", |_, _| Reply::Close);
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
    let calls = server.counted("/short", |_, _| Reply::Truncated {
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
            header("Content-Type", "application/json"),
            header("Content-Length", "many"),
        ],
        body: b"[]".to_vec(),
    });
    server.route("/bad-chunks", |_| Reply::Raw {
        status: 200,
        headers: vec![
            header("Content-Type", "application/json"),
            header("Transfer-Encoding", "chunked"),
        ],
        body: b"zz\r\n[]\r\n0\r\n\r\n".to_vec(),
    });
    for path in ["/bad-length", "/bad-chunks"] {
        let error = expect_error(&server, path);
        assert_eq!(error.page(), Some(1), "{path}: {error}");
    }
}

#[test]
fn a_refused_connection_is_an_error_not_a_hang() {
    // A port that was just free: nothing listens there any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let (items, error) = walk::<Item>(
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
