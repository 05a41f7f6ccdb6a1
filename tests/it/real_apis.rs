//! Every real API the fixture imitates (`fixture/src/real/`), walked end to
//! end with the default settings where the response gives the way forward,
//! and with the documented flags where it cannot: the exact items in order,
//! the exact requests (each worked out here from the previous answer by the
//! API's documented mechanism, independently of pagewalk's rules), and a
//! resume from the middle.
//!
//! The POST and GraphQL APIs have files of their own (`bodies.rs`,
//! `graphql.rs`).

use fixture::Fixture;
use pagewalk::{ErrorKind, Paginator, Strategy, Token};
use serde_json::Value;

use super::replay::{Answer, Sent, assert_chain, assert_resumes, collect};

/// How the API names its next page, as its documentation says: the next
/// request from the answer to the last one, `None` at the end.
type Mechanism = fn(&Answer, &Sent) -> Option<Sent>;

/// One real API, as a user would walk it.
pub struct Api {
    pub name: &'static str,
    /// The first page: path and query.
    pub start: &'static str,
    /// How many items the fixture serves.
    pub items: usize,
    /// Headers the API requires.
    pub headers: &'static [(&'static str, &'static str)],
    /// `None` for the default settings; else the strategy the docs call for.
    pub strategy: Option<fn() -> Strategy>,
    /// The CLI flags of that strategy (empty for the default).
    pub flags: &'static [&'static str],
    pub mechanism: Mechanism,
    /// How many requests the walk takes.
    pub requests: usize,
}

/// The item number of a fixture record: its `"name": "item N"`, wherever
/// the API nests the record.
pub fn item_number(item: &Value) -> Option<u64> {
    match item {
        Value::Object(map) => {
            if let Some(n) = map
                .get("name")
                .and_then(Value::as_str)
                .and_then(|name| name.strip_prefix("item "))
                .and_then(|n| n.parse().ok())
            {
                return Some(n);
            }
            map.values().find_map(item_number)
        }
        _ => None,
    }
}

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

const fn api(
    name: &'static str,
    start: &'static str,
    mechanism: Mechanism,
    requests: usize,
) -> Api {
    Api {
        name,
        start,
        items: 23,
        headers: &[],
        strategy: None,
        flags: &[],
        mechanism,
        requests,
    }
}

/// Every real API reached with `GET`, and how it is walked.
pub const APIS: &[Api] = &[
    api(
        "GitHub",
        "/github/repos/octocat/Spoon-Knife/issues?state=open&per_page=5",
        link_header,
        5,
    ),
    api(
        "Shopify REST",
        "/shopify/admin/api/2024-01/products.json?limit=5&status=active",
        link_header,
        5,
    ),
    api("Okta", "/okta/api/v1/users?limit=5", link_header, 5),
    // A full last page still has a next link: the walk ends on an empty array.
    Api {
        items: 20,
        ..api(
            "Mastodon",
            "/mastodon/api/v1/favourites?limit=5",
            link_header,
            5,
        )
    },
    // `meta.has_more: false` ends the walk although `links.next` is still there.
    api(
        "Zendesk",
        "/api/v2/tickets.json?page[size]=5&sort=id",
        |a, s| {
            (a.body.pointer("/meta/has_more")? == true).then(|| body_link(a, s, "/links/next"))?
        },
        5,
    ),
    api(
        "Spotify",
        "/v1/me/playlists?limit=5",
        |a, s| body_link(a, s, "/next"),
        5,
    ),
    api(
        "Microsoft Graph",
        "/v1.0/users?$top=5&$select=id,displayName",
        |a, s| body_link(a, s, "/@odata.nextLink"),
        5,
    ),
    api(
        "Asana",
        "/api/1.0/tasks?project=1337&limit=5",
        |a, s| body_link(a, s, "/next_page/uri"),
        5,
    ),
    // Hidden albums make a short page and an empty one that still links on.
    api(
        "Facebook Graph",
        "/v19.0/me/albums?limit=5&fields=name",
        |a, s| body_link(a, s, "/paging/next"),
        7,
    ),
    api(
        "DigitalOcean",
        "/v2/droplets?per_page=5&tag_name=web",
        |a, s| body_link(a, s, "/links/pages/next"),
        5,
    ),
    Api {
        items: 450,
        headers: &[("Sforce-Query-Options", "batchSize=200")],
        ..api(
            "Salesforce",
            "/services/data/v65.0/query?q=SELECT+Name+FROM+Account",
            |a, s| (a.body["done"] == false).then(|| body_link(a, s, "/nextRecordsUrl"))?,
            3,
        )
    },
    api(
        "Twilio",
        "/2010-04-01/Accounts/AC123/Messages.json?To=%2B15005550006&PageSize=5",
        |a, s| body_link(a, s, "/next_page_uri"),
        5,
    ),
    api(
        "crates.io",
        "/api/v1/crates?q=serde&per_page=5",
        |a, s| body_link(a, s, "/meta/next_page"),
        5,
    ),
    api(
        "Notion (list)",
        "/v1/users?page_size=5",
        |a, s| (a.body["has_more"] == true).then(|| token(a, s, "/next_cursor", "start_cursor"))?,
        5,
    ),
    // `paging.next.link` is only a query string; `limit` is kept.
    api(
        "HubSpot (list)",
        "/crm/v3/objects/contacts?limit=5",
        |a, s| body_link(a, s, "/paging/next/link"),
        5,
    ),
    Api {
        strategy: Some(|| Strategy::cursor("/meta/next_token", "pagination_token")),
        flags: &[
            "--cursor",
            "/meta/next_token",
            "--cursor-param",
            "pagination_token",
        ],
        ..api(
            "X API v2",
            "/2/users/12345/tweets?max_results=5",
            |a, s| token(a, s, "/meta/next_token", "pagination_token"),
            5,
        )
    },
    api(
        "Kubernetes (cluster)",
        "/api/v1/pods?limit=5",
        |a, s| token(a, s, "/metadata/continue", "continue"),
        5,
    ),
    api(
        "Kubernetes (namespaced)",
        "/api/v1/namespaces/default/pods?limit=5",
        |a, s| token(a, s, "/metadata/continue", "continue"),
        5,
    ),
    // The next cursor keeps coming; the empty page ends the walk.
    api(
        "Crossref",
        "/works?rows=5&cursor=*",
        |a, s| {
            (items_at(a, "/message/items") > 0)
                .then(|| token(a, s, "/message/next-cursor", "cursor"))?
        },
        6,
    ),
    api(
        "Europe PMC",
        "/europepmc/webservices/rest/search?query=malaria&format=json&pageSize=5&cursorMark=*",
        |a, s| body_link(a, s, "/nextPageUrl"),
        6,
    ),
    Api {
        strategy: Some(|| Strategy::cursor("/pagination/cursor", "after")),
        flags: &["--cursor", "/pagination/cursor", "--cursor-param", "after"],
        ..api(
            "Twitch",
            "/helix/streams?first=5",
            |a, s| token(a, s, "/pagination/cursor", "after"),
            5,
        )
    },
    api(
        "Airtable",
        "/v0/appXXX/Table?pageSize=5",
        |a, s| token(a, s, "/offset", "offset"),
        5,
    ),
    api(
        "Contentful",
        "/spaces/s1/environments/master/entries?limit=5",
        |a, s| {
            let next = number(a, "/skip") + items_at(a, "/items") as u64;
            (next < number(a, "/total")).then(|| s.with_param("skip", &next.to_string()))
        },
        5,
    ),
    api(
        "GBIF",
        "/v1/occurrence/search?limit=5",
        |a, s| {
            let next = number(a, "/offset") + items_at(a, "/results") as u64;
            (a.body["endOfRecords"] == false).then(|| s.with_param("offset", &next.to_string()))
        },
        5,
    ),
    // No count asked for: `Content-Range: 0-4/*`; the empty page ends the walk.
    api(
        "PostgREST",
        "/people?limit=5",
        |a, s| {
            let range = a.header("Content-Range")?;
            let (first_last, _) = range.split_once('/')?;
            let (_, last) = first_last.split_once('-')?;
            let next: u64 = last.parse::<u64>().ok()? + 1;
            Some(s.with_param("offset", &next.to_string()))
        },
        6,
    ),
    api(
        "Jira PageBean",
        "/rest/api/3/project/search?maxResults=5",
        |a, s| (a.body["isLast"] == false).then(|| body_link(a, s, "/nextPage"))?,
        5,
    ),
    api(
        "Algolia HN",
        "/api/v1/search?query=rust&hitsPerPage=5&page=0",
        |a, s| {
            let next = number(a, "/page") + 1;
            (next < number(a, "/nbPages")).then(|| s.with_param("page", &next.to_string()))
        },
        5,
    ),
    api(
        "TMDB",
        "/3/search/movie?query=alien",
        |a, s| {
            let page = number(a, "/page");
            (page < number(a, "/total_pages"))
                .then(|| s.with_param("page", &(page + 1).to_string()))
        },
        2,
    ),
    api(
        "MediaWiki",
        "/w/api.php?action=query&list=allcategories&aclimit=5&format=json",
        |a, s| {
            let members = a.body.get("continue")?.as_object()?;
            let fresh = ["accontinue", "continue"]
                .iter()
                .fold(s.clone(), |sent, name| sent.without_param(name));
            Some(members.iter().fold(fresh, |sent, (name, value)| {
                sent.with_param(name, value.as_str().unwrap_or_default())
            }))
        },
        5,
    ),
    Api {
        items: 1100,
        strategy: Some(|| {
            Strategy::cursor(Token::header("x-ms-continuationtoken"), "continuationToken")
        }),
        flags: &[
            "--cursor-header",
            "x-ms-continuationtoken",
            "--cursor-param",
            "continuationToken",
        ],
        ..api(
            "Azure DevOps",
            "/org/_apis/graph/users?api-version=7.1-preview.1",
            |a, s| {
                a.header("x-ms-continuationtoken")
                    .map(|token| s.with_param("continuationToken", token))
            },
            3,
        )
    },
];

impl Api {
    /// A fixture serving this API's dataset.
    pub fn fixture(&self) -> Fixture {
        Fixture::builder().items(self.items).start()
    }

    /// The walk a user would set up.
    fn paginator(&self, server: &Fixture) -> Paginator {
        let mut paginator = server.paginator(self.start);
        for (name, value) in self.headers {
            paginator = paginator.header(*name, *value);
        }
        match self.strategy {
            Some(strategy) => paginator.strategy(strategy()),
            None => paginator,
        }
    }
}

#[test]
fn every_real_api_is_walked_to_its_last_item_by_its_documented_mechanism() {
    for api in APIS {
        let server = api.fixture();
        let items = collect(api.paginator(&server));
        let numbers: Vec<Option<u64>> = items.iter().map(item_number).collect();
        let expected: Vec<Option<u64>> = (1..=api.items as u64).map(Some).collect();
        assert!(numbers == expected, "{}: items {numbers:?}", api.name);
        let first = Sent::new("GET", api.start, None);
        let sent = assert_chain(&server, 0, first, api.mechanism);
        assert_eq!(sent, api.requests, "{}", api.name);
    }
}

#[test]
fn every_real_api_resumes_from_the_middle() {
    for api in APIS {
        let server = api.fixture();
        let middle = api.items / 3 + 1;
        assert_resumes(
            &server,
            &|| api.paginator(&server),
            &[middle, api.items - 1],
        );
    }
}

#[test]
fn apis_that_need_flags_fail_by_default_naming_them() {
    for api in APIS.iter().filter(|api| api.strategy.is_some()) {
        let server = api.fixture();
        let mut paginator = server.paginator(api.start);
        for (name, value) in api.headers {
            paginator = paginator.header(*name, *value);
        }
        let (items, error) = fixture::walk::<Value>(paginator);
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
        let flag = api.flags[0];
        assert!(
            message.contains(flag) && message.contains(api.flags[1]),
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
