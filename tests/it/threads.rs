//! Background threads (prefetch, concurrency) behave as the walk would
//! without them: they start lazily, stop when dropped, stop where the server
//! says the walk ends, and never turn a panic into a quiet end.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use fixture::{Fixture, Item, Reply};
use pagewalk::{ErrorKind, Paginator, RetryPolicy, Strategy};
use serde::Deserialize;
use serde_json::{Value, json};

/// An item whose `Deserialize` panics on id 7, as a buggy user impl might.
#[derive(Debug)]
struct Fragile;

impl<'de> Deserialize<'de> for Fragile {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        assert_ne!(value["id"], json!(7), "a panicking Deserialize impl");
        Ok(Fragile)
    }
}

#[derive(Debug, Deserialize, PartialEq)]
struct Id {
    id: u64,
}

/// `pages` pages of `per` items, each page claiming `last_page`.
fn numbered_route(server: &Fixture, path: &str, pages: u64, per: u64, last_page: u64) {
    server.route(path, move |request| {
        let page: u64 = request
            .param("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let items: Vec<Value> = if page <= pages {
            ((page - 1) * per + 1..=page * per)
                .map(|id| json!({ "id": id }))
                .collect()
        } else {
            Vec::new()
        };
        Reply::json(json!({ "data": items, "last_page": last_page }))
    });
}

/// Runs `walk` on another thread and gives up after 10 s, so a hang fails the test.
fn within_10s<R: Send + 'static>(walk: impl FnOnce() -> R + Send + 'static) -> R {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let _ = sender.send(catch_unwind(AssertUnwindSafe(walk)));
    });
    match receiver.recv_timeout(Duration::from_secs(10)) {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("the walk hung"),
    }
}

fn panics(walk: impl FnOnce() + Send + 'static) -> bool {
    within_10s(move || catch_unwind(AssertUnwindSafe(walk)).is_err())
}

#[test]
fn a_panic_in_deserialize_reaches_the_caller_with_prefetch() {
    let server = Fixture::start();
    numbered_route(&server, "/p", 5, 3, 5);
    let paginator = server
        .paginator("/p")
        .strategy(Strategy::page_number("page"))
        .prefetch(1);
    assert!(panics(move || {
        paginator.items::<Fragile>().for_each(drop);
    }));
}

#[test]
fn a_panic_in_deserialize_reaches_the_caller_with_concurrency() {
    let server = Fixture::start();
    numbered_route(&server, "/c", 8, 3, 8);
    let paginator = server
        .paginator("/c")
        .strategy(Strategy::page_number("page"))
        .concurrency(2);
    assert!(panics(move || {
        paginator.items::<Fragile>().for_each(drop);
    }));
}

#[test]
fn planned_pages_stop_where_the_walk_would_stop_without_them() {
    let server = Fixture::start();
    // The first page claims 30 pages, but only 3 have items (rows were
    // deleted since): the empty page 4 says there should be more.
    numbered_route(&server, "/s", 3, 2, 30);
    for concurrency in [1, 4] {
        let paginator = server
            .paginator("/s")
            .strategy(Strategy::page_number("page"))
            .concurrency(concurrency);
        let (ids, error) = within_10s(move || {
            let (items, error) = fixture::drain(&mut paginator.items::<Id>());
            (
                items.into_iter().map(|item| item.id).collect::<Vec<u64>>(),
                error,
            )
        });
        assert_eq!(ids, [1, 2, 3, 4, 5, 6], "concurrency {concurrency}");
        let error = error.expect("an empty page too soon");
        assert_eq!(error.page(), Some(4), "concurrency {concurrency}");
        match error.kind() {
            ErrorKind::NextNotFound { evidence, .. } => {
                assert_eq!(evidence, "page 4 is empty, of 30 pages")
            }
            other => panic!("concurrency {concurrency}: {other:?}"),
        }
    }
}

#[test]
fn prefetch_and_concurrency_together_keep_every_item_in_order() {
    let server = Fixture::builder().items(23).start();
    for (prefetch, concurrency) in [(3, 3), (1, 4), (4, 1)] {
        let paginator = server
            .paginator("/api/v1/projects?page[size]=3")
            .prefetch(prefetch)
            .concurrency(concurrency);
        let names: Vec<String> = within_10s(move || {
            paginator
                .items::<fixture::Item>()
                .map(|item| item.expect("no error").name)
                .collect()
        });
        assert_eq!(
            names,
            fixture::expected_names(23),
            "prefetch {prefetch}, concurrency {concurrency}"
        );
    }
}

#[test]
fn prefetch_fetches_nothing_before_the_first_next() {
    let server = Fixture::start();
    let mut items = server
        .paginator("/v2/transactions?per_page=5")
        .prefetch(3)
        .items::<Value>();
    thread::sleep(Duration::from_millis(100));
    assert_eq!(server.request_count(), 0, "no request before next()");
    assert!(items.next().is_some());
    assert!(server.request_count() >= 1);
}

#[test]
fn dropping_a_prefetching_iterator_cancels_its_retries() {
    let server = Fixture::start();
    // Page 1 comes at once; page 2 answers "busy, retry in a second", forever.
    let next = server.url("/busy?page=2");
    server.route("/busy", move |request| match request.param("page") {
        None => Reply::json(json!({ "data": [1], "next_page_url": next })),
        Some(_) => Reply::status(503, "busy").with_header("Retry-After", "1"),
    });
    let policy = RetryPolicy::builder().retries(10);
    let mut items = server
        .paginator("/busy")
        .retry_policy(policy)
        .prefetch(1)
        .items::<Value>();
    assert!(items.next().is_some_and(|item| item.is_ok()));
    // The background thread is now retrying page 2.
    let started = Instant::now();
    while server.request_count() < 2 && started.elapsed() < Duration::from_secs(5) {
        thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(server.request_count(), 2, "page 1, then page 2's first try");
    drop(items);
    // Without cancellation the thread would retry every second, ten times.
    thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        server.request_count(),
        2,
        "no retry after the iterator was dropped"
    );
}

#[test]
fn prefetch_and_concurrency_accept_absurd_values() {
    let server = Fixture::builder().items(7).start();
    let paginator = server
        .paginator("/api/v1/projects?page[size]=2")
        .prefetch(usize::MAX)
        .concurrency(usize::MAX);
    let items: Vec<Value> = within_10s(move || {
        paginator
            .items::<Value>()
            .collect::<Result<_, _>>()
            .expect("no error")
    });
    assert_eq!(items.len(), 7);
}

#[test]
fn iterators_are_send_with_threads_running() {
    fn assert_send<T: Send>(_: &T) {}
    let items = Paginator::new("http://127.0.0.1:9/")
        .prefetch(2)
        .items::<Value>();
    assert_send(&items);
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
