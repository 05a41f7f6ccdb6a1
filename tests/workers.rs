//! The performance features, checked for what they must never get wrong:
//! one connection for a sequential walk; prefetch and concurrency keep every
//! item in order, stop their threads, and fetch no more than they may.
//!
//! No timing is asserted here (the benches measure); the only deadlines are
//! generous bounds on threads that must end.
//!
//! A test binary of its own, and every test holds [`serial`], because the
//! thread counts read from `/proc/self/task` cover the whole test process:
//! no other test may start pagewalk's threads beside these. Those counts are taken
//! when pagewalk's threads are idle or gone: with a timeout set, ureq
//! resolves the host on a new, unnamed thread for every request, and on
//! Linux that thread shows the name of the thread that spawned it
//! ("pagewalk-prefet", "pagewalk-worker") until it ends.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use fixture::{Fixture, Item, Recorded, Reply, item};
use pagewalk::{Items, Strategy};

/// `/proc/self/task/*/comm` holds at most 15 bytes of a thread's name, so
/// "pagewalk-prefetch" shows as "pagewalk-prefet".
const PREFETCH_THREAD: &str = "pagewalk-prefet";
const WORKER_THREAD: &str = "pagewalk-worker";
/// How long a stopped thread may take to go away.
const THREAD_DEADLINE: Duration = Duration::from_secs(2);

fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How many threads of this process have a name starting with `prefix`.
fn threads_named(prefix: &str) -> usize {
    let tasks = std::fs::read_dir("/proc/self/task").expect("/proc/self/task is readable");
    tasks
        .filter_map(Result::ok)
        // A thread may end between listing and reading: skip it.
        .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
        .filter(|name| name.trim_end().starts_with(prefix))
        .count()
}

/// Polls until at most `at_most` threads are named `prefix`, for up to
/// [`THREAD_DEADLINE`]; returns the last count and how long it took.
fn wait_for_threads(prefix: &str, at_most: usize) -> (usize, Duration) {
    let started = Instant::now();
    loop {
        let count = threads_named(prefix);
        if count <= at_most || started.elapsed() >= THREAD_DEADLINE {
            return (count, started.elapsed());
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Polls `condition` for up to two seconds; returns whether it became true.
fn eventually(condition: impl Fn() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(2) {
        if condition() {
            return true;
        }
        thread::sleep(Duration::from_millis(5));
    }
    condition()
}

fn all_items(items: Items<Item>) -> Vec<Item> {
    items
        .collect::<Result<_, _>>()
        .unwrap_or_else(|error| panic!("walk failed: {error}"))
}

fn expected(n: u64) -> Vec<Item> {
    (1..=n).map(item).collect()
}

fn ids(items: &[Item]) -> Vec<u64> {
    items.iter().map(|item| item.id).collect()
}

/// A page-number API with neither links nor a page count in the body, only
/// `Total` and `Per-Page` headers: `?page=N`, 10 items a page. The first
/// request for page `throttled_page`, if any, is a 429 with `Retry-After: 1`.
fn numbered_route(server: &Fixture, path: &str, total: u64, throttled_page: Option<u64>) {
    const PER_PAGE: u64 = 10;
    let throttled = AtomicBool::new(false);
    server.route(path, move |request: &Recorded| {
        let page: u64 = request
            .param("page")
            .map_or(Some(1), |page| page.parse().ok())
            .unwrap_or(0);
        if page == 0 {
            return Reply::status(400, r#"{"message":"bad page"}"#);
        }
        if throttled_page == Some(page) && !throttled.swap(true, Ordering::SeqCst) {
            return Reply::status(429, r#"{"message":"slow down"}"#)
                .with_header("Retry-After", "1");
        }
        let first = (page - 1) * PER_PAGE + 1;
        let last = (page * PER_PAGE).min(total);
        let items: Vec<Item> = (first..=last).map(item).collect();
        Reply::Json {
            status: 200,
            headers: vec![
                ("Total".to_string(), total.to_string()),
                ("Per-Page".to_string(), PER_PAGE.to_string()),
            ],
            body: serde_json::to_string(&items).expect("items serialize"),
        }
    });
}

/// The `page` parameter of every request to `path`, in arrival order.
fn pages_requested(server: &Fixture, path: &str) -> Vec<u64> {
    server
        .requests()
        .iter()
        .filter(|request| request.path == path)
        .filter_map(|request| request.param("page").map_or(Some(1), |p| p.parse().ok()))
        .collect()
}

// ---------------------------------------------------------------------------
// Connection reuse

#[test]
fn a_sequential_walk_uses_one_connection() {
    let _serial = serial();
    for path in [
        "/rest/v1.0/punch_items?per_page=10",
        "/api/v1/projects?page[size]=10",
        "/v2/transactions?per_page=10",
    ] {
        let server = Fixture::builder().items(1000).start();
        let items = all_items(server.paginator(path).items());
        assert_eq!(ids(&items), ids(&expected(1000)), "{path}");
        assert_eq!(server.request_count(), 100, "{path}: one request a page");
        assert_eq!(
            server.connection_count(),
            1,
            "{path}: 100 pages, one Paginator, one connection"
        );
    }
}

#[test]
fn a_prefetching_walk_uses_one_connection() {
    let _serial = serial();
    let server = Fixture::builder().items(500).start();
    let items = all_items(
        server
            .paginator("/rest/v1.0/punch_items?per_page=10")
            .prefetch(3)
            .items(),
    );
    assert_eq!(items.len(), 500);
    assert_eq!(server.request_count(), 50);
    assert_eq!(server.connection_count(), 1);
}

// ---------------------------------------------------------------------------
// prefetch(n)

#[test]
fn prefetch_keeps_every_item_in_order() {
    let _serial = serial();
    for n in 1..=4 {
        for path in [
            "/api/v1/projects?page[size]=10",
            "/rest/v1.0/punch_items?per_page=10",
            "/v2/transactions?per_page=10",
        ] {
            let server = Fixture::builder().items(230).start();
            let items = all_items(server.paginator(path).prefetch(n).items());
            assert_eq!(items, expected(230), "prefetch({n}) on {path}");
            assert_eq!(server.request_count(), 23, "prefetch({n}) on {path}");
        }
    }
}

/// With the consumer holding page `p`, the thread has at most `n` more:
/// `n - 1` in the channel (capacity `n - 1`, see `Prefetch::spawn`) and one
/// in hand, blocked in `send`. It can only start another request after a
/// successful send, so no request is ever in flight beyond `p + n`.
#[test]
fn dropping_a_prefetching_iterator_stops_its_thread() {
    let _serial = serial();
    const PAGE_SIZE: usize = 10;
    const TAKEN: usize = 25;
    let pages_consumed = TAKEN.div_ceil(PAGE_SIZE);
    for n in 1..=4 {
        let baseline = threads_named(PREFETCH_THREAD);
        let server = Fixture::builder().items(1000).start();
        let mut items = server
            .paginator("/rest/v1.0/punch_items?per_page=10")
            .prefetch(n)
            .items::<Item>();
        let taken: Vec<Item> = items
            .by_ref()
            .take(TAKEN)
            .collect::<Result<_, _>>()
            .expect("the first items");
        assert_eq!(taken, expected(TAKEN as u64));

        // Let the thread run as far ahead as it may.
        let bound = pages_consumed + n;
        assert!(
            eventually(|| server.request_count() >= bound),
            "prefetch({n}): the thread should fetch ahead, saw {} requests",
            server.request_count()
        );
        thread::sleep(Duration::from_millis(100));
        assert_eq!(
            server.request_count(),
            bound,
            "prefetch({n}) with {pages_consumed} pages consumed"
        );
        // Counted only now that the thread is idle: ureq's resolver threads,
        // spawned for each request, inherit the name of the thread that
        // spawns them (see the module doc).
        assert!(
            eventually(|| threads_named(PREFETCH_THREAD) == baseline + 1),
            "prefetch({n}): one thread while the walk is alive, saw {}",
            threads_named(PREFETCH_THREAD).saturating_sub(baseline)
        );

        drop(items);
        let (left, waited) = wait_for_threads(PREFETCH_THREAD, baseline);
        assert_eq!(
            left, baseline,
            "prefetch({n}): the thread is still alive {waited:?} after the drop"
        );
        assert!(
            server.request_count() <= bound,
            "prefetch({n}): {} requests after the drop, at most {bound} allowed",
            server.request_count()
        );
    }
}

/// Dropped while the thread waits for a slow response: the thread finishes
/// that one request (ureq cannot cancel it), then ends without another.
#[test]
fn dropping_during_a_request_in_flight_ends_the_thread_after_it() {
    let _serial = serial();
    for n in [1, 3] {
        let baseline = threads_named(PREFETCH_THREAD);
        let server = Fixture::builder()
            .items(1000)
            .latency(Duration::from_millis(300))
            .start();
        let mut items = server
            .paginator("/rest/v1.0/punch_items?per_page=10")
            .prefetch(n)
            .items::<Item>();
        let first = items.next().expect("an item").expect("no error");
        assert_eq!(first, item(1));
        // Page 1 has arrived, so the thread is waiting for page 2 now.
        drop(items);
        let (left, waited) = wait_for_threads(PREFETCH_THREAD, baseline);
        assert_eq!(
            left, baseline,
            "prefetch({n}): the thread is still alive {waited:?} after the drop"
        );
        // Give a request sent just before the thread ended time to arrive.
        thread::sleep(Duration::from_millis(50));
        assert!(
            server.request_count() <= 1 + n,
            "prefetch({n}): {} requests with 1 page consumed",
            server.request_count()
        );
    }
}

// ---------------------------------------------------------------------------
// concurrency(n)

/// Walks `path` with `concurrency(4)` and checks the items, the requests
/// (each page once) and that workers did run side by side.
fn check_concurrent_walk(server: &Fixture, paginator: pagewalk::Paginator, what: &str, n: u64) {
    let baseline = threads_named(WORKER_THREAD);
    let items = all_items(paginator.concurrency(4).items());
    assert_eq!(ids(&items), ids(&expected(n)), "{what}: ids in order");
    assert_eq!(items, expected(n), "{what}: items");
    assert_eq!(
        server.request_count(),
        n.div_ceil(10) as usize,
        "{what}: each page requested once"
    );
    assert!(
        server.connection_count() > 1,
        "{what}: the pages were not fetched concurrently (one connection)"
    );
    let (left, waited) = wait_for_threads(WORKER_THREAD, baseline);
    assert_eq!(
        left, baseline,
        "{what}: workers still alive {waited:?} after the walk"
    );
}

#[test]
fn concurrency_keeps_order_on_every_plannable_api() {
    let _serial = serial();
    for (what, path) in [
        (
            "Procore (Link rel=last)",
            "/rest/v1.0/punch_items?per_page=10",
        ),
        ("Laravel (last_page_url)", "/api/v1/projects?page[size]=10"),
        ("Pelcro (links.last)", "/api/v1/core/addresses?limit=10"),
        ("GitLab", "/api/v4/projects?per_page=10"),
    ] {
        // A little latency, so that the workers overlap for certain.
        let server = Fixture::builder()
            .items(230)
            .latency(Duration::from_millis(3))
            .start();
        check_concurrent_walk(&server, server.paginator(path), what, 230);
    }
}

#[test]
fn concurrency_plans_a_page_number_walk_from_total_and_per_page() {
    let _serial = serial();
    let server = Fixture::builder().latency(Duration::from_millis(3)).start();
    numbered_route(&server, "/numbered", 230, None);
    let paginator = server
        .paginator("/numbered")
        .strategy(Strategy::page_number("page"));
    check_concurrent_walk(&server, paginator, "page_number with Total + Per-Page", 230);
    let mut pages = pages_requested(&server, "/numbered");
    pages.sort_unstable();
    assert_eq!(pages, (1..=23).collect::<Vec<_>>());
}

#[test]
fn concurrency_falls_back_to_sequential_for_cursors() {
    let _serial = serial();
    let path = "/v2/transactions?per_page=10";
    let sequential = Fixture::builder().items(230).start();
    let reference = all_items(sequential.paginator(path).items());

    let baseline = threads_named(WORKER_THREAD);
    let server = Fixture::builder()
        .items(230)
        .latency(Duration::from_millis(3))
        .start();
    let mut walk = server.paginator(path).concurrency(4).items::<Item>();
    let mut items = vec![walk.next().expect("an item").expect("no error")];
    assert_eq!(
        threads_named(WORKER_THREAD),
        baseline,
        "no workers for a cursor walk"
    );
    items.extend(walk.map(|item| item.expect("no error")));
    assert_eq!(items, reference);
    assert_eq!(items, expected(230));
    assert_eq!(server.request_count(), sequential.request_count());
    assert_eq!(server.connection_count(), 1, "one request at a time");
}

/// `max_items` says "fetches no page beyond the one that holds the n-th":
/// measured exact with concurrency too, because the first (inline) page
/// tells the page size before the workers get their share of the plan.
#[test]
fn max_items_with_concurrency_fetches_only_the_pages_needed() {
    let _serial = serial();
    for max in [1u64, 10, 11, 35, 95, 100, 101] {
        let server = Fixture::builder()
            .items(1000)
            .latency(Duration::from_millis(3))
            .start();
        let items = all_items(
            server
                .paginator("/rest/v1.0/punch_items?per_page=10")
                .concurrency(4)
                .max_items(max)
                .items(),
        );
        assert_eq!(items, expected(max), "max_items({max})");
        let needed = max.div_ceil(10) as usize;
        assert_eq!(
            server.request_count(),
            needed,
            "max_items({max}) with concurrency(4): pages requested {:?}",
            pages_requested(&server, "/rest/v1.0/punch_items")
        );
    }
}

#[test]
fn workers_end_after_a_walk_and_after_a_drop() {
    let _serial = serial();
    let baseline = threads_named(WORKER_THREAD);
    let server = Fixture::builder()
        .items(1000)
        .latency(Duration::from_millis(20))
        .start();
    let path = "/rest/v1.0/punch_items?per_page=10";

    // Dropped mid-walk: the waiting workers wake up and leave, the busy ones
    // after their request.
    let mut walk = server.paginator(path).concurrency(4).items::<Item>();
    let taken: Vec<Item> = walk
        .by_ref()
        .take(15)
        .collect::<Result<_, _>>()
        .expect("the first items");
    assert_eq!(taken, expected(15));
    assert!(
        eventually(|| threads_named(WORKER_THREAD) == baseline + 4),
        "four workers expected during the walk, saw {}",
        threads_named(WORKER_THREAD)
    );
    drop(walk);
    let (left, waited) = wait_for_threads(WORKER_THREAD, baseline);
    assert_eq!(
        left, baseline,
        "workers still alive {waited:?} after the drop"
    );
    // The reorder window bounds what was fetched: page 1 inline, page 2
    // delivered, then at most 2 × 4 pages from the one awaited on.
    let requests = server.request_count();
    assert!(requests <= 2 + 8, "{requests} requests for 2 pages used");

    // Walked to the end.
    let server = Fixture::builder()
        .items(200)
        .latency(Duration::from_millis(3))
        .start();
    let items = all_items(server.paginator(path).concurrency(4).items());
    assert_eq!(items, expected(200));
    let (left, waited) = wait_for_threads(WORKER_THREAD, baseline);
    assert_eq!(
        left, baseline,
        "workers still alive {waited:?} after the walk"
    );
}

#[test]
fn a_429_during_a_concurrent_walk_is_retried_in_order() {
    let _serial = serial();
    let server = Fixture::builder().latency(Duration::from_millis(3)).start();
    numbered_route(&server, "/limited", 100, Some(3));
    let paginator = server
        .paginator("/limited")
        .strategy(Strategy::page_number("page"));
    let items = all_items(paginator.concurrency(4).items());
    assert_eq!(items, expected(100));
    let pages = pages_requested(&server, "/limited");
    assert_eq!(
        pages.iter().filter(|page| **page == 3).count(),
        2,
        "page 3 is asked for again after its 429: {pages:?}"
    );
    let unique: HashSet<u64> = pages.iter().copied().collect();
    assert_eq!(unique, (1..=10).collect(), "{pages:?}");
    assert_eq!(pages.len(), 11, "only page 3 twice: {pages:?}");
    assert!(server.connection_count() > 1, "the walk was concurrent");
}
