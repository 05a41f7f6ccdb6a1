//! Checkpoints against the fixture server: their JSON form, and the promise
//! that resuming from one yields each remaining item exactly once, in order,
//! wherever the walk stopped (between items, between pages, after an error,
//! with prefetch or concurrency on).

use std::ops::RangeInclusive;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use fixture::{Fixture, Item, Recorded, Reply, expected_names, fast_retries, item, parts};
use pagewalk::{Checkpoint, Error, ErrorKind, Paginator, Strategy};
use serde_json::{Value, json};

// ---------------------------------------------------------------- helpers

/// Small pages over the 23 items of each style of API: numbered pages with
/// a next URL in the body (Laravel), opaque cursors (Procuros), keyset
/// (Stripe) and `Link` headers (Procore).
const APIS: [&str; 4] = [
    "/api/v1/projects?page%5Bsize%5D=5",
    "/v2/transactions?per_page=5",
    "/v1/customers?limit=5",
    "/rest/v1.0/punch_items?per_page=5",
];

/// The `name` of every item.
fn names(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|item| item["name"].as_str().unwrap_or("<no name>").to_string())
        .collect()
}

/// Every item; panics on an error.
fn collect(paginator: Paginator) -> Vec<Value> {
    paginator
        .items::<Value>()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|error| panic!("unexpected error: {error}"))
}

/// Through JSON and back, as a checkpoint stored on disk would go.
fn round_trip(checkpoint: &Checkpoint) -> Checkpoint {
    let text = serde_json::to_string(checkpoint).expect("a checkpoint serializes");
    let back: Checkpoint = serde_json::from_str(&text).expect("a checkpoint deserializes");
    assert_eq!(&back, checkpoint, "{text}");
    back
}

/// The checkpoint after taking `k` items of a fresh walk made by `make`, and those items.
fn stop_after(make: &dyn Fn() -> Paginator, k: usize) -> (Vec<Value>, Checkpoint) {
    let mut items = make().items::<Value>();
    let prefix: Vec<Value> = items
        .by_ref()
        .take(k)
        .map(|item| item.unwrap_or_else(|error| panic!("item before {k}: {error}")))
        .collect();
    assert_eq!(prefix.len(), k);
    (prefix, items.checkpoint())
}

/// For every k: take k items, checkpoint, store, resume with a fresh
/// paginator, take the rest; prefix + rest must be the full walk.
fn assert_every_split_resumes(make: &dyn Fn() -> Paginator, label: &str) {
    let full = collect(make());
    assert_eq!(names(&full), expected_names(23), "{label}: the full walk");
    for k in 0..=full.len() {
        let (prefix, checkpoint) = stop_after(make, k);
        let stored = round_trip(&checkpoint);
        let rest = collect(make().resume_from(stored));
        let joined = [prefix, rest].concat();
        assert_eq!(
            names(&joined),
            names(&full),
            "{label}: split after {k} items, checkpoint {checkpoint:?}"
        );
        assert_eq!(joined, full, "{label}: split after {k} items");
    }
}

/// A body with items `numbers` under `data`.
fn body(numbers: RangeInclusive<u64>) -> Value {
    json!({ "data": numbers.map(item).collect::<Vec<Item>>() })
}

/// The `page` query parameter, 1 when absent.
fn page_of(request: &Recorded) -> u64 {
    request
        .param("page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(1)
}

/// Serves 23 items, 5 a page, at `path?page=n` with `next_page_url` in the
/// body; `fault(page, call)` may replace a page's reply (`call` counts the
/// requests for that page from 0).
fn paged_route(
    server: &Fixture,
    path: &'static str,
    fault: impl Fn(u64, usize) -> Option<Reply> + Send + Sync + 'static,
) -> Arc<[AtomicUsize; 6]> {
    let calls: Arc<[AtomicUsize; 6]> = Arc::new(Default::default());
    let counter = Arc::clone(&calls);
    server.route(path, move |request| {
        let page = page_of(request).clamp(1, 5);
        let call = counter[page as usize].fetch_add(1, Ordering::SeqCst);
        if let Some(reply) = fault(page, call) {
            return reply;
        }
        let first = (page - 1) * 5 + 1;
        let last = (page * 5).min(23);
        let mut value = body(first..=last);
        value["next_page_url"] = if last < 23 {
            json!(format!("{path}?page={}", page + 1))
        } else {
            Value::Null
        };
        Reply::json(value)
    });
    calls
}

// ---------------------------------------------------------------- the JSON form

/// The checkpoint's JSON, with its `walk` checked and taken out: the rest
/// of it is what the test compares.
fn position_of(checkpoint: &Checkpoint, start: &str) -> Value {
    let mut value = serde_json::to_value(checkpoint).expect("serializes");
    let walk = value
        .as_object_mut()
        .and_then(|fields| fields.remove("walk"))
        .expect("a walk");
    assert_eq!(walk["start"], json!(start), "{walk}");
    assert_eq!(
        (&walk["strategy"], &walk["items_at"]),
        (&json!("auto"), &Value::Null)
    );
    let fingerprint = walk["fingerprint"].as_str().unwrap_or_default();
    assert!(
        fingerprint.len() == 16 && fingerprint.bytes().all(|b| b.is_ascii_hexdigit()),
        "{walk}"
    );
    value
}

#[test]
fn the_json_form_is_the_documented_one() {
    let server = Fixture::start();
    let start = "/api/v1/projects?page%5Bsize%5D=5";
    let mut items = server.paginator(start).items::<Value>();
    let walk = server.url(start);

    // Before anything is fetched: the start URL, page 1.
    assert_eq!(
        position_of(&items.checkpoint(), &walk),
        json!({"version": 2, "next": server.url(start), "page": 1, "skip": 0, "items_seen": 0})
    );
    assert_eq!(server.request_count(), 0, "a checkpoint fetches nothing");

    // Two items into page 2.
    for _ in 0..7 {
        items.next().expect("an item").expect("no error");
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let page_2 = server.url(&requests[1].raw_url);
    let checkpoint = items.checkpoint();
    assert_eq!(
        position_of(&checkpoint, &walk),
        json!({"version": 2, "next": page_2, "page": 2, "skip": 2, "items_seen": 5})
    );
    assert_eq!(checkpoint.version(), 2);
    assert_eq!(checkpoint.next_url(), Some(page_2.as_str()));
    assert_eq!(
        (
            checkpoint.page(),
            checkpoint.skip(),
            checkpoint.items_seen()
        ),
        (2, 2, 5)
    );
    assert!(!checkpoint.is_finished());
    let text = serde_json::to_string(&checkpoint).expect("serializes");
    assert!(
        text.starts_with(r#"{"version":2,"walk":{"start":"#),
        "field order: {text}"
    );

    // At the end: no next request.
    for item in items.by_ref() {
        item.expect("no error");
    }
    let end = items.checkpoint();
    assert!(end.is_finished());
    assert_eq!(
        position_of(&end, &walk),
        json!({"version": 2, "next": null, "page": 6, "skip": 0, "items_seen": 23})
    );
}

#[test]
fn a_checkpoint_survives_json() {
    let server = Fixture::start();
    let mut items = server
        .paginator("/v2/transactions?per_page=5")
        .items::<Value>();
    for _ in 0..8 {
        items.next().expect("an item").expect("no error");
    }
    let checkpoint = items.checkpoint();
    let back = round_trip(&checkpoint);
    assert_eq!(back.next_url(), checkpoint.next_url());
    // The documented example parses and writes back byte for byte.
    let json = r#"{"version":1,"next":"https://api.example.com/items?page=3","page":3,"skip":4,"items_seen":54}"#;
    let parsed: Checkpoint = serde_json::from_str(json).expect("parses");
    assert_eq!(serde_json::to_string(&parsed).expect("serializes"), json);
    let finished: Checkpoint =
        serde_json::from_str(r#"{"version":1,"next":null,"page":7,"skip":0,"items_seen":61}"#)
            .expect("parses");
    assert!(finished.is_finished());
}

#[test]
fn an_unknown_version_is_a_checkpoint_error() {
    let server = Fixture::start();
    let url = server.url("/api/v1/projects?page%5Bsize%5D=5&page%5Bnumber%5D=2");
    let text = json!({"version": 99, "next": url, "page": 2, "skip": 0, "items_seen": 5});
    let checkpoint: Checkpoint = serde_json::from_value(text).expect("parses");
    let mut items = server
        .paginator("/api/v1/projects?page%5Bsize%5D=5")
        .resume_from(checkpoint)
        .items::<Value>();
    match items.next() {
        Some(Err(error)) => match error.kind() {
            ErrorKind::Checkpoint { reason, .. } => assert!(reason.contains("99"), "{reason}"),
            other => panic!("expected a checkpoint error, got {other:?}"),
        },
        other => panic!("expected a checkpoint error, got {other:?}"),
    }
    assert!(items.next().is_none());
    assert_eq!(server.request_count(), 0);
}

#[test]
fn malformed_checkpoints_do_not_parse() {
    for text in [
        r#"{}"#,
        r#"{"version":1,"next":null,"page":"two","skip":0,"items_seen":0}"#,
        r#"{"version":1,"page":1,"skip":-1,"items_seen":0,"next":null}"#,
        r#"[1,null,1,0,0]x"#,
        "",
    ] {
        assert!(
            serde_json::from_str::<Checkpoint>(text).is_err(),
            "{text:?} parsed"
        );
    }
}

#[test]
fn a_finished_checkpoint_resumes_to_nothing() {
    let server = Fixture::start();
    let path = "/api/v1/projects?page%5Bsize%5D=5";
    let mut items = server.paginator(path).items::<Value>();
    assert_eq!(items.by_ref().count(), 23);
    let end = round_trip(&items.checkpoint());
    assert!(end.is_finished());
    let before = server.request_count();
    assert_eq!(
        server.paginator(path).resume_from(end).into_iter().count(),
        0
    );
    assert_eq!(server.request_count(), before, "nothing left to fetch");
}

#[test]
fn a_resumed_walk_starts_at_the_checkpoint_page() {
    let server = Fixture::start();
    let path = "/rest/v1.0/punch_items?per_page=5";
    let (_, checkpoint) = stop_after(&|| server.paginator(path), 12);
    let before = server.request_count();
    let rest = collect(server.paginator(path).resume_from(checkpoint));
    assert_eq!(names(&rest), expected_names(23)[12..]);
    let requests = server.requests();
    assert_eq!(requests.len() - before, 3, "pages 3, 4 and 5 only");
    assert_eq!(requests[before].param("page"), Some("3"));
}

// ---------------------------------------------------------------- exactly once

#[test]
fn every_split_of_a_walk_resumes_exactly_once() {
    let server = Fixture::start();
    for path in APIS {
        assert_every_split_resumes(&|| server.paginator(path), path);
    }
}

#[test]
fn every_split_of_a_page_walk_resumes_exactly_once() {
    let server = Fixture::start();
    for path in APIS {
        let full: Vec<Value> = collect(server.paginator(path));
        for p in 0..=5 {
            let mut pages = server.paginator(path).pages::<Value>();
            let mut joined: Vec<Value> = Vec::new();
            for page in pages.by_ref().take(p) {
                joined.extend(page.expect("a page").into_items());
            }
            let checkpoint = round_trip(&pages.checkpoint());
            assert_eq!(checkpoint.skip(), 0, "{path}: pages end on a boundary");
            assert_eq!(checkpoint.is_finished(), p == 5, "{path} after {p} pages");
            for page in server
                .paginator(path)
                .resume_from(checkpoint)
                .pages::<Value>()
            {
                joined.extend(page.expect("a page").into_items());
            }
            assert_eq!(joined, full, "{path}: split after {p} pages");
        }
    }
}

#[test]
fn an_items_checkpoint_resumes_a_page_walk() {
    let server = Fixture::start();
    let path = "/v2/transactions?per_page=5";
    let full = collect(server.paginator(path));
    let (prefix, checkpoint) = stop_after(&|| server.paginator(path), 13);
    let mut joined = prefix;
    for page in server
        .paginator(path)
        .resume_from(checkpoint)
        .pages::<Value>()
    {
        joined.extend(page.expect("a page").into_items());
    }
    assert_eq!(joined, full);
}

#[test]
fn prefetch_gives_the_same_checkpoints() {
    let server = Fixture::start();
    for path in APIS {
        let full = collect(server.paginator(path));
        for k in 0..=full.len() {
            let (_, sequential) = stop_after(&|| server.paginator(path), k);
            let (prefix, ahead) = stop_after(&|| server.paginator(path).prefetch(2), k);
            assert_eq!(ahead, sequential, "{path}: after {k} items");
            let rest = collect(server.paginator(path).prefetch(2).resume_from(ahead));
            assert_eq!([prefix, rest].concat(), full, "{path}: split after {k}");
        }
    }
}

#[test]
fn concurrency_gives_the_same_checkpoints() {
    let server = Fixture::start();
    // Numbered pages with a page count: these can be fetched side by side.
    for path in [
        "/api/v1/projects?page%5Bsize%5D=5",
        "/rest/v1.0/punch_items?per_page=5",
        "/api/v4/projects?per_page=5",
    ] {
        let full = collect(server.paginator(path));
        for k in 0..=full.len() {
            let (_, sequential) = stop_after(&|| server.paginator(path), k);
            let (prefix, side_by_side) = stop_after(&|| server.paginator(path).concurrency(3), k);
            assert_eq!(side_by_side, sequential, "{path}: after {k} items");
            let rest = collect(
                server
                    .paginator(path)
                    .concurrency(3)
                    .resume_from(side_by_side),
            );
            assert_eq!([prefix, rest].concat(), full, "{path}: split after {k}");
        }
    }
}

#[test]
fn max_items_then_resume_gives_the_rest() {
    let server = Fixture::start();
    let path = "/rest/v1.0/punch_items?per_page=5";
    let mut items = server.paginator(path).max_items(7).items::<Value>();
    let first: Vec<Value> = items.by_ref().collect::<Result<_, _>>().expect("no error");
    assert_eq!(names(&first), expected_names(7));
    let checkpoint = round_trip(&items.checkpoint());
    assert_eq!((checkpoint.page(), checkpoint.skip()), (2, 2));
    let rest = collect(server.paginator(path).resume_from(checkpoint));
    assert_eq!(names(&[first, rest].concat()), expected_names(23));
}

// ---------------------------------------------------------------- after errors

#[test]
fn resuming_after_a_failed_page_yields_every_item_once() {
    let server = Fixture::start();
    // Page 3 is a 404 once (not retried), then fine.
    let calls = paged_route(&server, "/flaky", |page, call| {
        (page == 3 && call == 0).then(|| Reply::status(404, r#"{"message":"Not Found"}"#))
    });
    let make = || server.paginator("/flaky").retry_policy(fast_retries());
    let mut items = make().items::<Value>();
    let (mut got, error) = fixture::drain(&mut items);
    assert_eq!(names(&got), expected_names(10));
    assert_eq!(error.as_ref().and_then(Error::status), Some(404));
    assert_eq!(error.as_ref().and_then(Error::page), Some(3));
    assert!(items.next().is_none());
    let checkpoint = round_trip(&items.checkpoint());
    assert_eq!(
        position_of(&checkpoint, &server.url("/flaky")),
        json!({"version": 2, "next": server.url("/flaky?page=3"), "page": 3, "skip": 0, "items_seen": 10})
    );
    got.extend(collect(make().resume_from(checkpoint)));
    assert_eq!(names(&got), expected_names(23));
    let per_page: Vec<usize> = calls
        .iter()
        .map(|count| count.load(Ordering::SeqCst))
        .collect();
    assert_eq!(per_page, [0, 1, 1, 2, 1, 1], "each page once, page 3 twice");
}

#[test]
fn resuming_after_a_bad_item_yields_every_item_once() {
    let server = Fixture::start();
    // The second item of page 3 does not fit the type, the first time only.
    paged_route(&server, "/bad-item", |page, call| {
        (page == 3 && call == 0).then(|| {
            Reply::json(json!({
                "data": [item(11), {"id": "twelve"}, item(13), item(14), item(15)],
                "next_page_url": "/bad-item?page=4",
            }))
        })
    });
    let make = || server.paginator("/bad-item");
    let mut items = make().items::<Item>();
    let mut got: Vec<String> = Vec::new();
    let mut error = None;
    for result in items.by_ref() {
        match result {
            Ok(item) => got.push(item.name),
            Err(found) => {
                error = Some(found);
                break;
            }
        }
    }
    assert_eq!(got, expected_names(11), "the items before the bad one");
    match error.as_ref().map(parts) {
        Some((ErrorKind::Item { index: 1, json, .. }, Some(3), _)) => assert_eq!(
            json, r#"{"id":"twelve"}"#,
            "the bad item is kept in the error"
        ),
        other => panic!("expected an item error, got {other:?}"),
    }
    // The reported item counts as delivered: resuming goes on after it, so a
    // permanently bad item cannot block the walk.
    let checkpoint = round_trip(&items.checkpoint());
    assert_eq!((checkpoint.page(), checkpoint.skip()), (3, 2));
    for item in make().resume_from(checkpoint).items::<Item>() {
        got.push(item.expect("no error after resuming").name);
    }
    let mut expected = expected_names(23);
    expected.remove(11);
    assert_eq!(got, expected);
}

#[test]
fn resuming_after_a_failure_with_prefetch_yields_every_item_once() {
    let server = Fixture::start();
    paged_route(&server, "/flaky", |page, call| {
        (page == 4 && call == 0).then(|| Reply::status(400, r#"{"message":"Bad"}"#))
    });
    let make = || {
        server
            .paginator("/flaky")
            .retry_policy(fast_retries())
            .prefetch(2)
    };
    let mut items = make().items::<Value>();
    let got: Vec<Value> = items.by_ref().map_while(Result::ok).collect();
    assert_eq!(names(&got), expected_names(15));
    assert!(items.next().is_none());
    let checkpoint = round_trip(&items.checkpoint());
    assert_eq!((checkpoint.page(), checkpoint.skip()), (4, 0));
    let rest = collect(make().resume_from(checkpoint));
    assert_eq!(names(&[got, rest].concat()), expected_names(23));
}

#[test]
fn resuming_after_a_failure_with_concurrency_yields_every_item_once() {
    // Numbered pages with a `last` link, so that the walk is planned and
    // fetched side by side; page 3 is a 404 the first time.
    let server = Fixture::start();
    let calls: Arc<[AtomicUsize; 6]> = Arc::new(Default::default());
    let counter = Arc::clone(&calls);
    server.route("/planned", move |request| {
        let page = page_of(request).clamp(1, 5);
        if counter[page as usize].fetch_add(1, Ordering::SeqCst) == 0 && page == 3 {
            return Reply::status(404, r#"{"message":"Not Found"}"#);
        }
        let mut links = vec!["</planned?page=5>; rel=\"last\"".to_string()];
        if page < 5 {
            links.push(format!("</planned?page={}>; rel=\"next\"", page + 1));
        }
        let last = (page * 5).min(23);
        Reply::json(body((page - 1) * 5 + 1..=last)).with_header("Link", &links.join(", "))
    });
    let make = || {
        server
            .paginator("/planned")
            .concurrency(3)
            .retry_policy(fast_retries())
    };
    let mut items = make().items::<Value>();
    let (mut got, error) = fixture::drain(&mut items);
    assert_eq!(names(&got), expected_names(10), "pages 1 and 2, in order");
    let error = error.expect("page 3 fails");
    assert_eq!((error.page(), error.status()), (Some(3), Some(404)));
    assert_eq!(error.url(), Some(server.url("/planned?page=3").as_str()));
    assert!(items.next().is_none());
    let checkpoint = round_trip(&items.checkpoint());
    assert_eq!(
        (
            checkpoint.page(),
            checkpoint.skip(),
            checkpoint.items_seen()
        ),
        (3, 0, 10)
    );
    got.extend(collect(make().resume_from(checkpoint)));
    assert_eq!(names(&got), expected_names(23));
}

// ---------------------------------------------------------------- origin policy

#[test]
fn a_checkpoint_cannot_send_the_walk_to_another_origin() {
    let server = Fixture::start();
    let other = Fixture::start();
    let forged = json!({
        "version": 1,
        "next": other.url("/rest/v1.0/punch_items?per_page=5&page=2"),
        "page": 2,
        "skip": 0,
        "items_seen": 5,
    });
    let checkpoint: Checkpoint = serde_json::from_value(forged).expect("parses");
    let start = "/rest/v1.0/punch_items?per_page=5";

    let mut items = server
        .paginator(start)
        .header("Authorization", "Bearer secret")
        .resume_from(checkpoint.clone())
        .items::<Value>();
    match items.next() {
        Some(Err(error)) if matches!(error.kind(), ErrorKind::CrossOrigin { .. }) => {}
        other => panic!("expected CrossOrigin, got {other:?}"),
    }
    assert!(items.next().is_none());
    assert_eq!(other.request_count() + server.request_count(), 0);

    // Allowed, it goes there, without the credentials.
    let rest = collect(
        server
            .paginator(start)
            .header("Authorization", "Bearer secret")
            .allow_cross_origin(true)
            .resume_from(checkpoint),
    );
    assert_eq!(names(&rest), expected_names(23)[5..]);
    assert!(
        other
            .requests()
            .iter()
            .all(|request| request.header("Authorization").is_none())
    );
}

#[test]
fn a_bad_item_counts_as_delivered_only_once_reported() {
    let server = Fixture::start();
    let next = server.url("/bad?page=2");
    server.route("/bad", move |request| match request.param("page") {
        None => {
            Reply::json(json!({"data": [item(1), {"id": "two"}, item(3)], "next_page_url": next}))
        }
        Some(_) => Reply::json(json!({"data": [item(4)]})),
    });
    let mut pages = server.paginator("/bad").pages::<Item>();
    let page = pages.next().expect("a page").expect("page 1");
    assert_eq!(page.items()[0].name, "item 1");
    // Stopping here must not lose the bad item: resuming meets it again.
    let before = round_trip(&pages.checkpoint());
    assert_eq!((before.page(), before.skip()), (1, 1));
    assert!(matches!(
        pages.next().and_then(Result::err).map(Error::into_kind),
        Some(ErrorKind::Item { index: 1, .. })
    ));
    let after = round_trip(&pages.checkpoint());
    assert_eq!((after.page(), after.skip()), (1, 2));

    let resumed = |checkpoint: Checkpoint| {
        let mut items = server
            .paginator("/bad")
            .resume_from(checkpoint)
            .items::<Item>();
        fixture::drain(&mut items)
    };
    let (items, error) = resumed(before);
    assert!(
        items.is_empty()
            && matches!(
                error.as_ref().map(Error::kind),
                Some(ErrorKind::Item { index: 1, .. })
            )
    );
    let (items, error) = resumed(after);
    assert!(error.is_none(), "{error:?}");
    let got: Vec<&str> = items.iter().map(|item| item.name.as_str()).collect();
    assert_eq!(got, ["item 3", "item 4"]);
}

#[test]
fn out_of_range_checkpoint_fields_are_an_invalid_checkpoint() {
    let server = Fixture::start();
    let next = server.url("/api/v1/projects?page%5Bsize%5D=5&page%5Bnumber%5D=2");
    for (fields, says) in [
        (
            format!(r#""page":2,"skip":0,"items_seen":{}"#, u64::MAX - 2),
            "items_seen",
        ),
        (
            r#""page":2,"skip":6,"items_seen":5"#.to_owned(),
            "skips 6 items of a page of 5",
        ),
    ] {
        let text = format!(r#"{{"version":1,"next":"{next}",{fields}}}"#);
        let checkpoint: Checkpoint = serde_json::from_str(&text).expect("well formed");
        let mut items = server
            .paginator("/api/v1/projects?page%5Bsize%5D=5")
            .resume_from(checkpoint)
            .items::<Value>();
        let error = items
            .next()
            .and_then(Result::err)
            .unwrap_or_else(|| panic!("{fields}: expected an error"));
        match error.kind() {
            ErrorKind::Checkpoint { reason, .. } => assert!(reason.contains(says), "{reason}"),
            other => panic!("{fields}: expected an invalid checkpoint, got {other:?}"),
        }
        assert!(items.next().is_none());
    }
}

#[test]
fn a_checkpoint_of_another_walk_is_refused_naming_the_difference() {
    let server = Fixture::start();
    let start = "/api/v1/projects?page%5Bsize%5D=5";
    let mut items = server.paginator(start).items::<Value>();
    items
        .by_ref()
        .take(7)
        .for_each(|item| drop(item.expect("an item")));
    let checkpoint = round_trip(&items.checkpoint());
    let before = server.request_count();
    for (other, says) in [
        (
            server.paginator("/v2/transactions?per_page=5"),
            "the start URL",
        ),
        (
            server
                .paginator(start)
                .strategy(Strategy::page_number("page[number]")),
            "the strategy auto (this walk uses page number ?page[number]=)",
        ),
        (
            server.paginator(start).items_at("/data"),
            "the items at detected (this walk reads /data)",
        ),
        (
            server
                .paginator(start)
                .method(pagewalk::Method::POST)
                .body(json!({"page": 1})),
            "the method GET (this walk sends POST)",
        ),
    ] {
        let mut resumed = other.resume_from(checkpoint.clone()).items::<Value>();
        let error = resumed
            .next()
            .and_then(Result::err)
            .expect("a checkpoint error");
        match error.kind() {
            ErrorKind::Checkpoint { reason, .. } => {
                assert!(
                    reason.contains("another walk") && reason.contains(says),
                    "{reason}"
                )
            }
            other => panic!("expected a checkpoint error, got {other:?}"),
        }
        assert!(resumed.next().is_none());
    }
    assert_eq!(
        server.request_count(),
        before,
        "nothing of another walk is fetched"
    );
    // The same walk resumes.
    let rest = collect(server.paginator(start).resume_from(checkpoint));
    assert_eq!(rest.len(), 23 - 7);
}

#[test]
fn a_version_1_checkpoint_still_resumes() {
    let server = Fixture::start();
    let next = server.url("/api/v1/projects?page%5Bsize%5D=5&page%5Bnumber%5D=2");
    let text = format!(r#"{{"version":1,"next":"{next}","page":2,"skip":3,"items_seen":5}}"#);
    let checkpoint: Checkpoint = serde_json::from_str(&text).expect("a version 1 checkpoint");
    let rest = collect(
        server
            .paginator("/api/v1/projects?page%5Bsize%5D=5")
            .resume_from(checkpoint),
    );
    assert_eq!(names(&rest), expected_names(23)[8..]);
}
