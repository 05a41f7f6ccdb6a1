//! Cookbook: resuming after a crash. The checkpoint is taken between items
//! and stored as JSON; the resumed walk yields each remaining item exactly
//! once.
//!
//! `cargo run --example resume`

use fixture::{Fixture, Item};
use pagewalk::Checkpoint;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let api = Fixture::start();
    let walk = || api.paginator("/api/v1/projects?page[size]=5");

    let mut items = walk().items::<Item>();
    let first: Vec<Item> = items.by_ref().take(8).collect::<Result<_, _>>()?;
    // What a program would write to disk before it is killed.
    let saved = serde_json::to_string(&items.checkpoint())?;
    drop(items);

    let checkpoint: Checkpoint = serde_json::from_str(&saved)?;
    let rest: Vec<Item> = walk()
        .resume_from(checkpoint)
        .items()
        .collect::<Result<_, _>>()?;
    println!(
        "{} items, then {} more after the resume",
        first.len(),
        rest.len()
    );
    assert_eq!(rest.first().map(|item| item.id), Some(9));
    assert_eq!(first.len() + rest.len(), 23);
    Ok(())
}
