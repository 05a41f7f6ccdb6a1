//! Cookbook: concurrency with a rate limit. Pages numbered in advance are
//! fetched four at a time; a 429 with `Retry-After` pauses every thread of
//! the walk, and the items still come out in order.
//!
//! `cargo run --example concurrency`

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use fixture::{Fixture, Item, Reply, linked_page};

fn main() -> Result<(), pagewalk::Error> {
    let api = Fixture::builder().workers(4).start();
    let served = AtomicUsize::new(0);
    api.route("/numbered", move |request| {
        // The fifth request is rate limited once.
        if served.fetch_add(1, Ordering::SeqCst) == 4 {
            return Reply::status(429, r#"{"message": "slow down"}"#)
                .with_header("Retry-After", "0.2");
        }
        linked_page("/numbered", request.page(), 10, 200)
    });
    let started = Instant::now();
    let items: Vec<Item> = api
        .paginator("/numbered?page=1")
        .concurrency(4)
        .items()
        .collect::<Result<_, _>>()?;
    println!(
        "{} items in {} requests, {:.0?}, in order: {}",
        items.len(),
        api.request_count(),
        started.elapsed(),
        items.windows(2).all(|pair| pair[0].id < pair[1].id)
    );
    assert_eq!(items.len(), 200);
    Ok(())
}
