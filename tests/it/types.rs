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

#[test]
fn no_public_type_prints_a_secret_with_debug() {
    // Secrets in the start URL's query, a next link, a request header, the
    // request body and a response header.
    let server = Fixture::start();
    server.route("/secret", |request| {
        let page = request.param("page").unwrap_or("1").to_owned();
        let next = (page == "1").then_some("/secret?page=2&access_token=TOKEN-IN-LINK");
        fixture::Reply::json(serde_json::json!({"data": [{"id": 1}], "next": next}))
            .with_header("Set-Cookie", "session=COOKIE-SECRET")
            .with_header(
                "Link",
                "</secret?page=2&access_token=TOKEN-IN-LINK>; rel=\"next\"",
            )
    });
    let paginator = server
        .paginator("/secret?api_key=KEY-IN-QUERY")
        .header("Authorization", "Bearer HEADER-SECRET")
        .body(serde_json::json!({"password": "BODY-SECRET", "page_size": 1}))
        .method(pagewalk::Method::GET);
    let mut printed = format!("{paginator:?}{paginator:#?}");
    let mut pages = paginator.pages::<Value>();
    let page = pages.next().expect("a page").expect("page 1");
    printed += &format!("{page:?}{page:#?}{pages:?}{:?}", pages.checkpoint());
    printed += &format!("{:?}{:#?}", page.request(), page.links());
    for secret in [
        "KEY-IN-QUERY",
        "TOKEN-IN-LINK",
        "HEADER-SECRET",
        "BODY-SECRET",
        "COOKIE-SECRET",
    ] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
    assert!(printed.contains("page_size"), "{printed}");
}

#[test]
fn an_explanation_escapes_every_piece_of_server_text() {
    let server = Fixture::start();
    let hostile = "\u{1b}[31m\u{1b}]8;;http://evil\u{7}x\u{7}\r\u{202e}";
    server.route("/escapes", move |_| {
        fixture::Reply::json(serde_json::json!({
            format!("rows{hostile}"): [{"id": 1}],
            format!("next{hostile}"): "/escapes?page=2",
        }))
    });
    let explained = server
        .paginator("/escapes")
        .explain()
        .expect("an explanation");
    let printed = explained.to_string();
    for raw in ['\u{1b}', '\u{7}', '\r', '\u{202e}'] {
        assert!(!printed.contains(raw), "{raw:?} in {printed}");
    }
    assert!(printed.contains("rows"), "{printed}");
}
