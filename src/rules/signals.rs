//! Everything a response says about pagination, found in one scan of the
//! envelope (the body without its items) by the names of
//! [`vocabulary`](super::vocabulary): next-page URLs, tokens, flags, page
//! numbers, positions, totals, and the headers that carry any of them.

use http::HeaderMap;
use serde_json::{Map, Value};

use super::vocabulary::{
    CURRENT_PAGE, CURSOR, LINKS, MORE_FLAGS, NAME_CAPACITY, NEXT_URL, OTHER_PAGES, PAGE_COUNT,
    PER_PAGE, POSITION, TOTAL, TOTAL_HEADERS, URL_MEMBERS, is_continuation_header, normalized,
    normalized_into,
};
use crate::json_pointer;

/// How deep in the envelope pagination fields are looked for.
const MAX_DEPTH: usize = 4;

/// Objects that hold pagination fields (beside the top level and next-page
/// objects): `meta`, `paging`, `links`, Slack's `response_metadata`,
/// Kubernetes' `metadata`, Crossref's `message`, Cloudflare's `result_info`.
const CONTAINERS: &[&str] = &[
    "meta",
    "metadata",
    "paging",
    "pagination",
    "pages",
    "page",
    "links",
    "responsemetadata",
    "message",
    "cursor",
    "resultinfo",
    "info",
    "response",
    "navigation",
    // OData v2's `d`, Pipedrive's `additional_data`, a REST `page_info`.
    "d",
    "additionaldata",
    "pageinfo",
];

/// One field of the envelope.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field<'a> {
    /// Its JSON pointer.
    pub pointer: String,
    /// Its name as the API spells it.
    pub key: &'a str,
    pub value: &'a Value,
}

/// A number of the envelope, with where it was.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Count {
    pub pointer: String,
    pub key: String,
    pub value: u64,
    /// How deep in the envelope: the shallowest of each kind wins.
    depth: usize,
}

/// What a response says about pagination.
#[derive(Debug, Default)]
pub(crate) struct Signals<'a> {
    /// Next-page URLs, in document order: non-empty strings that look like one.
    pub next_urls: Vec<Field<'a>>,
    /// Tokens for the next page, in document order.
    pub cursors: Vec<Field<'a>>,
    /// Next-page or token fields that are `null`, `""` or `{}`: the API's
    /// own way of saying there is none.
    pub nothing_next: Vec<Field<'a>>,
    /// Flags, with whether each says more pages follow.
    pub flags: Vec<(Field<'a>, bool)>,
    /// A top-level `continue` object (MediaWiki): every member goes into
    /// the next request's query.
    pub continuation: Option<Field<'a>>,
    pub current_page: Option<Count>,
    pub page_count: Option<Count>,
    pub per_page: Option<Count>,
    pub position: Option<Count>,
    pub total: Option<Count>,
    /// `Content-Range: <first>-<last>/<total or *>`.
    pub content_range: Option<ContentRange>,
    /// A response header that looks like it carries the next page's token.
    pub continuation_header: Option<(String, String)>,
}

/// A `Content-Range` header of a page (PostgREST).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ContentRange {
    /// The positions of the page's first and last items, when it has any.
    pub items: Option<(u64, u64)>,
    /// The collection's size, when the server counted it.
    pub total: Option<u64>,
}

impl<'a> Signals<'a> {
    /// Reads `envelope` and `headers`.
    pub(crate) fn read(envelope: &'a Value, headers: &HeaderMap) -> Signals<'a> {
        let mut signals = Signals::default();
        if let Value::Object(object) = envelope {
            if let Some(Value::Object(members)) = object.get("continue") {
                if !members.is_empty() && members.values().all(is_scalar) {
                    signals.continuation = Some(Field {
                        pointer: "/continue".into(),
                        key: "continue",
                        value: &object["continue"],
                    });
                }
            }
            signals.scan(object, "", false, 0);
        }
        signals.read_headers(headers);
        signals.settle_total(envelope);
        signals
    }

    /// The first flag found, and whether it says more pages follow.
    pub(crate) fn more_flag(&self) -> Option<&(Field<'a>, bool)> {
        self.flags.first()
    }

    /// The total: a header, a body field, or a `Content-Range`.
    pub(crate) fn total(&self) -> Option<u64> {
        self.total
            .as_ref()
            .map(|count| count.value)
            .or_else(|| self.content_range.and_then(|range| range.total))
    }

    fn scan(&mut self, object: &'a Map<String, Value>, path: &str, under_next: bool, depth: usize) {
        let mut buffer = [0u8; NAME_CAPACITY];
        for (key, value) in object {
            // No name in the vocabulary is this long: nothing to read here.
            let Some(name) = normalized_into(key, &mut buffer) else {
                continue;
            };
            // Built only for the fields that are kept.
            let pointer = || format!("{path}/{}", json_pointer::escape(key));
            let field = || Field {
                pointer: pointer(),
                key,
                value,
            };
            match value {
                Value::Bool(flag) => {
                    if let Some((_, more)) = MORE_FLAGS.iter().find(|(known, _)| *known == name) {
                        self.flags.push((field(), *flag == *more));
                    }
                }
                Value::Number(number) => {
                    // Twitter's v1.1 `next_cursor: 0` is the end.
                    if CURSOR.contains(&name) && name != "offset" && number.as_u64() == Some(0) {
                        self.nothing_next.push(field());
                    } else if CURSOR.contains(&name) && name != "offset" {
                        self.cursors.push(field());
                    } else {
                        self.number(name, key, &pointer, value, depth);
                    }
                }
                _ if OTHER_PAGES.contains(&name) => {}
                Value::String(text) => {
                    self.number(name, key, &pointer, value, depth);
                    self.string(&field, name, text.trim(), under_next);
                }
                Value::Null => {
                    if NEXT_URL.contains(&name) || CURSOR.contains(&name) {
                        self.nothing_next.push(field());
                    }
                }
                Value::Object(inner) => {
                    let is_next = NEXT_URL.contains(&name);
                    let holds_pagination = is_next || under_next || CONTAINERS.contains(&name);
                    if is_next && inner.is_empty() {
                        self.nothing_next.push(field());
                    } else if depth < MAX_DEPTH && holds_pagination {
                        self.scan(inner, &pointer(), under_next || is_next, depth + 1);
                    }
                }
                Value::Array(elements) if name == LINKS => self.link_objects(elements, &pointer()),
                Value::Array(_) => {}
            }
        }
    }

    /// `links: [{"rel": "next", "href": ...}]` (HATEOAS, Spring, PayPal).
    fn link_objects(&mut self, elements: &'a [Value], pointer: &str) {
        for (index, element) in elements.iter().enumerate() {
            let (Some(rel), Some(href)) = (element.get("rel"), element.get("href")) else {
                continue;
            };
            let url = href.as_str().is_some_and(|url| looks_like_url(url.trim()));
            if rel
                .as_str()
                .is_some_and(|rel| rel.eq_ignore_ascii_case("next"))
                && url
            {
                self.next_urls.push(Field {
                    pointer: format!("{pointer}/{index}/href"),
                    key: "href",
                    value: href,
                });
            }
        }
    }

    fn string(&mut self, field: &dyn Fn() -> Field<'a>, name: &str, text: &str, under_next: bool) {
        let is_next = NEXT_URL.contains(&name) || (under_next && URL_MEMBERS.contains(&name));
        let is_cursor = CURSOR.contains(&name);
        if text.is_empty() {
            if is_next || is_cursor {
                self.nothing_next.push(field());
            }
        } else if is_next && looks_like_url(text) {
            self.next_urls.push(field());
        } else if is_cursor || (is_next && !URL_MEMBERS.contains(&name)) {
            // A numeric `offset` is a position, not a token (Airtable's is a string).
            if name == "offset" && text.parse::<u64>().is_ok() {
                return;
            }
            self.cursors.push(field());
        }
    }

    fn number(
        &mut self,
        name: &str,
        key: &str,
        pointer: &dyn Fn() -> String,
        value: &Value,
        depth: usize,
    ) {
        let Some(number) = as_count(value) else {
            return;
        };
        let slots: [(&[&str], &mut Option<Count>); 5] = [
            (CURRENT_PAGE, &mut self.current_page),
            (PAGE_COUNT, &mut self.page_count),
            (PER_PAGE, &mut self.per_page),
            (POSITION, &mut self.position),
            (TOTAL, &mut self.total),
        ];
        for (names, slot) in slots {
            if names.contains(&name) && slot.as_ref().is_none_or(|old| depth < old.depth) {
                *slot = Some(Count {
                    pointer: pointer(),
                    key: key.to_owned(),
                    value: number,
                    depth,
                });
            }
        }
    }

    fn read_headers(&mut self, headers: &HeaderMap) {
        // A header's total beats the body's (Procore, GitLab).
        if let Some(total) = TOTAL_HEADERS.iter().find_map(|name| {
            let value = headers.get(*name)?.to_str().ok()?.trim().parse().ok()?;
            Some(Count {
                pointer: format!("header {name}"),
                key: (*name).to_owned(),
                value,
                depth: 0,
            })
        }) {
            self.total = Some(total);
        }
        self.content_range = headers
            .get("Content-Range")
            .and_then(|value| value.to_str().ok())
            .and_then(parse_content_range);
        self.continuation_header = headers.iter().find_map(|(name, value)| {
            let value = value.to_str().ok()?.trim();
            (is_continuation_header(name.as_str()) && !value.is_empty())
                .then(|| (name.as_str().to_owned(), value.to_owned()))
        });
    }

    /// `count` is a total only where it cannot be the page's own size;
    /// Elasticsearch's `hits.total` is one only when its relation is `eq`.
    fn settle_total(&mut self, envelope: &Value) {
        if let Some(total) = envelope.pointer("/hits/total") {
            let exact = match total.get("relation") {
                None => total.as_u64(),
                Some(relation) if relation == "eq" => total.get("value").and_then(Value::as_u64),
                Some(_) => None,
            };
            self.total = exact.map(|value| Count {
                pointer: "/hits/total".into(),
                key: "hits.total".into(),
                value,
                depth: 1,
            });
            return;
        }
        if self.total.is_some() {
            return;
        }
        let Some(count) = envelope.get("count").and_then(as_count) else {
            return;
        };
        let end_of_records = self
            .flags
            .iter()
            .any(|(field, _)| normalized(field.key) == "endofrecords");
        let drf = envelope.get("results").is_some() && envelope.get("next").is_some();
        if self.position.is_some() || end_of_records || drf {
            self.total = Some(Count {
                pointer: "/count".into(),
                key: "count".into(),
                value: count,
                depth: 0,
            });
        }
    }
}

/// A non-negative integer, also when sent as a string (`"150"`).
pub(crate) fn as_count(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A string that looks like a URL rather than an opaque token.
pub(crate) fn looks_like_url(text: &str) -> bool {
    let text = text.trim();
    text.starts_with("http://")
        || text.starts_with("https://")
        || text.starts_with('/')
        || text.starts_with('?')
}

fn is_scalar(value: &Value) -> bool {
    matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// `items 0-24/3573`, `0-24/*`, `*/3573` (RFC 9110's unit is optional here).
fn parse_content_range(text: &str) -> Option<ContentRange> {
    let text = text.trim();
    let text = text.strip_prefix("items").unwrap_or(text).trim();
    let (range, total) = text.split_once('/')?;
    let total = match total.trim() {
        "*" => None,
        digits => Some(digits.parse().ok()?),
    };
    let items = match range.trim() {
        "*" => None,
        range => {
            let (first, last) = range.split_once('-')?;
            Some((first.trim().parse().ok()?, last.trim().parse().ok()?))
        }
    };
    Some(ContentRange { items, total })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::headers;
    use serde_json::json;

    fn pointers(fields: &[Field<'_>]) -> Vec<String> {
        fields.iter().map(|field| field.pointer.clone()).collect()
    }

    #[test]
    fn urls_look_like_urls() {
        assert!(
            looks_like_url("https://h/x")
                && looks_like_url("/x?page=2")
                && looks_like_url("?page=2")
        );
        assert!(!looks_like_url("dGVhbTpDMDYxRkE1UEI="));
    }

    #[test]
    fn next_urls_wherever_they_are() {
        let none = HeaderMap::new();
        for (body, pointer) in [
            (
                json!({"next_page_uri": "/2010-04-01/M.json?Page=1"}),
                "/next_page_uri",
            ),
            (
                json!({"nextRecordsUrl": "/services/data/query/01g-200"}),
                "/nextRecordsUrl",
            ),
            (
                json!({"meta": {"next_page": "?page=2&per_page=5"}}),
                "/meta/next_page",
            ),
            (
                json!({"next_page": {"offset": "eyJ", "path": "/tasks?offset=eyJ", "uri": "https://a/api/1.0/tasks?offset=eyJ"}}),
                "/next_page/uri",
            ),
            (
                json!({"links": {"pages": {"next": "https://d/v2/droplets?page=2"}}}),
                "/links/pages/next",
            ),
            (
                json!({"paging": {"next": {"after": "NQ", "link": "?after=NQ"}}}),
                "/paging/next/link",
            ),
            (
                json!({"_links": {"next": {"href": "/orders?page=2"}}}),
                "/_links/next/href",
            ),
            (
                json!({"@odata.nextLink": "https://g/v1.0/users?$skiptoken=X"}),
                "/@odata.nextLink",
            ),
        ] {
            let signals = Signals::read(&body, &none);
            assert_eq!(pointers(&signals.next_urls), [pointer], "{body}");
        }
    }

    #[test]
    fn tokens_ends_flags_and_other_pages() {
        let none = HeaderMap::new();
        let body = json!({
            "paging": {"cursors": {"before": "QVFI", "after": "QVFJ"}, "previous": "https://f/p"},
            "meta": {"next_token": "7140w", "has_more": true},
            "metadata": {"continue": ""},
            "offset": "itrX/recY",
            "next_cursor": null,
        });
        let signals = Signals::read(&body, &none);
        assert_eq!(pointers(&signals.cursors), ["/meta/next_token", "/offset"]);
        assert_eq!(
            pointers(&signals.nothing_next),
            ["/metadata/continue", "/next_cursor"]
        );
        assert_eq!(
            signals
                .more_flag()
                .map(|(f, more)| (f.pointer.as_str(), *more)),
            Some(("/meta/has_more", true))
        );
        assert!(signals.next_urls.is_empty());
        let done = json!({"done": false, "isLast": true});
        let flags: Vec<bool> = Signals::read(&done, &none)
            .flags
            .iter()
            .map(|(_, more)| *more)
            .collect();
        assert_eq!(flags, [true, false]);
    }

    #[test]
    fn numbers_and_headers() {
        let none = HeaderMap::new();
        let algolia = json!({"page": 0, "nbPages": 5, "hitsPerPage": 5, "nbHits": 23});
        let signals = Signals::read(&algolia, &none);
        assert_eq!(signals.current_page.as_ref().map(|c| c.value), Some(0));
        assert_eq!(
            signals.page_count.as_ref().map(|c| c.key.clone()),
            Some("nbPages".into())
        );
        assert_eq!(signals.per_page.as_ref().map(|c| c.value), Some(5));
        assert_eq!(signals.total(), Some(23));
        let gbif = json!({"offset": 5, "limit": 5, "endOfRecords": false, "count": 23});
        let signals = Signals::read(&gbif, &none);
        assert_eq!(
            (signals.position.as_ref().map(|c| c.value), signals.total()),
            (Some(5), Some(23))
        );
        // A cursor API's `count` is its page's size.
        assert_eq!(
            Signals::read(&json!({"count": 5, "nextCursor": "c"}), &none).total(),
            None
        );
        let root = json!([]);
        let postgrest = Signals::read(&root, &headers(&[("Content-Range", "0-4/23")]));
        assert_eq!(
            postgrest.content_range,
            Some(ContentRange {
                items: Some((0, 4)),
                total: Some(23)
            })
        );
        assert_eq!(
            parse_content_range("*/*"),
            Some(ContentRange {
                items: None,
                total: None
            })
        );
        let empty = json!({});
        let azure = Signals::read(&empty, &headers(&[("X-MS-ContinuationToken", "abc")]));
        assert_eq!(
            azure.continuation_header,
            Some(("x-ms-continuationtoken".into(), "abc".into()))
        );
        let mediawiki =
            json!({"continue": {"accontinue": "B", "continue": "-||"}, "batchcomplete": ""});
        let signals = Signals::read(&mediawiki, &none);
        assert_eq!(
            signals.continuation.map(|f| f.pointer),
            Some("/continue".into())
        );
        assert!(signals.cursors.is_empty());
    }
}
