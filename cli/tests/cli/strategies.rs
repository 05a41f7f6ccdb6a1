//! Every strategy option of the CLI, and that they exclude each other.

use super::*;

#[test]
fn procore_link_header_is_followed_by_default() {
    let fixture = Fixture::start();
    let run = run_cli([fixture.url("/rest/v1.0/punch_items?project_id=7&per_page=5")]);
    run.assert_success();
    assert_eq!(lines(&run.stdout), items_json(1..=23));
    let requests = fixture.requests();
    assert_eq!(requests.len(), 5);
    assert!(requests.iter().all(|r| r.param("project_id") == Some("7")));
}

#[test]
fn laravel_page_param_counts_pages() {
    let fixture = Fixture::start();
    let run = run_cli([
        "--page-param",
        "page[number]",
        &fixture.url("/api/v1/projects?page[size]=5"),
    ]);
    run.assert_success();
    assert_eq!(run.names(), expected_names(23));
    let pages: Vec<_> = fixture
        .requests()
        .iter()
        .map(|r| r.param("page[number]").map(str::to_owned))
        .collect();
    assert_eq!(
        pages,
        [None, Some("2"), Some("3"), Some("4"), Some("5")].map(|p| p.map(str::to_owned))
    );
}

#[test]
fn cursor_api_sends_the_cursor_back() {
    let fixture = Fixture::start();
    let run = run_cli([
        "--cursor",
        "/nextCursor",
        &fixture.url("/v2/transactions?per_page=5"),
    ]);
    run.assert_success();
    assert_eq!(run.names(), expected_names(23));
    let requests = fixture.requests();
    assert_eq!(requests.len(), 5);
    assert!(requests[0].param("cursor").is_none());
    assert!(requests[1..].iter().all(|r| r.param("cursor").is_some()));
    assert!(requests.iter().all(|r| r.param("per_page") == Some("5")));
}

#[test]
fn cursor_param_names_the_parameter() {
    let fixture = Fixture::start();
    let run = run_cli([
        "--cursor",
        "/nextPageToken",
        "--cursor-param",
        "pageToken",
        &fixture.url("/google/v1/things?pageSize=5"),
    ]);
    run.assert_success();
    assert_eq!(run.names(), expected_names(23));
    assert!(
        fixture.requests()[1..]
            .iter()
            .all(|r| r.param("pageToken").is_some())
    );
}

#[test]
fn links_meta_api_follows_the_next_url() {
    let fixture = Fixture::start();
    let run = run_cli([
        "--next",
        "/links/next",
        &fixture.url("/api/v1/core/addresses?limit=5"),
    ]);
    run.assert_success();
    assert_eq!(run.names(), expected_names(23));
    assert_eq!(fixture.request_count(), 5);
}

#[test]
fn stripe_keyset_sends_the_last_id() {
    let fixture = Fixture::start();
    let run = run_cli([
        "--after-param",
        "starting_after",
        &fixture.url("/v1/customers?limit=5"),
    ]);
    run.assert_success();
    let ids: Vec<_> = lines(&run.stdout)
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ids,
        (1..=23).map(|n| format!("cus_{n:05}")).collect::<Vec<_>>()
    );
    let after: Vec<_> = fixture
        .requests()
        .iter()
        .map(|r| r.param("starting_after").map(str::to_owned))
        .collect();
    assert_eq!(after[1].as_deref(), Some("cus_00005"));
    assert_eq!(after.len(), 5);
}

#[test]
fn after_field_picks_the_keyset_field() {
    let fixture = Fixture::start();
    fixture.route("/keyed", |request: &Recorded| {
        let after: u64 = request
            .param("after")
            .and_then(|key| key.strip_prefix('k')?.parse().ok())
            .unwrap_or(0);
        let data: Vec<Value> = (after + 1..=(after + 4).min(10))
            .map(|n| json!({"key": format!("k{n}"), "name": format!("item {n}")}))
            .collect();
        Reply::json(json!({"data": data, "has_more": after + 4 < 10}))
    });
    let run = run_cli([
        "--after-param",
        "after",
        "--after-field",
        "/key",
        &fixture.url("/keyed"),
    ]);
    run.assert_success();
    assert_eq!(run.names(), expected_names(10));
    let after: Vec<_> = fixture
        .requests()
        .iter()
        .map(|r| r.param("after").map(str::to_owned))
        .collect();
    assert_eq!(
        after,
        [None, Some("k4"), Some("k8")].map(|a| a.map(str::to_owned))
    );
}

#[test]
fn strategy_options_are_mutually_exclusive() {
    let fixture = Fixture::start();
    let url = fixture.url("/rest/v1.0/punch_items");
    let options: [&[&str]; 4] = [
        &["--next", "/next"],
        &["--cursor", "/nextCursor"],
        &["--page-param", "page"],
        &["--after-param", "starting_after"],
    ];
    for (i, first) in options.iter().enumerate() {
        for second in &options[i + 1..] {
            let mut args: Vec<&str> = first.to_vec();
            args.extend_from_slice(second);
            args.push(&url);
            let run = run_cli(&args);
            assert_eq!(run.code, Some(2), "{args:?}: {run:#?}");
            assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
            assert_eq!(run.stdout, "");
        }
    }
    assert_eq!(fixture.request_count(), 0);
}

#[test]
fn page_param_starts_from_its_value_in_the_url() {
    let fixture = Fixture::start();
    let run = run_cli([
        "--page-param",
        "page[number]",
        &fixture.url("/api/v1/projects?page[size]=5&page[number]=3"),
    ]);
    run.assert_success();
    assert_eq!(run.names(), expected_names(23)[10..].to_vec());
    let pages: Vec<_> = fixture
        .requests()
        .iter()
        .map(|r| r.param("page[number]").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(pages, ["3", "4", "5"]);
}
