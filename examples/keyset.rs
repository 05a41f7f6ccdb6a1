//! Cookbook: Stripe-style keyset pagination, the last item's id sent as
//! `starting_after` while `has_more` is true.
//!
//! `cargo run --example keyset`

use fixture::Fixture;
use pagewalk::Strategy;

#[derive(Debug, serde::Deserialize)]
struct Customer {
    id: String,
    name: String,
}

fn main() -> Result<(), pagewalk::Error> {
    let stripe = Fixture::start();
    let customers = stripe
        .paginator("/v1/customers?limit=10")
        .strategy(Strategy::keyset("starting_after", "/id"))
        .items::<Customer>()
        .collect::<Result<Vec<_>, _>>()?;
    let last = customers.last().expect("customers");
    println!(
        "{} customers, the last {} ({})",
        customers.len(),
        last.id,
        last.name
    );
    assert_eq!(customers.len(), 23);
    Ok(())
}
