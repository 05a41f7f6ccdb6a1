//! Cookbook: a custom strategy for an API no built-in rule knows, here one
//! that names its next page only in a header of its own invention.
//!
//! `cargo run --example custom_strategy`

use fixture::{Fixture, Recorded, Reply, item_json};
use pagewalk::Strategy;
use serde_json::{Value, json};

fn main() -> Result<(), pagewalk::Error> {
    let acme = Fixture::start();
    acme.route("/things", |request: &Recorded| {
        let from: u64 = request
            .param("from")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let end = (from + 5).min(23);
        let reply =
            Reply::json(json!({"things": (from + 1..=end).map(item_json).collect::<Vec<_>>()}));
        if end < 23 {
            reply.with_header("X-Acme-Continue", &end.to_string())
        } else {
            reply
        }
    });
    let strategy = Strategy::custom(|page| {
        let Some(next) = page.headers().get("X-Acme-Continue") else {
            return Ok(None);
        };
        let next = next
            .to_str()
            .map_err(|_| "X-Acme-Continue is not text".to_owned())?;
        Ok(Some(page.request().clone().with_query("from", next)))
    });
    let things: Vec<Value> = acme
        .paginator("/things")
        .strategy(strategy)
        .items()
        .collect::<Result<_, _>>()?;
    println!(
        "{} things in {} requests",
        things.len(),
        acme.request_count()
    );
    assert_eq!(things.len(), 23);
    Ok(())
}
