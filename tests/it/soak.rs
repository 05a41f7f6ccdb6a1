//! Soak: thousands of pages through a server that fails often (503, 429,
//! connection resets), sequentially, with prefetch, and with concurrency and
//! prefetch together over pages of varying size. Every item must arrive
//! exactly once, in order.
//!
//! Ignored by default; CI runs it in release with fewer pages:
//!
//! ```text
//! PAGEWALK_SOAK_PAGES=1000 cargo test --release --all-features --test it soak -- --ignored --nocapture
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use fixture::{FaultPlan, Fixture, Item, Reply, item};
use pagewalk::{Paginator, RetryPolicy, Strategy};

/// How many pages to walk: `PAGEWALK_SOAK_PAGES`, else 10 000.
fn soak_pages() -> usize {
    match std::env::var("PAGEWALK_SOAK_PAGES") {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("PAGEWALK_SOAK_PAGES={text:?} is not a number")),
        Err(_) => 10_000,
    }
}

/// A server with `pages` items and faults on about 17% of the requests.
fn faulty_server(pages: usize, seed: u64) -> Fixture {
    Fixture::builder()
        .items(pages)
        .faults(FaultPlan {
            seed,
            p503: 0.10,
            p429: 0.05,
            preset: 0.02,
        })
        .start()
}

/// Retries enough that a run of faults never ends the walk, with tiny backoffs.
fn patient() -> RetryPolicy {
    RetryPolicy::builder()
        .retries(10)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
        .build()
}

/// Walks `paginator` (one item a page) and checks that item `1..=pages`
/// arrived exactly once, in order; prints what it took.
fn soak(label: &str, server: &Fixture, paginator: Paginator, pages: usize) {
    let started = Instant::now();
    let mut expected = 1u64;
    for result in paginator.items::<Item>() {
        let got = result
            .unwrap_or_else(|error| panic!("{label}: error after {} items: {error}", expected - 1));
        assert_eq!(got, item(expected), "{label}: item {expected}");
        expected += 1;
    }
    let elapsed = started.elapsed();
    let delivered = expected - 1;
    assert_eq!(delivered, pages as u64, "{label}: every item exactly once");
    let faults = server.injected_faults();
    eprintln!(
        "soak {label}: {pages} pages, {} requests, {faults} injected faults, {} connections, {elapsed:.2?}",
        server.request_count(),
        server.connection_count(),
    );
    assert!(faults > 0, "{label}: the fault plan injected nothing");
    // One request per page, plus one per fault (a faulted request is retried).
    assert_eq!(
        server.request_count(),
        pages + faults,
        "{label}: no request beyond the retries of the faults"
    );
}

#[test]
#[ignore = "soak test: run with --ignored (PAGEWALK_SOAK_PAGES sets the size)"]
fn soak_cursor_pages_through_faults() {
    let pages = soak_pages();
    let server = faulty_server(pages, 0x5EED_0001);
    let paginator = server
        .paginator("/v2/transactions?per_page=1")
        .retry_policy(patient());
    soak("cursor", &server, paginator, pages);
}

#[test]
#[ignore = "soak test: run with --ignored (PAGEWALK_SOAK_PAGES sets the size)"]
fn soak_link_header_pages_through_faults_with_prefetch() {
    let pages = soak_pages();
    let server = faulty_server(pages, 0x5EED_0002);
    let paginator = server
        .paginator("/rest/v1.0/punch_items?per_page=1")
        .retry_policy(patient())
        .prefetch(4);
    soak("link header + prefetch", &server, paginator, pages);
}

/// Numbered pages of 1 to 5 items each (a fixed pattern), `last_page` on
/// every page, faults injected by `plan`: a walk that concurrency can plan,
/// with pages that are not all the size of the first.
fn varying_pages(server: &Fixture, path: &str, pages: u64, plan: FaultPlan) -> Arc<AtomicU64> {
    let size = |page: u64| 1 + (page * 7) % 5;
    let starts: Vec<u64> = (1..=pages)
        .scan(1, |next, page| {
            let start = *next;
            *next += size(page);
            Some(start)
        })
        .collect();
    let faults = Arc::new(AtomicU64::new(0));
    let (served, injected) = (Arc::new(AtomicU64::new(0)), Arc::clone(&faults));
    server.route(path, move |request| {
        if let Some(fault) = plan.fault(served.fetch_add(1, Ordering::SeqCst)) {
            injected.fetch_add(1, Ordering::SeqCst);
            return fault;
        }
        let page = request.page();
        let items = match starts.get(page as usize - 1) {
            Some(&start) => fixture::items_json(start..start + size(page)),
            None => Vec::new(),
        };
        Reply::json(serde_json::json!({"data": items, "current_page": page, "last_page": pages}))
    });
    faults
}

#[test]
#[ignore = "soak test: run with --ignored (PAGEWALK_SOAK_PAGES sets the size)"]
fn soak_concurrency_and_prefetch_through_faults_with_pages_of_varying_size() {
    let pages = soak_pages() as u64;
    let server = Fixture::start();
    let plan = FaultPlan {
        seed: 0x5EED_0003,
        p503: 0.10,
        p429: 0.05,
        preset: 0.02,
    };
    let faults = varying_pages(&server, "/varying", pages, plan);
    let started = Instant::now();
    let mut expected = 1u64;
    let walk = server
        .paginator("/varying")
        .strategy(Strategy::page_number("page"))
        .retry_policy(patient())
        .concurrency(4)
        .prefetch(2);
    for result in walk.items::<Item>() {
        let got =
            result.unwrap_or_else(|error| panic!("error after {} items: {error}", expected - 1));
        assert_eq!(got, item(expected), "item {expected}");
        expected += 1;
    }
    let total: u64 = (1..=pages).map(|page| 1 + (page * 7) % 5).sum();
    assert_eq!(expected - 1, total, "every item exactly once");
    let faults = faults.load(Ordering::SeqCst);
    assert!(faults > 0, "the fault plan injected nothing");
    assert_eq!(
        server.request_count() as u64,
        pages + faults,
        "each page once, plus the retries of the faults"
    );
    eprintln!(
        "soak concurrency(4) + prefetch(2): {pages} pages of 1 to 5 items, {} requests, {faults} injected faults, {:.2?}",
        server.request_count(),
        started.elapsed()
    );
}
