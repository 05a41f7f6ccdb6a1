//! Limits hold exactly and iteration is lazy: `take`, `max_items` and
//! `max_pages` fetch no page they do not need, and `max_body_size` caps every
//! body, decompressed ones included.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use fixture::{Fixture, Item, Reply, body, expected_names, items_json, names, parts, walk};
use pagewalk::{Error, ErrorKind, Page, Paginator, RetryPolicy};
use serde_json::{Value, json};

const PROCORE: &str = "/rest/v1.0/punch_items";

#[test]
fn take_fetches_only_the_pages_it_needs() {
    let server = Fixture::start();
    let url = format!("{PROCORE}?per_page=20");
    let first: Vec<Item> = server
        .paginator(&url)
        .items::<Item>()
        .take(10)
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&first), expected_names(10));
    assert_eq!(server.request_count(), 1, "10 items fit on the first page");

    let server = self::Fixture::start();
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
    let server = Fixture::start();
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
        let server = Fixture::start();
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
    let server = Fixture::start();
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
    let server = Fixture::start();
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
        let server = Fixture::start();
        let got: Vec<Item> = server
            .paginator(&format!("{PROCORE}?per_page=5"))
            .max_pages(max)
            .items::<Item>()
            .collect::<Result<_, _>>()
            .expect("walks");
        assert_eq!(names(&got), expected_names(items), "max_pages({max})");
        assert_eq!(server.request_count(), requests, "max_pages({max})");
        let server = self::Fixture::start();
        let pages = server
            .paginator(&format!("{PROCORE}?per_page=5"))
            .max_pages(max)
            .pages::<Item>()
            .count();
        assert_eq!(pages, requests, "max_pages({max}), pages");
    }
}

#[test]
fn each_page_is_requested_once() {
    // One walk is one sequence of requests: no page is fetched twice.
    let server = Fixture::start();
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

#[test]
fn the_last_page_allowed_by_max_pages_needs_no_next() {
    // With max_pages(1) the next page is never wanted: an API that says
    // "more" without saying where is no error here.
    let server = Fixture::start();
    server.serve(
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
    let calls = server.counted("/big", move |_, _| Reply::Json {
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
    assert_eq!(calls.count(), 1, "a body too large is not retried");

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
    server.counted("/huge", move |_, _| Reply::Json {
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
    server.counted("/bomb", |_, _| Reply::Raw {
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
