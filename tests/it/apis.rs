//! One end-to-end walk per built-in fixture API, with the default settings:
//! the exact items in order, the exact number of requests, the detected
//! strategy, the total, and the start URL's filters kept on every request.
//! The four seed APIs (Procore, Laravel, the cursor API, Pelcro) and Stripe
//! are also walked with each explicit strategy that fits them.
//!
//! Every dataset has 23 items and every walk asks for pages of 5, so each API
//! answers 5, 5, 5, 5 and 3 items. None of them needs a sixth, empty request:
//! each says on its last page that nothing follows (no `rel="next"`, a `null`
//! or absent next URL or cursor, `hasMore`/`has_more` false, or a page count
//! or total that is reached), and pagewalk believes it.

use fixture::{Fixture, Item, Recorded, expected_names, item};
use pagewalk::{Page, Strategy};
use serde::Deserialize;
use serde_json::Value;

/// Items in every built-in dataset here.
const ITEMS: usize = 23;
/// 23 items in pages of 5: 5 + 5 + 5 + 5 + 3.
const PAGES: usize = 5;
/// Filters in every start URL, which every request must carry unchanged.
const FILTERS: [(&str, &str); 2] = [("sort", "name"), ("filter", "open,urgent")];

fn server() -> Fixture {
    Fixture::builder().items(ITEMS).start()
}

/// `path?size_param=5&sort=name&filter=open,urgent`.
fn start(path: &str, size_param: &str) -> String {
    let filters = FILTERS
        .iter()
        .map(|(name, value)| format!("&{name}={value}"))
        .collect::<String>();
    format!("{path}?{size_param}=5{filters}")
}

/// The item's `name`, also inside JSON:API's `attributes`.
fn name(item: &Value) -> String {
    let fields = item.get("attributes").unwrap_or(item);
    match fields.get("name").and_then(Value::as_str) {
        Some(name) => name.to_owned(),
        None => panic!("item without a name: {item}"),
    }
}

fn names(pages: &[Page<Value>]) -> Vec<String> {
    pages.iter().flat_map(Page::items).map(name).collect()
}

fn walk_pages(server: &Fixture, start: &str, strategy: Strategy) -> Vec<Page<Value>> {
    server
        .paginator(start)
        .strategy(strategy)
        .pages::<Value>()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|error| panic!("{start}: {error}"))
}

/// Every request went to `path`, kept the page size and the filters exactly
/// once each, and repeated no query parameter.
fn assert_requests_keep_the_query(requests: &[Recorded], path: &str, size_param: &str) {
    for request in requests {
        let url = &request.raw_url;
        assert_eq!(request.path, path, "{url}");
        assert_eq!(request.params(size_param), ["5"], "page size in {url}");
        for (name, value) in FILTERS {
            assert_eq!(request.params(name), [value], "filter {name} in {url}");
        }
        let mut names: Vec<&str> = request
            .query
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a repeated query parameter in {url}");
    }
}

/// Walks `path` with `Strategy::auto()` and checks everything an end-to-end
/// walk must get right; returns the pages for API-specific checks.
fn auto_walk(
    path: &str,
    size_param: &str,
    detected: Strategy,
    total: Option<u64>,
) -> (Fixture, Vec<Page<Value>>) {
    let server = server();
    let start = start(path, size_param);
    let pages = walk_pages(&server, &start, Strategy::auto());
    assert_eq!(names(&pages), expected_names(ITEMS), "{path}");
    assert_eq!(
        pages
            .iter()
            .map(|page| page.items().len())
            .collect::<Vec<_>>(),
        [5, 5, 5, 5, 3],
        "{path}"
    );
    assert_eq!(server.request_count(), PAGES, "{path}");
    assert_requests_keep_the_query(&server.requests(), path, size_param);
    assert_eq!(pages[0].url(), server.url(&start), "{path}");
    for (index, page) in pages.iter().enumerate() {
        assert_eq!(page.number(), index as u64 + 1, "{path}");
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(page.total(), total, "{path}: total on page {}", index + 1);
        let last = index + 1 == pages.len();
        let expected = (!last).then_some(&detected);
        assert_eq!(page.found_by(), expected, "{path}: page {}", index + 1);
        assert_eq!(
            page.next_url().is_none(),
            last,
            "{path}: page {}",
            index + 1
        );
        if let Some(next) = pages.get(index + 1) {
            assert_eq!(page.next_url(), Some(next.url()), "{path}");
        }
    }
    (server, pages)
}

/// Walks `path` with an explicit `strategy` into typed items.
fn typed_walk(path: &str, size_param: &str, strategy: Strategy, total: Option<u64>) {
    let server = server();
    let start = start(path, size_param);
    let mut items = server
        .paginator(&start)
        .strategy(strategy.clone())
        .items::<Item>();
    let got: Vec<Item> = items
        .by_ref()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|error| panic!("{path} with {strategy}: {error}"));
    let expected: Vec<Item> = (1..=ITEMS as u64).map(item).collect();
    assert!(got == expected, "{path} with {strategy}: wrong items");
    assert_eq!(items.total(), total, "{path} with {strategy}");
    assert_eq!(server.request_count(), PAGES, "{path} with {strategy}");
    assert_requests_keep_the_query(&server.requests(), path, size_param);

    let server_for_pages = self::server();
    let pages: Vec<Page<Item>> = server_for_pages
        .paginator(&start)
        .strategy(strategy.clone())
        .pages::<Item>()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|error| panic!("{path} with {strategy}: {error}"));
    assert_eq!(pages.len(), PAGES, "{path} with {strategy}");
    for page in &pages[..PAGES - 1] {
        assert_eq!(page.found_by(), Some(&strategy), "{path}");
        assert_eq!(page.total(), total, "{path} with {strategy}");
    }
    assert_eq!(pages[PAGES - 1].found_by(), None, "{path} with {strategy}");
    assert_eq!(
        server_for_pages.request_count(),
        PAGES,
        "{path} with {strategy}"
    );
}

// ---- Link header APIs ---------------------------------------------------

#[test]
fn procore_link_header_and_total() {
    // The last page has no rel="next"; `Total: 23` is reached: 5 requests.
    auto_walk(
        "/rest/v1.0/punch_items",
        "per_page",
        Strategy::link_header(),
        Some(23),
    );
}

#[test]
fn procore_explicit_link_header_typed() {
    typed_walk(
        "/rest/v1.0/punch_items",
        "per_page",
        Strategy::link_header(),
        Some(23),
    );
}

#[test]
fn procore_links_are_first_prev_next_last_as_documented() {
    let (server, pages) = auto_walk(
        "/rest/v1.0/punch_items",
        "per_page",
        Strategy::link_header(),
        Some(23),
    );
    let url = |page: usize| {
        server.url(&format!(
            "/rest/v1.0/punch_items?page={page}&per_page=5&sort=name&filter=open%2Curgent"
        ))
    };
    // As in Procore's documentation: page 2 has no prev, the last page no next.
    let expected: [&[(&str, usize)]; PAGES] = [
        &[("last", 5), ("next", 2)],
        &[("first", 1), ("last", 5), ("next", 3)],
        &[("first", 1), ("prev", 2), ("last", 5), ("next", 4)],
        &[("first", 1), ("prev", 3), ("last", 5), ("next", 5)],
        &[("first", 1), ("prev", 4), ("last", 5)],
    ];
    for (page, expected) in pages.iter().zip(expected) {
        let got: Vec<(String, String)> = page
            .links()
            .iter()
            .map(|link| (link.rels().join(" "), link.target().to_owned()))
            .collect();
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(rel, target)| (rel.to_string(), url(*target)))
            .collect();
        assert_eq!(got, expected, "links of page {}", page.number());
    }
}

#[test]
fn github_relative_link_header() {
    // Relative targets, one Link field per rel; no next on page 5: 5 requests.
    auto_walk(
        "/repos/octo/hello/issues",
        "per_page",
        Strategy::link_header(),
        None,
    );
}

#[test]
fn gitlab_link_header_and_x_total() {
    // Link wins over X-Next-Page; X-Next-Page is empty on page 5: 5 requests.
    auto_walk(
        "/api/v4/projects",
        "per_page",
        Strategy::link_header(),
        Some(23),
    );
}

// ---- Next URL in the body -----------------------------------------------

#[test]
fn laravel_next_page_url_and_total() {
    // next_page_url is null on page 5 (= last_page, to = total): 5 requests.
    auto_walk(
        "/api/v1/projects",
        "page[size]",
        Strategy::next_url("/next_page_url"),
        Some(23),
    );
}

#[test]
fn laravel_explicit_next_page_url_typed() {
    typed_walk(
        "/api/v1/projects",
        "page[size]",
        Strategy::next_url("/next_page_url"),
        Some(23),
    );
}

#[test]
fn laravel_explicit_page_number_typed() {
    // Page 1 comes from the body's current_page; page 5 is last_page: 5 requests.
    typed_walk(
        "/api/v1/projects",
        "page[size]",
        Strategy::page_number("page[number]"),
        Some(23),
    );
}

#[test]
fn laravel_page_number_starts_at_the_start_urls_page() {
    let server = server();
    let start = "/api/v1/projects?page[size]=5&page[number]=3&sort=name";
    let got: Vec<Item> = server
        .paginator(start)
        .strategy(Strategy::page_number("page[number]"))
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    let expected: Vec<Item> = (11..=ITEMS as u64).map(item).collect();
    assert!(got == expected, "items 11..=23");
    // Pages 3, 4 and 5.
    let requests = server.requests();
    let numbers: Vec<Vec<&str>> = requests
        .iter()
        .map(|request| request.params("page[number]"))
        .collect();
    assert_eq!(numbers, [["3"], ["4"], ["5"]]);
}

#[test]
fn pelcro_links_next_and_meta_total() {
    // links.next is null on page 5 (meta.to = meta.total): 5 requests.
    auto_walk(
        "/api/v1/core/addresses",
        "limit",
        Strategy::next_url("/links/next"),
        Some(23),
    );
}

#[test]
fn pelcro_explicit_links_next_typed() {
    typed_walk(
        "/api/v1/core/addresses",
        "limit",
        Strategy::next_url("/links/next"),
        Some(23),
    );
}

#[test]
fn pelcro_explicit_page_number_typed() {
    // Page 1 from meta.current_page; ends at meta.last_page 5: 5 requests.
    typed_walk(
        "/api/v1/core/addresses",
        "limit",
        Strategy::page_number("page"),
        Some(23),
    );
}

#[test]
fn drf_next_and_count() {
    // DRF answers a page past the end with 404 "Invalid page.", so a walk
    // that probed for an empty page would fail; `next` is null on page 5 and
    // the walk ends there: 5 requests. `count` is DRF's total.
    auto_walk(
        "/drf/items/",
        "page_size",
        Strategy::next_url("/next"),
        Some(23),
    );
}

#[test]
fn hal_relative_links_next_href() {
    // _links.next is absent on page 5; `total` 23 is reached: 5 requests.
    auto_walk(
        "/hal/orders",
        "size",
        Strategy::next_url("/_links/next/href"),
        Some(23),
    );
}

#[test]
fn json_api_links_next_and_meta_total() {
    // links.next is absent on page 5: 5 requests.
    let (_, pages) = auto_walk(
        "/jsonapi/articles",
        "page[size]",
        Strategy::next_url("/links/next"),
        Some(23),
    );
    let ids: Vec<&str> = pages
        .iter()
        .flat_map(Page::items)
        .filter_map(|item| item["id"].as_str())
        .collect();
    let expected: Vec<String> = (1..=ITEMS).map(|n| n.to_string()).collect();
    assert_eq!(ids, expected);
}

#[test]
fn odata_next_link() {
    // @odata.nextLink is absent on page 5: 5 requests.
    auto_walk(
        "/odata/People",
        "$top",
        Strategy::next_url("/@odata.nextLink"),
        None,
    );
}

// ---- Cursors ------------------------------------------------------------

#[test]
fn cursor_api_next_page_url_without_total() {
    // The cursor API gives both nextCursor and nextPageUrl; auto prefers a
    // next URL in the body to a cursor (Strategy::auto's documented order).
    // hasMore is false on page 5: 5 requests. Its `count` is the size of
    // each page, not a total, so no total is reported.
    auto_walk(
        "/v2/transactions",
        "per_page",
        Strategy::next_url("/nextPageUrl"),
        None,
    );
}

#[test]
fn cursor_api_explicit_cursor_typed() {
    typed_walk(
        "/v2/transactions",
        "per_page",
        Strategy::cursor("/nextCursor", "cursor"),
        None,
    );
}

#[test]
fn cursor_api_sends_each_cursor_once() {
    let server = server();
    let _: Vec<Item> = server
        .paginator(&start("/v2/transactions", "per_page"))
        .strategy(Strategy::cursor("/nextCursor", "cursor"))
        .items::<Item>()
        .collect::<Result<_, _>>()
        .expect("walks");
    let cursors: Vec<Vec<String>> = server
        .requests()
        .iter()
        .map(|request| {
            request
                .params("cursor")
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
        .collect();
    assert!(cursors[0].is_empty(), "no cursor on the first request");
    for (index, cursor) in cursors.iter().enumerate().skip(1) {
        assert_eq!(cursor.len(), 1, "request {}: {cursor:?}", index + 1);
    }
}

#[test]
fn slack_response_metadata_next_cursor() {
    // next_cursor is "" on page 5: 5 requests.
    auto_walk(
        "/api/conversations.list",
        "limit",
        Strategy::cursor("/response_metadata/next_cursor", "cursor"),
        None,
    );
}

#[test]
fn google_next_page_token() {
    // nextPageToken is absent on page 5: 5 requests.
    auto_walk(
        "/google/v1/things",
        "pageSize",
        Strategy::cursor("/nextPageToken", "pageToken"),
        None,
    );
}

// ---- Keyset -------------------------------------------------------------

#[test]
fn stripe_auto_detects_keyset() {
    // has_more is false on page 5: 5 requests.
    let (server, pages) = auto_walk(
        "/v1/customers",
        "limit",
        Strategy::keyset("starting_after", "/id"),
        None,
    );
    assert_stripe_ids(&server, &pages);
}

#[test]
fn stripe_explicit_keyset() {
    let server = server();
    let start = start("/v1/customers", "limit");
    let strategy = Strategy::keyset("starting_after", "/id");
    let pages = walk_pages(&server, &start, strategy.clone());
    assert_eq!(names(&pages), expected_names(ITEMS));
    assert_eq!(server.request_count(), PAGES);
    assert_requests_keep_the_query(&server.requests(), "/v1/customers", "limit");
    for page in &pages[..PAGES - 1] {
        assert_eq!(page.found_by(), Some(&strategy));
    }
    assert_stripe_ids(&server, &pages);
}

/// A Stripe customer, typed: the string id must still reach the keyset rule.
#[derive(Debug, Deserialize, PartialEq)]
struct Customer {
    id: String,
    name: String,
}

#[test]
fn stripe_explicit_keyset_typed() {
    let server = server();
    let customers: Vec<Customer> = server
        .paginator(&start("/v1/customers", "limit"))
        .strategy(Strategy::keyset("starting_after", "/id"))
        .items::<Customer>()
        .collect::<Result<_, _>>()
        .expect("walks");
    let expected: Vec<Customer> = (1..=ITEMS)
        .map(|n| Customer {
            id: format!("cus_{n:05}"),
            name: format!("item {n}"),
        })
        .collect();
    assert_eq!(customers, expected);
    assert_eq!(server.request_count(), PAGES);
}

/// Each request after the first starts after the last id of the page before.
fn assert_stripe_ids(server: &Fixture, pages: &[Page<Value>]) {
    let requests = server.requests();
    assert_eq!(requests[0].params("starting_after"), Vec::<&str>::new());
    for (request, previous) in requests[1..].iter().zip(pages) {
        let last = previous.items().last().expect("a full page");
        assert_eq!(
            request.params("starting_after"),
            [last["id"].as_str().expect("a string id")],
            "{}",
            request.raw_url
        );
    }
}
