//! Every real API the fixture imitates (`fixture/src/real/`), walked end to
//! end with the default settings where the response gives the way forward,
//! and with the documented flags where it cannot: the exact items in order,
//! the exact requests (each worked out here from the previous answer by the
//! API's documented mechanism, independently of pagewalk's rules), and a
//! resume from the middle.
//!
//! The POST and GraphQL APIs have files of their own (`bodies.rs`,
//! `graphql.rs`).

use fixture::{Fixture, REAL_APIS, RealApi, item_number};
use pagewalk::{ErrorKind, Paginator};
use serde_json::Value;

use super::replay::{Answer, Sent, assert_chain, assert_resumes, collect};

/// How the API names its next page, as its documentation says: the next
/// request from the answer to the last one, `None` at the end.
type Mechanism = fn(&Answer, &Sent) -> Option<Sent>;

fn link_header(answer: &Answer, sent: &Sent) -> Option<Sent> {
    let values = answer
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("link"))
        .map(|(_, value)| value.as_str());
    let links = pagewalk::link_header::parse(values);
    let next = pagewalk::link_header::find_rel(&links, "next")?;
    Some(sent.to(next.target()))
}

/// The next link at `pointer`, followed as the docs say.
fn body_link(answer: &Answer, sent: &Sent, pointer: &str) -> Option<Sent> {
    answer.text(pointer).map(|link| sent.to(link))
}

/// The token at `pointer`, sent back as `param`.
fn token(answer: &Answer, sent: &Sent, pointer: &str, param: &str) -> Option<Sent> {
    answer
        .text(pointer)
        .map(|token| sent.with_param(param, token))
}

fn number(answer: &Answer, pointer: &str) -> u64 {
    answer
        .body
        .pointer(pointer)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("no {pointer}"))
}

fn items_at(answer: &Answer, pointer: &str) -> usize {
    answer
        .body
        .pointer(pointer)
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

/// Each API's documented mechanism, by the name `REAL_APIS` gives it.
const MECHANISMS: &[(&str, Mechanism)] = &[
    ("GitHub", link_header),
    ("Shopify REST", link_header),
    ("Okta", link_header),
    ("Mastodon", link_header),
    // `meta.has_more: false` ends the walk although `links.next` is still there.
    ("Zendesk", |a, s| {
        (a.body.pointer("/meta/has_more")? == true).then(|| body_link(a, s, "/links/next"))?
    }),
    ("Spotify", |a, s| body_link(a, s, "/next")),
    ("Microsoft Graph", |a, s| {
        body_link(a, s, "/@odata.nextLink")
    }),
    ("Asana", |a, s| body_link(a, s, "/next_page/uri")),
    ("Facebook Graph", |a, s| body_link(a, s, "/paging/next")),
    ("DigitalOcean", |a, s| body_link(a, s, "/links/pages/next")),
    ("Salesforce", |a, s| {
        (a.body["done"] == false).then(|| body_link(a, s, "/nextRecordsUrl"))?
    }),
    ("Twilio", |a, s| body_link(a, s, "/next_page_uri")),
    ("crates.io", |a, s| body_link(a, s, "/meta/next_page")),
    ("Notion (list)", |a, s| {
        (a.body["has_more"] == true).then(|| token(a, s, "/next_cursor", "start_cursor"))?
    }),
    // `paging.next.link` is only a query string: `limit` is kept.
    ("HubSpot (list)", |a, s| {
        body_link(a, s, "/paging/next/link")
    }),
    ("X API v2", |a, s| {
        token(a, s, "/meta/next_token", "pagination_token")
    }),
    ("Kubernetes (cluster)", |a, s| {
        token(a, s, "/metadata/continue", "continue")
    }),
    ("Kubernetes (namespaced)", |a, s| {
        token(a, s, "/metadata/continue", "continue")
    }),
    ("Crossref", |a, s| {
        (items_at(a, "/message/items") > 0)
            .then(|| token(a, s, "/message/next-cursor", "cursor"))?
    }),
    ("Europe PMC", |a, s| body_link(a, s, "/nextPageUrl")),
    ("Twitch", |a, s| token(a, s, "/pagination/cursor", "after")),
    ("Airtable", |a, s| token(a, s, "/offset", "offset")),
    ("Contentful", |a, s| {
        let next = number(a, "/skip") + items_at(a, "/items") as u64;
        (next < number(a, "/total")).then(|| s.with_param("skip", &next.to_string()))
    }),
    ("GBIF", |a, s| {
        let next = number(a, "/offset") + items_at(a, "/results") as u64;
        (a.body["endOfRecords"] == false).then(|| s.with_param("offset", &next.to_string()))
    }),
    ("PostgREST", |a, s| {
        let range = a.header("Content-Range")?;
        let (first_last, _) = range.split_once('/')?;
        let (_, last) = first_last.split_once('-')?;
        let next: u64 = last.parse::<u64>().ok()? + 1;
        Some(s.with_param("offset", &next.to_string()))
    }),
    ("Jira PageBean", |a, s| {
        (a.body["isLast"] == false).then(|| body_link(a, s, "/nextPage"))?
    }),
    ("Algolia HN", |a, s| {
        let next = number(a, "/page") + 1;
        (next < number(a, "/nbPages")).then(|| s.with_param("page", &next.to_string()))
    }),
    ("TMDB", |a, s| {
        let page = number(a, "/page");
        (page < number(a, "/total_pages")).then(|| s.with_param("page", &(page + 1).to_string()))
    }),
    ("MediaWiki", |a, s| {
        let members = a.body.get("continue")?.as_object()?;
        let fresh = ["accontinue", "continue"]
            .iter()
            .fold(s.clone(), |sent, name| sent.without_param(name));
        Some(members.iter().fold(fresh, |sent, (name, value)| {
            sent.with_param(name, value.as_str().unwrap_or_default())
        }))
    }),
    ("Azure DevOps", |a, s| {
        a.header("x-ms-continuationtoken")
            .map(|token| s.with_param("continuationToken", token))
    }),
];

fn mechanism(api: &RealApi) -> Mechanism {
    MECHANISMS
        .iter()
        .find(|(name, _)| *name == api.name)
        .map(|(_, mechanism)| *mechanism)
        .unwrap_or_else(|| panic!("no documented mechanism for {}", api.name))
}

/// A fixture serving `api`'s dataset.
fn fixture(api: &RealApi) -> Fixture {
    Fixture::builder().items(api.items).start()
}

/// The walk a user would set up: the API's headers, and its strategy when
/// `with_strategy` (else the default).
fn paginator(api: &RealApi, server: &Fixture, with_strategy: bool) -> Paginator {
    let mut paginator = server.paginator(api.start);
    for (name, value) in api.headers {
        paginator = paginator.header(*name, *value);
    }
    match api.strategy.filter(|_| with_strategy) {
        Some(strategy) => paginator.strategy(strategy()),
        None => paginator,
    }
}

#[test]
fn every_real_api_is_walked_to_its_last_item_by_its_documented_mechanism() {
    assert_eq!(MECHANISMS.len(), REAL_APIS.len());
    for api in REAL_APIS {
        let server = fixture(api);
        let items = collect(paginator(api, &server, true));
        let numbers: Vec<Option<u64>> = items.iter().map(item_number).collect();
        let expected: Vec<Option<u64>> = (1..=api.items as u64).map(Some).collect();
        assert!(numbers == expected, "{}: items {numbers:?}", api.name);
        let first = Sent::new("GET", api.start, None);
        let sent = assert_chain(&server, 0, first, mechanism(api));
        assert_eq!(sent, api.requests, "{}", api.name);
    }
}

#[test]
fn every_real_api_resumes_from_the_middle() {
    for api in REAL_APIS {
        let server = fixture(api);
        let middle = api.items / 3 + 1;
        assert_resumes(
            &server,
            &|| paginator(api, &server, true),
            &[middle, api.items - 1],
        );
    }
}

#[test]
fn apis_that_need_flags_fail_by_default_naming_them() {
    for api in REAL_APIS.iter().filter(|api| api.strategy.is_some()) {
        let server = fixture(api);
        let (items, error) = fixture::walk::<Value>(paginator(api, &server, false));
        let error = error.unwrap_or_else(|| {
            panic!(
                "{}: ended with {} items and no error",
                api.name,
                items.len()
            )
        });
        assert!(
            matches!(
                error.kind(),
                ErrorKind::NextNotFound { .. } | ErrorKind::RepeatedPage { .. }
            ),
            "{}: {error}",
            api.name
        );
        // The flag that names the token's way back.
        let message = error.to_string();
        assert!(
            message.contains(api.flags[0]) && message.contains(api.flags[1]),
            "{}: {message}",
            api.name
        );
        assert!(
            !items.is_empty(),
            "{}: the first page's items come first",
            api.name
        );
    }
}

#[test]
fn explain_says_how_each_walk_goes_on() {
    for api in REAL_APIS {
        let server = fixture(api);
        let explanation = paginator(api, &server, true)
            .explain()
            .expect("a first page");
        assert!(explanation.would_succeed(), "{}: {explanation}", api.name);
        assert!(explanation.item_count() > 0, "{}: {explanation}", api.name);
        assert_eq!(
            explanation.next_request().is_some(),
            api.requests > 1,
            "{}: {explanation}",
            api.name
        );
        assert!(
            explanation
                .reason()
                .is_some_and(|reason| !reason.is_empty())
        );
        // The next request is the one the walk sends second.
        let walked = server.request_count();
        collect(paginator(api, &server, true));
        if let Some(next) = explanation.next_request() {
            let second = &server.requests()[walked + 1];
            assert_eq!(
                next.url().as_str(),
                server.url(&second.raw_url),
                "{}",
                api.name
            );
        }
        assert_eq!(
            server.request_count() - walked,
            api.requests,
            "{}",
            api.name
        );
    }
}
