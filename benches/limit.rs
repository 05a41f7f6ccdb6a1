//! pagewalk at the limit: against a server much faster than the client
//! (`common/fast.rs`), each walk against a hand-written ureq + serde_json
//! loop that knows its API, in interleaved runs, with the hand loop's ratio
//! to itself (A/A) printed beside each figure: a ratio means something only
//! when its A/A sits within ±2% of 1.00.
//!
//! Routes: `Link` headers (a root array), a Laravel envelope
//! (`next_page_url`), a POST cursor walk (Notion's query), a GraphQL
//! connection; then `prefetch(1)` against the sequential walk, with and
//! without latency and consumer work, and the header-known next request;
//! then the first six again on pages of 10 items, where the fixed cost of a
//! page weighs most.
//!
//! `PAGEWALK_BENCH_QUICK=1`: fewer pages and runs, for CI.

mod common;

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use common::fast::{FastServer, Routes, render};
use common::{Interleaved, OrderCheck, Row, Target, fail, interleaved, pick, print_table};
use fixture::{Item, item};
use pagewalk::{Paginator, Strategy, Target as BodyTarget};
use serde::Deserialize;
use serde_json::{Value, json};

const PER_PAGE: u64 = 100;
/// Items a page on the server of small pages, where a walk's fixed cost a
/// page weighs most.
const SMALL_PER_PAGE: u64 = 10;
/// Pages of the walks against the server with latency.
const SLOW_PAGES: u64 = 20;

fn main() {
    let pages = pick(200, 40);
    let runs = pick(31, 5);
    let server = FastServer::start(|base| routes(base, pages, PER_PAGE), Duration::ZERO);
    if let Ok(which) = std::env::var("PAGEWALK_PROFILE") {
        // `PAGEWALK_PROFILE=pagewalk:0` (or `hand:1`, ...): one walk over and
        // over for five seconds, to run under a profiler.
        let (who, index) = which.split_once(':').unwrap_or(("pagewalk", "0"));
        let route = &ROUTES[index.parse::<usize>().unwrap_or(0)];
        let url = server.url(route.start);
        let walk = if who == "hand" {
            route.hand
        } else {
            route.pagewalk
        };
        let started = Instant::now();
        let seconds = std::env::var("PAGEWALK_PROFILE_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(5);
        let mut walks = 0u64;
        while started.elapsed() < Duration::from_secs(seconds) {
            walk(&server, &url, pages * PER_PAGE);
            walks += 1;
        }
        // The pages walked, for per-page figures from a profile.
        eprintln!("{walks} walks, {} pages", walks * pages);
        return;
    }
    // `PAGEWALK_BENCH_ROUTES=0,2`: only those routes.
    let only: Option<Vec<usize>> = std::env::var("PAGEWALK_BENCH_ROUTES").ok().map(|list| {
        list.split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect()
    });
    let chosen = |index: usize| only.as_ref().is_none_or(|only| only.contains(&index));
    let mut rows = Vec::new();
    for (_, route) in ROUTES
        .iter()
        .enumerate()
        .filter(|(index, _)| chosen(*index))
    {
        rows.push(row(&server, route, (pages, PER_PAGE), runs, "fast server"));
    }
    // Pages of 10 items: the sequential walks and prefetch again, for the
    // record (the targets are set for pages of 100).
    let small = FastServer::start(|base| routes(base, pages, SMALL_PER_PAGE), Duration::ZERO);
    for (_, route) in ROUTES[..6]
        .iter()
        .enumerate()
        .filter(|(index, _)| chosen(*index))
    {
        let mut small_row = row(&small, route, (pages, SMALL_PER_PAGE), runs, "small pages");
        small_row.target = Target::Info;
        rows.push(small_row);
    }
    // With 10 ms of latency a page, the same experiment and prefetch.
    let slow = FastServer::start(
        |base| routes(base, SLOW_PAGES, PER_PAGE),
        Duration::from_millis(10),
    );
    let slow_runs = pick(7, 3);
    for route in &ROUTES[6..] {
        rows.push(row(
            &slow,
            route,
            (SLOW_PAGES, PER_PAGE),
            slow_runs,
            "10 ms latency",
        ));
    }
    print_table("at the limit: a fast server", &rows);
}

/// One line of the table: `route` on `server`, whose pages are
/// `(pages, items a page)`.
fn row(
    server: &FastServer,
    route: &Route,
    (pages, per_page): (u64, u64),
    runs: usize,
    server_name: &str,
) -> Row {
    let Interleaved { ratio, aa, rate } = compare(server, route, pages * per_page, runs);
    println!(
        "{} ({server_name}): {rate:.0} items/s, ratio {ratio:.3}, A/A {aa:.3} (median of {runs})",
        route.name
    );
    Row {
        measure: format!(
            "{} ({server_name}), {pages} pages × {per_page} `Item`s, items/s (A/A {aa:.3})",
            route.name
        ),
        pagewalk: format!("{rate:.0}"),
        baseline: format!("{:.0}", rate / ratio),
        ratio,
        target: if route.target > 0.0 {
            Target::AtLeast(route.target)
        } else {
            Target::Info
        },
    }
}

/// One route of the fast server, with its two walks.
struct Route {
    name: &'static str,
    start: &'static str,
    pagewalk: fn(&FastServer, &str, u64) -> u64,
    hand: fn(&FastServer, &str, u64) -> u64,
    target: f64,
}

const ROUTES: &[Route] = &[
    Route {
        name: "Link header",
        start: "/link?page=1",
        pagewalk: pagewalk_get,
        hand: hand_link,
        target: 0.98,
    },
    Route {
        name: "Laravel next_page_url",
        start: "/laravel?page=1",
        pagewalk: pagewalk_get,
        hand: hand_laravel,
        target: 0.98,
    },
    Route {
        name: "POST cursor (Notion query)",
        start: "/query",
        pagewalk: pagewalk_post_cursor,
        hand: hand_post_cursor,
        target: 0.95,
    },
    Route {
        name: "GraphQL connection",
        start: "/graphql",
        pagewalk: pagewalk_graphql,
        hand: hand_graphql,
        target: 0.95,
    },
    Route {
        name: "Link header, `prefetch(1)` vs the sequential walk",
        start: "/link?page=1",
        pagewalk: pagewalk_prefetch,
        hand: pagewalk_get,
        target: 1.0,
    },
    Route {
        name: "Laravel, `prefetch(1)` vs the sequential walk",
        start: "/laravel?page=1",
        pagewalk: pagewalk_prefetch,
        hand: pagewalk_get,
        target: 1.0,
    },
    Route {
        name: "Link header, `prefetch(1)` vs the hand loop",
        start: "/link?page=1",
        pagewalk: pagewalk_prefetch,
        hand: hand_link,
        target: 0.0,
    },
    Route {
        name: "experiment: the hand loop sending the next request once the `Link` header is read, vs the hand loop",
        start: "/link?page=1",
        pagewalk: hand_link_pipelined,
        hand: hand_link,
        target: 0.0,
    },
    Route {
        name: "experiment: that pipelined hand loop vs `prefetch(1)`",
        start: "/link?page=1",
        pagewalk: hand_link_pipelined,
        hand: pagewalk_prefetch,
        target: 0.0,
    },
];

/// `route`'s pagewalk walk of `items` against its hand loop, in interleaved runs.
fn compare(server: &FastServer, route: &Route, items: u64, runs: usize) -> Interleaved {
    let url = server.url(route.start);
    interleaved(
        &|| {
            (route.pagewalk)(server, &url, items);
        },
        &|| {
            (route.hand)(server, &url, items);
        },
        runs,
        items as f64,
    )
}

fn pagewalk_get(_: &FastServer, url: &str, expected: u64) -> u64 {
    walk_items(Paginator::new(url), expected)
}

fn pagewalk_prefetch(_: &FastServer, url: &str, expected: u64) -> u64 {
    walk_items(Paginator::new(url).prefetch(1), expected)
}

fn pagewalk_post_cursor(_: &FastServer, url: &str, expected: u64) -> u64 {
    let paginator = Paginator::new(url)
        .body(json!({"page_size": PER_PAGE}))
        .strategy(Strategy::cursor(
            "/next_cursor",
            BodyTarget::body("/start_cursor"),
        ));
    walk_items(paginator, expected)
}

fn pagewalk_graphql(_: &FastServer, url: &str, expected: u64) -> u64 {
    let paginator = Paginator::new(url).body(json!({"query": GRAPHQL_QUERY, "variables": {}}));
    walk_items(paginator, expected)
}

/// Every item of a walk with pagewalk's own agent, as a user would leave it
/// (the environment sets no proxy for loopback).
fn walk_items(paginator: Paginator, expected: u64) -> u64 {
    let mut check = OrderCheck::new("pagewalk");
    for item in paginator.items::<Item>() {
        let item = item.unwrap_or_else(|error| fail(&error.to_string()));
        check.see(item.id);
        black_box(item);
    }
    check.finish(expected)
}

/// The hand loops: ureq with the agent's defaults, the body read whole and
/// parsed into a struct that knows the envelope.
fn get(agent: &ureq::Agent, url: &str) -> (Option<String>, Vec<u8>) {
    let mut response = agent
        .get(url)
        .call()
        .unwrap_or_else(|error| fail(&error.to_string()));
    let link = response
        .headers()
        .get("link")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = response
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .unwrap_or_else(|error| fail(&error.to_string()));
    (link, body)
}

fn post(agent: &ureq::Agent, url: &str, body: &Value) -> Vec<u8> {
    let bytes = serde_json::to_vec(body).expect("JSON");
    agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(&bytes[..])
        .and_then(|mut response| {
            response
                .body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_vec()
        })
        .unwrap_or_else(|error| fail(&error.to_string()))
}

fn hand_link(_: &FastServer, url: &str, expected: u64) -> u64 {
    let agent = fixture::agent();
    let mut check = OrderCheck::new("hand loop");
    let mut next = Some(url.to_owned());
    while let Some(url) = next.take() {
        let (link, body) = get(&agent, &url);
        let items: Vec<Item> =
            serde_json::from_slice(&body).unwrap_or_else(|e| fail(&e.to_string()));
        for item in items {
            check.see(item.id);
            black_box(item);
        }
        // `<url>; rel="next"`, the only link this server sends.
        next = link.and_then(|link| Some(link.split_once('<')?.1.split_once('>')?.0.to_owned()));
    }
    check.finish(expected)
}

/// The Link walk with the next request sent as soon as a response's
/// headers name it, before its body is read: a second connection, on a
/// thread of its own, while this one reads and parses.
fn hand_link_pipelined(_: &FastServer, url: &str, expected: u64) -> u64 {
    use std::sync::mpsc;
    let agent = fixture::agent();
    let (ask, asked) = mpsc::channel::<String>();
    let (answer, answered) = mpsc::channel::<ureq::http::Response<ureq::Body>>();
    let fetcher = {
        let agent = agent.clone();
        std::thread::spawn(move || {
            for url in asked {
                let response = agent
                    .get(&url)
                    .call()
                    .unwrap_or_else(|error| fail(&error.to_string()));
                if answer.send(response).is_err() {
                    return;
                }
            }
        })
    };
    let mut check = OrderCheck::new("pipelined hand loop");
    ask.send(url.to_owned()).expect("the fetcher runs");
    while let Ok(mut response) = answered.recv() {
        let next = response
            .headers()
            .get("link")
            .and_then(|value| value.to_str().ok())
            .and_then(|link| Some(link.split_once('<')?.1.split_once('>')?.0.to_owned()));
        let more = next.is_some();
        if let Some(next) = next {
            ask.send(next).expect("the fetcher runs");
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .unwrap_or_else(|error| fail(&error.to_string()));
        let items: Vec<Item> =
            serde_json::from_slice(&body).unwrap_or_else(|e| fail(&e.to_string()));
        for item in items {
            check.see(item.id);
            black_box(item);
        }
        if !more {
            break;
        }
    }
    drop(ask);
    let _ = fetcher.join();
    check.finish(expected)
}

#[derive(Deserialize)]
struct Laravel {
    data: Vec<Item>,
    next_page_url: Option<String>,
}

fn hand_laravel(_: &FastServer, url: &str, expected: u64) -> u64 {
    let agent = fixture::agent();
    let mut check = OrderCheck::new("hand loop");
    let mut next = Some(url.to_owned());
    while let Some(url) = next.take() {
        let (_, body) = get(&agent, &url);
        let page: Laravel = serde_json::from_slice(&body).unwrap_or_else(|e| fail(&e.to_string()));
        for item in page.data {
            check.see(item.id);
            black_box(item);
        }
        next = page.next_page_url;
    }
    check.finish(expected)
}

#[derive(Deserialize)]
struct NotionList {
    results: Vec<Item>,
    next_cursor: Option<String>,
    has_more: bool,
}

fn hand_post_cursor(_: &FastServer, url: &str, expected: u64) -> u64 {
    let agent = fixture::agent();
    let mut check = OrderCheck::new("hand loop");
    let mut query = json!({"page_size": PER_PAGE});
    loop {
        let body = post(&agent, url, &query);
        let page: NotionList =
            serde_json::from_slice(&body).unwrap_or_else(|e| fail(&e.to_string()));
        for item in page.results {
            check.see(item.id);
            black_box(item);
        }
        match (page.has_more, page.next_cursor) {
            (true, Some(cursor)) => query["start_cursor"] = json!(cursor),
            _ => break,
        }
    }
    check.finish(expected)
}

const GRAPHQL_QUERY: &str = "query($cursor: String) { repository(owner: \"o\", name: \"r\") { \
     issues(first: 100, after: $cursor) { nodes { id } pageInfo { hasNextPage endCursor } } } }";

#[derive(Deserialize)]
struct GraphqlPage {
    data: GraphqlData,
}
#[derive(Deserialize)]
struct GraphqlData {
    repository: GraphqlRepository,
}
#[derive(Deserialize)]
struct GraphqlRepository {
    issues: GraphqlConnection,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphqlConnection {
    nodes: Vec<Item>,
    page_info: PageInfo,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

fn hand_graphql(_: &FastServer, url: &str, expected: u64) -> u64 {
    let agent = fixture::agent();
    let mut check = OrderCheck::new("hand loop");
    let mut request = json!({"query": GRAPHQL_QUERY, "variables": {}});
    loop {
        let body = post(&agent, url, &request);
        let page: GraphqlPage =
            serde_json::from_slice(&body).unwrap_or_else(|e| fail(&e.to_string()));
        let connection = page.data.repository.issues;
        for item in connection.nodes {
            check.see(item.id);
            black_box(item);
        }
        match (
            connection.page_info.has_next_page,
            connection.page_info.end_cursor,
        ) {
            (true, Some(cursor)) => request["variables"]["cursor"] = json!(cursor),
            _ => break,
        }
    }
    check.finish(expected)
}

/// Every page of every route, rendered before the clock starts.
fn routes(base: &str, pages: u64, per_page: u64) -> Routes {
    let items_of = |page: u64| -> Vec<Item> {
        let first = (page - 1) * per_page + 1;
        (first..first + per_page).map(item).collect()
    };
    let json = |value: &Value| serde_json::to_vec(value).expect("JSON");
    let mut get = HashMap::new();
    let mut notion = HashMap::new();
    let mut graphql = HashMap::new();
    for page in 1..=pages {
        let items = serde_json::to_value(items_of(page)).expect("JSON");
        let last = page == pages;
        let link = (!last).then(|| {
            (
                "Link",
                format!("<{base}/link?page={}>; rel=\"next\"", page + 1),
            )
        });
        get.insert(
            format!("/link?page={page}"),
            render(&json(&items), &link.into_iter().collect::<Vec<_>>()),
        );
        let laravel = json!({
            "current_page": page, "data": items, "last_page": pages, "per_page": per_page,
            "total": pages * per_page,
            "next_page_url": (!last).then(|| format!("{base}/laravel?page={}", page + 1)),
        });
        get.insert(
            format!("/laravel?page={page}"),
            render(&json(&laravel), &[]),
        );
        let cursor = if page == 1 {
            String::new()
        } else {
            format!("c{page}")
        };
        let next = (!last).then(|| format!("c{}", page + 1));
        let list =
            json!({"object": "list", "results": items, "next_cursor": next, "has_more": !last});
        notion.insert(cursor.clone(), render(&json(&list), &[]));
        let connection = json!({"data": {"repository": {"issues": {
            "nodes": items, "pageInfo": {"hasNextPage": !last, "endCursor": format!("c{}", page + 1)}}}}});
        graphql.insert(cursor, render(&json(&connection), &[]));
    }
    let mut post = HashMap::new();
    post.insert("/query".to_owned(), ("start_cursor".to_owned(), notion));
    post.insert("/graphql".to_owned(), ("cursor".to_owned(), graphql));
    Routes { get, post }
}
