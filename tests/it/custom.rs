//! `Strategy::custom`: an API no built-in rule knows, walked by a closure,
//! with every rule of the walk still around it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use fixture::{Fixture, Recorded, Reply, item_json, value_ids};
use pagewalk::{Checkpoint, ErrorKind, Paginator, Strategy};
use serde_json::{Value, json};

/// Acme names its next page only in `X-Acme-Continue: <token>`, taken back
/// as `?from=<token>`, and every request must carry `sig`, a checksum of
/// its other parameters: nothing a built-in rule reads. 23 items, 5 a page.
fn acme(server: &Fixture) {
    server.route("/acme/things", |request: &Recorded| {
        let from: usize = match request.param("from") {
            None => 0,
            Some(token) => match token.strip_prefix("tok-").and_then(|n| n.parse().ok()) {
                Some(n) => n,
                None => return Reply::status(400, r#"{"message": "bad token"}"#),
            },
        };
        let expected = signature(request.param("from").unwrap_or_default());
        if request.param("sig") != Some(expected.as_str()) {
            return Reply::status(403, r#"{"message": "bad signature"}"#);
        }
        let end = (from + 5).min(23);
        let things: Vec<Value> = (from + 1..=end).map(|n| item_json(n as u64)).collect();
        // The body looks complete: no count, no link, no flag.
        let reply = Reply::json(json!({ "things": things }));
        if end < 23 {
            reply.with_header("X-Acme-Continue", &format!("tok-{end}"))
        } else {
            reply
        }
    });
}

/// Acme's request checksum (FNV-1a of the token, in hex).
fn signature(from: &str) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in format!("from={from}").bytes() {
        hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
    }
    format!("{hash:08x}")
}

/// The custom strategy for Acme, counting its calls.
fn acme_strategy(calls: &Arc<AtomicUsize>) -> Strategy {
    let calls = Arc::clone(calls);
    Strategy::custom(move |page| {
        calls.fetch_add(1, Ordering::SeqCst);
        let Some(token) = page.headers().get("X-Acme-Continue") else {
            return Ok(None);
        };
        let token = token.to_str().map_err(|error| error.to_string())?;
        Ok(Some(
            page.request()
                .clone()
                .with_query("from", token)
                .with_query("sig", &signature(token)),
        ))
    })
}

fn walk(server: &Fixture, calls: &Arc<AtomicUsize>) -> Paginator {
    server
        .paginator(&format!("/acme/things?sig={}", signature("")))
        .strategy(acme_strategy(calls))
}

#[test]
fn a_custom_rule_walks_an_api_no_built_in_rule_knows() {
    for prefetch in [0, 2] {
        let server = Fixture::start();
        acme(&server);
        let calls = Arc::new(AtomicUsize::new(0));
        let items: Vec<Value> = walk(&server, &calls)
            .prefetch(prefetch)
            .items::<Value>()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(value_ids(&items), (1..=23).collect::<Vec<_>>());
        let froms: Vec<Option<String>> = server
            .requests()
            .iter()
            .map(|request| request.param("from").map(str::to_owned))
            .collect();
        let expected: Vec<Option<String>> = [None, Some(5), Some(10), Some(15), Some(20)]
            .iter()
            .map(|n| n.map(|n| format!("tok-{n}")))
            .collect();
        assert_eq!(froms, expected, "prefetch {prefetch}");
        assert_eq!(calls.load(Ordering::SeqCst), 5);
    }
}

#[test]
fn resuming_does_not_call_the_rule_for_pages_already_seen() {
    let server = Fixture::start();
    acme(&server);
    let calls = Arc::new(AtomicUsize::new(0));
    for k in [3, 10, 17] {
        let mut items = walk(&server, &calls).items::<Value>();
        let prefix: Vec<Value> = items.by_ref().take(k).map(Result::unwrap).collect();
        let text = serde_json::to_string(&items.checkpoint()).unwrap();
        drop(items);
        let checkpoint: Checkpoint = serde_json::from_str(&text).unwrap();
        let before = (calls.load(Ordering::SeqCst), server.request_count());
        let rest: Vec<Value> = walk(&server, &calls)
            .resume_from(checkpoint)
            .items::<Value>()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            value_ids(&[prefix, rest].concat()),
            (1..=23).collect::<Vec<_>>(),
            "after {k}"
        );
        // The page holding item k + 1 and those after it: fetched, and the rule
        // asked about each once; never about the pages before.
        let pages_left = 5 - k / 5;
        assert_eq!(
            calls.load(Ordering::SeqCst) - before.0,
            pages_left,
            "after {k}"
        );
        assert_eq!(server.request_count() - before.1, pages_left, "after {k}");
        let resumed_from = &server.requests()[before.1];
        assert_eq!(
            resumed_from.param("from").map(str::to_owned),
            (k >= 5).then(|| format!("tok-{}", k / 5 * 5))
        );
    }
}

#[test]
fn a_rule_can_fail_the_walk_after_the_items_it_had() {
    let server = Fixture::start();
    acme(&server);
    let strategy = Strategy::custom(|page| {
        if page.page() == 2 {
            return Err(format!(
                "page {} has {} things, giving up",
                page.page(),
                page.item_count()
            ));
        }
        let token = page.headers()["X-Acme-Continue"]
            .to_str()
            .unwrap()
            .to_owned();
        Ok(Some(
            page.request()
                .clone()
                .with_query("from", &token)
                .with_query("sig", &signature(&token)),
        ))
    });
    let (items, error) = fixture::walk::<Value>(
        server
            .paginator(&format!("/acme/things?sig={}", signature("")))
            .strategy(strategy),
    );
    assert_eq!(items.len(), 10);
    let error = error.expect("the rule's error");
    match error.kind() {
        ErrorKind::CustomStrategy { message, .. } => {
            assert_eq!(message, "page 2 has 5 things, giving up")
        }
        other => panic!("expected the rule's error, got {other:?}"),
    }
    assert_eq!(error.page(), Some(2));
    assert!(
        error
            .to_string()
            .contains("the custom strategy failed: page 2 has 5 things"),
        "{error}"
    );
}

#[test]
fn the_loop_check_and_the_origin_policy_hold_around_a_rule() {
    let server = Fixture::start();
    acme(&server);
    let start = format!("/acme/things?sig={}", signature(""));
    let same = Strategy::custom(|page| Ok(Some(page.request().clone())));
    let (items, error) = fixture::walk::<Value>(server.paginator(&start).strategy(same));
    assert_eq!(items.len(), 5);
    assert!(matches!(
        error.expect("a loop").kind(),
        ErrorKind::Loop { .. }
    ));

    let elsewhere = Strategy::custom(|page| page.follow("http://127.0.0.2:9/things").map(Some));
    let (items, error) = fixture::walk::<Value>(
        server
            .paginator(&start)
            .header("Authorization", "Bearer secret")
            .strategy(elsewhere),
    );
    assert_eq!(items.len(), 5);
    assert!(matches!(
        error.expect("another origin").kind(),
        ErrorKind::CrossOrigin { .. }
    ));
    assert_eq!(server.request_count(), 2);
}

#[test]
fn a_rule_sees_the_whole_body_and_can_edit_the_request_body() {
    let server = Fixture::start();
    // A POST search whose answer says `"more": "yes"` and takes `page` in the body.
    server.route("/search", |request: &Recorded| {
        let page = request
            .json()
            .and_then(|body| body["page"].as_u64())
            .unwrap_or(1);
        let last = page * 10 > 23;
        let numbers = (page - 1) * 10 + 1..=(page * 10).min(23);
        Reply::json(json!({
            "hits": numbers.map(item_json).collect::<Vec<_>>(),
            "more": if last { "no" } else { "yes" },
        }))
    });
    let strategy = Strategy::custom(|page| {
        if page.json()["more"] != "yes" {
            return Ok(None);
        }
        let next = page
            .request()
            .body()
            .and_then(|body| body["page"].as_u64())
            .unwrap_or(1)
            + 1;
        page.request()
            .clone()
            .with_body_field("/page", next.into())
            .map(Some)
            .map_err(|error| error.to_string())
    });
    let items: Vec<Value> = server
        .paginator("/search")
        .body(json!({"query": "rust", "page": 1}))
        .strategy(strategy)
        .items::<Value>()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(value_ids(&items), (1..=23).collect::<Vec<_>>());
    let bodies: Vec<Value> = server
        .requests()
        .iter()
        .filter_map(Recorded::json)
        .collect();
    assert_eq!(
        bodies,
        [1, 2, 3]
            .map(|page| json!({"query": "rust", "page": page}))
            .to_vec()
    );
}
