//! Explicit strategies do what they say, whatever else the body holds.

use fixture::{Fixture, Item, Reply, expected_names, item, items_json, names, walk};
use pagewalk::{Page, Paginator};
use serde_json::{Value, json};

#[test]
fn an_empty_page_with_a_cursor_is_followed() {
    let server = Fixture::start();
    server.route("/cursor", |request| {
        Reply::json(match request.param("cursor") {
            None => json!({"items": items_json(1..=2), "nextCursor": "c2"}),
            Some("c2") => json!({"items": [], "nextCursor": "c3"}),
            Some(_) => json!({"items": items_json(3..=3), "nextCursor": null}),
        })
    });
    let got: Vec<Item> = server
        .paginator("/cursor?limit=2")
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&got), expected_names(3));
    assert_eq!(server.request_count(), 3);
}

#[test]
fn explicit_offset_advances_by_items_received() {
    // The server caps the limit at 4 whatever is asked: the offset must move
    // by what arrived, never by the requested limit.
    let server = Fixture::start();
    server.route("/offset", |request| {
        let offset: u64 = request.param("offset").unwrap_or("0").parse().unwrap_or(0);
        let end = (offset + 4).min(10);
        Reply::json(json!({"results": items_json(offset + 1..=end), "total": 10}))
    });
    let got: Vec<Item> = server
        .paginator("/offset?limit=50&q=a")
        .strategy(pagewalk::Strategy::offset("offset"))
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&got), expected_names(10));
    let offsets: Vec<Vec<String>> = server
        .requests()
        .iter()
        .map(|request| {
            request
                .params("offset")
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
        .collect();
    assert_eq!(
        offsets,
        [vec![], vec!["4".to_owned()], vec!["8".to_owned()]]
    );
    for request in server.requests() {
        assert_eq!(request.params("limit"), ["50"]);
        assert_eq!(request.params("q"), ["a"]);
    }
}

#[test]
fn explicit_page_number_ends_on_an_empty_page() {
    // No page count and no total: the only end is an empty page.
    let server = Fixture::start();
    server.route("/plain", |request| {
        let page: u64 = request.param("page").unwrap_or("1").parse().unwrap_or(1);
        let items = match page {
            1 => items_json(1..=3),
            2 => items_json(4..=5),
            _ => Vec::new(),
        };
        Reply::json(Value::Array(items))
    });
    let got: Vec<Item> = server
        .paginator("/plain")
        .strategy(pagewalk::Strategy::page_number("page"))
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&got), expected_names(5));
    assert_eq!(server.request_count(), 3, "pages 1, 2 and the empty page 3");
}

#[test]
fn explicit_strategy_is_not_fooled_by_other_fields() {
    // A Link header would win under auto; an explicit next_url ignores it.
    let server = Fixture::start();
    server.route("/both", |request| {
        let body = match request.param("page") {
            None => json!({"data": items_json(1..=2), "next": "/both?page=2"}),
            Some(_) => json!({"data": items_json(3..=3), "next": null}),
        };
        Reply::json(body).with_header("Link", "</elsewhere>; rel=\"next\"")
    });
    let got: Vec<Item> = server
        .paginator("/both")
        .strategy(pagewalk::Strategy::next_url("/next"))
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    assert_eq!(names(&got), expected_names(3));
    assert_eq!(server.request_count(), 2);
}

#[test]
fn explicit_offset_stops_at_a_drf_count_on_every_page() {
    // Django REST framework's LimitOffsetPagination: `count` is the total on
    // every page. 23 items by 5: offsets 0, 5, 10, 15, 20, and 20 + 3 = 23
    // reaches the count, so no sixth (empty) request.
    let server = Fixture::start();
    server.route("/drf/limit/", |request| {
        let offset: u64 = request.param("offset").unwrap_or("0").parse().unwrap_or(0);
        let limit: u64 = request.param("limit").unwrap_or("5").parse().unwrap_or(5);
        let end = (offset + limit).min(23);
        let next = (end < 23).then(|| format!("/drf/limit/?limit={limit}&offset={end}"));
        Reply::json(json!({
            "count": 23,
            "next": next,
            "previous": null,
            "results": items_json(offset + 1..=end),
        }))
    });
    let pages: Vec<Page<Item>> = server
        .paginator("/drf/limit/?limit=5")
        .strategy(pagewalk::Strategy::offset("offset"))
        .pages::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    let got: Vec<Item> = pages
        .iter()
        .flat_map(|page| page.items().to_vec())
        .collect();
    assert_eq!(names(&got), expected_names(23));
    assert_eq!(server.request_count(), 5, "no request past the count");
    for page in &pages {
        assert_eq!(page.total(), Some(23), "total on page {}", page.number());
    }
}

/// Serves `/d` on a raw socket, with `link` as page 1's raw header line:
/// tiny_http only sends ASCII header values, real servers send UTF-8 too.
fn raw_link_server(link: &'static [u8]) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let Ok(clone) = stream.try_clone() else {
                return;
            };
            let mut reader = BufReader::new(clone);
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            let (body, link): (&[u8], &[u8]) = if request_line.contains("page=2") {
                (br#"{"data":[3,4]}"#, b"")
            } else {
                (br#"{"data":[1,2]}"#, link)
            };
            let mut response =
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    .to_vec();
            response.extend_from_slice(link);
            response
                .extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
            response.extend_from_slice(body);
            let _ = stream.write_all(&response);
        }
    });
    format!("http://{address}/d")
}

#[test]
fn a_link_header_with_utf8_in_its_url_is_followed() {
    let url = raw_link_server("Link: </d?q=café&page=2>; rel=\"next\"\r\n".as_bytes());
    let items: Vec<Value> = Paginator::new(url)
        .agent(fixture::agent())
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("no error");
    assert_eq!(items, [json!(1), json!(2), json!(3), json!(4)]);
}

#[test]
fn sentry_results_false_ends_the_walk() {
    let server = Fixture::start();
    let calls = server.counted("/sentry", |_, request| {
        let cursor = request.param("cursor").unwrap_or("0:0:0");
        let base = "/sentry";
        let (items, more) = match cursor {
            "0:0:0" => (1..=2, "true"),
            _ => (3..=4, "false"),
        };
        let following = if cursor == "0:0:0" {
            "0:100:0"
        } else {
            "0:200:0"
        };
        let link = format!(
            "<{base}?cursor=0:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", \
             <{base}?cursor={following}>; rel=\"next\"; results=\"{more}\"; cursor=\"{following}\""
        );
        let items: Vec<Item> = items.map(item).collect();
        Reply::json(json!(items)).with_header("Link", &link)
    });
    let (items, error) = walk::<Item>(server.paginator("/sentry"));
    assert!(error.is_none(), "{error:?}");
    assert_eq!(names(&items), expected_names(4));
    assert_eq!(
        calls.count(),
        2,
        "no request for a next page without results"
    );
}
