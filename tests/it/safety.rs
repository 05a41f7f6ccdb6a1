//! Safety against the fixture server: credentials stay with the start URL's
//! origin (next links and redirects alike), loops and endless empty pages
//! end the walk, and the page, item and body limits hold exactly.
//!
//! The https → http downgrade rule needs a TLS server, which the fixture is
//! not: it is unit-tested in `src/origin.rs`.

use std::ops::RangeInclusive;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use fixture::{Fixture, Item, Recorded, Reply, expected_names, item, parts};
use pagewalk::{Error, ErrorKind, Paginator, RetryPolicy};
use serde_json::{Value, json};

// ---------------------------------------------------------------- helpers

/// The headers that must never leave the start URL's origin.
const SECRETS: [(&str, &str); 4] = [
    ("Authorization", "Bearer secret"),
    ("X-Api-Key", "k"),
    ("Cookie", "session=s3cr3t"),
    ("Proxy-Authorization", "Basic cHJveHk6c2VjcmV0"),
];

/// `paginator` with every header of [`SECRETS`] and a fast retry policy.
fn with_secrets(paginator: Paginator) -> Paginator {
    SECRETS
        .iter()
        .fold(paginator, |paginator, (name, value)| {
            paginator.header(*name, *value)
        })
        .retry_policy(RetryPolicy::builder().base_delay(Duration::from_millis(1)))
}

/// Asserts that `request` carries every header of [`SECRETS`].
fn assert_has_secrets(request: &Recorded) {
    for (name, value) in SECRETS {
        assert_eq!(
            request.header(name),
            Some(value),
            "{name} missing on {}",
            request.raw_url
        );
    }
}

/// Asserts that `request` carries none of the headers of [`SECRETS`].
fn assert_no_secrets(request: &Recorded) {
    for (name, _) in SECRETS {
        assert_eq!(
            request.header(name),
            None,
            "{name} leaked to {}",
            request.raw_url
        );
    }
}

/// Serves `path` with `handler`; returns the number of calls so far.
fn route(
    server: &Fixture,
    path: &str,
    handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
) -> Arc<AtomicUsize> {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    server.route(path, move |request| {
        counter.fetch_add(1, Ordering::SeqCst);
        handler(request)
    });
    calls
}

fn count(calls: &AtomicUsize) -> usize {
    calls.load(Ordering::SeqCst)
}

/// A body with items `numbers` under `data`.
fn body(numbers: RangeInclusive<u64>) -> Value {
    json!({ "data": numbers.map(item).collect::<Vec<Item>>() })
}

/// `reply` with a `Link` header pointing to `next`.
fn linking(reply: Reply, next: &str) -> Reply {
    reply.with_header("Link", &format!("<{next}>; rel=\"next\""))
}

/// Every item up to the end or the first error, and that error.
fn walk<T: serde::de::DeserializeOwned + Send + 'static>(
    paginator: Paginator,
) -> (Vec<T>, Option<Error>) {
    fixture::drain(&mut paginator.items::<T>())
}

fn names(items: &[Item]) -> Vec<String> {
    items.iter().map(|item| item.name.clone()).collect()
}

/// A second origin: another loopback address (same port space), or, where
/// 127.0.0.2 cannot be bound, the same address on another port.
fn other_origin() -> Fixture {
    let bindable = std::net::TcpListener::bind("127.0.0.2:0").is_ok();
    let ip = if bindable { "127.0.0.2" } else { "127.0.0.1" };
    Fixture::builder().ip(ip).start()
}

// ---------------------------------------------------------------- credentials

#[test]
fn headers_reach_every_same_origin_page() {
    let server = Fixture::start();
    for path in [
        "/rest/v1.0/punch_items?per_page=5",
        "/repos/octo/hello/issues?per_page=5",
        "/api/v1/projects?page%5Bsize%5D=5",
        "/hal/orders?size=5",
        "/v2/transactions?per_page=5",
        "/api/conversations.list?limit=5",
    ] {
        let before = server.request_count();
        let (items, error) = walk::<Value>(with_secrets(server.paginator(path)));
        assert!(error.is_none(), "{path}: {error:?}");
        assert_eq!(items.len(), 23, "{path}");
        let requests = server.requests();
        assert_eq!(requests.len() - before, 5, "{path}: 5 pages");
        requests[before..].iter().for_each(assert_has_secrets);
    }
}

#[test]
fn a_next_link_to_another_origin_is_refused_by_default() {
    let server = Fixture::start();
    // Another host, and the same host on another port.
    for other in [other_origin(), Fixture::start()] {
        let target = other.url("/rest/v1.0/punch_items?per_page=5");
        let path = format!("/leave-{}", other.port());
        let link = target.clone();
        route(&server, &path, move |_| {
            linking(Reply::json(body(1..=2)), &link)
        });
        let (items, error) = walk::<Item>(with_secrets(server.paginator(&path)));
        assert_eq!(names(&items), expected_names(2), "page 1 is delivered");
        match error.as_ref().map(parts) {
            Some((
                ErrorKind::CrossOrigin {
                    target: refused, ..
                },
                Some(1),
                Some(url),
            )) => {
                assert_eq!(url, server.url(&path));
                assert_eq!(*refused, target);
            }
            other => panic!("expected CrossOrigin, got {other:?}"),
        }
        assert_eq!(other.request_count(), 0, "nothing may reach {target}");
    }
}

#[test]
fn allow_cross_origin_follows_without_credentials() {
    let server = Fixture::start();
    let other = other_origin();
    let target = other.url("/rest/v1.0/punch_items?per_page=5");
    route(&server, "/leave", move |_| {
        linking(Reply::json(body(1..=2)), &target)
    });
    let (items, error) =
        walk::<Item>(with_secrets(server.paginator("/leave")).allow_cross_origin(true));
    assert!(error.is_none(), "{error:?}");
    let mut expected = expected_names(2);
    expected.extend(expected_names(23));
    assert_eq!(names(&items), expected);
    assert_eq!(server.request_count(), 1);
    server.requests().iter().for_each(assert_has_secrets);
    assert_eq!(other.request_count(), 5);
    other.requests().iter().for_each(assert_no_secrets);
}

#[test]
fn headers_go_to_the_start_origin_only() {
    // start → another origin → back to the start origin: the documented rule
    // is "every request sent to the start URL's origin" gets the headers, and
    // no request to another origin does.
    let server = Fixture::start();
    let other = other_origin();
    let back = server.url("/back");
    route(&other, "/detour", move |_| {
        linking(Reply::json(body(3..=4)), &back)
    });
    let detour = other.url("/detour");
    route(&server, "/first", move |_| {
        linking(Reply::json(body(1..=2)), &detour)
    });
    route(&server, "/back", |_| Reply::json(body(5..=6)));
    let (items, error) =
        walk::<Item>(with_secrets(server.paginator("/first")).allow_cross_origin(true));
    assert!(error.is_none(), "{error:?}");
    assert_eq!(names(&items), expected_names(6));
    assert_eq!(server.request_count(), 2);
    server.requests().iter().for_each(assert_has_secrets);
    assert_eq!(other.request_count(), 1);
    other.requests().iter().for_each(assert_no_secrets);
}

#[test]
fn a_redirect_to_another_origin_is_refused_by_default() {
    let server = Fixture::start();
    let other = other_origin();
    let target = other.url("/rest/v1.0/punch_items?per_page=5");
    let location = target.clone();
    let calls = route(&server, "/moved", move |_| {
        Reply::status(302, "").with_header("Location", &location)
    });
    let (items, error) = walk::<Item>(with_secrets(server.paginator("/moved")));
    assert!(items.is_empty());
    match error.as_ref().map(parts) {
        Some((
            ErrorKind::CrossOrigin {
                target: refused, ..
            },
            Some(1),
            Some(url),
        )) => {
            assert_eq!(url, server.url("/moved"));
            assert_eq!(*refused, target);
        }
        other => panic!("expected CrossOrigin, got {other:?}"),
    }
    assert_eq!(count(&calls), 1);
    assert_eq!(other.request_count(), 0);
}

#[test]
fn a_redirect_to_another_origin_is_followed_without_credentials_when_allowed() {
    let server = Fixture::start();
    let other = other_origin();
    for status in [301, 302, 303, 307, 308] {
        let path = format!("/moved-{status}");
        let location = other.url("/rest/v1.0/punch_items?per_page=5");
        route(&server, &path, move |_| {
            Reply::status(status, "").with_header("Location", &location)
        });
        let before = other.request_count();
        let (items, error) =
            walk::<Item>(with_secrets(server.paginator(&path)).allow_cross_origin(true));
        assert!(error.is_none(), "{status}: {error:?}");
        assert_eq!(names(&items), expected_names(23), "{status}");
        let requests = other.requests();
        assert_eq!(requests.len() - before, 5, "{status}");
        requests.iter().for_each(assert_no_secrets);
    }
    server.requests().iter().for_each(assert_has_secrets);
}

#[test]
fn a_same_origin_redirect_keeps_the_headers() {
    let server = Fixture::start();
    for status in [301, 302, 303, 307, 308] {
        let path = format!("/old-{status}");
        route(&server, &path, move |_| {
            Reply::status(status, "").with_header("Location", "/rest/v1.0/punch_items?per_page=5")
        });
        let before = server.request_count();
        let (items, error) = walk::<Item>(with_secrets(server.paginator(&path)));
        assert!(error.is_none(), "{status}: {error:?}");
        assert_eq!(names(&items), expected_names(23), "{status}");
        let requests = server.requests();
        assert_eq!(requests.len() - before, 6, "{status}: redirect + 5 pages");
        requests[before..].iter().for_each(assert_has_secrets);
    }
}

#[test]
fn a_redirect_on_a_later_page_is_followed() {
    let server = Fixture::start();
    route(&server, "/first", |_| {
        linking(Reply::json(body(1..=2)), "/renamed")
    });
    route(&server, "/renamed", |_| {
        Reply::status(308, "").with_header("Location", "/current?x=1")
    });
    route(&server, "/current", |_| Reply::json(body(3..=4)));
    let (items, error) = walk::<Item>(with_secrets(server.paginator("/first")));
    assert!(error.is_none(), "{error:?}");
    assert_eq!(names(&items), expected_names(4));
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.raw_url).collect();
    assert_eq!(paths, ["/first", "/renamed", "/current?x=1"]);
    server.requests().iter().for_each(assert_has_secrets);
}

#[test]
fn relative_links_resolve_against_the_url_after_redirects() {
    let server = Fixture::start();
    route(&server, "/dir/old", |_| {
        Reply::status(302, "").with_header("Location", "/new/list?page=1")
    });
    route(&server, "/new/list", |request| {
        if request.param("page") == Some("1") {
            linking(Reply::json(body(1..=2)), "list?page=2")
        } else {
            Reply::json(body(3..=4))
        }
    });
    let (items, error) = walk::<Item>(server.paginator("/dir/old"));
    assert!(error.is_none(), "{error:?}");
    assert_eq!(names(&items), expected_names(4));
    let urls: Vec<String> = server.requests().into_iter().map(|r| r.raw_url).collect();
    assert_eq!(urls, ["/dir/old", "/new/list?page=1", "/new/list?page=2"]);
}

#[test]
fn a_cursor_api_behind_a_redirect_yields_each_item_once() {
    // An old path that forwards its query to the new one, as `return 301
    // /new$is_args$args` does.
    let server = Fixture::start();
    route(&server, "/old/conversations.list", |request| {
        let query = request
            .raw_url
            .split_once('?')
            .map_or("", |(_, query)| query);
        let location = format!("/api/conversations.list?{query}");
        Reply::status(301, "").with_header("Location", &location)
    });
    let (items, error) = walk::<Item>(server.paginator("/old/conversations.list?limit=5"));
    assert!(error.is_none(), "{error:?}");
    assert_eq!(names(&items), expected_names(23));
}

#[test]
fn a_redirect_loop_is_too_many_redirects() {
    let server = Fixture::start();
    let to_self = route(&server, "/loop", |_| {
        Reply::status(302, "").with_header("Location", "/loop")
    });
    let ping = route(&server, "/ping", |_| {
        Reply::status(307, "").with_header("Location", "/pong")
    });
    let pong = route(&server, "/pong", |_| {
        Reply::status(307, "").with_header("Location", "/ping")
    });
    let (items, error) = walk::<Item>(with_secrets(server.paginator("/loop")));
    assert!(items.is_empty());
    match error.as_ref().map(parts) {
        Some((ErrorKind::TooManyRedirects { limit, .. }, Some(1), Some(url))) => {
            assert_eq!(url, server.url("/loop"));
            assert_eq!(count(&to_self), *limit as usize + 1);
        }
        other => panic!("expected TooManyRedirects, got {other:?}"),
    }
    let (items, error) = walk::<Item>(with_secrets(server.paginator("/ping")));
    assert!(items.is_empty());
    assert!(
        matches!(
            error.as_ref().map(parts),
            Some((ErrorKind::TooManyRedirects { .. }, Some(1), _))
        ),
        "{error:?}"
    );
    assert_eq!(count(&ping) + count(&pong), 11);
}

#[test]
fn links_and_redirects_to_other_schemes_are_refused() {
    let server = Fixture::start();
    route(&server, "/file-link", |_| {
        linking(Reply::json(body(1..=2)), "file:///etc/passwd")
    });
    route(&server, "/file-redirect", |_| {
        Reply::status(302, "").with_header("Location", "file:///etc/passwd")
    });
    for path in ["/file-link", "/file-redirect"] {
        let (_, error) =
            walk::<Item>(with_secrets(server.paginator(path)).allow_cross_origin(true));
        match error.as_ref().map(parts) {
            Some((ErrorKind::UnsupportedScheme { scheme, .. }, _, _)) => assert_eq!(scheme, "file"),
            other => panic!("{path}: expected UnsupportedScheme, got {other:?}"),
        }
    }
}

#[test]
fn an_invalid_header_is_an_error_before_any_request() {
    let server = Fixture::start();
    for (name, value) in [("X-Bad", "a\r\nb"), ("Bad Name", "v"), ("", "v")] {
        let mut items = server
            .paginator("/rest/v1.0/punch_items?per_page=5")
            .header(name, value)
            .items::<Value>();
        match items.next() {
            Some(Err(error)) => assert_eq!(error.page(), Some(1), "{name:?}: {error}"),
            other => panic!("{name:?}: expected an error, got {other:?}"),
        }
        assert!(items.next().is_none());
    }
    assert_eq!(server.request_count(), 0);
}

#[test]
fn accept_is_json_unless_set() {
    let server = Fixture::start();
    let path = "/rest/v1.0/punch_items?per_page=20";
    let (items, _) = walk::<Value>(server.paginator(path));
    assert_eq!(items.len(), 23);
    let (items, _) = walk::<Value>(
        server
            .paginator(path)
            .header("Accept", "application/vnd.github+json"),
    );
    assert_eq!(items.len(), 23);
    let accepts: Vec<Vec<String>> = server
        .requests()
        .iter()
        .map(|request| {
            request
                .headers
                .iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case("accept"))
                .map(|(_, value)| value.clone())
                .collect()
        })
        .collect();
    assert_eq!(
        accepts,
        [
            vec!["application/json"],
            vec!["application/json"],
            vec!["application/vnd.github+json"],
            vec!["application/vnd.github+json"],
        ]
    );
}

// ---------------------------------------------------------------- loops

#[test]
fn a_to_b_to_a_is_a_loop_naming_both_pages() {
    let server = Fixture::start();
    let a = route(&server, "/a", |_| linking(Reply::json(body(1..=2)), "/b"));
    let b = route(&server, "/b", |_| linking(Reply::json(body(3..=4)), "/a"));
    let (items, error) = walk::<Item>(server.paginator("/a"));
    assert_eq!(names(&items), expected_names(4));
    let error = error.expect("a loop");
    let message = error.to_string();
    match parts(&error) {
        (
            ErrorKind::Loop {
                next, first_page, ..
            },
            Some(page),
            Some(url),
        ) => {
            assert_eq!((page, *first_page), (2, 1));
            assert_eq!(url, server.url("/b"));
            assert_eq!(*next, server.url("/a"));
        }
        other => panic!("expected a loop, got {other:?}"),
    }
    assert!(message.contains(&server.url("/a")), "{message}");
    assert!(message.contains(&server.url("/b")), "{message}");
    assert_eq!((count(&a), count(&b)), (1, 1));
}

#[test]
fn a_page_linking_to_itself_is_a_loop() {
    let server = Fixture::start();
    let calls = route(&server, "/self", |_| {
        linking(Reply::json(body(1..=2)), "/self")
    });
    let (items, error) = walk::<Item>(server.paginator("/self"));
    assert_eq!(names(&items), expected_names(2));
    assert!(
        matches!(
            error.as_ref().map(parts),
            Some((ErrorKind::Loop { first_page: 1, .. }, Some(1), _))
        ),
        "{error:?}"
    );
    assert_eq!(count(&calls), 1);
}

#[test]
fn a_self_link_reached_through_a_redirect_is_a_loop() {
    // /items moved to /v2/items, whose next link is itself: the page must be
    // delivered once, then the loop reported, without fetching it again.
    let server = Fixture::start();
    let moved = route(&server, "/items", |_| {
        Reply::status(301, "").with_header("Location", "/v2/items")
    });
    let page = route(&server, "/v2/items", |_| {
        linking(Reply::json(body(1..=2)), "/v2/items")
    });
    let (items, error) = walk::<Item>(server.paginator("/items"));
    assert_eq!(
        names(&items),
        expected_names(2),
        "the page's items, once (requests: /items {}, /v2/items {})",
        count(&moved),
        count(&page)
    );
    assert!(
        matches!(
            error.as_ref().map(parts),
            Some((ErrorKind::Loop { .. }, Some(1), _))
        ),
        "{error:?}"
    );
    assert_eq!((count(&moved), count(&page)), (1, 1));
}

#[test]
fn a_to_b_through_a_redirect_back_to_a_is_a_loop() {
    // Page 1 at /a (after a redirect from /start) links to /b, which links
    // back to /a: /a was already fetched as page 1.
    let server = Fixture::start();
    route(&server, "/start", |_| {
        Reply::status(302, "").with_header("Location", "/a")
    });
    let a = route(&server, "/a", |_| linking(Reply::json(body(1..=2)), "/b"));
    route(&server, "/b", |_| linking(Reply::json(body(3..=4)), "/a"));
    let (items, error) = walk::<Item>(server.paginator("/start"));
    assert_eq!(names(&items), expected_names(4), "each item once");
    assert!(
        matches!(
            error.as_ref().map(parts),
            Some((ErrorKind::Loop { first_page: 1, .. }, Some(2), _))
        ),
        "{error:?}"
    );
    assert_eq!(count(&a), 1);
}

#[test]
fn a_repeating_cursor_is_a_loop() {
    let server = Fixture::start();
    // c1 → c2 → c1: the cursor comes back.
    let calls = route(&server, "/cursor", |request| {
        let (items, next) = match request.param("cursor") {
            None => (body(1..=2), "c1"),
            Some("c1") => (body(3..=4), "c2"),
            Some(_) => (body(5..=6), "c1"),
        };
        let mut value = items;
        value["nextCursor"] = json!(next);
        Reply::json(value)
    });
    let (items, error) = walk::<Item>(server.paginator("/cursor"));
    assert_eq!(names(&items), expected_names(6));
    match error.as_ref().map(parts) {
        Some((
            ErrorKind::Loop {
                first_page: 2,
                next,
                ..
            },
            Some(3),
            _,
        )) => {
            assert_eq!(*next, server.url("/cursor?cursor=c1"))
        }
        other => panic!("expected a loop, got {other:?}"),
    }
    assert_eq!(count(&calls), 3);
}

#[test]
fn sentry_results_false_ends_the_walk() {
    let server = Fixture::start();
    let calls = route(&server, "/sentry", |request| {
        let cursor = request.param("cursor").unwrap_or("0:0:0");
        let base = "/sentry";
        let (items, more) = match cursor {
            "0:0:0" => (1..=2, "true"),
            _ => (3..=4, "false"),
        };
        let following = if cursor == "0:0:0" {
            "0:100:0"
        } else {
            "0:200:0"
        };
        let link = format!(
            "<{base}?cursor=0:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", \
             <{base}?cursor={following}>; rel=\"next\"; results=\"{more}\"; cursor=\"{following}\""
        );
        let items: Vec<Item> = items.map(item).collect();
        Reply::json(json!(items)).with_header("Link", &link)
    });
    let (items, error) = walk::<Item>(server.paginator("/sentry"));
    assert!(error.is_none(), "{error:?}");
    assert_eq!(names(&items), expected_names(4));
    assert_eq!(
        count(&calls),
        2,
        "no request for a next page without results"
    );
}

// ---------------------------------------------------------------- limits

#[test]
fn max_pages_makes_exactly_that_many_requests() {
    let server = Fixture::start();
    let (items, error) = walk::<Item>(
        server
            .paginator("/rest/v1.0/punch_items?per_page=5")
            .max_pages(2),
    );
    assert!(error.is_none(), "{error:?}");
    assert_eq!(names(&items), expected_names(10));
    assert_eq!(server.request_count(), 2);
}

#[test]
fn max_items_stops_inside_a_page() {
    let server = Fixture::start();
    let (items, error) = walk::<Item>(
        server
            .paginator("/rest/v1.0/punch_items?per_page=5")
            .max_items(7),
    );
    assert!(error.is_none(), "{error:?}");
    assert_eq!(names(&items), expected_names(7));
    assert_eq!(server.request_count(), 2);

    // On a page boundary, no request for the page after.
    let before = server.request_count();
    let (items, _) = walk::<Item>(
        server
            .paginator("/rest/v1.0/punch_items?per_page=5")
            .max_items(10),
    );
    assert_eq!(names(&items), expected_names(10));
    assert_eq!(server.request_count() - before, 2);

    // With pages too: the last page is cut.
    let pages: Vec<usize> = server
        .paginator("/rest/v1.0/punch_items?per_page=5")
        .max_items(7)
        .pages::<Item>()
        .map(|page| page.expect("a page").items().len())
        .collect();
    assert_eq!(pages, [5, 2]);
}

#[test]
fn max_body_size_fails_a_larger_page() {
    let server = Fixture::start();
    // 12 items of about 400 bytes: about 5 KB.
    let big = body(1..=12).to_string();
    assert!(big.len() > 4000, "{} bytes", big.len());
    let calls = route(&server, "/big", move |_| Reply::Json {
        status: 200,
        headers: Vec::new(),
        body: big.clone(),
    });
    let (items, error) = walk::<Item>(
        server
            .paginator("/big")
            .max_body_size(1000)
            .retry_policy(RetryPolicy::builder().base_delay(Duration::from_millis(1))),
    );
    assert!(items.is_empty());
    let error = error.expect("too large");
    let message = error.to_string();
    match parts(&error) {
        (ErrorKind::BodyTooLarge { limit, .. }, Some(1), Some(url)) => {
            assert_eq!(*limit, 1000);
            assert_eq!(url, server.url("/big"));
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    assert!(message.contains("1000"), "{message}");
    assert_eq!(count(&calls), 1, "a body too large is not retried");

    // The same body fits under a limit just above its size.
    let (items, error) = walk::<Item>(server.paginator("/big").max_body_size(10_000));
    assert!(error.is_none(), "{error:?}");
    assert_eq!(names(&items), expected_names(12));
}

#[test]
fn a_body_over_ten_mib_is_read_by_default() {
    let server = Fixture::start();
    // Items padded to 11 MiB in all: ureq's own 10 MiB cap must not apply.
    let padding = "x".repeat(64 * 1024);
    let count = 11 * 16 + 1;
    let data: Vec<Value> = (0..count)
        .map(|n| json!({"id": n, "padding": padding}))
        .collect();
    let big = Arc::new(json!({ "data": data }).to_string());
    assert!(big.len() > 11 * 1024 * 1024);
    let served = Arc::clone(&big);
    route(&server, "/huge", move |_| Reply::Json {
        status: 200,
        headers: Vec::new(),
        body: served.as_str().to_owned(),
    });
    let (items, error) = walk::<Value>(server.paginator("/huge"));
    assert!(error.is_none(), "{error:?}");
    assert_eq!(items.len(), count);
    assert_eq!(items[count - 1]["id"], json!(count - 1));
}

/// `{"data":[` + 200 000 spaces + `{"id":1},{"id":2}]}`, gzipped to 258 bytes.
fn gzip_bomb() -> Vec<u8> {
    const HEAD: [u8; 46] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0xc6, 0xa1, 0x0d, 0xc0,
        0x20, 0x10, 0x00, 0xc0, 0x55, 0x9a, 0xd7, 0x35, 0x54, 0xb2, 0x0a, 0x41, 0x90, 0x60, 0xf0,
        0x75, 0xe4, 0x77, 0xaf, 0xe8, 0x04, 0xf8, 0x3b, 0x75, 0x3b, 0xe6, 0x78, 0x47, 0xd4, 0x76,
        0x01,
    ];
    const TAIL: [u8; 19] = [
        0xc7, 0x76, 0xac, 0x19, 0xb5, 0xe4, 0xfd, 0xe7, 0xc9, 0x9e, 0x1f, 0xc2, 0x83, 0x56, 0xf8,
        0x5c, 0x0d, 0x03, 0x00,
    ];
    [&HEAD[..], &[0u8; 193], &TAIL[..]].concat()
}

#[test]
fn max_body_size_limits_the_decompressed_body() {
    let server = Fixture::start();
    route(&server, "/bomb", |_| Reply::Raw {
        status: 200,
        headers: vec![
            ("Content-Type".to_string(), "application/json".to_string()),
            ("Content-Encoding".to_string(), "gzip".to_string()),
        ],
        body: gzip_bomb(),
    });
    let (items, error) = walk::<Value>(server.paginator("/bomb").max_body_size(100_000));
    assert!(items.is_empty());
    assert!(
        matches!(
            error.as_ref().map(Error::kind),
            Some(ErrorKind::BodyTooLarge { limit: 100_000, .. })
        ),
        "258 bytes on the wire, 200 kB decoded: {error:?}"
    );
    // Within the limit, the same body decodes to its two items.
    let (items, error) = walk::<Value>(server.paginator("/bomb"));
    assert!(error.is_none(), "{error:?}");
    assert_eq!(items, [json!({"id": 1}), json!({"id": 2})]);
}

#[test]
fn prefetch_and_concurrency_keep_the_limits() {
    let server = Fixture::start();
    let path = "/api/v1/projects?page%5Bsize%5D=5";
    type Configure = fn(Paginator) -> Paginator;
    let variants: [(&str, Configure); 4] = [
        ("prefetch(3).max_pages(2)", |p| p.prefetch(3).max_pages(2)),
        ("prefetch(3).max_items(7)", |p| p.prefetch(3).max_items(7)),
        ("concurrency(4).max_pages(2)", |p| {
            p.concurrency(4).max_pages(2)
        }),
        ("concurrency(4).max_items(7)", |p| {
            p.concurrency(4).max_items(7)
        }),
    ];
    for (label, configure) in variants {
        let before = server.request_count();
        let (items, error) = walk::<Item>(configure(server.paginator(path)));
        assert!(error.is_none(), "{label}: {error:?}");
        let expected = if label.ends_with("max_items(7)") {
            7
        } else {
            10
        };
        assert_eq!(names(&items), expected_names(expected), "{label}");
        // Give a runaway thread time to show itself.
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(server.request_count() - before, 2, "{label}");
    }
}

#[test]
fn dropping_a_prefetching_walk_stops_it() {
    let server = Fixture::start();
    let mut items = server
        .paginator("/v2/transactions?per_page=1")
        .prefetch(2)
        .items::<Item>();
    assert_eq!(
        items.next().expect("an item").expect("no error").name,
        "item 1"
    );
    drop(items);
    std::thread::sleep(Duration::from_millis(200));
    let after_drop = server.request_count();
    // The page delivered, two ahead, and at most one in flight.
    assert!(after_drop <= 4, "{after_drop} requests for one item");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        server.request_count(),
        after_drop,
        "still fetching after drop"
    );
}

/// Serves endless empty pages at `path`, each with a new cursor.
fn endless_empty_pages(server: &Fixture, path: &str) -> Arc<AtomicUsize> {
    let served = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&served);
    route(server, path, move |_| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        Reply::json(json!({"items": [], "nextCursor": format!("c{n}")}))
    })
}

#[test]
fn endless_empty_pages_end_after_ten_by_default() {
    let server = Fixture::start();
    let calls = endless_empty_pages(&server, "/empty");
    let (items, error) = walk::<Value>(server.paginator("/empty"));
    assert!(items.is_empty());
    match error.as_ref().map(parts) {
        Some((ErrorKind::TooManyEmptyPages { count: n, .. }, Some(page), _)) => {
            assert_eq!((page, *n), (10, 10));
        }
        other => panic!("expected TooManyEmptyPages, got {other:?}"),
    }
    assert_eq!(count(&calls), 10);
}

#[test]
fn max_empty_pages_sets_the_limit() {
    let server = Fixture::start();
    let calls = endless_empty_pages(&server, "/empty");
    let (_, error) = walk::<Value>(server.paginator("/empty").max_empty_pages(3));
    assert!(
        matches!(
            error.as_ref().map(Error::kind),
            Some(ErrorKind::TooManyEmptyPages { count: 3, .. })
        ),
        "{error:?}"
    );
    assert_eq!(count(&calls), 3);
}

#[test]
fn empty_pages_between_full_ones_are_fine() {
    // Nine empty pages, one item, nine empty pages, one item, end: no run
    // reaches ten.
    let server = Fixture::start();
    let calls = route(&server, "/sparse", |request| {
        let n: u64 = request
            .param("cursor")
            .and_then(|cursor| cursor.parse().ok())
            .unwrap_or(0);
        let items: Vec<Item> = match n {
            9 => vec![item(1)],
            19 => vec![item(2)],
            _ => Vec::new(),
        };
        let next = if n < 19 { json!(n + 1) } else { json!(null) };
        Reply::json(json!({"items": items, "nextCursor": next}))
    });
    let (items, error) = walk::<Item>(server.paginator("/sparse"));
    assert!(error.is_none(), "{error:?}");
    assert_eq!(names(&items), expected_names(2));
    assert_eq!(count(&calls), 20);
}
