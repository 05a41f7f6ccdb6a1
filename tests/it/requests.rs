//! What every request carries: the user's headers, `Accept`, and the agent.

use fixture::{Fixture, Item, Reply, expected_names, names, walk};
use pagewalk::{ErrorKind, Paginator};
use serde_json::Value;

const PROCORE: &str = "/rest/v1.0/punch_items";

#[test]
fn user_headers_and_accept_reach_every_request() {
    let server = Fixture::start();
    let got = server
        .paginator(&format!("{PROCORE}?per_page=5"))
        .header("Authorization", "Bearer t")
        .items::<Item>()
        .count();
    assert_eq!(got, 23);
    let requests = server.requests();
    assert_eq!(requests.len(), 5);
    for request in requests {
        assert_eq!(
            request.header("Authorization"),
            Some("Bearer t"),
            "{}",
            request.raw_url
        );
        assert_eq!(
            request.header("Accept"),
            Some("application/json"),
            "{}",
            request.raw_url
        );
    }
}

#[test]
fn a_users_accept_header_replaces_the_default() {
    let server = Fixture::start();
    let walked: Result<Vec<Value>, _> = server
        .paginator("/jsonapi/articles")
        .header("Accept", "application/vnd.api+json")
        .items::<Value>()
        .collect();
    assert!(!walked.expect("a walk").is_empty());
    let requests = server.requests();
    assert!(!requests.is_empty());
    for request in requests {
        let accepts: Vec<&str> = request
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("accept"))
            .map(|(_, value)| value.as_str())
            .collect();
        assert_eq!(accepts, ["application/vnd.api+json"], "{}", request.raw_url);
    }
}

#[test]
fn the_default_agent_walks_too() {
    // No `.agent(..)`: the library's own agent (CI sets NO_PROXY for loopback).
    let server = Fixture::start();
    let got: Vec<Item> = Paginator::new(server.url(&format!("{PROCORE}?per_page=10")))
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&got), expected_names(23));
    assert_eq!(server.request_count(), 3);
    for request in server.requests() {
        let agent = request.header("User-Agent").unwrap_or_default();
        assert!(agent.starts_with("pagewalk/"), "User-Agent: {agent:?}");
    }
    assert_eq!(server.connection_count(), 1, "connections are reused");
}

#[test]
fn the_default_agent_reports_statuses_and_redirects_as_pagewalk_does() {
    // Its settings are baked in once (no status as an error, no redirect
    // followed by ureq): the same answers as with any other agent.
    let server = Fixture::start();
    server.serve("/gone", Reply::status(410, r#"{"message": "gone"}"#));
    server.serve(
        "/moved",
        Reply::status(302, "").with_header("Location", "/gone"),
    );
    let (items, error) = walk::<Item>(Paginator::new(server.url("/moved")).retries(0));
    assert!(items.is_empty());
    let error = error.expect("a 410");
    assert!(
        matches!(error.kind(), ErrorKind::Status { status: 410, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("gone"), "{error}");
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/moved", "/gone"]);
}

#[test]
fn an_invalid_header_is_an_error_before_any_request() {
    let server = Fixture::start();
    for (name, value) in [("X-Bad", "a\r\nb"), ("Bad Name", "v"), ("", "v")] {
        let mut items = server
            .paginator("/rest/v1.0/punch_items?per_page=5")
            .header(name, value)
            .items::<Value>();
        match items.next() {
            Some(Err(error)) => {
                assert_eq!(error.page(), Some(1), "{name:?}: {error}");
                // Its own kind, naming the header, never its value.
                assert!(
                    matches!(error.kind(), ErrorKind::InvalidHeader { name: named, .. } if named == name),
                    "{name:?}: {error}"
                );
                assert!(!error.to_string().contains("a\r\nb"), "{error}");
            }
            other => panic!("{name:?}: expected an error, got {other:?}"),
        }
        assert!(items.next().is_none());
    }
    assert_eq!(server.request_count(), 0);
}

#[test]
fn accept_is_json_unless_set() {
    let server = Fixture::start();
    let path = "/rest/v1.0/punch_items?per_page=20";
    let (items, _) = walk::<Value>(server.paginator(path));
    assert_eq!(items.len(), 23);
    let (items, _) = walk::<Value>(
        server
            .paginator(path)
            .header("Accept", "application/vnd.github+json"),
    );
    assert_eq!(items.len(), 23);
    let accepts: Vec<Vec<String>> = server
        .requests()
        .iter()
        .map(|request| {
            request
                .headers
                .iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case("accept"))
                .map(|(_, value)| value.clone())
                .collect()
        })
        .collect();
    assert_eq!(
        accepts,
        [
            vec!["application/json"],
            vec!["application/json"],
            vec!["application/vnd.github+json"],
            vec!["application/vnd.github+json"],
        ]
    );
}
