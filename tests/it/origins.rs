//! Credentials stay with the start URL's origin, through next links and
//! redirects alike; other origins and schemes are refused unless allowed.

use std::time::Duration;

use fixture::{
    Fixture, Item, Recorded, Reply, body, expected_names, linking, names, other_origin, parts, walk,
};
use pagewalk::{ErrorKind, Paginator, RetryPolicy};
use serde_json::Value;

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
        server.counted(&path, move |_, _| linking(Reply::json(body(1..=2)), &link));
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
    server.counted("/leave", move |_, _| {
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
    other.counted("/detour", move |_, _| {
        linking(Reply::json(body(3..=4)), &back)
    });
    let detour = other.url("/detour");
    server.counted("/first", move |_, _| {
        linking(Reply::json(body(1..=2)), &detour)
    });
    server.counted("/back", |_, _| Reply::json(body(5..=6)));
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
    let calls = server.counted("/moved", move |_, _| {
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
    assert_eq!(calls.count(), 1);
    assert_eq!(other.request_count(), 0);
}

#[test]
fn a_redirect_to_another_origin_is_followed_without_credentials_when_allowed() {
    let server = Fixture::start();
    let other = other_origin();
    for status in [301, 302, 303, 307, 308] {
        let path = format!("/moved-{status}");
        let location = other.url("/rest/v1.0/punch_items?per_page=5");
        server.counted(&path, move |_, _| {
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
        server.counted(&path, move |_, _| {
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
    server.counted("/first", |_, _| {
        linking(Reply::json(body(1..=2)), "/renamed")
    });
    server.counted("/renamed", |_, _| {
        Reply::status(308, "").with_header("Location", "/current?x=1")
    });
    server.counted("/current", |_, _| Reply::json(body(3..=4)));
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
    server.counted("/dir/old", |_, _| {
        Reply::status(302, "").with_header("Location", "/new/list?page=1")
    });
    server.counted("/new/list", |_, request| {
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
    server.counted("/old/conversations.list", |_, request| {
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
    let to_self = server.counted("/loop", |_, _| {
        Reply::status(302, "").with_header("Location", "/loop")
    });
    let ping = server.counted("/ping", |_, _| {
        Reply::status(307, "").with_header("Location", "/pong")
    });
    let pong = server.counted("/pong", |_, _| {
        Reply::status(307, "").with_header("Location", "/ping")
    });
    let (items, error) = walk::<Item>(with_secrets(server.paginator("/loop")));
    assert!(items.is_empty());
    match error.as_ref().map(parts) {
        Some((ErrorKind::TooManyRedirects { limit, .. }, Some(1), Some(url))) => {
            assert_eq!(url, server.url("/loop"));
            assert_eq!(to_self.count(), *limit as usize + 1);
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
    assert_eq!(ping.count() + pong.count(), 11);
}

#[test]
fn links_and_redirects_to_other_schemes_are_refused() {
    let server = Fixture::start();
    server.counted("/file-link", |_, _| {
        linking(Reply::json(body(1..=2)), "file:///etc/passwd")
    });
    server.counted("/file-redirect", |_, _| {
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
