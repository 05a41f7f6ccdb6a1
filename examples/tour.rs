//! A tour of pagewalk: starts imitations of the four APIs the project was
//! built from on loopback, and walks each of them with the default settings.
//!
//! Run with `cargo run --example tour`.

use std::error::Error;
use std::time::Instant;

use fixture::{Fixture, Item};

/// Each seed API, and a start URL as its documentation suggests.
const APIS: &[(&str, &str)] = &[
    (
        "Procore (Link + Total headers)",
        "/rest/v1.0/punch_items?project_id=1&per_page=20",
    ),
    (
        "Laravel paginator (next_page_url)",
        "/api/v1/projects?page[size]=20&sort=name",
    ),
    (
        "Cursor API (nextCursor, nextPageUrl)",
        "/v2/transactions?per_page=20",
    ),
    (
        "links/meta API (links.next, limit)",
        "/api/v1/core/addresses?limit=20",
    ),
];

fn main() -> Result<(), Box<dyn Error>> {
    let server = Fixture::builder().items(95).start();
    println!(
        "Four paginated APIs on {}, 95 items each, default settings:\n",
        server.base()
    );
    println!(
        "{:<38} {:<44} {:>5} {:>6} {:>9}",
        "API", "detected", "pages", "items", "time"
    );
    for (name, path) in APIS {
        let started = Instant::now();
        let mut detected = String::from("(single page)");
        let (mut pages, mut items) = (0, 0);
        for page in server.paginator(path).pages::<Item>() {
            let page = page?;
            pages += 1;
            items += page.items().len();
            if let Some(strategy) = page.found_by() {
                detected = strategy.to_string();
            }
        }
        let elapsed = started.elapsed();
        println!(
            "{name:<38} {detected:<44} {pages:>5} {items:>6} {:>7.1?}",
            elapsed
        );
    }

    println!("\nThe first three items of the cursor API, typed, fetching one page:");
    for item in server
        .paginator("/v2/transactions?per_page=20")
        .items::<Item>()
        .take(3)
    {
        let item = item?;
        println!(
            "  #{} {} by {} ({} tags)",
            item.id,
            item.name,
            item.owner.login,
            item.tags.len()
        );
    }
    println!("requests served in all: {}", server.request_count());
    Ok(())
}
