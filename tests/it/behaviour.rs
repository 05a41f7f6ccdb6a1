//! How a walk behaves, whatever the API: laziness and limits, `items_at`,
//! explicit strategies, every error a server can provoke (each naming its
//! URL, page and cause, and each ending the iterator for good), headers, the
//! default agent, and the auto traits of the public types.

use std::fmt::Debug;
use std::iter::FusedIterator;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use fixture::{Fixture, Item, Reply, expected_names, item};
use pagewalk::{Checkpoint, Error, ErrorKind, Items, Page, Pages, Paginator};
use serde_json::{Value, json};

/// 23 items, the fixture's default.
fn server() -> Fixture {
    Fixture::builder().items(23).start()
}

const PROCORE: &str = "/rest/v1.0/punch_items";

fn item_json(n: u64) -> Value {
    serde_json::to_value(item(n)).expect("an Item serializes")
}

fn items_json(numbers: std::ops::RangeInclusive<u64>) -> Vec<Value> {
    numbers.map(item_json).collect()
}

fn names(items: &[Item]) -> Vec<String> {
    items.iter().map(|item| item.name.clone()).collect()
}

/// `body` as is, with any status and content type.
fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
    Reply::Raw {
        status,
        headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
        body: body.into(),
    }
}

/// Drains `items`: the items before the first error, and that error.
fn until_error<T>(items: &mut impl Iterator<Item = Result<T, Error>>) -> (Vec<T>, Error) {
    let mut got = Vec::new();
    for next in items.by_ref() {
        match next {
            Ok(item) => got.push(item),
            Err(error) => return (got, error),
        }
    }
    panic!("the walk ended without an error after {} items", got.len());
}

/// The iterator stays over: `None`, again and again.
fn assert_fused<T: Debug>(items: &mut impl Iterator<Item = Result<T, Error>>) {
    for _ in 0..3 {
        assert!(items.next().is_none(), "a walk must end after its error");
    }
}

/// The message names the page, the URL and carries `cause`; the accessors agree.
fn assert_message(error: &Error, url: &str, page: u64, cause: &str) {
    let message = error.to_string();
    assert!(message.contains(url), "{message:?} should name {url}");
    assert!(
        message.contains(&format!("page {page} ")),
        "{message:?} should name page {page}"
    );
    // The cause is said once: in the message, or in a source.
    let chain = fixture::chain(error);
    assert!(chain.contains(cause), "{chain:?} should say {cause:?}");
    if let Some(source) = std::error::Error::source(error) {
        let source = source.to_string();
        assert!(
            !message.contains(&source),
            "{message:?} repeats its source {source:?}"
        );
    }
    assert_eq!(error.url(), Some(url), "{message}");
    assert_eq!(error.page(), Some(page), "{message}");
}

/// Serves `reply` at `path` for every request.
fn serve(server: &Fixture, path: &str, reply: Reply) {
    server.route(path, move |_| reply.clone());
}

/// Serves page 1 (items 1..=2, next page URL `?page=2`) and then `page_two` at `path`.
fn serve_two_pages(server: &Fixture, path: &str, page_two: Reply) {
    let next = format!("{path}?page=2");
    server.route(path, move |request| match request.param("page") {
        Some("2") => page_two.clone(),
        _ => Reply::json(json!({"data": items_json(1..=2), "next_page_url": next})),
    });
}

// ---- Laziness and limits ------------------------------------------------

#[test]
fn take_fetches_only_the_pages_it_needs() {
    let server = server();
    let url = format!("{PROCORE}?per_page=20");
    let first: Vec<Item> = server
        .paginator(&url)
        .items::<Item>()
        .take(10)
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&first), expected_names(10));
    assert_eq!(server.request_count(), 1, "10 items fit on the first page");

    let server = self::server();
    let first: Vec<Item> = server
        .paginator(&url)
        .items::<Item>()
        .take(21)
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&first), expected_names(21));
    assert_eq!(server.request_count(), 2, "item 21 is on page 2");
}

#[test]
fn nothing_is_fetched_before_the_first_next() {
    let server = server();
    let mut items = server.paginator(PROCORE).items::<Item>();
    let pages = server.paginator(PROCORE).pages::<Item>();
    assert_eq!(server.request_count(), 0);
    drop(pages);
    assert!(items.next().is_some());
    assert_eq!(server.request_count(), 1);
}

#[test]
fn max_items_stops_at_the_page_with_the_last_item() {
    // Pages of 5: item 12 is on page 3, item 10 the last of page 2.
    for (max, requests) in [(12, 3), (10, 2), (1, 1), (23, 5), (100, 5)] {
        let server = server();
        let got: Vec<Item> = server
            .paginator(&format!("{PROCORE}?per_page=5"))
            .max_items(max)
            .items::<Item>()
            .collect::<Result<_, _>>()
            .expect("walks");
        let yielded = (max as usize).min(23);
        assert_eq!(names(&got), expected_names(yielded), "max_items({max})");
        assert_eq!(server.request_count(), requests, "max_items({max})");
    }
}

#[test]
fn max_items_zero_fetches_nothing() {
    let server = server();
    let got: Vec<Item> = server
        .paginator(PROCORE)
        .max_items(0)
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    assert!(got.is_empty());
    assert_eq!(server.request_count(), 0);
}

#[test]
fn max_items_cuts_the_last_page() {
    let server = server();
    let pages: Vec<Page<Item>> = server
        .paginator(&format!("{PROCORE}?per_page=5"))
        .max_items(7)
        .pages::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    let sizes: Vec<usize> = pages.iter().map(|page| page.items().len()).collect();
    assert_eq!(sizes, [5, 2]);
    assert_eq!(server.request_count(), 2);
}

#[test]
fn max_pages_fetches_exactly_that_many() {
    for (max, items, requests) in [(1, 5, 1), (2, 10, 2), (5, 23, 5), (9, 23, 5)] {
        let server = server();
        let got: Vec<Item> = server
            .paginator(&format!("{PROCORE}?per_page=5"))
            .max_pages(max)
            .items::<Item>()
            .collect::<Result<_, _>>()
            .expect("walks");
        assert_eq!(names(&got), expected_names(items), "max_pages({max})");
        assert_eq!(server.request_count(), requests, "max_pages({max})");
        let server = self::server();
        let pages = server
            .paginator(&format!("{PROCORE}?per_page=5"))
            .max_pages(max)
            .pages::<Item>()
            .count();
        assert_eq!(pages, requests, "max_pages({max}), pages");
    }
}

#[test]
fn into_iterator_yields_values() {
    let server = server();
    let mut names = Vec::new();
    for item in server.paginator(&format!("{PROCORE}?per_page=10")) {
        let item: Value = item.expect("walks");
        names.push(item["name"].as_str().expect("a name").to_owned());
    }
    assert_eq!(names, expected_names(23));
    assert_eq!(server.request_count(), 3);
}

// ---- items_at -----------------------------------------------------------

#[test]
fn items_at_reads_a_nested_array_on_every_page() {
    let server = server();
    server.route("/nested", |request| {
        let body = match request.param("page") {
            None => json!({"x": {"y": items_json(1..=3)}, "next_page_url": "/nested?page=2"}),
            Some(_) => json!({"x": {"y": items_json(4..=5), "other": []}, "next_page_url": null}),
        };
        Reply::json(body)
    });
    let got: Vec<Item> = server
        .paginator("/nested")
        .items_at("/x/y")
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&got), expected_names(5));
    assert_eq!(server.request_count(), 2);
}

#[test]
fn items_at_to_nothing_or_to_an_object_is_an_error() {
    let server = server();
    serve(
        &server,
        "/nested",
        Reply::json(json!({"x": {"y": items_json(1..=2)}})),
    );
    let url = server.url("/nested");
    for (pointer, found) in [
        ("/x/z", "points to nothing"),
        ("/x", "points to an object instead of an array"),
    ] {
        let mut items = server
            .paginator("/nested")
            .items_at(pointer)
            .items::<Item>();
        let (got, error) = until_error(&mut items);
        assert!(got.is_empty());
        assert!(
            matches!(error.kind(), ErrorKind::ItemsPointer { pointer: p, .. } if p == pointer),
            "{error:?}"
        );
        assert_message(&error, &url, 1, found);
        assert!(error.to_string().contains(pointer), "{error}");
        assert_fused(&mut items);
    }
}

// ---- Errors -------------------------------------------------------------

#[test]
fn status_error_names_status_and_a_short_body_excerpt() {
    let server = server();
    // Far larger than what is read of an error page: the excerpt still shows its start.
    let padding = "x".repeat(200 * 1024);
    let body = json!({"message": "Not Found", "padding": padding}).to_string();
    serve_two_pages(&server, "/gone", Reply::status(404, &body));
    let mut items = server.paginator("/gone").items::<Item>();
    let (got, error) = until_error(&mut items);
    assert_eq!(names(&got), expected_names(2), "page 1 comes first");
    let url = server.url("/gone?page=2");
    assert_message(&error, &url, 2, "HTTP 404");
    assert_message(&error, &url, 2, r#"{"message":"Not Found""#);
    assert_eq!(error.status(), Some(404));
    match error.kind() {
        ErrorKind::Status { body, .. } => {
            assert!(body.len() <= 1024 + 4, "excerpt of {} bytes", body.len())
        }
        other => panic!("expected ErrorKind::Status, got {other:?}"),
    }
    assert!(
        error.to_string().len() < 1024 + 200,
        "{}",
        error.to_string().len()
    );
    assert_fused(&mut items);
    assert_eq!(server.request_count(), 2, "a 404 is not retried");
}

#[test]
fn html_body_is_not_json_and_names_the_content_type() {
    let server = server();
    let html = "<!DOCTYPE html><html><body><h1>Log in</h1></body></html>";
    serve(
        &server,
        "/login",
        raw(200, "text/html; charset=utf-8", html),
    );
    let mut items = server.paginator("/login").items::<Value>();
    let (got, error) = until_error(&mut items);
    assert!(got.is_empty());
    assert!(
        matches!(error.kind(), ErrorKind::NotJson { content_type: Some(kind), .. } if kind.starts_with("text/html")),
        "{error:?}"
    );
    assert_message(&error, &server.url("/login"), 1, "text/html");
    assert_message(&error, &server.url("/login"), 1, "not JSON");
    assert_fused(&mut items);
}

#[test]
fn broken_json_names_line_and_column() {
    let server = server();
    serve(
        &server,
        "/broken",
        raw(200, "application/json", "{\"data\": [1, 2,\n ]}"),
    );
    let mut items = server.paginator("/broken").items::<Value>();
    let (got, error) = until_error(&mut items);
    assert!(got.is_empty());
    assert!(matches!(error.kind(), ErrorKind::Json), "{error:?}");
    assert_message(&error, &server.url("/broken"), 1, "line 2 column");
    assert!(std::error::Error::source(&error).is_some(), "source kept");
    assert_fused(&mut items);
}

#[test]
fn object_without_an_array_suggests_items_at() {
    let server = server();
    serve(
        &server,
        "/odd",
        Reply::json(json!({"status": "ok", "payload": {"rows": []}})),
    );
    let mut items = server.paginator("/odd").items::<Value>();
    let (_, error) = until_error(&mut items);
    match error.kind() {
        // In document order, which depends on serde_json's `preserve_order`
        // (the CLI feature turns it on).
        ErrorKind::ItemsNotFound { keys, .. } => {
            let mut keys = keys.clone();
            keys.sort();
            assert_eq!(keys, ["payload", "status"]);
        }
        other => panic!("expected ItemsNotFound, got {other:?}"),
    }
    assert_message(&error, &server.url("/odd"), 1, "payload");
    assert_message(&error, &server.url("/odd"), 1, "status");
    assert_message(&error, &server.url("/odd"), 1, "items_at");
    assert_fused(&mut items);
}

#[test]
fn page_count_without_a_next_link_is_next_not_found() {
    let server = server();
    serve(
        &server,
        "/numbered",
        Reply::json(json!({"data": items_json(1..=2), "current_page": 1, "last_page": 3})),
    );
    let mut items = server.paginator("/numbered").items::<Item>();
    let (got, error) = until_error(&mut items);
    assert_eq!(
        names(&got),
        expected_names(2),
        "the page's items come first"
    );
    assert!(
        matches!(error.kind(), ErrorKind::NextNotFound { .. }),
        "{error:?}"
    );
    assert_message(
        &error,
        &server.url("/numbered"),
        1,
        "current_page 1 < last_page 3",
    );
    assert_message(&error, &server.url("/numbered"), 1, "page_number");
    assert_fused(&mut items);
    assert_eq!(server.request_count(), 1);
}

#[test]
fn has_more_without_a_way_forward_is_next_not_found() {
    let server = server();
    serve(
        &server,
        "/more",
        Reply::json(json!({"data": items_json(1..=1), "has_more": true})),
    );
    let mut items = server.paginator("/more").items::<Item>();
    let (got, error) = until_error(&mut items);
    assert_eq!(names(&got), expected_names(1));
    assert!(
        matches!(error.kind(), ErrorKind::NextNotFound { .. }),
        "{error:?}"
    );
    assert_message(&error, &server.url("/more"), 1, "has_more is true");
    assert_fused(&mut items);
}

#[test]
fn unparsable_next_url_is_invalid_next() {
    let server = server();
    serve(
        &server,
        "/bad-next",
        Reply::json(json!({"data": items_json(1..=2), "next_page_url": "http://[::1"})),
    );
    let mut items = server.paginator("/bad-next").items::<Item>();
    let (got, error) = until_error(&mut items);
    assert_eq!(names(&got), expected_names(2));
    assert!(
        matches!(error.kind(), ErrorKind::InvalidNext { next, .. } if next == "http://[::1"),
        "{error:?}"
    );
    assert_message(&error, &server.url("/bad-next"), 1, "http://[::1");
    assert_fused(&mut items);
    assert_eq!(server.request_count(), 1);
}

#[test]
fn bad_start_url_is_the_first_item() {
    let mut items = Paginator::new("not a url").items::<Value>();
    match items.next() {
        Some(Err(error)) if matches!(error.kind(), ErrorKind::InvalidUrl) => {
            assert!(error.to_string().contains("not a url"), "{error}");
            assert_eq!(error.url(), Some("not a url"));
        }
        other => panic!("expected InvalidUrl, got {other:?}"),
    }
    assert_fused(&mut items);

    let mut pages = Paginator::new("not a url").pages::<Value>();
    assert!(matches!(
        pages.next().and_then(Result::err).map(Error::into_kind),
        Some(ErrorKind::InvalidUrl)
    ));
    assert_fused(&mut pages);
}

#[test]
fn ftp_start_url_is_an_unsupported_scheme() {
    let url = "ftp://example.com/files";
    let mut items = Paginator::new(url).items::<Value>();
    let (got, error) = until_error(&mut items);
    assert!(got.is_empty());
    assert!(
        matches!(error.kind(), ErrorKind::UnsupportedScheme { scheme, .. } if scheme == "ftp"),
        "{error:?}"
    );
    assert_message(&error, url, 1, "\"ftp\"");
    assert_fused(&mut items);

    let mut pages = Paginator::new(url).pages::<Value>();
    assert!(matches!(
        pages.next().and_then(Result::err).map(Error::into_kind),
        Some(ErrorKind::UnsupportedScheme { .. })
    ));
    assert_fused(&mut pages);
}

#[test]
fn pages_end_after_an_error() {
    let server = server();
    serve_two_pages(&server, "/gone", Reply::status(410, r#"{"detail":"gone"}"#));
    let mut pages = server.paginator("/gone").pages::<Item>();
    let first = pages.next().expect("a page").expect("page 1 is fine");
    assert_eq!(names(first.items()), expected_names(2));
    let error = pages.next().expect("an error").expect_err("page 2 is gone");
    assert_message(&error, &server.url("/gone?page=2"), 2, "HTTP 410");
    assert_fused(&mut pages);
    assert_eq!(server.request_count(), 2);
}

#[test]
fn a_bad_item_ends_the_walk_after_the_good_ones() {
    let server = server();
    let mut bad = item_json(3);
    bad["id"] = json!("three");
    let body = json!({"data": [item_json(1), item_json(2), bad, item_json(4)], "next_page_url": "/typed?page=2"});
    serve(&server, "/typed", Reply::json(body));

    let mut items = server.paginator("/typed").items::<Item>();
    let (got, error) = until_error(&mut items);
    assert_eq!(names(&got), expected_names(2));
    assert!(
        matches!(error.kind(), ErrorKind::Item { index: 2, .. }),
        "{error:?}"
    );
    assert_message(&error, &server.url("/typed"), 1, "item 2");
    assert_fused(&mut items);
    assert_eq!(server.request_count(), 1, "the next page is not fetched");

    let mut pages = server.paginator("/typed").pages::<Item>();
    let page = pages.next().expect("a page").expect("the good items");
    assert_eq!(names(page.items()), expected_names(2));
    assert!(matches!(
        pages.next().and_then(Result::err).map(Error::into_kind),
        Some(ErrorKind::Item { index: 2, .. })
    ));
    assert_fused(&mut pages);
}

#[test]
fn an_empty_page_with_a_cursor_is_followed() {
    let server = server();
    server.route("/cursor", |request| {
        Reply::json(match request.param("cursor") {
            None => json!({"items": items_json(1..=2), "nextCursor": "c2"}),
            Some("c2") => json!({"items": [], "nextCursor": "c3"}),
            Some(_) => json!({"items": items_json(3..=3), "nextCursor": null}),
        })
    });
    let got: Vec<Item> = server
        .paginator("/cursor?limit=2")
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&got), expected_names(3));
    assert_eq!(server.request_count(), 3);
}

// ---- Explicit strategies ------------------------------------------------

#[test]
fn explicit_offset_advances_by_items_received() {
    // The server caps the limit at 4 whatever is asked: the offset must move
    // by what arrived, never by the requested limit.
    let server = server();
    server.route("/offset", |request| {
        let offset: u64 = request.param("offset").unwrap_or("0").parse().unwrap_or(0);
        let end = (offset + 4).min(10);
        Reply::json(json!({"results": items_json(offset + 1..=end), "total": 10}))
    });
    let got: Vec<Item> = server
        .paginator("/offset?limit=50&q=a")
        .strategy(pagewalk::Strategy::offset("offset", "limit"))
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&got), expected_names(10));
    let offsets: Vec<Vec<String>> = server
        .requests()
        .iter()
        .map(|request| {
            request
                .params("offset")
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
        .collect();
    assert_eq!(
        offsets,
        [vec![], vec!["4".to_owned()], vec!["8".to_owned()]]
    );
    for request in server.requests() {
        assert_eq!(request.params("limit"), ["50"]);
        assert_eq!(request.params("q"), ["a"]);
    }
}

#[test]
fn explicit_page_number_ends_on_an_empty_page() {
    // No page count and no total: the only end is an empty page.
    let server = server();
    server.route("/plain", |request| {
        let page: u64 = request.param("page").unwrap_or("1").parse().unwrap_or(1);
        let items = match page {
            1 => items_json(1..=3),
            2 => items_json(4..=5),
            _ => Vec::new(),
        };
        Reply::json(Value::Array(items))
    });
    let got: Vec<Item> = server
        .paginator("/plain")
        .strategy(pagewalk::Strategy::page_number("page"))
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&got), expected_names(5));
    assert_eq!(server.request_count(), 3, "pages 1, 2 and the empty page 3");
}

#[test]
fn explicit_strategy_is_not_fooled_by_other_fields() {
    // A Link header would win under auto; an explicit next_url ignores it.
    let server = server();
    server.route("/both", |request| {
        let body = match request.param("page") {
            None => json!({"data": items_json(1..=2), "next": "/both?page=2"}),
            Some(_) => json!({"data": items_json(3..=3), "next": null}),
        };
        Reply::json(body).with_header("Link", "</elsewhere>; rel=\"next\"")
    });
    let got: Vec<Item> = server
        .paginator("/both")
        .strategy(pagewalk::Strategy::next_url("/next"))
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&got), expected_names(3));
    assert_eq!(server.request_count(), 2);
}

// ---- Headers and the default agent --------------------------------------

#[test]
fn user_headers_and_accept_reach_every_request() {
    let server = server();
    let got = server
        .paginator(&format!("{PROCORE}?per_page=5"))
        .header("Authorization", "Bearer t")
        .items::<Item>()
        .count();
    assert_eq!(got, 23);
    let requests = server.requests();
    assert_eq!(requests.len(), 5);
    for request in requests {
        assert_eq!(
            request.header("Authorization"),
            Some("Bearer t"),
            "{}",
            request.raw_url
        );
        assert_eq!(
            request.header("Accept"),
            Some("application/json"),
            "{}",
            request.raw_url
        );
    }
}

#[test]
fn a_users_accept_header_replaces_the_default() {
    let server = server();
    let _ = server
        .paginator("/jsonapi/articles")
        .header("Accept", "application/vnd.api+json")
        .items::<Value>()
        .count();
    for request in server.requests() {
        let accepts: Vec<&str> = request
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("accept"))
            .map(|(_, value)| value.as_str())
            .collect();
        assert_eq!(accepts, ["application/vnd.api+json"], "{}", request.raw_url);
    }
}

#[test]
fn the_default_agent_walks_too() {
    // No `.agent(..)`: the library's own agent (CI sets NO_PROXY for loopback).
    let server = server();
    let got: Vec<Item> = Paginator::new(server.url(&format!("{PROCORE}?per_page=10")))
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&got), expected_names(23));
    assert_eq!(server.request_count(), 3);
    for request in server.requests() {
        let agent = request.header("User-Agent").unwrap_or_default();
        assert!(agent.starts_with("pagewalk/"), "User-Agent: {agent:?}");
    }
    assert_eq!(server.connection_count(), 1, "connections are reused");
}

#[test]
fn each_page_is_requested_once() {
    // One walk is one sequence of requests: no page is fetched twice.
    let server = server();
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    server.route("/count", move |request| {
        counter.fetch_add(1, Ordering::SeqCst);
        let page: u64 = request.param("page").unwrap_or("1").parse().unwrap_or(1);
        let next = (page < 4).then(|| format!("/count?page={}", page + 1));
        Reply::json(json!({"data": items_json(page..=page), "next_page_url": next}))
    });
    let got: Vec<Item> = server
        .paginator("/count")
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&got), expected_names(4));
    assert_eq!(seen.load(Ordering::SeqCst), 4);
}

// ---- Traits -------------------------------------------------------------

#[test]
fn public_types_are_send_and_sync() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    fn fused_debug<I: FusedIterator + Debug>() {}
    send::<Items<Item>>();
    send::<Pages<Item>>();
    send::<Items<Value>>();
    send::<Paginator>();
    sync::<Paginator>();
    send::<Error>();
    sync::<Error>();
    send::<Checkpoint>();
    sync::<Checkpoint>();
    send::<Page<Item>>();
    sync::<Page<Item>>();
    fused_debug::<Items<Item>>();
    fused_debug::<Pages<Item>>();
}

#[test]
fn iterators_debug_without_fetching() {
    let server = server();
    let items = server.paginator(PROCORE).items::<Item>();
    let pages = server.paginator(PROCORE).pages::<Item>();
    assert!(format!("{items:?}").starts_with("Items"), "{items:?}");
    assert!(format!("{pages:?}").starts_with("Pages"), "{pages:?}");
    assert_eq!(server.request_count(), 0);
}

#[test]
fn an_iterator_can_move_to_another_thread() {
    let server = server();
    let items = server
        .paginator(&format!("{PROCORE}?per_page=7"))
        .items::<Item>();
    let got = std::thread::spawn(move || items.collect::<Result<Vec<Item>, Error>>())
        .join()
        .expect("the thread finishes")
        .expect("walks");
    assert_eq!(names(&got), expected_names(23));
}

#[test]
fn a_bad_item_on_a_later_page_keeps_the_ones_before_it() {
    // Page 2 goes through the fast path with the pointer learned on page 1,
    // which fails on the bad item; the items before it still arrive.
    let server = server();
    server.route("/later", |request| {
        let body = match request.param("page") {
            None => json!({"data": items_json(1..=3), "next_page_url": "/later?page=2"}),
            Some(_) => {
                let mut bad = item_json(6);
                bad["name"] = json!(6);
                json!({"data": [item_json(4), item_json(5), bad], "next_page_url": "/later?page=3"})
            }
        };
        Reply::json(body)
    });
    let mut items = server.paginator("/later").items::<Item>();
    let (got, error) = until_error(&mut items);
    assert_eq!(names(&got), expected_names(5));
    assert!(
        matches!(error.kind(), ErrorKind::Item { index: 2, .. }),
        "{error:?}"
    );
    assert_message(&error, &server.url("/later?page=2"), 2, "item 2");
    assert_fused(&mut items);
    assert_eq!(server.request_count(), 2);
}

#[test]
fn a_bad_item_beyond_max_items_is_never_reported() {
    // The user asked for two items; the third, bad one is none of their business.
    let server = server();
    let mut bad = item_json(3);
    bad["id"] = json!("three");
    serve(
        &server,
        "/typed",
        Reply::json(json!({"data": [item_json(1), item_json(2), bad]})),
    );
    let got: Vec<Item> = server
        .paginator("/typed")
        .max_items(2)
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("the two items asked for");
    assert_eq!(names(&got), expected_names(2));
}

#[test]
fn the_last_page_allowed_by_max_pages_needs_no_next() {
    // With max_pages(1) the next page is never wanted: an API that says
    // "more" without saying where is no error here.
    let server = server();
    serve(
        &server,
        "/more",
        Reply::json(json!({"data": items_json(1..=2), "has_more": true})),
    );
    let got: Vec<Item> = server
        .paginator("/more")
        .max_pages(1)
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("the one page asked for");
    assert_eq!(names(&got), expected_names(2));
}

#[test]
fn a_next_link_back_to_a_fetched_page_is_a_loop() {
    let server = server();
    server.route("/loop", |request| {
        let body = match request.param("page") {
            None => json!({"data": items_json(1..=2), "next_page_url": "/loop?page=2"}),
            Some(_) => json!({"data": items_json(3..=3), "next_page_url": "/loop"}),
        };
        Reply::json(body)
    });
    let mut items = server.paginator("/loop").items::<Item>();
    let (got, error) = until_error(&mut items);
    assert_eq!(names(&got), expected_names(3));
    assert!(
        matches!(error.kind(), ErrorKind::Loop { first_page: 1, .. }),
        "{error:?}"
    );
    assert_message(
        &error,
        &server.url("/loop?page=2"),
        2,
        "already fetched as page 1",
    );
    assert_fused(&mut items);
    assert_eq!(server.request_count(), 2);
}

#[test]
fn endless_empty_pages_give_up() {
    let server = server();
    server.route("/empty", |request| {
        let n: u64 = request.param("cursor").unwrap_or("0").parse().unwrap_or(0);
        Reply::json(json!({"items": [], "nextCursor": (n + 1).to_string()}))
    });
    let mut items = server
        .paginator("/empty")
        .max_empty_pages(4)
        .items::<Value>();
    let (got, error) = until_error(&mut items);
    assert!(got.is_empty());
    assert!(
        matches!(error.kind(), ErrorKind::TooManyEmptyPages { count: 4, .. }),
        "{error:?}"
    );
    assert_fused(&mut items);
    assert_eq!(server.request_count(), 4);
}

#[test]
fn explicit_offset_stops_at_a_drf_count_on_every_page() {
    // Django REST framework's LimitOffsetPagination: `count` is the total on
    // every page. 23 items by 5: offsets 0, 5, 10, 15, 20, and 20 + 3 = 23
    // reaches the count, so no sixth (empty) request.
    let server = server();
    server.route("/drf/limit/", |request| {
        let offset: u64 = request.param("offset").unwrap_or("0").parse().unwrap_or(0);
        let limit: u64 = request.param("limit").unwrap_or("5").parse().unwrap_or(5);
        let end = (offset + limit).min(23);
        let next = (end < 23).then(|| format!("/drf/limit/?limit={limit}&offset={end}"));
        Reply::json(json!({
            "count": 23,
            "next": next,
            "previous": null,
            "results": items_json(offset + 1..=end),
        }))
    });
    let pages: Vec<Page<Item>> = server
        .paginator("/drf/limit/?limit=5")
        .strategy(pagewalk::Strategy::offset("offset", "limit"))
        .pages::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    let got: Vec<Item> = pages
        .iter()
        .flat_map(|page| page.items().to_vec())
        .collect();
    assert_eq!(names(&got), expected_names(23));
    assert_eq!(server.request_count(), 5, "no request past the count");
    for page in &pages {
        assert_eq!(page.total(), Some(23), "total on page {}", page.number());
    }
}

/// Serves `/d` on a raw socket, with `link` as page 1's raw header line:
/// tiny_http only sends ASCII header values, real servers send UTF-8 too.
fn raw_link_server(link: &'static [u8]) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let Ok(clone) = stream.try_clone() else {
                return;
            };
            let mut reader = BufReader::new(clone);
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            let (body, link): (&[u8], &[u8]) = if request_line.contains("page=2") {
                (br#"{"data":[3,4]}"#, b"")
            } else {
                (br#"{"data":[1,2]}"#, link)
            };
            let mut response =
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    .to_vec();
            response.extend_from_slice(link);
            response
                .extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
            response.extend_from_slice(body);
            let _ = stream.write_all(&response);
        }
    });
    format!("http://{address}/d")
}

#[test]
fn a_link_header_with_utf8_in_its_url_is_followed() {
    let url = raw_link_server("Link: </d?q=café&page=2>; rel=\"next\"\r\n".as_bytes());
    let items: Vec<Value> = Paginator::new(url)
        .agent(fixture::agent())
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("no error");
    assert_eq!(items, [json!(1), json!(2), json!(3), json!(4)]);
}

#[test]
fn max_items_ending_before_a_bad_item_resumes_with_it() {
    let server = server();
    let next = server.url("/boundary?page=2");
    server.route("/boundary", move |request| match request.param("page") {
        None => Reply::json(json!({"data": [{"id": 1}, {"id": 2}, {"id": "bad"}, {"id": 4}]}))
            .with_header("Link", &format!("<{next}>; rel=\"next\"")),
        Some(_) => Reply::json(json!({"data": [{"id": 5}]})),
    });
    let mut items = server.paginator("/boundary").max_items(2).items::<Value>();
    assert_eq!(items.by_ref().count(), 2);
    let checkpoint = items.checkpoint();
    assert_eq!(
        (checkpoint.page(), checkpoint.skip()),
        (1, 2),
        "the rest of page 1 is still to come"
    );
    let rest: Vec<Value> = server
        .paginator("/boundary")
        .resume_from(checkpoint)
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("no error");
    assert_eq!(
        rest,
        [json!({"id": "bad"}), json!({"id": 4}), json!({"id": 5})]
    );
}
