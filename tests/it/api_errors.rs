//! A 200 that says "error" is an error: it is never printed as an item nor
//! taken for the end of the collection, and one that names a rate limit is
//! retried first.

use fixture::{Fixture, Item, Reply, body, expected_names, fast_retries, names, walk};
use pagewalk::{Error, ErrorKind};
use serde_json::{Value, json};

/// Page 1 (two items, next page `?page=2`) and then `page_two` at `path`.
fn second_page_says(server: &Fixture, path: &str, page_two: Value) {
    let next = format!("{path}?page=2");
    server.route(path, move |request| match request.param("page") {
        Some("2") => Reply::json(page_two.clone()),
        _ => {
            let mut page = body(1..=2);
            page["next_page_url"] = json!(next);
            Reply::json(page)
        }
    });
}

fn api_error(error: Option<Error>) -> (String, Option<u64>) {
    match error.as_ref().map(|error| (error.kind(), error.page())) {
        Some((ErrorKind::ApiError { message, .. }, page)) => (message.clone(), page),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[test]
fn errors_in_a_200_end_the_walk_with_the_servers_words() {
    let server = Fixture::start();
    for (path, page_two, said) in [
        (
            "/graphql-style",
            json!({"errors": [{"message": "token expired"}]}),
            "token expired",
        ),
        (
            "/slack-style",
            json!({"ok": false, "error": "invalid_auth"}),
            "invalid_auth",
        ),
        (
            "/mediawiki-style",
            json!({"error": {"code": "badcontinue", "info": "Invalid continue param."}}),
            "Invalid continue param.",
        ),
        (
            "/status-style",
            json!({"message": "Bad credentials", "status": 401}),
            "Bad credentials",
        ),
    ] {
        second_page_says(&server, path, page_two);
        let (items, error) = walk::<Item>(server.paginator(path).retry_policy(fast_retries()));
        assert_eq!(names(&items), expected_names(2), "{path}: page 1 only");
        let message = error.as_ref().map(ToString::to_string).unwrap_or_default();
        assert_eq!(api_error(error), (said.to_owned(), Some(2)), "{path}");
        assert!(
            message.contains(said) && message.contains("page 2"),
            "{message}"
        );
    }
}

#[test]
fn a_rate_limit_in_a_200_is_retried_first() {
    let server = Fixture::start();
    let calls = server.counted("/limited", |call, _| match call {
        0 | 1 => Reply::json(json!({"ok": false, "error": "ratelimited"}))
            .with_header("Retry-After", "0"),
        _ => Reply::json(
            json!({"ok": true, "channels": [{"id": 1}], "response_metadata": {"next_cursor": ""}}),
        ),
    });
    let (items, error) = walk::<Value>(server.paginator("/limited").retry_policy(fast_retries()));
    assert!(error.is_none(), "{error:?}");
    assert_eq!(items, [json!({"id": 1})]);
    assert_eq!(calls.count(), 3);

    let always = server.counted("/always-limited", |_, _| {
        Reply::json(json!({"ok": false, "error": "ratelimited"}))
    });
    let (items, error) = walk::<Value>(
        server
            .paginator("/always-limited")
            .retry_policy(fast_retries().retries(2)),
    );
    assert!(items.is_empty());
    assert_eq!(api_error(error), ("ratelimited".to_owned(), Some(1)));
    assert_eq!(always.count(), 3, "first try and 2 retries");
}

#[test]
fn items_that_sit_under_errors_are_read_with_items_at() {
    let server = Fixture::start();
    server.serve(
        "/audit",
        Reply::json(json!({"errors": [{"message": "disk full", "at": 1}], "next": null})),
    );
    let (items, error) = walk::<Value>(server.paginator("/audit").items_at("/errors"));
    assert!(error.is_none(), "{error:?}");
    assert_eq!(items, [json!({"message": "disk full", "at": 1})]);
    let (items, error) = walk::<Value>(server.paginator("/audit"));
    assert!(items.is_empty());
    assert_eq!(api_error(error).0, "disk full");
}

/// A GraphQL connection of two pages (cursor `"p2"` for the second) whose
/// page `failing` also carries `errors` beside its data: partial data.
fn graphql_partial(server: &Fixture, path: &str, failing: u64) {
    server.route(path, move |request| {
        let second = request
            .json()
            .is_some_and(|body| body["variables"]["cursor"] == "p2");
        let (page, items, next) = match second {
            false => (1, 1..=2, json!({"hasNextPage": true, "endCursor": "p2"})),
            true => (2, 3..=4, json!({"hasNextPage": false, "endCursor": null})),
        };
        let mut body = json!({"data": {"viewer": {"repos": {
            "nodes": fixture::items_json(items), "pageInfo": next}}}});
        if page == failing {
            body["errors"] = json!([{"message": format!("field hidden on page {page}")}]);
        }
        Reply::json(body)
    });
}

#[test]
fn graphql_errors_beside_partial_data_are_errors_on_every_page() {
    let server = Fixture::start();
    let query = "query($cursor: String) { viewer { repos(after: $cursor) { nodes { id } } } }";
    for failing in [1, 2] {
        let path = format!("/partial-{failing}");
        graphql_partial(&server, &path, failing);
        let paginator = server
            .paginator(&path)
            .body(json!({"query": query, "variables": {}}));
        let (items, error) = walk::<Item>(paginator);
        let (message, page) = api_error(error);
        assert_eq!(
            (message.as_str(), page),
            (
                format!("field hidden on page {failing}").as_str(),
                Some(failing)
            )
        );
        // The pages before the one with errors are delivered whole.
        assert_eq!(names(&items), expected_names(2 * (failing as usize - 1)));
    }
}
