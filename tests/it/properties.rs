//! Whatever a server answers, a walk ends: arbitrary JSON (keys drawn partly
//! from the pagination vocabulary), arbitrary bytes and arbitrary headers,
//! served from one local route, walked with every strategy and at most three
//! pages. No walk may panic or hang; each yields items, then at most one
//! error, then nothing, and never makes more than three requests.

use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use fixture::{Fixture, Reply, parts};
use pagewalk::{Error, ErrorKind, Strategy as Walk};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::Deserialize;
use serde_json::Value;

/// Cases per property: each is a few requests on loopback, a few ms.
const CASES: u32 = 96;
/// The route every case is served from.
const PATH: &str = "/feed";
/// Far longer than any local walk; only a hang gets near it.
const HANG: Duration = Duration::from_secs(20);

/// Field names the pagination rules look at, and a few around them.
const VOCABULARY: &[&str] = &[
    "data",
    "items",
    "results",
    "value",
    "next",
    "next_page_url",
    "nextPageUrl",
    "links",
    "_links",
    "_embedded",
    "href",
    "nextCursor",
    "next_cursor",
    "nextPageToken",
    "has_more",
    "hasMore",
    "current_page",
    "last_page",
    "total",
    "total_count",
    "count",
    "to",
    "meta",
    "response_metadata",
    "object",
    "list",
    "id",
    "@odata.nextLink",
];

/// Strings a server might put where a URL or a cursor goes.
const URLISH: &[&str] = &[
    "",
    " ",
    "list",
    "/feed",
    "/feed?page=2",
    "?page=3",
    "?cursor=c2",
    "/elsewhere",
    "//example.com/x",
    "https://example.com/feed?page=2",
    "ftp://example.com/feed",
    "http://[::1",
    "http://127.0.0.1:1/feed",
    "c2",
    "%zz",
    "2",
    "-1",
];

/// The state a case shares with the route's handler.
struct Served {
    server: Fixture,
    reply: Arc<Mutex<Reply>>,
}

impl Served {
    fn start() -> Served {
        let server = Fixture::start();
        let reply = Arc::new(Mutex::new(Reply::json(Value::Null)));
        let current = Arc::clone(&reply);
        server.route(PATH, move |_| {
            current
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        });
        Served { server, reply }
    }

    fn set(&self, reply: Reply) {
        *self.reply.lock().unwrap_or_else(PoisonError::into_inner) = reply;
    }
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(VOCABULARY).prop_map(str::to_owned),
        1 => "[a-zA-Z_@./~]{0,8}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => select(URLISH).prop_map(str::to_owned),
        1 => select(VOCABULARY).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (0u64..6).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("JSON has no NaN or infinity", |float| {
            serde_json::Number::from_f64(float).map(Value::Number)
        }),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// A body shaped like a page: an items array under a usual key, among
/// arbitrary fields, so that most walks get past item detection.
fn page() -> impl Strategy<Value = Value> {
    let item = prop_oneof![
        3 => (0u64..1000, text()).prop_map(|(id, name)| serde_json::json!({"id": id, "name": name})),
        1 => text().prop_map(|id| serde_json::json!({"id": id})),
        1 => json(),
    ];
    (
        select(&["data", "items", "results", "value"]),
        prop::collection::vec(item, 0..6),
        prop::collection::vec((key(), json()), 0..6),
    )
        .prop_map(|(items_key, items, fields)| {
            let mut body: serde_json::Map<String, Value> = fields.into_iter().collect();
            body.insert(items_key.to_owned(), Value::Array(items));
            Value::Object(body)
        })
}

/// Any JSON, half of it page-shaped.
fn body() -> impl Strategy<Value = Value> {
    prop_oneof![json(), page()]
}

/// Header values are printable ASCII: anything else would break the framing
/// of the fixture's response rather than test pagewalk.
fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = select(&[
        "Link",
        "Total",
        "X-Total",
        "X-Total-Count",
        "X-Next-Page",
        "X-Total-Pages",
        "Per-Page",
    ]);
    let value = prop_oneof![
        Just("</feed?page=2>; rel=\"next\"".to_owned()),
        Just("<?page=2>; rel=next, </feed>; rel=\"last\"".to_owned()),
        Just("</feed?page=2>; rel=\"next\"; results=\"false\"".to_owned()),
        Just("<http://[::1>; rel=\"next\"".to_owned()),
        Just("<https://example.com/x>; rel=\"next\"".to_owned()),
        (0u64..40).prop_map(|n| n.to_string()),
        "[ -~]{0,24}",
    ];
    prop::collection::vec((name.prop_map(str::to_owned), value), 0..3)
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop::option::of(
        select(&[
            "application/json",
            "application/json; charset=utf-8",
            "application/hal+json",
            "text/html; charset=utf-8",
            "text/plain",
        ])
        .prop_map(str::to_owned),
    )
}

fn strategy() -> impl Strategy<Value = Walk> {
    select(vec![
        Walk::auto(),
        Walk::auto(),
        Walk::link_header(),
        Walk::next_url("/next"),
        Walk::next_url("/links/next"),
        Walk::cursor("/nextCursor", "cursor"),
        Walk::page_number("page"),
        Walk::offset("offset"),
        Walk::keyset("starting_after", "/id"),
    ])
}

fn items_at() -> impl Strategy<Value = Option<&'static str>> {
    prop::option::weighted(0.2, select(&["", "/data", "/x/y", "/items/0", "bad"]))
}

/// How a walk is set up, apart from the body.
#[derive(Debug, Clone)]
struct Setup {
    strategy: Walk,
    items_at: Option<&'static str>,
    headers: Vec<(String, String)>,
    content_type: Option<String>,
}

fn setup() -> impl Strategy<Value = Setup> {
    (strategy(), items_at(), headers(), content_type()).prop_map(
        |(strategy, items_at, headers, content_type)| Setup {
            strategy,
            items_at,
            headers,
            content_type,
        },
    )
}

fn reply(setup: &Setup, body: Vec<u8>) -> Reply {
    let mut headers = setup.headers.clone();
    if let Some(kind) = &setup.content_type {
        headers.push(("Content-Type".to_owned(), kind.clone()));
    }
    Reply::Raw {
        status: 200,
        headers,
        body,
    }
}

/// What one walk produced.
#[derive(Debug)]
struct Outcome {
    items: usize,
    error: Option<Error>,
    /// What `next` gave after the end: must be nothing.
    after_end: usize,
}

/// Walks the route with `setup` on another thread, so that a hang fails the
/// case instead of blocking the suite.
fn walk<T>(served: &Served, setup: &Setup) -> Result<Outcome, TestCaseError>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    let mut paginator = served
        .server
        .paginator(PATH)
        .strategy(setup.strategy.clone())
        .max_pages(3)
        .retries(0)
        .timeout(Duration::from_secs(5));
    if let Some(pointer) = setup.items_at {
        paginator = paginator.items_at(pointer);
    }
    let (done, outcome) = mpsc::channel();
    thread::spawn(move || {
        let mut items = paginator.items::<T>();
        let mut count = 0;
        let mut error = None;
        for next in items.by_ref() {
            match next {
                Ok(_) => count += 1,
                Err(found) => {
                    error = Some(found);
                    break;
                }
            }
        }
        let after_end = (0..3).filter(|_| items.next().is_some()).count();
        let _ = done.send(Outcome {
            items: count,
            error,
            after_end,
        });
    });
    outcome
        .recv_timeout(HANG)
        .map_err(|_| TestCaseError::fail(format!("no end after {HANG:?}: {setup:?}")))
}

/// The properties every walk has, whatever it was served.
fn check(served: &Served, outcome: &Outcome, before: usize) -> Result<(), TestCaseError> {
    let requests = served.server.request_count() - before;
    prop_assert!(requests <= 3, "{requests} requests with max_pages(3)");
    prop_assert_eq!(outcome.after_end, 0, "items after the end");
    if let Some(error) = &outcome.error {
        let message = error.to_string();
        prop_assert!(!message.is_empty());
        if let Some(page) = error.page() {
            prop_assert!((1..=3).contains(&page), "page {} in {}", page, message);
            prop_assert!(message.contains(&format!("page {page} ")), "{}", message);
        }
        if let Some(url) = error.url() {
            prop_assert!(message.contains(url), "{}", message);
        }
    }
    Ok(())
}

/// A body that is not JSON yields nothing and one error: `Json` when the
/// server said it was JSON, `NotJson` otherwise.
fn check_unparsable(outcome: &Outcome, setup: &Setup) -> Result<(), TestCaseError> {
    prop_assert_eq!(outcome.items, 0);
    let json_type = setup
        .content_type
        .as_deref()
        .is_some_and(|kind| kind.contains("json"));
    match outcome.error.as_ref().map(parts) {
        Some((ErrorKind::Json, _, _)) => prop_assert!(json_type, "{:?}", setup),
        Some((ErrorKind::NotJson { .. }, _, _)) => prop_assert!(!json_type, "{:?}", setup),
        other => prop_assert!(false, "expected a JSON error, got {:?}", other),
    }
    Ok(())
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        // Failures print their minimal case; no regression file is written.
        failure_persistence: None,
        ..Config::default()
    })
}

fn run<S: Strategy>(
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> Result<(), String> {
    runner()
        .run(&strategy, test)
        .map_err(|failure| failure.to_string())
}

/// A typed item that some values match and most do not.
#[derive(Debug, Deserialize)]
struct Probe {
    #[serde(default)]
    #[allow(dead_code)]
    id: Option<u64>,
}

#[test]
fn any_json_body_ends_the_walk() {
    let served = Served::start();
    let outcome = run((body(), setup()), |(body, setup)| {
        served.set(reply(&setup, body.to_string().into_bytes()));
        let before = served.server.request_count();
        let outcome = walk::<Value>(&served, &setup)?;
        check(&served, &outcome, before)
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

#[test]
fn any_json_body_ends_a_typed_walk() {
    let served = Served::start();
    let outcome = run((body(), setup()), |(body, setup)| {
        served.set(reply(&setup, body.to_string().into_bytes()));
        let before = served.server.request_count();
        let outcome = walk::<Probe>(&served, &setup)?;
        check(&served, &outcome, before)
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

#[test]
fn a_page_that_points_to_itself_is_fetched_once() {
    // Every body sends the walk back to the same URL: after the first page
    // the walk must stop (with Error::Loop), never fetch it again.
    let served = Served::start();
    let outcome = run(json(), |extra| {
        let mut body = serde_json::Map::new();
        body.insert("data".to_owned(), Value::Array(vec![Value::from(1)]));
        body.insert("next_page_url".to_owned(), Value::from(PATH));
        body.insert("extra".to_owned(), extra);
        served.set(Reply::json(Value::Object(body)));
        let before = served.server.request_count();
        let setup = Setup {
            strategy: Walk::auto(),
            items_at: None,
            headers: Vec::new(),
            content_type: None,
        };
        let outcome = walk::<Value>(&served, &setup)?;
        check(&served, &outcome, before)?;
        prop_assert_eq!(served.server.request_count() - before, 1);
        prop_assert_eq!(outcome.items, 1);
        prop_assert!(
            matches!(
                outcome.error.as_ref().map(Error::kind),
                Some(ErrorKind::Loop { .. })
            ),
            "{:?}",
            outcome.error
        );
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

#[test]
fn truncated_json_ends_the_walk() {
    let served = Served::start();
    let outcome = run(
        (body(), any::<prop::sample::Index>(), setup()),
        |(body, cut, setup)| {
            let text = body.to_string();
            // A strict prefix (every JSON text has at least one byte); it may
            // still parse ("12" from "123"), so only the common rules apply.
            let prefix = text.as_bytes()[..cut.index(text.len())].to_vec();
            let parses = serde_json::from_slice::<Value>(&prefix).is_ok();
            served.set(reply(&setup, prefix));
            let before = served.server.request_count();
            let outcome = walk::<Value>(&served, &setup)?;
            check(&served, &outcome, before)?;
            if !parses {
                check_unparsable(&outcome, &setup)?;
            }
            Ok(())
        },
    );
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

#[test]
fn any_bytes_end_the_walk() {
    let served = Served::start();
    let bytes = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        "[ -~\n]{0,200}".prop_map(String::into_bytes),
        Just(b"<!DOCTYPE html><html><body>Sign in</body></html>".to_vec()),
        Just(b"\xEF\xBB\xBF[1, 2]".to_vec()),
        Just(Vec::new()),
    ];
    let outcome = run((bytes, setup()), |(body, setup)| {
        let parses = serde_json::from_slice::<Value>(&body).is_ok();
        served.set(reply(&setup, body));
        let before = served.server.request_count();
        let outcome = walk::<Value>(&served, &setup)?;
        check(&served, &outcome, before)?;
        if !parses {
            check_unparsable(&outcome, &setup)?;
        }
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}
