//! The fixture server itself, checked with plain ureq: every built-in API
//! walks to the end the way its docs say, faults are reproducible, and each
//! `Reply` reaches the client as documented.

mod fixture;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fixture::{BUILTIN_PATHS, FaultPlan, Fixture, Item, Reply, expected_names, item};
use serde_json::{Value, json};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// One exchange: status, headers (repeats kept), body.
struct Got {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Got {
    fn header(&self, name: &str) -> Option<&str> {
        self.all(name).into_iter().next()
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect()
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn get(agent: &ureq::Agent, url: &str) -> Result<Got, ureq::Error> {
    let mut response = agent.get(url).call()?;
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.to_string(),
                value.to_str().unwrap_or("<binary>").to_string(),
            )
        })
        .collect();
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string()?;
    Ok(Got {
        status,
        headers,
        body,
    })
}

fn ok(agent: &ureq::Agent, url: &str) -> Got {
    let got = get(agent, url).unwrap_or_else(|e| panic!("GET {url}: {e}"));
    assert_eq!(got.status, 200, "GET {url}: {}", got.body);
    got
}

/// The target of `rel` among the `Link` values (one or several fields).
fn link(values: &[&str], rel: &str) -> Option<String> {
    let wanted = format!("rel=\"{rel}\"");
    values
        .iter()
        .flat_map(|value| value.split(", "))
        .find(|part| part.ends_with(&wanted))
        .and_then(|part| Some(part[part.find('<')? + 1..part.find('>')?].to_string()))
}

fn names(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {items}"))
        .iter()
        .map(|item| {
            let name = item.get("attributes").unwrap_or(item)["name"].as_str();
            name.unwrap_or_else(|| panic!("no name: {item}"))
                .to_string()
        })
        .collect()
}

fn string(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

/// Walks one built-in API by hand, the way its documentation says, from
/// `first`; returns the item names in order and how many pages it took.
fn walk(fixture: &Fixture, agent: &ureq::Agent, path: &str, first: &str) -> (Vec<String>, usize) {
    let mut url = fixture.url(first);
    let mut all = Vec::new();
    let mut pages = 0;
    loop {
        pages += 1;
        assert!(pages < 100, "{path}: no end in sight");
        let got = ok(agent, &url);
        let body = got.json();
        let next = match path {
            "/rest/v1.0/punch_items" | "/api/v4/projects" => {
                all.extend(names(&body));
                link(&got.all("Link"), "next")
            }
            "/repos/octo/hello/issues" => {
                all.extend(names(&body));
                link(&got.all("Link"), "next").map(|target| fixture.url(&target))
            }
            "/api/v1/projects" => {
                all.extend(names(&body["data"]));
                string(&body["next_page_url"])
            }
            "/api/v1/core/addresses" => {
                all.extend(names(&body["data"]));
                string(&body["links"]["next"])
            }
            "/drf/items/" => {
                all.extend(names(&body["results"]));
                string(&body["next"])
            }
            "/hal/orders" => {
                all.extend(names(&body["_embedded"]["orders"]));
                string(&body["_links"]["next"]["href"]).map(|href| fixture.url(&href))
            }
            "/jsonapi/articles" => {
                all.extend(names(&body["data"]));
                string(&body["links"]["next"])
            }
            "/odata/People" => {
                all.extend(names(&body["value"]));
                string(&body["@odata.nextLink"])
            }
            "/v2/transactions" => {
                all.extend(names(&body["items"]));
                assert_eq!(body["hasMore"], json!(body["nextPageUrl"].is_string()));
                string(&body["nextPageUrl"])
            }
            "/api/conversations.list" => {
                all.extend(names(&body["channels"]));
                let cursor = string(&body["response_metadata"]["next_cursor"]).unwrap_or_default();
                (!cursor.is_empty()).then(|| with_param(&fixture.url(first), "cursor", &cursor))
            }
            "/google/v1/things" => {
                all.extend(names(&body["things"]));
                string(&body["nextPageToken"])
                    .map(|token| with_param(&fixture.url(first), "pageToken", &token))
            }
            "/v1/customers" => {
                all.extend(names(&body["data"]));
                let last = string(
                    &body["data"][body["data"].as_array().map_or(0, |d| d.len().max(1) - 1)]["id"],
                );
                match (body["has_more"].as_bool(), last) {
                    (Some(true), Some(id)) => {
                        Some(with_param(&fixture.url(first), "starting_after", &id))
                    }
                    _ => None,
                }
            }
            other => panic!("no walker for {other}"),
        };
        match next {
            Some(next) => url = next,
            None => return (all, pages),
        }
    }
}

fn with_param(url: &str, name: &str, value: &str) -> String {
    let mut url = url::Url::parse(url).expect("a URL");
    url.query_pairs_mut().append_pair(name, value);
    url.to_string()
}

/// Each built-in route's page-size parameter.
fn size_param(path: &str) -> &'static str {
    match path {
        "/rest/v1.0/punch_items"
        | "/repos/octo/hello/issues"
        | "/api/v4/projects"
        | "/v2/transactions" => "per_page",
        "/api/v1/projects" | "/jsonapi/articles" => "page[size]",
        "/api/v1/core/addresses" | "/api/conversations.list" | "/v1/customers" => "limit",
        "/drf/items/" => "page_size",
        "/hal/orders" => "size",
        "/odata/People" => "$top",
        "/google/v1/things" => "pageSize",
        other => panic!("no size parameter for {other}"),
    }
}

#[test]
fn every_builtin_api_walks_to_the_end_in_order_keeping_filters() {
    let fixture = Fixture::start();
    let agent = agent();
    for path in BUILTIN_PATHS {
        let before = fixture.request_count();
        let size = size_param(path);
        let first = format!(
            "{path}?q=red+shoes&{}=5",
            size.replace('[', "%5B").replace(']', "%5D")
        );
        let (names, pages) = walk(&fixture, &agent, path, &first);
        assert_eq!(names, expected_names(23), "{path}");
        assert_eq!(pages, 5, "{path}: 23 items in pages of 5");
        for request in &fixture.requests()[before..] {
            assert_eq!(
                request.param("q"),
                Some("red shoes"),
                "{path}: {}",
                request.raw_url
            );
            assert_eq!(
                request.param(size),
                Some("5"),
                "{path}: {}",
                request.raw_url
            );
        }
    }
    assert_eq!(
        fixture.connection_count(),
        1,
        "one agent, sequential requests"
    );
}

#[test]
fn default_page_sizes_are_the_documented_ones() {
    let fixture = Fixture::builder().items(150).start();
    let agent = agent();
    let defaults = [
        ("/rest/v1.0/punch_items", 100),
        ("/repos/octo/hello/issues", 30),
        ("/api/v4/projects", 20),
        ("/api/v1/projects", 30),
        ("/api/v1/core/addresses", 10),
        ("/drf/items/", 10),
        ("/hal/orders", 10),
        ("/jsonapi/articles", 10),
        ("/odata/People", 8),
        ("/v2/transactions", 100),
        ("/api/conversations.list", 100),
        ("/google/v1/things", 10),
        ("/v1/customers", 10),
    ];
    for (path, default) in defaults {
        let (names, pages) = walk(&fixture, &agent, path, path);
        assert_eq!(names, expected_names(150), "{path}");
        assert_eq!(pages, 150usize.div_ceil(default), "{path}");
    }
}

#[test]
fn page_sizes_out_of_range_are_422_and_unknown_paths_404() {
    let fixture = Fixture::start();
    let agent = agent();
    for path in BUILTIN_PATHS {
        let size = size_param(path).replace('[', "%5B").replace(']', "%5D");
        for bad in ["0", "100000", "ten"] {
            let got =
                get(&agent, &fixture.url(&format!("{path}?{size}={bad}"))).expect("an answer");
            assert_eq!(got.status, 422, "{path} {size}={bad}: {}", got.body);
            got.json();
        }
    }
    let got = get(&agent, &fixture.url("/nope")).expect("an answer");
    assert_eq!(got.status, 404);
    assert_eq!(got.json()["message"], "Not Found");
}

#[test]
fn procore_follows_its_doc() {
    let fixture = Fixture::start();
    let agent = agent();
    let url = |page: usize| {
        fixture.url(&format!(
            "/rest/v1.0/punch_items?project_id=14406&per_page=5&page={page}"
        ))
    };
    let rels = |got: &Got| -> Vec<String> {
        let link = got.header("Link").unwrap_or_default().to_string();
        link.split(", ")
            .filter_map(|part| {
                Some(
                    part.split("rel=\"")
                        .nth(1)?
                        .trim_end_matches('"')
                        .to_string(),
                )
            })
            .collect()
    };
    let page1 = ok(&agent, &url(1));
    assert_eq!(rels(&page1), ["last", "next"]);
    assert_eq!(page1.header("Total"), Some("23"));
    assert_eq!(page1.header("Per-Page"), Some("5"));
    assert_eq!(page1.all("Link").len(), 1, "one Link header");
    assert_eq!(rels(&ok(&agent, &url(2))), ["first", "last", "next"]);
    let page3 = ok(&agent, &url(3));
    assert_eq!(rels(&page3), ["first", "prev", "last", "next"]);
    assert_eq!(
        link(&page3.all("Link"), "prev").as_deref(),
        Some(
            fixture
                .url("/rest/v1.0/punch_items?page=2&per_page=5&project_id=14406")
                .as_str()
        )
    );
    assert_eq!(rels(&ok(&agent, &url(5))), ["first", "prev", "last"]);
    assert_eq!(names(&ok(&agent, &url(5)).json()), expected_names(23)[20..]);
}

#[test]
fn laravel_body_is_the_documented_structure_with_escaped_slashes() {
    let fixture = Fixture::builder().items(3531).start();
    let got = ok(
        &agent(),
        &fixture.url("/api/v1/projects?filter%5Bstatus%5D=open"),
    );
    assert!(
        got.body
            .contains(r#""first_page_url":"http:\/\/127.0.0.1:"#),
        "{}",
        got.body
    );
    let body = got.json();
    let base = fixture.base();
    let page =
        |n: usize| format!("{base}/api/v1/projects?filter%5Bstatus%5D=open&page%5Bnumber%5D={n}");
    assert_eq!(body["current_page"], 1);
    assert_eq!(body["from"], 1);
    assert_eq!(body["to"], 30);
    assert_eq!(body["last_page"], 118);
    assert_eq!(body["total"], 3531);
    assert_eq!(body["per_page"], 30);
    assert_eq!(body["prev_page_url"], Value::Null);
    assert_eq!(body["next_page_url"], json!(page(2)));
    assert_eq!(body["path"], json!(format!("{base}/api/v1/projects")));
    let labels: Vec<&str> = body["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter_map(|link| link["label"].as_str())
        .collect();
    assert_eq!(
        labels,
        [
            "« Previous",
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "8",
            "9",
            "10",
            "...",
            "117",
            "118",
            "Next »"
        ]
    );
    let keys: Vec<&String> = body.as_object().expect("an object").keys().collect();
    assert_eq!(keys.len(), 13);

    let past_end = ok(
        &agent(),
        &fixture.url("/api/v1/projects?page%5Bnumber%5D=119"),
    )
    .json();
    assert_eq!(past_end["data"], json!([]));
    assert_eq!(past_end["from"], Value::Null);
    assert_eq!(past_end["to"], Value::Null);
}

#[test]
fn cursor_and_token_apis_reject_forged_cursors() {
    let fixture = Fixture::start();
    let agent = agent();
    let first = ok(&agent, &fixture.url("/v2/transactions?per_page=10")).json();
    let cursor = first["nextCursor"].as_str().expect("a cursor");
    assert!(
        cursor.parse::<u64>().is_err(),
        "opaque, not a number: {cursor}"
    );
    for forged in ["10", "abc", "dHhuLW9mZnNldDo5OTk"] {
        let got = get(
            &agent,
            &fixture.url(&format!("/v2/transactions?cursor={forged}")),
        )
        .expect("an answer");
        assert_eq!(got.status, 400, "cursor {forged}");
    }
    let got = get(&agent, &fixture.url("/google/v1/things?pageToken=xyz")).expect("an answer");
    assert_eq!(got.status, 400);
    assert_eq!(got.json()["error"]["status"], "INVALID_ARGUMENT");
    let got = get(
        &agent,
        &fixture.url("/v1/customers?starting_after=cus_99999"),
    )
    .expect("an answer");
    assert_eq!(got.status, 400);
    assert_eq!(got.json()["error"]["code"], "resource_missing");
    let slack = ok(
        &agent,
        &fixture.url("/api/conversations.list?cursor=bm9wZQ=="),
    )
    .json();
    assert_eq!(slack, json!({"ok": false, "error": "invalid_cursor"}));
    let last = ok(&agent, &fixture.url("/v2/transactions")).json();
    assert_eq!(last["hasMore"], false);
    assert_eq!(last["nextCursor"], Value::Null);
    assert_eq!(last["nextPageUrl"], Value::Null);
    assert_eq!(last["count"], 23);
}

#[test]
fn items_are_about_400_bytes_and_round_trip() {
    for n in [1, 7, 23, 1000] {
        let json = serde_json::to_string(&item(n)).expect("serializes");
        assert!(
            (300..=500).contains(&json.len()),
            "item({n}) is {} bytes",
            json.len()
        );
        let back: Item = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, item(n));
    }
    let fixture = Fixture::start();
    let served: Vec<Item> =
        serde_json::from_str(&ok(&agent(), &fixture.url("/repos/octo/hello/issues")).body)
            .expect("GitHub items are Items");
    assert_eq!(served, (1..=23).map(item).collect::<Vec<_>>());
}

/// What one request came to: a status, or a transport error.
fn outcome(agent: &ureq::Agent, url: &str) -> String {
    match get(agent, url) {
        Ok(got) if got.status == 429 => format!(
            "429 retry-after={}",
            got.header("Retry-After").unwrap_or("-")
        ),
        Ok(got) => got.status.to_string(),
        Err(_) => "error".to_string(),
    }
}

#[test]
fn a_fault_plan_is_deterministic_and_faulted_requests_can_be_retried() {
    let plan = FaultPlan {
        seed: 42,
        p503: 0.2,
        p429: 0.2,
        preset: 0.2,
    };
    let run = || {
        let fixture = Fixture::builder().faults(plan).start();
        let agent = agent();
        let outcomes: Vec<String> = (0..40)
            .map(|_| outcome(&agent, &fixture.url("/v1/customers?limit=5")))
            .collect();
        (outcomes, fixture.injected_faults())
    };
    let (first, injected) = run();
    assert_eq!(run(), (first.clone(), injected));
    for kind in ["200", "503", "429 retry-after=0", "error"] {
        assert!(first.contains(&kind.to_string()), "no {kind} in {first:?}");
    }
    assert_eq!(injected, first.iter().filter(|o| *o != "200").count());

    // Retrying every failure still yields every item once, in order.
    let fixture = Fixture::builder().faults(plan).start();
    let agent = agent();
    let mut names = Vec::new();
    let mut url = fixture.url("/api/v1/projects?page%5Bsize%5D=4");
    for attempt in 0.. {
        assert!(attempt < 200, "too many faults in a row");
        let got = match get(&agent, &url) {
            Ok(got) if got.status == 200 => got,
            _ => continue,
        };
        let body = got.json();
        names.extend(self::names(&body["data"]));
        match body["next_page_url"].as_str() {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    assert_eq!(names, expected_names(23));
    assert_eq!(fixture.request_count(), 6 + fixture.injected_faults());
}

#[test]
fn reply_variants_reach_the_client_as_documented() {
    let fixture = Fixture::start();
    let agent = agent();
    fixture.route("/json", |_| {
        Reply::json(json!({"a": 1})).with_header("X-Extra", "yes")
    });
    fixture.route("/status", |_| Reply::status(503, r#"{"message":"down"}"#));
    fixture.route("/text", |_| Reply::status(500, "plain words"));
    fixture.route("/raw", |_| Reply::Raw {
        status: 200,
        headers: vec![
            ("Content-Type".to_string(), "text/html".to_string()),
            ("Content-Encoding".to_string(), "identity".to_string()),
        ],
        body: b"<html>not json</html>".to_vec(),
    });
    fixture.route("/close", |_| Reply::Close);
    fixture.route("/truncated", |_| Reply::Truncated {
        headers: Vec::new(),
        body: br#"[{"id":1},"#.to_vec(),
        declared_len: 400,
    });
    // Custom routes override built-ins.
    fixture.route("/v1/customers", |request| {
        Reply::json(json!({"custom": true, "limit": request.param("limit")}))
    });

    let got = ok(&agent, &fixture.url("/json"));
    assert_eq!(got.json(), json!({"a": 1}));
    assert_eq!(got.header("Content-Type"), Some("application/json"));
    assert_eq!(got.header("X-Extra"), Some("yes"));

    let got = get(&agent, &fixture.url("/status")).expect("an answer");
    assert_eq!((got.status, got.json()), (503, json!({"message": "down"})));
    let got = get(&agent, &fixture.url("/text")).expect("an answer");
    assert_eq!((got.status, got.body.as_str()), (500, "plain words"));
    assert_eq!(
        got.header("Content-Type"),
        Some("text/plain; charset=utf-8")
    );

    let got = ok(&agent, &fixture.url("/raw"));
    assert_eq!(got.body, "<html>not json</html>");
    assert_eq!(got.header("Content-Type"), Some("text/html"));

    assert_eq!(
        ok(&agent, &fixture.url("/v1/customers?limit=3")).json(),
        json!({"custom": true, "limit": "3"})
    );

    // Close: a transport error before any status line, on a fresh
    // connection as well as on a kept-alive one.
    match get(&agent, &fixture.url("/close")) {
        Err(e) => assert!(matches!(e, ureq::Error::Io(_)), "{e:?}"),
        Ok(got) => panic!("Close answered {}", got.status),
    }
    match get(&self::agent(), &fixture.url("/close")) {
        Err(e) => assert!(matches!(e, ureq::Error::Io(_)), "{e:?}"),
        Ok(got) => panic!("Close answered {}", got.status),
    }
    // Truncated: the head arrives, reading the body fails.
    let mut response = agent
        .get(&fixture.url("/truncated"))
        .call()
        .expect("the head arrives");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response
            .headers()
            .get("Content-Length")
            .and_then(|v| v.to_str().ok()),
        Some("400")
    );
    match response.body_mut().read_to_string() {
        Err(e) => assert!(matches!(e, ureq::Error::Io(_)), "{e:?}"),
        Ok(body) => panic!("a short body read as {body:?}"),
    }

    // The fixture is still fine afterwards.
    assert_eq!(ok(&agent, &fixture.url("/json")).json(), json!({"a": 1}));
    let paths: Vec<String> = fixture.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths.first().map(String::as_str), Some("/json"));
    assert_eq!(paths.last().map(String::as_str), Some("/json"));
}

#[test]
fn handlers_may_keep_state_and_a_panicking_handler_answers_500() {
    let fixture = Fixture::start();
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    fixture.route("/count", move |_| {
        Reply::json(json!(seen.fetch_add(1, Ordering::SeqCst) + 1))
    });
    fixture.route("/boom", |_| panic!("deliberate panic in a fixture handler"));
    let agent = agent();
    for expected in 1..=3 {
        assert_eq!(ok(&agent, &fixture.url("/count")).json(), json!(expected));
    }
    assert_eq!(
        get(&agent, &fixture.url("/boom"))
            .expect("an answer")
            .status,
        500
    );
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[test]
fn recorded_requests_carry_method_path_query_headers_and_peer() {
    let fixture = Fixture::start();
    let agent = agent();
    let response = agent
        .get(&fixture.url("/api/v1/projects?page%5Bsize%5D=2&tag=a&tag=b%20c"))
        .header("Authorization", "Bearer t0ken")
        .call()
        .expect("an answer");
    drop(response);
    let requests = fixture.requests();
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/api/v1/projects");
    assert_eq!(
        request.raw_url,
        "/api/v1/projects?page%5Bsize%5D=2&tag=a&tag=b%20c"
    );
    assert_eq!(request.param("page[size]"), Some("2"));
    assert_eq!(request.params("tag"), ["a", "b c"]);
    assert_eq!(request.header("authorization"), Some("Bearer t0ken"));
    assert_eq!(request.peer.ip().to_string(), "127.0.0.1");
}

#[test]
fn connections_are_kept_alive_and_counted() {
    let fixture = Fixture::start();
    let agent = agent();
    for _ in 0..5 {
        ok(&agent, &fixture.url("/drf/items/"));
    }
    assert_eq!(fixture.connection_count(), 1);
    ok(&self::agent(), &fixture.url("/drf/items/"));
    assert_eq!(fixture.connection_count(), 2);
    assert_eq!(fixture.request_count(), 6);
}

#[test]
fn a_second_origin_binds_127_0_0_2() {
    let one = Fixture::start();
    let two = Fixture::builder().ip("127.0.0.2").start();
    assert!(
        two.base().starts_with("http://127.0.0.2:"),
        "{}",
        two.base()
    );
    let agent = agent();
    let got = ok(&agent, &two.url("/api/v4/projects?per_page=10"));
    assert!(got.header("Link").unwrap_or_default().contains(&two.base()));
    ok(&agent, &one.url("/api/v4/projects"));
    assert_eq!((one.request_count(), two.request_count()), (1, 1));
}

#[test]
fn latency_delays_every_response_and_workers_answer_concurrently() {
    let latency = Duration::from_millis(200);
    let fixture = Fixture::builder().latency(latency).workers(4).start();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| ok(&agent(), &fixture.url("/hal/orders")));
        }
    });
    let elapsed = started.elapsed();
    assert!(elapsed >= latency, "{elapsed:?}");
    assert!(
        elapsed < latency * 3,
        "4 workers answer in parallel: {elapsed:?}"
    );
}

#[test]
fn kept_alive_requests_do_not_stall() {
    let fixture = Fixture::start();
    let agent = agent();
    ok(&agent, &fixture.url("/odata/People"));
    let started = Instant::now();
    for _ in 0..20 {
        ok(&agent, &fixture.url("/odata/People"));
    }
    // A Nagle + delayed-ACK stall would be ~40 ms per request.
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn dropping_the_fixture_stops_it_even_with_open_connections() {
    let fixture = Fixture::start();
    let agent = agent();
    let url = fixture.url("/google/v1/things");
    ok(&agent, &url);
    let started = Instant::now();
    drop(fixture);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(get(&agent, &url).is_err(), "nothing listens any more");
}

#[test]
fn github_links_are_relative_and_one_field_per_rel() {
    let fixture = Fixture::start();
    let got = ok(
        &agent(),
        &fixture.url("/repos/octo/hello/issues?state=open&per_page=5&page=2"),
    );
    assert_eq!(
        got.all("Link"),
        [
            r#"</repos/octo/hello/issues?state=open&per_page=5&page=1>; rel="prev""#,
            r#"</repos/octo/hello/issues?state=open&per_page=5&page=3>; rel="next""#,
            r#"</repos/octo/hello/issues?state=open&per_page=5&page=5>; rel="last""#,
            r#"</repos/octo/hello/issues?state=open&per_page=5&page=1>; rel="first""#,
        ]
    );
}

/// Sends `request` on a fresh socket and reads until the server closes it.
fn raw_exchange(fixture: &Fixture, request: &str) -> String {
    use std::io::{Read, Write};
    let address = fixture.base().trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("a timeout");
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .expect("the server closes the connection");
    answer
}

#[test]
fn connection_close_and_malformed_requests_are_answered_then_closed() {
    let fixture = Fixture::start();
    let answer = raw_exchange(
        &fixture,
        "GET /v1/customers?limit=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains(r#""id":"cus_00001""#), "{answer}");

    let answer = raw_exchange(&fixture, "HEAD /drf/items/ HTTP/1.0\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\n"), "no body for HEAD: {answer}");

    // tiny_http's own answer to garbage still reaches the client.
    let answer = raw_exchange(&fixture, "NONSENSE\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
}
