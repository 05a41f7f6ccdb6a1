//! The public types are `Send` and `Sync` where the user needs them, debug
//! without fetching, and move between threads.

use std::fmt::Debug;
use std::iter::FusedIterator;

use fixture::{Fixture, Item, expected_names, names};
use pagewalk::{Checkpoint, Error, Items, Page, Pages, Paginator};
use serde_json::Value;

const PROCORE: &str = "/rest/v1.0/punch_items";

#[test]
fn public_types_are_send_and_sync() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    fn fused_debug<I: FusedIterator + Debug>() {}
    send::<Items<Item>>();
    send::<Pages<Item>>();
    send::<Items<Value>>();
    send::<Paginator>();
    sync::<Paginator>();
    send::<Error>();
    sync::<Error>();
    send::<Checkpoint>();
    sync::<Checkpoint>();
    send::<Page<Item>>();
    sync::<Page<Item>>();
    fused_debug::<Items<Item>>();
    fused_debug::<Pages<Item>>();
}

#[test]
fn iterators_debug_without_fetching() {
    let server = Fixture::start();
    let items = server.paginator(PROCORE).items::<Item>();
    let pages = server.paginator(PROCORE).pages::<Item>();
    assert!(format!("{items:?}").starts_with("Items"), "{items:?}");
    assert!(format!("{pages:?}").starts_with("Pages"), "{pages:?}");
    assert_eq!(server.request_count(), 0);
}

#[test]
fn an_iterator_can_move_to_another_thread() {
    let server = Fixture::start();
    let items = server
        .paginator(&format!("{PROCORE}?per_page=7"))
        .items::<Item>();
    let got = std::thread::spawn(move || items.collect::<Result<Vec<Item>, Error>>())
        .join()
        .expect("the thread finishes")
        .expect("walks");
    assert_eq!(names(&got), expected_names(23));
}
