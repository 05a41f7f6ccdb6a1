//! No endless walk: a request already sent is a loop naming both pages, and
//! runs of empty pages end.

use fixture::{
    Calls, Fixture, Item, Reply, assert_fused, assert_message, body, expected_names, item,
    items_json, linking, names, parts, until_error, walk,
};
use pagewalk::{Error, ErrorKind, Strategy};
use serde_json::{Value, json};

#[test]
fn a_next_link_back_to_a_fetched_page_is_a_loop() {
    let server = Fixture::start();
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
    let server = Fixture::start();
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
fn a_to_b_to_a_is_a_loop_naming_both_pages() {
    let server = Fixture::start();
    let a = server.counted("/a", |_, _| linking(Reply::json(body(1..=2)), "/b"));
    let b = server.counted("/b", |_, _| linking(Reply::json(body(3..=4)), "/a"));
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
    assert_eq!((a.count(), b.count()), (1, 1));
}

#[test]
fn a_page_linking_to_itself_is_a_loop() {
    let server = Fixture::start();
    let calls = server.counted("/self", |_, _| linking(Reply::json(body(1..=2)), "/self"));
    let (items, error) = walk::<Item>(server.paginator("/self"));
    assert_eq!(names(&items), expected_names(2));
    assert!(
        matches!(
            error.as_ref().map(parts),
            Some((ErrorKind::Loop { first_page: 1, .. }, Some(1), _))
        ),
        "{error:?}"
    );
    assert_eq!(calls.count(), 1);
}

#[test]
fn a_self_link_reached_through_a_redirect_is_a_loop() {
    // /items moved to /v2/items, whose next link is itself: the page must be
    // delivered once, then the loop reported, without fetching it again.
    let server = Fixture::start();
    let moved = server.counted("/items", |_, _| {
        Reply::status(301, "").with_header("Location", "/v2/items")
    });
    let page = server.counted("/v2/items", |_, _| {
        linking(Reply::json(body(1..=2)), "/v2/items")
    });
    let (items, error) = walk::<Item>(server.paginator("/items"));
    assert_eq!(
        names(&items),
        expected_names(2),
        "the page's items, once (requests: /items {}, /v2/items {})",
        moved.count(),
        page.count()
    );
    assert!(
        matches!(
            error.as_ref().map(parts),
            Some((ErrorKind::Loop { .. }, Some(1), _))
        ),
        "{error:?}"
    );
    assert_eq!((moved.count(), page.count()), (1, 1));
}

#[test]
fn a_to_b_through_a_redirect_back_to_a_is_a_loop() {
    // Page 1 at /a (after a redirect from /start) links to /b, which links
    // back to /a: /a was already fetched as page 1.
    let server = Fixture::start();
    server.counted("/start", |_, _| {
        Reply::status(302, "").with_header("Location", "/a")
    });
    let a = server.counted("/a", |_, _| linking(Reply::json(body(1..=2)), "/b"));
    server.counted("/b", |_, _| linking(Reply::json(body(3..=4)), "/a"));
    let (items, error) = walk::<Item>(server.paginator("/start"));
    assert_eq!(names(&items), expected_names(4), "each item once");
    assert!(
        matches!(
            error.as_ref().map(parts),
            Some((ErrorKind::Loop { first_page: 1, .. }, Some(2), _))
        ),
        "{error:?}"
    );
    assert_eq!(a.count(), 1);
}

#[test]
fn a_repeating_cursor_is_a_loop() {
    let server = Fixture::start();
    // c1 → c2 → c1: the cursor comes back.
    let calls = server.counted("/cursor", |_, request| {
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
    assert_eq!(calls.count(), 3);
}

/// Serves endless empty pages at `path`, each with a new cursor.
fn endless_empty_pages(server: &Fixture, path: &str) -> Calls {
    server.counted(path, |n, _| {
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
    assert_eq!(calls.count(), 10);
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
    assert_eq!(calls.count(), 3);
}

#[test]
fn empty_pages_between_full_ones_are_fine() {
    // Nine empty pages, one item, nine empty pages, one item, end: no run
    // reaches ten.
    let server = Fixture::start();
    let calls = server.counted("/sparse", |_, request| {
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
    assert_eq!(calls.count(), 20);
}

#[test]
fn one_item_again_after_empty_pages_is_a_repeat() {
    // Eight empty pages, then the same single item, each under a fresh URL:
    // the item comes once, then the walk fails naming the page it repeats.
    let server = Fixture::start();
    let calls = server.counted("/again", |_, request| {
        let n: u64 = request
            .param("cursor")
            .and_then(|cursor| cursor.parse().ok())
            .unwrap_or(0);
        let items: Vec<Item> = match n % 9 {
            0 => vec![item(1)],
            _ => Vec::new(),
        };
        Reply::json(json!({"items": items, "nextCursor": n + 1}))
    });
    let (items, error) = walk::<Item>(server.paginator("/again"));
    assert_eq!(names(&items), expected_names(1));
    assert!(
        matches!(
            error.as_ref().map(Error::kind),
            Some(ErrorKind::RepeatedPage { first_page: 1, .. })
        ),
        "{error:?}"
    );
    assert_eq!(calls.count(), 10);
}

#[test]
fn next_links_that_differ_only_in_their_fragment_are_the_same_request() {
    // `<#p2>`, `<#p3>`, ...: a fragment is never sent, so each "next page"
    // is the page already fetched.
    let server = Fixture::start();
    let calls = server.counted("/fragments", |n, _| {
        linking(Reply::json(body(1..=2)), &format!("#p{}", n + 2))
    });
    let (items, error) = walk::<Item>(server.paginator("/fragments"));
    assert_eq!(names(&items), expected_names(2), "each item once");
    assert!(
        matches!(
            error.as_ref().map(parts),
            Some((ErrorKind::Loop { first_page: 1, .. }, Some(1), _))
        ),
        "{error:?}"
    );
    assert_eq!(calls.count(), 1);
}

#[test]
fn the_same_page_under_a_changing_next_link_is_a_repeated_page() {
    // Each next link differs (a timestamp), the items never do.
    let server = Fixture::start();
    let calls = server.counted("/stuck", |n, _| {
        linking(
            Reply::json(body(1..=3)),
            &format!("/stuck?t={}", 1_700_000_000 + n),
        )
    });
    let (items, error) = walk::<Item>(server.paginator("/stuck"));
    assert_eq!(names(&items), expected_names(3), "page 1 once, never again");
    let error = error.expect("a repeated page");
    assert!(
        matches!(
            parts(&error),
            (ErrorKind::RepeatedPage { first_page: 1, .. }, Some(2), _)
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("page 2") && message.contains("page 1"),
        "{message}"
    );
    assert_eq!(calls.count(), 2);
}

#[test]
fn a_server_that_ignores_the_page_number_is_caught_on_page_two() {
    let server = Fixture::start();
    let calls = server.counted("/ignores", |_, _| Reply::json(body(1..=5)));
    for raw in [false, true] {
        let paginator = server
            .paginator("/ignores?page=1")
            .strategy(Strategy::page_number("page"));
        let (count, error) = if raw {
            let mut pages = paginator.raw_pages();
            let first = pages.next().expect("a page").expect("page 1");
            (first.len(), pages.next().and_then(Result::err))
        } else {
            let (items, error) = walk::<Item>(paginator);
            (items.len(), error)
        };
        assert_eq!(count, 5, "raw: {raw}");
        assert!(
            matches!(
                error.as_ref().map(parts),
                Some((ErrorKind::RepeatedPage { first_page: 1, .. }, Some(2), _))
            ),
            "raw: {raw}: {error:?}"
        );
    }
    assert_eq!(calls.count(), 4);
}

#[test]
fn pages_alike_but_not_identical_are_not_a_loop() {
    // Same size, same first item: only the rest tells them apart.
    let server = Fixture::start();
    server.route("/alike", |request| {
        let page = request.page();
        let mut data = vec![fixture::item_json(1), fixture::item_json(page + 1)];
        data.truncate(2);
        let next = (page < 3).then(|| format!("/alike?page={}", page + 1));
        Reply::json(json!({"data": data, "next": next}))
    });
    let (items, error) = walk::<Item>(server.paginator("/alike"));
    assert!(error.is_none(), "{error:?}");
    assert_eq!(items.len(), 6);
}
