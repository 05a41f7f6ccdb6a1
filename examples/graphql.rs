//! Cookbook: a GraphQL connection (GitHub, Shopify): `endCursor` into the
//! variable the query passes to `after:`, detected from the query.
//!
//! `cargo run --example graphql`

use fixture::Fixture;
use serde_json::{Value, json};

const QUERY: &str = "query($cursor: String) {
  repository(owner: \"octocat\", name: \"Spoon-Knife\") {
    issues(first: 10, after: $cursor) {
      nodes { id name }
      pageInfo { hasNextPage endCursor }
    }
  }
}";

fn main() -> Result<(), pagewalk::Error> {
    let github = Fixture::start();
    let issues: Vec<Value> = github
        .paginator("/github/graphql")
        .header("Authorization", "Bearer ghp_...")
        .body(json!({"query": QUERY, "variables": {}}))
        .items()
        .collect::<Result<_, _>>()?;
    println!("{} issues, first {}", issues.len(), issues[0]["name"]);
    assert_eq!(issues.len(), 23);
    Ok(())
}
