//! Walks whose paging travels in the request: `-X`, `-d`, `-H @FILE`,
//! `--cursor-body`, `--cursor-header`, `--offset-body`, `--graphql`, against
//! the fixture's imitations of Notion, HubSpot, Intercom, Elasticsearch,
//! GitHub's and Shopify's GraphQL APIs.

use fixture::FaultPlan;

use super::*;

const NOTION: &str = "/notion/v1/databases/668d797c76fa49349b05ad288df2d136/query";
const NOTION_QUERY: &str =
    r#"{"filter": {"property": "Done", "checkbox": {"equals": false}}, "page_size": 5}"#;

/// The `id` of every item line.
fn ids(stdout: &str) -> Vec<u64> {
    lines(stdout)
        .iter()
        .map(|item| item["id"].as_u64().expect("an id"))
        .collect()
}

fn all() -> Vec<u64> {
    (1..=23).collect()
}

/// The JSON body of every request, and asserts they were all `POST`s to `path`.
fn posted(fixture: &Fixture, path: &str) -> Vec<Value> {
    fixture
        .requests()
        .iter()
        .map(|request| {
            assert_eq!(
                (request.method.as_str(), request.raw_url.as_str()),
                ("POST", path)
            );
            request.json().expect("a JSON body")
        })
        .collect()
}

/// Asserts that `bodies` are `first` and then `first` with only the field
/// at `pointer` added, a different value each time.
fn assert_only_cursor_changes(bodies: &[Value], first: &Value, pointer: &str) {
    assert_eq!(&bodies[0], first);
    let mut cursors = Vec::new();
    for body in &bodies[1..] {
        let mut without = body.clone();
        let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
        let cursor = without
            .pointer_mut(if parent.is_empty() { "" } else { parent })
            .and_then(Value::as_object_mut)
            .and_then(|object| object.remove(key))
            .unwrap_or_else(|| panic!("no {pointer} in {body}"));
        assert_eq!(&without, first, "only {pointer} changes");
        assert!(!cursors.contains(&cursor), "{cursor} sent twice");
        cursors.push(cursor);
    }
}

#[test]
fn notion_with_data_and_headers_from_files() {
    let fixture = Fixture::start();
    let dir = TempDir::new("notion");
    let data = dir.file("query.json");
    fs::write(&data, NOTION_QUERY).unwrap();
    let headers = dir.file("headers");
    fs::write(
        &headers,
        "Authorization: Bearer secret_abc\n\nNotion-Version: 2022-06-28\n",
    )
    .unwrap();
    let run = run_cli([
        "-H",
        &format!("@{}", path_str(&headers)),
        "-d",
        &format!("@{}", path_str(&data)),
        "--cursor",
        "/next_cursor",
        "--cursor-body",
        "/start_cursor",
        &fixture.url(NOTION),
    ]);
    run.assert_success();
    assert_eq!(ids(&run.stdout), all());
    let bodies = posted(&fixture, NOTION);
    assert_eq!(bodies.len(), 5);
    let first: Value = serde_json::from_str(NOTION_QUERY).unwrap();
    assert_only_cursor_changes(&bodies, &first, "/start_cursor");
    assert!(fixture.requests().iter().all(|request| {
        request.header("Authorization") == Some("Bearer secret_abc")
            && request.header("Notion-Version") == Some("2022-06-28")
    }));
}

#[test]
fn notion_is_detected_and_a_search_names_the_flags_to_pass() {
    let fixture = Fixture::start();
    let run = run_cli([
        "-H",
        "Notion-Version: 2022-06-28",
        "-d",
        NOTION_QUERY,
        &fixture.url(NOTION),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(ids(&run.stdout), all());
    assert_only_cursor_changes(
        &posted(&fixture, NOTION),
        &serde_json::from_str(NOTION_QUERY).unwrap(),
        "/start_cursor",
    );

    let search = fixture.url("/hubspot/crm/v3/objects/contacts/search");
    let run = run_cli(["-d", r#"{"limit": 10}"#, &search]);
    run.assert_failure();
    assert_eq!(lines(&run.stdout).len(), 10);
    assert!(
        run.stderr
            .contains("--cursor /paging/next/after --cursor-body /after"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_post_walk_resumes_where_it_failed() {
    let plan = FaultPlan {
        seed: 7,
        p503: 0.4,
        p429: 0.0,
        preset: 0.0,
    };
    let fixture = Fixture::builder().faults(plan).start();
    let dir = TempDir::new("notion-resume");
    let checkpoint = dir.file("walk.checkpoint");
    let mut out = String::new();
    let mut runs = 0;
    loop {
        runs += 1;
        assert!(runs < 30, "no end after {runs} runs");
        let run = run_cli([
            "--retries",
            "0",
            "--resume",
            path_str(&checkpoint),
            "-H",
            "Notion-Version: 2022-06-28",
            "-d",
            NOTION_QUERY,
            "--cursor",
            "/next_cursor",
            "--cursor-body",
            "/start_cursor",
            &fixture.url(NOTION),
        ]);
        out.push_str(&run.stdout);
        if run.code == Some(0) {
            break;
        }
        run.assert_failure();
        assert!(run.stderr.contains("503"), "{}", run.stderr);
    }
    assert!(runs > 1, "the plan injected no fault");
    assert_eq!(ids(&out), all());
    assert!(!checkpoint.exists());
}

#[test]
fn hubspot_search_with_the_cursor_in_the_body() {
    let fixture = Fixture::start();
    let query = json!({"filterGroups": [], "properties": ["email"], "limit": 10});
    let run = run_cli([
        "-d",
        &query.to_string(),
        "--cursor",
        "/paging/next/after",
        "--cursor-body",
        "/after",
        &fixture.url("/hubspot/crm/v3/objects/contacts/search"),
    ]);
    run.assert_success();
    let ids: Vec<String> = lines(&run.stdout)
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, (1..=23).map(|n| n.to_string()).collect::<Vec<_>>());
    let bodies = posted(&fixture, "/hubspot/crm/v3/objects/contacts/search");
    assert_eq!(bodies.len(), 3);
    assert_only_cursor_changes(&bodies, &query, "/after");
}

#[test]
fn intercom_search_with_a_nested_cursor() {
    let fixture = Fixture::start();
    let query = json!({"query": {"field": "role", "operator": "=", "value": "user"}, "pagination": {"per_page": 10}});
    let run = run_cli([
        "--data",
        &query.to_string(),
        "--cursor",
        "/pages/next/starting_after",
        "--cursor-body",
        "/pagination/starting_after",
        &fixture.url("/intercom/contacts/search"),
    ]);
    run.assert_success();
    assert_eq!(ids(&run.stdout), all());
    let bodies = posted(&fixture, "/intercom/contacts/search");
    assert_eq!(bodies.len(), 3);
    assert_only_cursor_changes(&bodies, &query, "/pagination/starting_after");
}

#[test]
fn elasticsearch_from_in_the_body_with_data_from_stdin() {
    let fixture = Fixture::start();
    let query = json!({"from": 0, "size": 10, "query": {"match_all": {}}});
    let mut child = pagewalk([
        "-d",
        "@-",
        "--items",
        "/hits/hits",
        "--offset-body",
        "/from",
        "--concurrency",
        "2",
        &fixture.url("/elasticsearch/my-index-000001/_search"),
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("run pagewalk");
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        query.to_string().as_bytes(),
    )
    .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let hits = lines(&String::from_utf8(output.stdout).unwrap());
    let ids: Vec<u64> = hits
        .iter()
        .map(|hit| hit["_source"]["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, all());
    let mut froms: Vec<u64> = posted(&fixture, "/elasticsearch/my-index-000001/_search")
        .iter()
        .map(|body| body["from"].as_u64().unwrap())
        .collect();
    froms.sort_unstable();
    assert_eq!(froms, [0, 10, 20]);
}

const GITHUB_QUERY: &str = "query($cursor: String) { repository(owner: \"octocat\", name: \"Spoon-Knife\") { issues(first: 10, after: $cursor) { nodes { id } pageInfo { hasNextPage endCursor } } } }";

#[test]
fn github_graphql_by_flag_and_by_detection() {
    for flag in [Some("--graphql"), None] {
        let fixture = Fixture::start();
        let data = json!({"query": GITHUB_QUERY, "variables": {}}).to_string();
        let mut args = vec!["-H", "Authorization: Bearer ghp_test", "-d", &data];
        args.extend(flag);
        let url = fixture.url("/github/graphql");
        args.push(&url);
        let run = run_cli(args);
        run.assert_success();
        assert_eq!(ids(&run.stdout), all(), "{flag:?}");
        let bodies = posted(&fixture, "/github/graphql");
        assert_eq!(bodies.len(), 3);
        assert_only_cursor_changes(
            &bodies,
            &serde_json::from_str(&data).unwrap(),
            "/variables/cursor",
        );
    }
}

#[test]
fn shopify_graphql_edges_and_its_errors() {
    let fixture = Fixture::start();
    let query = "query($first: Int!, $endCursor: String) { products(first: $first, after: $endCursor) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }";
    let data = |first: u64| json!({"query": query, "variables": {"first": first}}).to_string();
    let url = fixture.url("/shopify/admin/api/2024-01/graphql.json");
    let run = run_cli([
        "-H",
        "X-Shopify-Access-Token: shpat_test",
        "-d",
        &data(8),
        "--graphql",
        &url,
    ]);
    run.assert_success();
    assert_eq!(ids(&run.stdout), all());
    assert_eq!(fixture.request_count(), 3);

    let run = run_cli([
        "-H",
        "X-Shopify-Access-Token: shpat_test",
        "-d",
        &data(300),
        &url,
    ]);
    run.assert_failure();
    assert!(
        run.stderr.contains("exceeds the `first` limit of 250"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_data_and_header_files_are_bad_usage() {
    let dir = TempDir::new("bad-data");
    let missing = dir.file("missing.json");
    let bad_headers = dir.file("headers");
    fs::write(&bad_headers, "Authorization: Bearer x\nno colon here\n").unwrap();
    for (args, says) in [
        (
            vec!["-d".to_owned(), "{page_size: 5}".to_owned()],
            "not JSON".to_owned(),
        ),
        (
            vec!["-d".to_owned(), format!("@{}", path_str(&missing))],
            "cannot read".to_owned(),
        ),
        (
            vec!["-H".to_owned(), format!("@{}", path_str(&bad_headers))],
            "line 2".to_owned(),
        ),
        (
            vec!["-X".to_owned(), "GE T".to_owned()],
            "invalid method".to_owned(),
        ),
        (vec!["--graphql".to_owned()], "--data".to_owned()),
        (
            vec![
                "-H".to_owned(),
                "@-".to_owned(),
                "-d".to_owned(),
                "@-".to_owned(),
            ],
            "one @-".to_owned(),
        ),
    ] {
        let mut argv = args.clone();
        argv.push("http://127.0.0.1:9/".to_owned());
        let run = run_cli(&argv);
        assert_eq!(run.code, Some(2), "{args:?}: {run:#?}");
        assert!(run.stderr.contains(&says), "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "");
    }
    // A malformed header is refused without quoting it: it may be a token.
    let run = run_cli([
        "-H",
        "Authorization Bearer sk_live_secret",
        "http://127.0.0.1:9/",
    ]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains("expected 'Name: value'"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("sk_live_secret"), "{}", run.stderr);
}

#[test]
fn method_is_sent_as_given() {
    let fixture = Fixture::start();
    fixture.route("/any", |request| {
        Reply::json(json!({"method": request.method, "data": [{"id": 1}]}))
    });
    for (args, method) in [
        (vec!["-X", "PUT"], "PUT"),
        (vec!["-d", "{}"], "POST"),
        (vec!["-X", "GET", "-d", "{}"], "GET"),
        (vec![], "GET"),
    ] {
        let url = fixture.url("/any");
        let mut argv = args.clone();
        argv.push(&url);
        let run = run_cli(argv);
        run.assert_success();
        assert_eq!(
            fixture.requests().last().unwrap().method,
            method,
            "{args:?}"
        );
    }
}
