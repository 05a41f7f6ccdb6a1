//! Never a silent half: after a page that says there is more, in any way
//! the model understands (a name nobody listed, another JSON type, a deeper
//! place, a header, a link array), a walk with default settings either
//! reaches every item or fails; it never ends with success early.

use fixture::{Fixture, Recorded, Reply};
use pagewalk::ErrorKind;
use serde_json::{Value, json};

/// Ten items on page 1, five on page 2: fifteen in all.
fn items(page: u64) -> Value {
    let range = match page {
        1 => 1..=10,
        _ => 11..=15,
    };
    Value::Array(range.map(|n| json!({ "id": n })).collect())
}

/// A case: page 1's body and headers, and whether a request asks for page 2.
struct Case {
    name: &'static str,
    first: Value,
    headers: &'static [(&'static str, &'static str)],
    /// The query of the start URL.
    query: &'static str,
    asks_page_two: fn(&Recorded) -> bool,
    /// Page 2's envelope (its items are added at `items`).
    last: Value,
    items: &'static str,
}

fn param(request: &Recorded, name: &str, value: &str) -> bool {
    request.query.iter().any(|(k, v)| k == name && v == value)
}

fn never() -> fn(&Recorded) -> bool {
    |_| false
}

fn cases() -> Vec<Case> {
    let page_two = |r: &Recorded| param(r, "page", "2");
    let mut cases = Vec::new();
    for (name, more) in [
        ("more: 1", json!({"more": 1})),
        ("more: \"true\"", json!({"more": "true"})),
        ("done: \"false\"", json!({"done": "false"})),
        ("isLast: 0", json!({"isLast": 0})),
        ("last: \"false\"", json!({"last": "false"})),
        ("has_more: \"yes\"", json!({"meta": {"has_more": "yes"}})),
        (
            "continue with objects",
            json!({"continue": {"gcmcontinue": {"page": 2}}}),
        ),
        ("count beside the items", json!({"count": 15})),
        ("total not reached", json!({"total": 15})),
    ] {
        let mut first = more;
        first["data"] = json!(null);
        cases.push(Case {
            name,
            first,
            headers: &[],
            query: "",
            asks_page_two: never(),
            last: json!({}),
            items: "data",
        });
    }
    for (name, count) in [
        ("total_pages: 2.0", json!(2.0)),
        ("total_pages: \"2.0\"", json!("2.0")),
    ] {
        cases.push(Case {
            name,
            first: json!({"page": 1, "total_pages": count, "data": null}),
            headers: &[],
            query: "",
            asks_page_two: page_two,
            last: json!({"page": 2, "total_pages": 2}),
            items: "data",
        });
    }
    cases.push(Case {
        name: "total 15.0 with an offset",
        first: json!({"offset": 0, "total": 15.0, "results": null}),
        headers: &[],
        query: "offset=0",
        asks_page_two: |r| param(r, "offset", "10"),
        last: json!({"offset": 10, "total": 15.0}),
        items: "results",
    });
    cases.push(Case {
        name: "FHIR Bundle",
        first: json!({"resourceType": "Bundle", "total": 15, "link": [
            {"relation": "self", "url": "?page=1"},
            {"relation": "next", "url": "?page=2"}], "entry": null}),
        headers: &[],
        query: "",
        asks_page_two: page_two,
        last: json!({"resourceType": "Bundle", "total": 15, "link": [{"relation": "self", "url": "?page=2"}]}),
        items: "entry",
    });
    cases.push(Case {
        name: "rel \"next last\"",
        first: json!({"links": [{"rel": "next last", "href": "?page=2"}], "data": null}),
        headers: &[],
        query: "",
        asks_page_two: page_two,
        last: json!({"links": []}),
        items: "data",
    });
    cases.push(Case {
        name: "a next link five objects deep",
        first: json!({"response": {"body": {"meta": {"page": {"next": "?page=2"}}}}, "data": null}),
        headers: &[],
        query: "",
        asks_page_two: page_two,
        last: json!({"response": {"body": {"meta": {"page": {"next": null}}}}}),
        items: "data",
    });
    for (name, headers) in [
        ("X-Has-More: true", &[("X-Has-More", "true")][..]),
        ("X-Total-Count: 15", &[("X-Total-Count", "15")]),
        ("X-Next-Cursor", &[("X-Next-Cursor", "c2")]),
    ] {
        cases.push(Case {
            name,
            first: json!({"data": null}),
            headers,
            query: "",
            asks_page_two: never(),
            last: json!({}),
            items: "data",
        });
    }
    cases.push(Case {
        name: "X-Next-Offset: 10",
        first: json!({"data": null}),
        headers: &[("X-Next-Offset", "10")],
        query: "offset=0&limit=10",
        asks_page_two: |r| param(r, "offset", "10"),
        last: json!({}),
        items: "data",
    });
    cases.push(Case {
        name: "X-Page and X-Total-Pages",
        first: json!({"data": null}),
        headers: &[("X-Page", "1"), ("X-Total-Pages", "2")],
        query: "",
        asks_page_two: page_two,
        last: json!({}),
        items: "data",
    });
    cases
}

#[test]
fn a_page_that_says_more_never_ends_a_walk_with_success() {
    let server = Fixture::start();
    for (index, case) in cases().into_iter().enumerate() {
        let path = format!("/case{index}");
        let Case {
            first,
            headers,
            asks_page_two,
            last,
            items: at,
            ..
        } = case;
        server.route(&path, move |request| {
            let (mut body, page) = match asks_page_two(request) {
                true => (last.clone(), 2),
                false => (first.clone(), 1),
            };
            body[at] = items(page);
            let reply = Reply::json(body);
            match page {
                1 => headers
                    .iter()
                    .fold(reply, |reply, (name, value)| reply.with_header(name, value)),
                _ => reply,
            }
        });
        let url = format!("{path}?{}", case.query);
        let mut walked = Vec::new();
        let mut error = None;
        for item in server.paginator(&url).items::<Value>() {
            match item {
                Ok(item) => walked.push(item["id"].as_u64()),
                Err(e) => error = Some(e),
            }
        }
        let all: Vec<Option<u64>> = (1..=15).map(Some).collect();
        match error {
            None => assert_eq!(walked, all, "{}: ended with success early", case.name),
            Some(error) => {
                assert_eq!(walked.len(), 10, "{}: {error}", case.name);
                assert!(
                    matches!(
                        error.kind(),
                        ErrorKind::NextNotFound { .. } | ErrorKind::InvalidNext { .. }
                    ),
                    "{}: {error}",
                    case.name
                );
            }
        }
    }
}

#[test]
fn an_object_without_the_items_key_is_an_empty_page_unless_a_fact_says_more() {
    // Protobuf JSON (Google APIs) leaves an empty array out.
    let server = Fixture::start();
    server.route("/proto", |request| {
        let token = request.query.iter().find(|(k, _)| k == "pageToken");
        Reply::json(match token.map(|(_, v)| v.as_str()) {
            None => json!({"items": [{"id": 1}, {"id": 2}], "nextPageToken": "t2"}),
            Some("t2") => json!({"nextPageToken": "t3"}),
            Some("t3") => json!({"items": [{"id": 3}], "nextPageToken": "t4"}),
            _ => json!({}),
        })
    });
    let ids: Vec<u64> = server
        .paginator("/proto")
        .items::<Value>()
        .map(|item| item.expect("no error")["id"].as_u64().expect("an id"))
        .collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(server.request_count(), 4);
}
