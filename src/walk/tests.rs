//! The engine driven by canned responses: no server, every rule of the walk.

use std::sync::Arc;

use http::Method;
use serde_json::{Value, json};

use super::canned::{Canned, ok};
use crate::{Checkpoint, ErrorKind, Items, Strategy, Target};

/// Every item and the error that ended the walk, if any.
fn drain<T>(items: &mut Items<T>) -> (Vec<T>, Option<crate::Error>)
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    let mut got = Vec::new();
    for item in items.by_ref() {
        match item {
            Ok(item) => got.push(item),
            Err(error) => return (got, Some(error)),
        }
    }
    (got, None)
}

/// Every item; fails the test on an error.
fn all<T>(items: &mut Items<T>) -> Vec<T>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    let (got, error) = drain(items);
    assert!(error.is_none(), "{error:?}");
    got
}

#[test]
fn each_body_goes_back_to_the_transport_once_the_next_page_is_checked_against_it() {
    let canned = cursor_pages();
    let recycled = canned.recycled();
    let mut items = Items::<u64>::new(Arc::new(canned.settings("http://h/x", Strategy::auto())));
    assert_eq!(items.next().map(Result::ok), Some(Some(1)));
    assert!(
        recycled.lock().unwrap().is_empty(),
        "page 1 is still the last page"
    );
    assert_eq!(all(&mut items), vec![2, 3, 4, 5]);
    let bodies: Vec<Value> = recycled
        .lock()
        .unwrap()
        .iter()
        .map(|body| serde_json::from_slice(body).expect("a body"))
        .collect();
    assert_eq!(
        bodies,
        [
            json!({"data": [1, 2], "next_cursor": "b"}),
            json!({"data": [3, 4], "next_cursor": "c"}),
        ]
    );
}

fn cursor_pages() -> Canned {
    Canned::default()
        .at(
            "http://h/x",
            ok(json!({"data": [1, 2], "next_cursor": "b"})),
        )
        .at(
            "http://h/x?cursor=b",
            ok(json!({"data": [3, 4], "next_cursor": "c"})),
        )
        .at(
            "http://h/x?cursor=c",
            ok(json!({"data": [5], "next_cursor": null})),
        )
}

#[test]
fn a_walk_goes_from_request_to_request_to_the_end() {
    let canned = cursor_pages();
    let sent = canned.sent();
    let mut items = Items::<u64>::new(Arc::new(canned.settings("http://h/x", Strategy::auto())));
    assert_eq!(all(&mut items), vec![1, 2, 3, 4, 5]);
    let urls: Vec<String> = sent
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.url().to_string())
        .collect();
    assert_eq!(
        urls,
        ["http://h/x", "http://h/x?cursor=b", "http://h/x?cursor=c"]
    );
    assert!(items.checkpoint().is_finished());
}

#[test]
fn a_link_that_differs_only_in_its_fragment_is_the_same_request() {
    let canned = Canned::default().at(
        "http://h/x",
        ok(json!([1, 2])).header("link", "<#p2>; rel=\"next\""),
    );
    let sent = canned.sent();
    let mut items = Items::<u64>::new(Arc::new(canned.settings("http://h/x", Strategy::auto())));
    let (got, error) = drain(&mut items);
    assert_eq!(got, [1, 2], "the page's items come first");
    let error = error.expect("a loop");
    assert!(
        matches!(error.kind(), ErrorKind::Loop { first_page: 1, .. }),
        "{error:?}"
    );
    assert_eq!(
        sent.lock().unwrap().len(),
        1,
        "the same URL is never fetched twice"
    );
}

fn notion() -> Canned {
    let url = "http://h/v1/databases/d/query";
    Canned::default()
        .at_body(
            url,
            json!({"page_size": 2}),
            ok(json!({"results": [1, 2], "has_more": true, "next_cursor": "c2"})),
        )
        .at_body(
            url,
            json!({"page_size": 2, "start_cursor": "c2"}),
            ok(json!({"results": [3], "has_more": false, "next_cursor": null})),
        )
}

fn post_settings(canned: Canned) -> super::Settings {
    let mut settings = canned.settings(
        "http://h/v1/databases/d/query",
        Strategy::cursor("/next_cursor", Target::body("/start_cursor")),
    );
    settings.method = Method::POST;
    settings.body = Some(json!({"page_size": 2}));
    settings
}

#[test]
fn a_cursor_in_the_body_goes_back_in_the_body_and_into_the_checkpoint() {
    let canned = notion();
    let sent = canned.sent();
    let mut items = Items::<u64>::new(Arc::new(post_settings(canned)));
    assert_eq!(items.next().map(Result::ok), Some(Some(1)));
    assert_eq!(items.next().map(Result::ok), Some(Some(2)));
    let checkpoint = items.checkpoint();
    let next = checkpoint.next_request().expect("a next request");
    assert_eq!(*next.method(), Method::POST);
    assert_eq!(
        next.body(),
        Some(&json!({"page_size": 2, "start_cursor": "c2"}))
    );
    assert_eq!(all(&mut items), vec![3]);
    let bodies: Vec<Option<Value>> = sent
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.body().cloned())
        .collect();
    assert_eq!(
        bodies,
        [
            Some(json!({"page_size": 2})),
            Some(json!({"page_size": 2, "start_cursor": "c2"}))
        ]
    );

    // The checkpoint, through JSON, resumes with the POST it holds.
    let text = serde_json::to_string(&checkpoint).unwrap();
    let mut settings = post_settings(notion());
    settings.resume = Some(serde_json::from_str::<Checkpoint>(&text).unwrap());
    let mut rest = Items::<u64>::new(Arc::new(settings));
    assert_eq!(all(&mut rest), vec![3]);
}

#[test]
fn the_same_body_twice_is_a_loop() {
    let url = "http://h/q";
    let canned = Canned::default()
        .at_body(
            url,
            json!({}),
            ok(json!({"results": [1], "next_cursor": "c"})),
        )
        .at_body(
            url,
            json!({"start_cursor": "c"}),
            ok(json!({"results": [2], "next_cursor": "c"})),
        );
    let mut settings = canned.settings(
        url,
        Strategy::cursor("/next_cursor", Target::body("/start_cursor")),
    );
    settings.method = Method::POST;
    settings.body = Some(json!({}));
    let mut items = Items::<u64>::new(Arc::new(settings));
    let (got, error) = drain(&mut items);
    assert_eq!(got, [1, 2]);
    assert!(
        matches!(
            error.as_ref().map(|e| e.kind()),
            Some(ErrorKind::Loop { first_page: 2, .. })
        ),
        "{error:?}"
    );
}

#[test]
fn every_checkpoint_resumes_with_the_rest_exactly_once() {
    for taken in 0..=5 {
        let mut items = Items::<u64>::new(Arc::new(
            cursor_pages().settings("http://h/x", Strategy::auto()),
        ));
        let first: Vec<u64> = items.by_ref().take(taken).map(Result::unwrap).collect();
        let mut settings = cursor_pages().settings("http://h/x", Strategy::auto());
        settings.resume = Some(items.checkpoint());
        let (rest, error) = drain(&mut Items::<u64>::new(Arc::new(settings)));
        assert!(error.is_none(), "{error:?}");
        assert_eq!([first, rest].concat(), [1, 2, 3, 4, 5], "after {taken}");
    }
}

#[test]
fn max_items_cuts_a_page_and_fetches_nothing_more() {
    let canned = cursor_pages();
    let sent = canned.sent();
    let mut settings = canned.settings("http://h/x", Strategy::auto());
    settings.max_items = Some(3);
    let mut items = Items::<u64>::new(Arc::new(settings));
    assert_eq!(all(&mut items), vec![1, 2, 3]);
    assert_eq!(sent.lock().unwrap().len(), 2);
    let checkpoint = items.checkpoint();
    assert_eq!(
        (checkpoint.next_url(), checkpoint.skip()),
        (Some("http://h/x?cursor=b"), 1)
    );
}

#[test]
fn a_bad_item_comes_after_the_good_ones_and_counts_as_delivered() {
    let canned = Canned::default().at("http://h/x", ok(json!([1, "two", 3])));
    let mut items = Items::<u64>::new(Arc::new(canned.settings("http://h/x", Strategy::auto())));
    let (got, error) = drain(&mut items);
    assert_eq!(got, [1]);
    let error = error.expect("an item error");
    assert_eq!(error.item_json(), Some("\"two\""));
    assert!(items.next().is_none(), "the walk is over");
    assert_eq!(items.checkpoint().skip(), 2, "past the bad item");
}

#[test]
fn a_next_link_to_another_origin_is_refused_after_the_page() {
    let canned = Canned::default().at(
        "http://h/x",
        ok(json!({"data": [1], "next": "http://elsewhere/x?page=2"})),
    );
    let mut items = Items::<u64>::new(Arc::new(canned.settings("http://h/x", Strategy::auto())));
    let (got, error) = drain(&mut items);
    assert_eq!(got, [1]);
    assert!(
        matches!(
            error.as_ref().map(|e| e.kind()),
            Some(ErrorKind::CrossOrigin { .. })
        ),
        "{error:?}"
    );
}
