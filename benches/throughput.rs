//! Typed items without a detour, and connection reuse.
//!
//! 1. Walking 200 pages × 100 realistic items through `Items<Item>` against
//!    a hand-written ureq + serde_json loop that knows the envelope in
//!    advance; runs interleaved, medians compared. Two more variants of the
//!    hand loop attribute the difference: one sends every request the way
//!    `fetch.rs` does (per-phase timeouts), one the same with
//!    `timeout_global` instead, which pagewalk once used: it makes ureq
//!    resolve the host on a new thread for every request, pooled connection
//!    or not.
//! 2. Parsing alone, end to end: one 1 MiB page through `items::<Item>()`
//!    (auto-detected, and with `items_at("/data")`) against the same hand
//!    loop, plus a fetch-only run to take the transfer out of both.
//! 3. Requests per connection of a sequential walk.
//!
//! `PAGEWALK_BENCH_QUICK=1`: 60 pages, 7 runs each: enough for a median that noise does not swing by 10%.

mod common;

use std::collections::HashSet;
use std::hint::black_box;
use std::time::Duration;

use common::{OrderCheck, Row, Target, fail, median, ms, pick, print_table, timed};
use fixture::{Fixture, Item, Reply, item};
use serde::Deserialize;

const PAGE_SIZE: u64 = 100;
const LARAVEL: &str = "/api/v1/projects?page[size]=100";
/// About 1 MiB of items in `{"data": [...], ...}`.
const BIG_ITEMS: u64 = 2600;
const BIG_PATH: &str = "/bench/one-mib";

/// What the hand-written loop knows about the API in advance.
#[derive(Deserialize)]
struct Envelope<T> {
    data: Vec<T>,
    next_page_url: Option<String>,
}

/// How the hand-written loop sends its requests.
#[derive(Debug, Clone, Copy)]
enum Settings {
    /// The agent's defaults, as a user would write it.
    Plain,
    /// Exactly what `fetch.rs` sets on each request.
    LikePagewalk,
    /// As `LikePagewalk`, with `timeout_global` in place of per-phase timeouts.
    GlobalTimeout,
}

fn main() {
    let pages: u64 = pick(200, 60);
    let runs: usize = pick(15, 7);
    let items = pages * PAGE_SIZE;
    let server = Fixture::builder().items(items as usize).start();
    let mut rows = Vec::new();

    // 1. The walk, interleaved (pagewalk, hand loop, the two attribution
    // variants, again ...) after one warm-up each.
    let variants: [(&str, &dyn Fn() -> u64); 4] = [
        ("pagewalk", &|| pagewalk_walk(&server, LARAVEL, items)),
        ("hand", &|| {
            hand_walk(&server, LARAVEL, items, Settings::Plain)
        }),
        ("hand, pagewalk's settings", &|| {
            hand_walk(&server, LARAVEL, items, Settings::LikePagewalk)
        }),
        ("hand, global timeout", &|| {
            hand_walk(&server, LARAVEL, items, Settings::GlobalTimeout)
        }),
    ];
    for (_, walk) in &variants {
        walk();
    }
    let mut rates = vec![Vec::new(); variants.len()];
    let mut per_connection = vec![Vec::new(); variants.len()];
    for _ in 0..runs {
        for (k, (_, walk)) in variants.iter().enumerate() {
            let before = server.request_count();
            let (elapsed, _) = timed(walk);
            rates[k].push(items as f64 / elapsed.as_secs_f64());
            per_connection[k].push(requests_per_connection(&server, before));
        }
    }
    let rate: Vec<f64> = rates.iter().map(|samples| median(samples)).collect();
    for ((name, _), rate) in variants.iter().zip(&rate) {
        println!(
            "walk, {name}: {rate:.0} items/s, {:.3} ms/page (median of {runs})",
            PAGE_SIZE as f64 / rate * 1e3
        );
    }
    // The comparison: a hand loop with the same settings, that is,
    // the same timeouts and request options pagewalk sets on every request.
    rows.push(Row {
        measure: format!(
            "walk {pages} pages × {PAGE_SIZE} `Item`s vs a hand loop with the same request settings, items/s (median of {runs})"
        ),
        pagewalk: format!("{:.0}", rate[0]),
        baseline: format!("{:.0}", rate[2]),
        ratio: rate[0] / rate[2],
        target: Target::AtLeast(0.95),
    });
    rows.push(Row {
        measure: "same walk vs a hand loop with ureq's defaults (no timeouts at all), items/s"
            .into(),
        pagewalk: format!("{:.0}", rate[0]),
        baseline: format!("{:.0}", rate[1]),
        ratio: rate[0] / rate[1],
        target: Target::Info,
    });
    rows.push(Row {
        measure:
            "attribution: the hand loop with the same settings vs with ureq's defaults, items/s"
                .into(),
        pagewalk: format!("{:.0}", rate[2]),
        baseline: format!("{:.0}", rate[1]),
        ratio: rate[2] / rate[1],
        target: Target::Info,
    });
    rows.push(Row {
        measure: "attribution: the same settings with timeout_global (a resolver thread per request), items/s"
            .into(),
        pagewalk: format!("{:.0}", rate[3]),
        baseline: format!("{:.0}", rate[1]),
        ratio: rate[3] / rate[1],
        target: Target::Info,
    });

    // 2. One 1 MiB page.
    rows.extend(one_mib_page(&server, pick(31, 3)));

    // 3. Connection reuse: every run must use one connection for all its pages.
    let worst = |samples: &[f64]| samples.iter().copied().fold(f64::INFINITY, f64::min);
    rows.push(Row {
        measure: format!("requests per connection, sequential walk of {pages} pages (worst run)"),
        pagewalk: format!("{:.1}", worst(&per_connection[0])),
        baseline: format!("{:.1}", worst(&per_connection[1])),
        ratio: worst(&per_connection[0]) / worst(&per_connection[1]),
        target: Target::AtLeast(1.0),
    });

    print_table("throughput: typed items, parsing, connection reuse", &rows);
}

/// The requests since request number `before`, divided by the connections they came over.
fn requests_per_connection(server: &Fixture, before: usize) -> f64 {
    let requests = server.requests();
    let recent = &requests[before..];
    let connections: HashSet<_> = recent.iter().map(|request| request.peer).collect();
    recent.len() as f64 / connections.len().max(1) as f64
}

/// Every item through pagewalk, checked for order; returns the count.
fn pagewalk_walk(server: &Fixture, path: &str, expected: u64) -> u64 {
    let mut check = OrderCheck::new("pagewalk walk");
    for item in server.paginator(path).items::<Item>() {
        let item = item.unwrap_or_else(|error| fail(&format!("pagewalk walk: {error}")));
        check.see(item.id);
        black_box(item);
    }
    check.finish(expected)
}

/// The loop a user would write knowing the API: ureq, `read_to_vec`,
/// `serde_json::from_slice` into the envelope, follow `next_page_url`.
fn hand_walk(server: &Fixture, path: &str, expected: u64, settings: Settings) -> u64 {
    let agent = fixture::agent();
    let mut check = OrderCheck::new("hand loop");
    let mut url = server.url(path);
    loop {
        let body = get_body(&agent, &url, settings);
        let envelope: Envelope<Item> = serde_json::from_slice(&body)
            .unwrap_or_else(|error| fail(&format!("GET {url}: {error}")));
        for item in envelope.data {
            check.see(item.id);
            black_box(item);
        }
        match envelope.next_page_url {
            Some(next) => url = next,
            None => break,
        }
    }
    check.finish(expected)
}

fn get_body(agent: &ureq::Agent, url: &str, settings: Settings) -> Vec<u8> {
    let (timeout, connect_timeout) = (Duration::from_secs(30), Duration::from_secs(10));
    let body = match settings {
        Settings::Plain => agent
            .get(url)
            .call()
            .and_then(|mut response| response.body_mut().read_to_vec()),
        Settings::LikePagewalk | Settings::GlobalTimeout => {
            let request = agent
                .get(url)
                .header("Accept", "application/json")
                .config()
                .http_status_as_error(false)
                .max_redirects(0)
                .timeout_connect(Some(connect_timeout));
            let request = match settings {
                Settings::GlobalTimeout => request.timeout_global(Some(timeout)),
                _ => request
                    .timeout_send_request(Some(timeout))
                    .timeout_recv_response(Some(timeout))
                    .timeout_recv_body(Some(timeout)),
            };
            request.build().call().and_then(|mut response| {
                response
                    .body_mut()
                    .with_config()
                    .limit(64 * 1024 * 1024)
                    .read_to_vec()
            })
        }
    };
    body.unwrap_or_else(|error| fail(&format!("GET {url}: {error}")))
}

/// One page of about 1 MiB: pagewalk (auto-detected and with the pointer
/// given) against the hand loop, and a fetch-only run to derive parse times.
fn one_mib_page(server: &Fixture, runs: usize) -> Vec<Row> {
    let body = serde_json::json!({
        "current_page": 1,
        "data": (1..=BIG_ITEMS).map(item).collect::<Vec<_>>(),
        "last_page": 1,
        "next_page_url": null,
        "per_page": BIG_ITEMS,
        "total": BIG_ITEMS,
    })
    .to_string();
    let size = body.len();
    server.route(BIG_PATH, move |_| Reply::Json {
        status: 200,
        headers: Vec::new(),
        body: body.clone(),
    });
    let url = server.url(BIG_PATH);

    let auto = || pagewalk_walk(server, BIG_PATH, BIG_ITEMS);
    let pointer = || {
        let mut check = OrderCheck::new("pagewalk items_at(\"/data\")");
        for item in server.paginator(BIG_PATH).items_at("/data").items::<Item>() {
            let item = item.unwrap_or_else(|error| fail(&format!("pagewalk: {error}")));
            check.see(item.id);
            black_box(item);
        }
        check.finish(BIG_ITEMS)
    };
    let hand = || hand_walk(server, BIG_PATH, BIG_ITEMS, Settings::Plain);
    let fetch_only = || black_box(get_body(&fixture::agent(), &url, Settings::Plain).len()) as u64;

    let variants: [&dyn Fn() -> u64; 4] = [&auto, &pointer, &hand, &fetch_only];
    for variant in variants {
        variant();
    }
    let mut samples = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..runs {
        for (variant, samples) in variants.iter().zip(samples.iter_mut()) {
            let (elapsed, _) = timed(variant);
            samples.push(elapsed.as_secs_f64());
        }
    }
    let [auto, pointer, hand, fetch] = samples.map(|samples| median(&samples));
    println!(
        "1 MiB page ({size} bytes, {BIG_ITEMS} items), median of {runs}: auto {}, items_at {}, \
         hand {}, fetch only {}",
        ms(auto),
        ms(pointer),
        ms(hand),
        ms(fetch)
    );
    let parse = |total: f64| (total - fetch).max(f64::EPSILON);
    vec![
        Row {
            measure: "1 MiB page end to end, auto-detected `items::<Item>()` (1/time)".into(),
            pagewalk: ms(auto),
            baseline: ms(hand),
            ratio: hand / auto,
            target: Target::AtLeast(0.9),
        },
        Row {
            measure: "1 MiB page end to end, `items_at(\"/data\")` (1/time)".into(),
            pagewalk: ms(pointer),
            baseline: ms(hand),
            ratio: hand / pointer,
            target: Target::AtLeast(0.9),
        },
        Row {
            measure: "1 MiB page, parse only (end to end − fetch only), auto (1/time)".into(),
            pagewalk: ms(parse(auto)),
            baseline: ms(parse(hand)),
            ratio: parse(hand) / parse(auto),
            target: Target::Info,
        },
        Row {
            measure: "1 MiB page, parse only (end to end − fetch only), `items_at` (1/time)".into(),
            pagewalk: ms(parse(pointer)),
            baseline: ms(parse(hand)),
            ratio: parse(hand) / parse(pointer),
            target: Target::Info,
        },
    ]
}
