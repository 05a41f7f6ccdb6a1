//! APIs whose paging travels in a `POST` body, walked end to end against
//! the fixture's imitations (`fixture/src/real/bodies.rs`): the exact items,
//! the exact requests, and a resume from the middle of each.

use fixture::{FaultPlan, Fixture};
use pagewalk::{ErrorKind, Method, Paginator, Strategy, Target};
use serde_json::{Value, json};

use super::replay::{Sent, assert_chain, assert_resumes, collect};

fn ids(items: &[Value], id: fn(&Value) -> u64) -> Vec<u64> {
    items.iter().map(id).collect()
}

fn all() -> Vec<u64> {
    (1..=23).collect()
}

const NOTION: &str = "/notion/v1/databases/668d797c76fa49349b05ad288df2d136/query";

fn notion_query() -> Value {
    json!({
        "filter": {"property": "Done", "checkbox": {"equals": false}},
        "sorts": [{"timestamp": "created_time", "direction": "ascending"}],
        "page_size": 5,
    })
}

fn notion(server: &Fixture) -> Paginator {
    server
        .paginator(NOTION)
        .header("Authorization", "Bearer secret_abc")
        .header("Notion-Version", "2022-06-28")
        .body(notion_query())
        .strategy(Strategy::cursor(
            "/next_cursor",
            Target::body("/start_cursor"),
        ))
}

#[test]
fn notion_database_query_sends_the_cursor_in_the_body() {
    let server = Fixture::start();
    let items = collect(notion(&server));
    assert_eq!(ids(&items, |item| item["id"].as_u64().unwrap()), all());
    assert!(items.iter().all(|item| item["object"] == "page"));
    let sent = assert_chain(
        &server,
        0,
        Sent::new("POST", NOTION, Some(notion_query())),
        |answer, sent| {
            let cursor = answer.body["next_cursor"].as_str()?;
            assert_eq!(answer.body["has_more"], true);
            Some(sent.with_field("/start_cursor", json!(cursor)))
        },
    );
    assert_eq!(sent, 5);
    let content_types: Vec<_> = server
        .requests()
        .iter()
        .map(|request| request.header("Content-Type").map(str::to_owned))
        .collect();
    assert!(
        content_types
            .iter()
            .all(|ct| ct.as_deref() == Some("application/json")),
        "{content_types:?}"
    );
}

#[test]
fn notion_resumes_with_the_cursor_in_the_body() {
    let server = Fixture::start();
    assert_resumes(&server, &|| notion(&server), &[0, 3, 5, 12, 22, 23]);
}

#[test]
fn notion_is_detected_by_its_list_object() {
    // `"object": "list"` with `next_cursor`: Notion's, which takes the
    // cursor back as `start_cursor`, here in the body of the query.
    let server = Fixture::start();
    let items = collect(
        server
            .paginator(NOTION)
            .header("Notion-Version", "2022-06-28")
            .body(notion_query()),
    );
    assert_eq!(ids(&items, |item| item["id"].as_u64().unwrap()), all());
    let sent = assert_chain(
        &server,
        0,
        Sent::new("POST", NOTION, Some(notion_query())),
        |answer, sent| {
            let cursor = answer.body["next_cursor"].as_str()?;
            Some(sent.with_field("/start_cursor", json!(cursor)))
        },
    );
    assert_eq!(sent, 5);
}

const HUBSPOT: &str = "/hubspot/crm/v3/objects/contacts/search";

fn hubspot_search() -> Value {
    json!({
        "filterGroups": [{"filters": [{"propertyName": "lifecyclestage", "operator": "EQ", "value": "lead"}]}],
        "sorts": [{"propertyName": "createdate", "direction": "ASCENDING"}],
        "properties": ["email", "firstname"],
        "limit": 10,
    })
}

fn hubspot(server: &Fixture) -> Paginator {
    server
        .paginator(HUBSPOT)
        .body(hubspot_search())
        .strategy(Strategy::cursor(
            "/paging/next/after",
            Target::body("/after"),
        ))
}

fn hubspot_id(item: &Value) -> u64 {
    item["id"].as_str().and_then(|id| id.parse().ok()).unwrap()
}

#[test]
fn hubspot_search_sends_after_in_the_body() {
    let server = Fixture::start();
    let items = collect(hubspot(&server));
    assert_eq!(ids(&items, hubspot_id), all());
    let sent = assert_chain(
        &server,
        0,
        Sent::new("POST", HUBSPOT, Some(hubspot_search())),
        |answer, sent| {
            let after = answer.body.pointer("/paging/next/after")?;
            Some(sent.with_field("/after", after.clone()))
        },
    );
    assert_eq!(sent, 3);
}

#[test]
fn hubspot_resumes() {
    let server = Fixture::start();
    assert_resumes(&server, &|| hubspot(&server), &[0, 7, 10, 21]);
}

#[test]
fn hubspot_by_detection_fails_naming_the_cursor_and_where_it_goes() {
    let server = Fixture::start();
    let mut items = server
        .paginator(HUBSPOT)
        .body(hubspot_search())
        .items::<Value>();
    let (first, error) = fixture::until_error(&mut items);
    assert_eq!(first.len(), 10);
    assert!(
        matches!(error.kind(), ErrorKind::NextNotFound { .. }),
        "{error}"
    );
    let message = error.to_string();
    for named in [
        "a cursor at /paging/next/after, in the answer to a POST",
        "Strategy::cursor(\"/paging/next/after\", Target::body(\"/after\"))",
        "--cursor /paging/next/after --cursor-body /after",
    ] {
        assert!(message.contains(named), "{named} in {message}");
    }
}

const INTERCOM: &str = "/intercom/contacts/search";

fn intercom_search() -> Value {
    json!({
        "query": {"field": "created_at", "operator": ">", "value": "1306054154"},
        "pagination": {"per_page": 6},
    })
}

fn intercom(server: &Fixture) -> Paginator {
    server
        .paginator(INTERCOM)
        .body(intercom_search())
        .strategy(Strategy::cursor(
            "/pages/next/starting_after",
            Target::body("/pagination/starting_after"),
        ))
}

#[test]
fn intercom_search_sends_its_nested_cursor_with_line_breaks_in_the_body() {
    let server = Fixture::start();
    let items = collect(intercom(&server));
    assert_eq!(ids(&items, |item| item["id"].as_u64().unwrap()), all());
    let saw_a_line_break = std::cell::Cell::new(false);
    let sent = assert_chain(
        &server,
        0,
        Sent::new("POST", INTERCOM, Some(intercom_search())),
        |answer, sent| {
            let cursor = answer
                .body
                .pointer("/pages/next/starting_after")?
                .as_str()?;
            saw_a_line_break.set(saw_a_line_break.get() || cursor.contains('\n'));
            // `per_page` beside the cursor is kept.
            Some(sent.with_field("/pagination/starting_after", json!(cursor)))
        },
    );
    assert_eq!(sent, 4);
    assert!(saw_a_line_break.get());
}

#[test]
fn intercom_resumes() {
    let server = Fixture::start();
    assert_resumes(&server, &|| intercom(&server), &[1, 6, 19]);
}

const ELASTIC: &str = "/elasticsearch/my-index-000001/_search";

fn elastic_query() -> Value {
    json!({
        "size": 4,
        "query": {"match": {"active": true}},
        "sort": [{"created_at": "asc"}, {"id": "asc"}],
        "track_total_hits": false,
    })
}

fn elastic(server: &Fixture) -> Paginator {
    server
        .paginator(ELASTIC)
        .body(elastic_query())
        .items_at("/hits/hits")
        .strategy(Strategy::keyset(Target::body("/search_after"), "/sort"))
}

fn source_id(hit: &Value) -> u64 {
    hit["_source"]["id"].as_u64().unwrap()
}

#[test]
fn elasticsearch_search_after_sends_the_last_hits_sort_values() {
    let server = Fixture::start();
    let hits = collect(elastic(&server));
    let mut expected: Vec<(String, u64)> = (1..=23u64)
        .map(|n| (fixture::item(n).created_at, n))
        .collect();
    expected.sort();
    let order: Vec<u64> = expected.iter().map(|(_, n)| *n).collect();
    assert_eq!(ids(&hits, source_id), order);
    let sent = assert_chain(
        &server,
        0,
        Sent::new("POST", ELASTIC, Some(elastic_query())),
        |answer, sent| {
            let hits = answer.body.pointer("/hits/hits")?.as_array()?;
            // The end is an empty page, and nothing else says so.
            let last = hits.last()?;
            Some(sent.with_field("/search_after", last["sort"].clone()))
        },
    );
    // 23 hits, 4 a page: 6 pages and the empty one that ends the walk.
    assert_eq!(sent, 7);
}

#[test]
fn elasticsearch_resumes_from_the_middle() {
    let server = Fixture::start();
    assert_resumes(&server, &|| elastic(&server), &[0, 2, 4, 13, 23]);
}

fn elastic_from_size(server: &Fixture, concurrency: usize) -> Paginator {
    server
        .paginator(ELASTIC)
        .body(json!({"from": 0, "size": 5, "query": {"match_all": {}}}))
        .items_at("/hits/hits")
        .strategy(Strategy::offset(Target::body("/from")))
        .concurrency(concurrency)
}

#[test]
fn elasticsearch_from_and_size_in_the_body_concurrently() {
    for concurrency in [1, 4] {
        let server = Fixture::start();
        let hits = collect(elastic_from_size(&server, concurrency));
        assert_eq!(ids(&hits, source_id), all(), "concurrency {concurrency}");
        let mut froms: Vec<u64> = server
            .requests()
            .iter()
            .map(|request| {
                let body = request.json().expect("a JSON body");
                assert_eq!(request.method, "POST");
                assert_eq!(request.raw_url, ELASTIC);
                assert_eq!(body["size"], 5);
                assert_eq!(body["query"], json!({"match_all": {}}));
                body["from"].as_u64().expect("from")
            })
            .collect();
        froms.sort_unstable();
        // The total is reached on the last page: no empty page is asked for.
        assert_eq!(froms, [0, 5, 10, 15, 20], "concurrency {concurrency}");
    }
}

#[test]
fn elasticsearch_from_and_size_resume() {
    let server = Fixture::start();
    assert_resumes(&server, &|| elastic_from_size(&server, 1), &[3, 10, 22]);
}

fn faults(p503: f64, p429: f64) -> FaultPlan {
    FaultPlan {
        seed: 7,
        p503,
        p429,
        preset: 0.0,
    }
}

#[test]
fn a_post_is_retried_with_its_body() {
    let server = Fixture::builder().faults(faults(0.4, 0.0)).start();
    let items = collect(notion(&server).retry_policy(fixture::fast_retries().retries(10)));
    assert_eq!(ids(&items, |item| item["id"].as_u64().unwrap()), all());
    assert!(server.injected_faults() > 0);
    let distinct: std::collections::HashSet<String> = server
        .requests()
        .iter()
        .map(|request| String::from_utf8_lossy(&request.body).into_owned())
        .collect();
    // Each retry sent the same body again: five pages, five bodies.
    assert_eq!(distinct.len(), 5, "{distinct:?}");
}

#[test]
fn retry_posts_false_sends_each_post_once_but_waits_out_a_rate_limit() {
    let server = Fixture::builder().faults(faults(0.4, 0.0)).start();
    let once = fixture::fast_retries().retries(10).retry_posts(false);
    let (items, error) = fixture::walk::<Value>(notion(&server).retry_policy(once.clone()));
    let error = error.expect("the first 503 is final");
    assert!(
        matches!(error.kind(), ErrorKind::Status { status: 503, .. }),
        "{error}"
    );
    assert_eq!(server.injected_faults(), 1);
    assert_eq!(server.request_count(), items.len() / 5 + 1);

    let server = Fixture::builder().faults(faults(0.0, 0.4)).start();
    let items = collect(notion(&server).retry_policy(once));
    assert_eq!(items.len(), 23);
    assert!(server.injected_faults() > 0);
}

#[test]
fn a_redirect_never_turns_a_post_into_a_get() {
    let server = Fixture::start();
    server.route("/moved", |_| {
        fixture::Reply::status(302, "").with_header("Location", NOTION)
    });
    let (items, error) = fixture::walk::<Value>(
        server
            .paginator("/moved")
            .method(Method::POST)
            .header("Notion-Version", "2022-06-28")
            .body(notion_query()),
    );
    assert!(items.is_empty());
    let message = error.expect("an error").to_string();
    assert!(
        message.contains("302") && message.contains("POST"),
        "{message}"
    );

    server.route("/kept", |_| {
        fixture::Reply::status(307, "").with_header("Location", NOTION)
    });
    let items = collect(
        server
            .paginator("/kept")
            .header("Notion-Version", "2022-06-28")
            .body(notion_query())
            .strategy(Strategy::cursor(
                "/next_cursor",
                Target::body("/start_cursor"),
            )),
    );
    assert_eq!(items.len(), 23);
}

#[test]
fn searches_by_default_fail_naming_the_flags_never_end_early() {
    for (path, body) in [
        (HUBSPOT, hubspot_search()),
        (INTERCOM, intercom_search()),
        (ELASTIC, elastic_query()),
    ] {
        let server = Fixture::start();
        let (items, error) = fixture::walk::<Value>(server.paginator(path).body(body));
        let error = error.unwrap_or_else(|| panic!("{path}: ended after {} items", items.len()));
        assert!(
            matches!(error.kind(), ErrorKind::NextNotFound { .. }),
            "{path}: {error}"
        );
        assert!(error.to_string().contains("CLI: --"), "{path}: {error}");
        assert_eq!(server.request_count(), 1, "{path}");
    }
}
