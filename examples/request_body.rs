//! Cookbook: a cursor that travels in a `POST` body (Notion's database
//! query, HubSpot's and Intercom's searches).
//!
//! `cargo run --example request_body`

use fixture::Fixture;
use pagewalk::{Strategy, Target};
use serde_json::{Value, json};

fn main() -> Result<(), pagewalk::Error> {
    let hubspot = Fixture::start();
    let search = json!({
        "filterGroups": [{"filters": [{"propertyName": "lifecyclestage", "operator": "EQ", "value": "lead"}]}],
        "limit": 10,
    });
    let contacts: Vec<Value> = hubspot
        .paginator("/hubspot/crm/v3/objects/contacts/search")
        .body(search)
        // `paging.next.after` goes back as the body's `after`; everything
        // else in the body is sent as given.
        .strategy(Strategy::cursor(
            "/paging/next/after",
            Target::body("/after"),
        ))
        .items()
        .collect::<Result<_, _>>()?;
    println!(
        "{} contacts in {} POSTs",
        contacts.len(),
        hubspot.request_count()
    );
    assert_eq!(contacts.len(), 23);
    Ok(())
}
