//! Cookbook: a cursor API (Slack, Google, Kubernetes), detected, and the
//! same walk with the strategy named explicitly.
//!
//! `cargo run --example cursor`

use fixture::Fixture;
use pagewalk::Strategy;
use serde_json::Value;

fn main() -> Result<(), pagewalk::Error> {
    let slack = Fixture::start();
    // Detected: `response_metadata.next_cursor`, sent back as `?cursor=`.
    let detected: Vec<Value> = slack
        .paginator("/api/conversations.list?limit=10")
        .items()
        .collect::<Result<_, _>>()?;
    // Named: the same walk, whatever the response happens to hold.
    let named: Vec<Value> = slack
        .paginator("/api/conversations.list?limit=10")
        .strategy(Strategy::cursor("/response_metadata/next_cursor", "cursor"))
        .items_at("/channels")
        .items()
        .collect::<Result<_, _>>()?;
    println!(
        "{} channels detected, {} named",
        detected.len(),
        named.len()
    );
    assert_eq!(detected, named);
    Ok(())
}
