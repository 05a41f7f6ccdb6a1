//! What a progress display can read from the iterators, and stopping by
//! content with the iterator adapters, lazily.

use std::time::{Duration, Instant};

use fixture::{Fixture, Item, linked_page};

#[test]
fn progress_counts_pages_items_and_the_total_without_fetching() {
    let server = Fixture::start();
    let mut items = server
        .paginator("/rest/v1.0/punch_items?per_page=5")
        .items::<Item>();
    let before = items.progress();
    assert_eq!(
        (before.pages(), before.items(), before.total()),
        (0, 0, None)
    );
    assert_eq!(server.request_count(), 0, "progress fetches nothing");
    let taken: Vec<Item> = items.by_ref().take(7).map(Result::unwrap).collect();
    assert_eq!(taken.len(), 7);
    let now = items.progress();
    assert_eq!((now.pages(), now.items(), now.total()), (2, 7, Some(23)));
    assert!(!now.is_waiting());
    assert_eq!(server.request_count(), 2);
    let mut pages = server
        .paginator("/rest/v1.0/punch_items?per_page=5")
        .pages::<Item>();
    pages.next();
    let progress = pages.progress();
    assert_eq!((progress.pages(), progress.items()), (1, 5));
}

#[test]
fn progress_says_when_the_walk_waits_for_a_rate_limit() {
    let server = Fixture::start();
    let calls = server.counted("/limited", |call, request| {
        if call == 1 {
            fixture::Reply::status(429, r#"{"message": "slow down"}"#)
                .with_header("Retry-After", "0.6")
        } else {
            linked_page("/limited", request.page(), 5, 10)
        }
    });
    let mut items = server.paginator("/limited").prefetch(1).items::<Item>();
    assert!(items.next().is_some_and(|item| item.is_ok()));
    // The background thread meets the 429 and waits: the iterator says so.
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut seen = None;
    while Instant::now() < deadline && seen.is_none() {
        let progress = items.progress();
        seen = progress.is_waiting().then(|| progress.waiting_until());
        std::thread::sleep(Duration::from_millis(5));
    }
    let until = seen.flatten().expect("the wait was seen");
    assert!(until > std::time::SystemTime::now() - Duration::from_secs(1));
    let rest: Vec<Item> = items.by_ref().map(Result::unwrap).collect();
    assert_eq!(rest.len(), 9);
    assert!(!items.progress().is_waiting());
    assert_eq!(calls.count(), 3);
}

#[test]
fn take_while_stops_fetching_at_the_first_item_that_fails_it() {
    let server = Fixture::start();
    let recent: Vec<Item> = server
        .paginator("/rest/v1.0/punch_items?per_page=5")
        .items::<Item>()
        .map(Result::unwrap)
        .take_while(|item| item.id <= 7)
        .collect();
    assert_eq!(recent.len(), 7);
    // Item 8 is on page 2: no page after it is fetched.
    assert_eq!(server.request_count(), 2);

    let pages: Vec<u64> = server
        .paginator("/rest/v1.0/punch_items?per_page=5")
        .pages::<Item>()
        .map(Result::unwrap)
        .take_while(|page| {
            page.total()
                .is_some_and(|total| page.number() * 5 < total / 2)
        })
        .map(|page| page.number())
        .collect();
    assert_eq!(pages, [1, 2]);
    assert_eq!(server.request_count(), 2 + 3);
}
