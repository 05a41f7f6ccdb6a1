//! Every error names its page, its URL and what went wrong (the cause in
//! `source()`), comes after the items read before it, and ends the iterator
//! for good.

use fixture::{
    Fixture, Item, Recorded, Reply, assert_fused, assert_message, expected_names, items_json,
    linked_page, names, until_error,
};
use pagewalk::{Error, ErrorKind, Paginator};
use serde_json::{Value, json};

/// Serves page 1 (items 1..=2, next page URL `?page=2`) and then `page_two` at `path`.
fn serve_two_pages(server: &Fixture, path: &str, page_two: Reply) {
    let next = format!("{path}?page=2");
    server.route(path, move |request| match request.param("page") {
        Some("2") => page_two.clone(),
        _ => Reply::json(json!({"data": items_json(1..=2), "next_page_url": next})),
    });
}

#[test]
fn status_error_names_status_and_a_short_body_excerpt() {
    let server = Fixture::start();
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
    let server = Fixture::start();
    let html = "<!DOCTYPE html><html><body><h1>Log in</h1></body></html>";
    server.serve("/login", Reply::raw(200, "text/html; charset=utf-8", html));
    let mut items = server.paginator("/login").items::<Value>();
    let (got, error) = until_error(&mut items);
    assert!(got.is_empty());
    assert!(
        matches!(error.kind(), ErrorKind::NotJson { content_type: Some(kind), .. } if kind.starts_with("text/html")),
        "{error:?}"
    );
    assert_message(&error, &server.url("/login"), 1, "text/html");
    assert_message(&error, &server.url("/login"), 1, "not JSON");
    // What the server said, in a short excerpt.
    assert_message(&error, &server.url("/login"), 1, "<h1>Log in</h1>");
    assert_fused(&mut items);
}

#[test]
fn broken_json_names_line_and_column() {
    let server = Fixture::start();
    server.serve(
        "/broken",
        Reply::raw(200, "application/json", "{\"data\": [1, 2,\n ]}"),
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
fn a_page_count_without_a_next_link_is_walked_by_page_number() {
    let server = Fixture::start();
    server.route("/numbered", |request| {
        let page = request.page();
        let first = (page - 1) * 2 + 1;
        Reply::json(
            json!({"data": items_json(first..=first + 1), "current_page": page, "last_page": 3}),
        )
    });
    let items = fixture::walk_ok::<Item>(server.paginator("/numbered"));
    assert_eq!(names(&items), expected_names(6));
    let pages: Vec<u64> = server.requests().iter().map(Recorded::page).collect();
    assert_eq!(pages, [1, 2, 3]);
}

#[test]
fn an_ignored_page_parameter_is_an_error_naming_the_flag() {
    let server = Fixture::start();
    server.serve(
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
        matches!(error.kind(), ErrorKind::RepeatedPage { first_page: 1, .. }),
        "{error:?}"
    );
    assert_message(
        &error,
        &server.url("/numbered?page=2"),
        2,
        "--page-param NAME",
    );
    assert_fused(&mut items);
    assert_eq!(server.request_count(), 2);
}

#[test]
fn has_more_without_a_way_forward_is_next_not_found() {
    let server = Fixture::start();
    server.serve(
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
    let server = Fixture::start();
    server.serve(
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
    let server = Fixture::start();
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
fn after_an_error_the_iterators_stay_ended() {
    let server = Fixture::start();
    let calls = server.counted("/ends", |_, request| match request.page() {
        1 => linked_page("/ends", 1, 3, 9),
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
fn text_the_server_controls_is_escaped_before_it_reaches_a_terminal() {
    let server = Fixture::start();
    // A key that clears the screen, an error body that rings the bell.
    server.serve(
        "/keys",
        Reply::json(json!({"\u{1b}[2Jkey": 1, "other": {}})),
    );
    server.serve("/body", Reply::status(500, "\u{7}boom\u{1b}[0m"));
    for path in ["/keys", "/body"] {
        let (_, error) = until_error(&mut server.paginator(path).retries(0).items::<Value>());
        let message = error.to_string();
        assert!(
            !message.chars().any(char::is_control),
            "{path}: {message:?}"
        );
        assert!(
            message.contains("\\u{1b}") || message.contains("\\u{7}"),
            "{path}: {message}"
        );
    }
}
