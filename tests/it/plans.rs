//! Concurrency gives exactly the sequential result, or does not plan: a plan
//! is a guess made from the first page, checked against every page's own next
//! request, and dropped at the first page where the two differ. And an empty
//! page where the response says there is more is an error in every mode.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use fixture::{Fixture, Recorded, Reply, drain, items_json};
use pagewalk::{ErrorKind, Paginator, Strategy};
use serde_json::{Value, json};

/// An offset API over `total` items (`?offset=&limit=`, the total in
/// `X-Total-Count`) whose limit is only a maximum: it serves `size(offset)`
/// items at most.
fn capped_offsets(server: &Fixture, path: &str, total: u64, size: fn(u64) -> u64) {
    server.route(path, move |request: &Recorded| {
        let number = |name: &str| request.param(name).and_then(|v| v.parse::<u64>().ok());
        let offset = number("offset").unwrap_or(0);
        let limit = number("limit").unwrap_or(100);
        let end = (offset + limit.min(size(offset))).min(total);
        Reply::json(json!({"results": items_json(offset + 1..=end)}))
            .with_header("X-Total-Count", &total.to_string())
    });
}

/// Every item's `id` and the error, if any, from `paginator`.
fn ids(paginator: Paginator) -> (Vec<u64>, Option<pagewalk::Error>) {
    let (items, error) = drain(&mut paginator.items::<Value>());
    let ids = items
        .iter()
        .map(|item| item["id"].as_u64().unwrap_or(0))
        .collect();
    (ids, error)
}

fn offsets(server: &Fixture, path: &str) -> Paginator {
    server
        .paginator(&format!("{path}?limit=20"))
        .strategy(Strategy::offset("offset"))
}

#[test]
fn offset_pages_shorter_or_longer_than_the_first_give_the_sequential_result() {
    let server = Fixture::start();
    // Later pages shorter than the first (20, then 10 at a time), or longer
    // (10, then 20): a plan stepping by the first page's size loses or
    // repeats items.
    capped_offsets(
        &server,
        "/shorter",
        60,
        |offset| if offset == 0 { 20 } else { 10 },
    );
    capped_offsets(
        &server,
        "/longer",
        60,
        |offset| if offset == 0 { 10 } else { 20 },
    );
    let all: Vec<u64> = (1..=60).collect();
    for path in ["/shorter", "/longer"] {
        let (sequential, error) = ids(offsets(&server, path));
        assert!(error.is_none(), "{path}: {error:?}");
        assert_eq!(sequential, all, "{path}: sequentially");
        for (concurrency, prefetch) in [(4, 0), (4, 2), (2, 1)] {
            let (got, error) = ids(offsets(&server, path)
                .concurrency(concurrency)
                .prefetch(prefetch));
            assert!(error.is_none(), "{path}: {error:?}");
            assert_eq!(
                got, all,
                "{path}: concurrency {concurrency}, prefetch {prefetch}"
            );
        }
    }
    // The plans were made, and dropped: workers asked for offsets that the
    // pages themselves never led to.
    let asked: Vec<String> = server
        .requests()
        .iter()
        .filter(|request| request.path == "/longer")
        .filter_map(|request| request.param("offset").map(str::to_owned))
        .collect();
    assert!(asked.iter().any(|offset| offset == "20"), "{asked:?}");
}

#[test]
fn a_dropped_plan_keeps_the_checkpoint_exact() {
    let server = Fixture::start();
    capped_offsets(
        &server,
        "/capped",
        60,
        |offset| if offset == 0 { 20 } else { 10 },
    );
    let all: Vec<u64> = (1..=60).collect();
    for stop in [5, 20, 21, 35, 59] {
        let mut items = offsets(&server, "/capped").concurrency(4).items::<Value>();
        let first: Vec<u64> = items
            .by_ref()
            .take(stop)
            .map(|item| item.expect("an item")["id"].as_u64().unwrap_or(0))
            .collect();
        let checkpoint = items.checkpoint();
        drop(items);
        let (rest, error) = ids(offsets(&server, "/capped")
            .concurrency(4)
            .resume_from(checkpoint));
        assert!(error.is_none(), "{error:?}");
        assert_eq!([first, rest].concat(), all, "stopped after {stop}");
    }
}

#[test]
fn a_short_page_before_the_last_gives_the_sequential_result() {
    // Page 3 of 6 is short (an item was deleted): numbered pages still go on.
    let server = Fixture::start();
    let calls = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&calls);
    server.route("/numbered", move |request: &Recorded| {
        counter.fetch_add(1, Ordering::SeqCst);
        let page = request.page();
        let first = (page - 1) * 5 + 1;
        let last = if page == 3 { first + 2 } else { first + 4 };
        let items = if page <= 6 {
            items_json(first..=last)
        } else {
            Vec::new()
        };
        Reply::json(json!({"data": items, "current_page": page, "last_page": 6}))
    });
    let walk = |concurrency| {
        ids(server
            .paginator("/numbered")
            .strategy(Strategy::page_number("page"))
            .concurrency(concurrency))
    };
    let (sequential, error) = walk(1);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(sequential.len(), 28);
    let before = calls.load(Ordering::SeqCst);
    let (concurrent, error) = walk(4);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(concurrent, sequential);
    assert_eq!(calls.load(Ordering::SeqCst) - before, 6, "each page once");
}

#[test]
fn an_empty_page_where_the_response_says_more_is_an_error_in_every_mode() {
    // Page 6 of 10 comes back empty, although it says `current_page: 6,
    // last_page: 10`: 25 of 45 items would be a silent half.
    let server = Fixture::start();
    server.route("/holes", |request: &Recorded| {
        let page = request.page();
        let items = if page < 6 {
            items_json((page - 1) * 5 + 1..=page * 5)
        } else {
            Vec::new()
        };
        Reply::json(json!({
            "data": items, "current_page": page, "last_page": 10, "per_page": 5, "total": 45,
        }))
    });
    for (concurrency, prefetch) in [(1, 0), (1, 2), (4, 0), (4, 1)] {
        let (got, error) = ids(server
            .paginator("/holes")
            .strategy(Strategy::page_number("page"))
            .concurrency(concurrency)
            .prefetch(prefetch));
        assert_eq!(
            got,
            (1..=25).collect::<Vec<u64>>(),
            "concurrency {concurrency}"
        );
        let error = error.unwrap_or_else(|| panic!("concurrency {concurrency}: ended quietly"));
        assert_eq!(error.page(), Some(6));
        match error.kind() {
            ErrorKind::NextNotFound { evidence, .. } => {
                assert!(
                    evidence.contains("6") && evidence.contains("10"),
                    "{evidence}"
                )
            }
            other => panic!("concurrency {concurrency}: {other:?}"),
        }
    }
}

#[test]
fn an_empty_offset_page_short_of_the_total_is_an_error() {
    let server = Fixture::start();
    server.route("/offset-holes", |request: &Recorded| {
        let offset: u64 = request
            .param("offset")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let items = if offset < 20 {
            items_json(offset + 1..=offset + 10)
        } else {
            Vec::new()
        };
        Reply::json(json!({"results": items})).with_header("X-Total-Count", "45")
    });
    for concurrency in [1, 4] {
        let (got, error) = ids(server
            .paginator("/offset-holes?limit=10")
            .strategy(Strategy::offset("offset"))
            .concurrency(concurrency));
        assert_eq!(got.len(), 20, "concurrency {concurrency}");
        match error.as_ref().map(|error| error.kind()) {
            Some(ErrorKind::NextNotFound { evidence, .. }) => {
                assert_eq!(evidence, "offset 20 is empty, of 45 items")
            }
            other => panic!("concurrency {concurrency}: {other:?}"),
        }
    }
}
