//! GraphQL connections walked end to end against the fixture's imitations
//! of GitHub's (`nodes`, `$cursor`) and Shopify's (`edges { cursor node }`,
//! `$endCursor`) APIs: detected and chosen, the exact requests, resume, and
//! `errors` as errors.

use fixture::{Fixture, Reply, value_ids};
use pagewalk::{ErrorKind, Paginator, Strategy};
use serde_json::{Value, json};

use super::replay::{Sent, assert_chain, assert_resumes, collect};

const GITHUB: &str = "/github/graphql";
const GITHUB_QUERY: &str = "query($owner: String!, $name: String!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    issues(first: 10, after: $cursor, states: OPEN) {
      totalCount
      nodes { id name }
      pageInfo { hasNextPage endCursor }
    }
  }
}";

fn github_body() -> Value {
    json!({"query": GITHUB_QUERY, "variables": {"owner": "octocat", "name": "Spoon-Knife"}})
}

fn github(server: &Fixture, strategy: Strategy) -> Paginator {
    server
        .paginator(GITHUB)
        .header("Authorization", "Bearer ghp_test")
        .body(github_body())
        .strategy(strategy)
}

/// The next request of a connection walk: `endCursor` into `variable`
/// while `hasNextPage`.
fn next_page(
    connection: &'static str,
    variable: &'static str,
) -> impl Fn(&super::replay::Answer, &Sent) -> Option<Sent> {
    move |answer, sent| {
        let page_info = answer.body.pointer(&format!("{connection}/pageInfo"))?;
        if page_info["hasNextPage"] != true {
            return None;
        }
        Some(sent.with_field(
            &format!("/variables/{variable}"),
            page_info["endCursor"].clone(),
        ))
    }
}

#[test]
fn github_connection_is_detected_and_walked_through_cursor() {
    for strategy in [Strategy::auto(), Strategy::graphql()] {
        let server = Fixture::start();
        let items = collect(github(&server, strategy.clone()));
        assert_eq!(
            value_ids(&items),
            (1..=23).collect::<Vec<_>>(),
            "{strategy}"
        );
        let sent = assert_chain(
            &server,
            0,
            Sent::new("POST", GITHUB, Some(github_body())),
            next_page("/data/repository/issues", "cursor"),
        );
        assert_eq!(sent, 3, "{strategy}");
    }
}

#[test]
fn github_resumes_from_the_middle() {
    let server = Fixture::start();
    assert_resumes(
        &server,
        &|| github(&server, Strategy::auto()),
        &[0, 4, 10, 15, 23],
    );
}

#[test]
fn github_errors_are_errors_quoting_them() {
    let server = Fixture::start();
    let mut body = github_body();
    body["variables"]["cursor"] = json!("forged");
    let (items, error) = fixture::walk::<Value>(
        server
            .paginator(GITHUB)
            .header("Authorization", "Bearer ghp_test")
            .body(body),
    );
    assert!(items.is_empty());
    let error = error.expect("an error");
    assert!(
        matches!(error.kind(), ErrorKind::ApiError { .. }),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("`forged` does not appear to be a valid cursor"),
        "{error}"
    );

    let (_, error) = fixture::walk::<Value>(server.paginator(GITHUB).body(github_body()));
    let error = error.expect("an error without a token");
    assert!(
        matches!(error.kind(), ErrorKind::Status { status: 401, .. }),
        "{error}"
    );
}

const SHOPIFY: &str = "/shopify/admin/api/2024-01/graphql.json";
const SHOPIFY_QUERY: &str = "query($first: Int!, $endCursor: String) {
  products(first: $first, after: $endCursor) {
    edges { cursor node { id name } }
    pageInfo { hasNextPage endCursor }
  }
}";

fn shopify_body() -> Value {
    json!({"query": SHOPIFY_QUERY, "variables": {"first": 7}})
}

fn shopify(server: &Fixture, strategy: Strategy) -> Paginator {
    server
        .paginator(SHOPIFY)
        .header("X-Shopify-Access-Token", "shpat_test")
        .body(shopify_body())
        .strategy(strategy)
}

#[test]
fn shopify_edges_are_walked_through_end_cursor() {
    for strategy in [Strategy::auto(), Strategy::graphql_variable("endCursor")] {
        let server = Fixture::start();
        let items = collect(shopify(&server, strategy.clone()));
        // The items are the edges' nodes, not the edges.
        assert_eq!(
            value_ids(&items),
            (1..=23).collect::<Vec<_>>(),
            "{strategy}"
        );
        assert!(items.iter().all(|item| item.get("cursor").is_none()));
        let sent = assert_chain(
            &server,
            0,
            Sent::new("POST", SHOPIFY, Some(shopify_body())),
            next_page("/data/products", "endCursor"),
        );
        assert_eq!(sent, 4, "{strategy}");
    }
}

#[test]
fn shopify_resumes_from_the_middle() {
    let server = Fixture::start();
    assert_resumes(
        &server,
        &|| shopify(&server, Strategy::graphql()),
        &[1, 7, 8, 20],
    );
}

#[test]
fn shopify_page_size_above_its_maximum_is_an_error_quoting_it() {
    let server = Fixture::start();
    let (items, error) = fixture::walk::<Value>(
        server
            .paginator(SHOPIFY)
            .header("X-Shopify-Access-Token", "shpat_test")
            .body(json!({"query": SHOPIFY_QUERY, "variables": {"first": 251}})),
    );
    assert!(items.is_empty());
    let message = error.expect("an error").to_string();
    assert!(
        message.contains("exceeds the `first` limit of 250"),
        "{message}"
    );
}

#[test]
fn a_null_edge_is_named_and_beside_errors_is_the_graphql_error() {
    let server = Fixture::start();
    let query =
        "query { products(first: 2) { edges { node { id } } pageInfo { hasNextPage endCursor } } }";
    for (path, errors) in [
        ("/null-edge", None),
        ("/null-edge-errors", Some("access denied for product 2")),
    ] {
        server.route(path, move |_| {
            let mut body = json!({"data": {"products": {
                "edges": [{"node": {"id": 1}}, null], "pageInfo": {"hasNextPage": false}}}});
            if let Some(message) = errors {
                body["errors"] = json!([{"message": message}]);
            }
            Reply::json(body)
        });
        let items: Vec<Result<Value, pagewalk::Error>> = server
            .paginator(path)
            .body(json!({"query": query}))
            .items::<Value>()
            .collect();
        let error = items.into_iter().find_map(Result::err).expect("an error");
        assert_eq!(error.page(), Some(1), "{error}");
        match errors {
            None => assert!(error.to_string().contains("element 1 is null"), "{error}"),
            Some(message) => {
                assert!(
                    matches!(error.kind(), ErrorKind::ApiError { .. }),
                    "{error}"
                );
                assert!(error.to_string().contains(message), "{error}");
            }
        }
    }
}
