//! Where the items are (detected, or `items_at`), and what an item that does
//! not fit the requested type does: reported after the good ones, counted as
//! delivered.

use fixture::{
    Fixture, Item, Reply, assert_fused, assert_message, expected_names, item_json, items_json,
    names, until_error,
};
use pagewalk::{Error, ErrorKind};
use serde_json::{Value, json};

const PROCORE: &str = "/rest/v1.0/punch_items";

#[test]
fn into_iterator_yields_values() {
    let server = Fixture::start();
    let mut names = Vec::new();
    for item in server.paginator(&format!("{PROCORE}?per_page=10")) {
        let item: Value = item.expect("walks");
        names.push(item["name"].as_str().expect("a name").to_owned());
    }
    assert_eq!(names, expected_names(23));
    assert_eq!(server.request_count(), 3);
}

#[test]
fn items_at_reads_a_nested_array_on_every_page() {
    let server = Fixture::start();
    server.route("/nested", |request| {
        let body = match request.param("page") {
            None => json!({"x": {"y": items_json(1..=3)}, "next_page_url": "/nested?page=2"}),
            Some(_) => json!({"x": {"y": items_json(4..=5), "other": []}, "next_page_url": null}),
        };
        Reply::json(body)
    });
    let got: Vec<Item> = server
        .paginator("/nested")
        .items_at("/x/y")
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&got), expected_names(5));
    assert_eq!(server.request_count(), 2);
}

#[test]
fn items_at_to_nothing_or_to_an_object_is_an_error() {
    let server = Fixture::start();
    server.serve(
        "/nested",
        Reply::json(json!({"x": {"y": items_json(1..=2)}})),
    );
    let url = server.url("/nested");
    for (pointer, found) in [
        ("/x/z", "points to nothing"),
        ("/x", "points to an object instead of an array"),
    ] {
        let mut items = server
            .paginator("/nested")
            .items_at(pointer)
            .items::<Item>();
        let (got, error) = until_error(&mut items);
        assert!(got.is_empty());
        assert!(
            matches!(error.kind(), ErrorKind::ItemsPointer { pointer: p, .. } if p == pointer),
            "{error:?}"
        );
        assert_message(&error, &url, 1, found);
        assert!(error.to_string().contains(pointer), "{error}");
        assert_fused(&mut items);
    }
}

#[test]
fn object_without_an_array_suggests_items_at() {
    let server = Fixture::start();
    server.serve(
        "/odd",
        Reply::json(json!({"status": "ok", "payload": {"rows": 0}})),
    );
    let mut items = server.paginator("/odd").items::<Value>();
    let (_, error) = until_error(&mut items);
    match error.kind() {
        // In document order, which depends on serde_json's `preserve_order`
        // (the CLI feature turns it on).
        ErrorKind::ItemsNotFound { keys, .. } => {
            let mut keys = keys.clone();
            keys.sort();
            assert_eq!(keys, ["payload", "status"]);
        }
        other => panic!("expected ItemsNotFound, got {other:?}"),
    }
    assert_message(&error, &server.url("/odd"), 1, "payload");
    assert_message(&error, &server.url("/odd"), 1, "status");
    assert_message(&error, &server.url("/odd"), 1, "items_at");
    assert_fused(&mut items);
}

#[test]
fn a_bad_item_ends_the_walk_after_the_good_ones() {
    let server = Fixture::start();
    let mut bad = item_json(3);
    bad["id"] = json!("three");
    let body = json!({"data": [item_json(1), item_json(2), bad, item_json(4)], "next_page_url": "/typed?page=2"});
    server.serve("/typed", Reply::json(body));

    let mut items = server.paginator("/typed").items::<Item>();
    let (got, error) = until_error(&mut items);
    assert_eq!(names(&got), expected_names(2));
    assert!(
        matches!(error.kind(), ErrorKind::Item { index: 2, .. }),
        "{error:?}"
    );
    assert_message(&error, &server.url("/typed"), 1, "item 2");
    assert_fused(&mut items);
    assert_eq!(server.request_count(), 1, "the next page is not fetched");

    let mut pages = server.paginator("/typed").pages::<Item>();
    let page = pages.next().expect("a page").expect("the good items");
    assert_eq!(names(page.items()), expected_names(2));
    assert!(matches!(
        pages.next().and_then(Result::err).map(Error::into_kind),
        Some(ErrorKind::Item { index: 2, .. })
    ));
    assert_fused(&mut pages);
}

#[test]
fn a_bad_item_on_a_later_page_keeps_the_ones_before_it() {
    // Page 2 goes through the fast path with the pointer learned on page 1,
    // which fails on the bad item; the items before it still arrive.
    let server = Fixture::start();
    server.route("/later", |request| {
        let body = match request.param("page") {
            None => json!({"data": items_json(1..=3), "next_page_url": "/later?page=2"}),
            Some(_) => {
                let mut bad = item_json(6);
                bad["name"] = json!(6);
                json!({"data": [item_json(4), item_json(5), bad], "next_page_url": "/later?page=3"})
            }
        };
        Reply::json(body)
    });
    let mut items = server.paginator("/later").items::<Item>();
    let (got, error) = until_error(&mut items);
    assert_eq!(names(&got), expected_names(5));
    assert!(
        matches!(error.kind(), ErrorKind::Item { index: 2, .. }),
        "{error:?}"
    );
    assert_message(&error, &server.url("/later?page=2"), 2, "item 2");
    assert_fused(&mut items);
    assert_eq!(server.request_count(), 2);
}

#[test]
fn a_bad_item_beyond_max_items_is_never_reported() {
    // The user asked for two items; the third, bad one is none of their business.
    let server = Fixture::start();
    let mut bad = item_json(3);
    bad["id"] = json!("three");
    server.serve(
        "/typed",
        Reply::json(json!({"data": [item_json(1), item_json(2), bad]})),
    );
    let got: Vec<Item> = server
        .paginator("/typed")
        .max_items(2)
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("the two items asked for");
    assert_eq!(names(&got), expected_names(2));
}

#[test]
fn max_items_ending_before_a_bad_item_resumes_with_it() {
    let server = Fixture::start();
    let next = server.url("/boundary?page=2");
    server.route("/boundary", move |request| match request.param("page") {
        None => Reply::json(json!({"data": [{"id": 1}, {"id": 2}, {"id": "bad"}, {"id": 4}]}))
            .with_header("Link", &format!("<{next}>; rel=\"next\"")),
        Some(_) => Reply::json(json!({"data": [{"id": 5}]})),
    });
    let mut items = server.paginator("/boundary").max_items(2).items::<Value>();
    assert_eq!(items.by_ref().count(), 2);
    let checkpoint = items.checkpoint();
    assert_eq!(
        (checkpoint.page(), checkpoint.skip()),
        (1, 2),
        "the rest of page 1 is still to come"
    );
    let rest: Vec<Value> = server
        .paginator("/boundary")
        .resume_from(checkpoint)
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("no error");
    assert_eq!(
        rest,
        [json!({"id": "bad"}), json!({"id": 4}), json!({"id": 5})]
    );
}
