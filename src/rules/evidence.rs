//! What says there are more pages, and what to suggest when nothing says
//! how to reach them.

use http::HeaderMap;
use serde_json::Value;

use super::shape::{current_page, field, last_page, total};
use super::{PageView, lingering};

/// Why the response claims there are more pages, if it does.
pub(crate) fn more_evidence(page: &PageView<'_>) -> Option<String> {
    let (envelope, headers) = (page.envelope, page.headers);
    if let Some(key) = ["has_more", "hasMore"]
        .iter()
        .find(|key| envelope.get(**key) == Some(&Value::Bool(true)))
    {
        return Some(format!("{key} is true"));
    }
    if let (Some(current), Some(last)) = (current_page(envelope), last_page(envelope, headers)) {
        if current < last {
            return Some(format!("current_page {current} < last_page {last}"));
        }
    }
    if let Some(next) = headers
        .get("X-Next-Page")
        .and_then(|value| value.to_str().ok())
    {
        if !next.trim().is_empty() {
            return Some(format!("X-Next-Page: {}", next.trim()));
        }
    }
    if let Some((pointer, value)) = lingering::next_field(page) {
        return Some(format!(
            "{pointer} is {value}, and no rule of this strategy read it"
        ));
    }
    if !total_counts_items(envelope, headers) {
        return None;
    }
    let total = total(envelope, headers)?;
    // `to` (Laravel) is the exact position of this page's last item; otherwise
    // count what this walk has seen.
    let reached = field(envelope, "/to")
        .or_else(|| field(envelope, "/meta/to"))
        .unwrap_or(page.items_seen);
    (page.item_count > 0 && reached < total)
        .then(|| format!("total is {total}, only {reached} items reached"))
}

/// Keys that sit beside a top-level `total` when it counts the collection's
/// items, and not, say, an amount of money.
const PAGINATION_KEYS: &[&str] = &[
    "per_page",
    "perPage",
    "page",
    "current_page",
    "last_page",
    "limit",
    "offset",
    "from",
    "to",
    "next",
    "links",
    "_links",
    "has_more",
    "hasMore",
    "paging",
    "pages",
    "pagination",
];

/// Whether the total is surely a number of items, so that not reaching it
/// means data is missing: a header, a `meta` field, or a top-level field beside
/// pagination fields.
fn total_counts_items(envelope: &Value, headers: &HeaderMap) -> bool {
    let in_headers = ["Total", "X-Total", "X-Total-Count"]
        .iter()
        .any(|name| headers.contains_key(*name));
    let in_meta = envelope
        .pointer("/meta/total")
        .or_else(|| envelope.pointer("/meta/total_count"))
        .or_else(|| envelope.pointer("/hits/total"))
        .is_some();
    let beside_pagination = PAGINATION_KEYS
        .iter()
        .any(|key| envelope.get(*key).is_some());
    in_headers || in_meta || beside_pagination
}

/// A strategy to suggest, from the names in the body.
pub(crate) fn hint(page: &PageView<'_>) -> String {
    let envelope = page.envelope;
    if let Some((pointer, _)) = lingering::next_field(page) {
        return lingering::hint(page, &pointer);
    }
    if current_page(envelope).is_some() {
        return "try .strategy(Strategy::page_number(\"page\"))".into();
    }
    let promising = envelope.as_object().and_then(|object| {
        object.keys().find(|key| {
            let key = key.to_ascii_lowercase();
            ["cursor", "token", "after", "next"]
                .iter()
                .any(|word| key.contains(word))
        })
    });
    match promising {
        Some(key) => format!(
            "if \"{key}\" is a cursor, try .strategy(Strategy::cursor(\"/{key}\", \"cursor\"))"
        ),
        None => {
            "choose a Strategy explicitly: next_url, cursor, page_number, offset or keyset".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::response;
    use serde_json::json;

    /// The evidence in `body` (items at `data`, if any), with `seen` items so far.
    fn evidence(body: Value, seen: u64) -> Option<String> {
        response("http://h/x", body)
            .seen(seen)
            .with_view(more_evidence)
    }

    #[test]
    fn evidence_of_more_pages() {
        assert_eq!(
            evidence(json!({"data": [1], "has_more": true}), 1).as_deref(),
            Some("has_more is true")
        );
        assert_eq!(
            evidence(
                json!({"data": [1], "meta": {"current_page": 1, "last_page": 2}}),
                1
            )
            .as_deref(),
            Some("current_page 1 < last_page 2")
        );
        let next_page = |value: &str| {
            response("http://h/x", json!({"data": [1]}))
                .header("X-Next-Page", value)
                .with_view(more_evidence)
        };
        assert_eq!(next_page("3").as_deref(), Some("X-Next-Page: 3"));
        assert!(next_page("").is_none());
        let paged = |total: u64| json!({"data": [1, 2, 3, 4, 5], "total": total, "per_page": 5});
        assert!(evidence(paged(10), 5).is_some());
        assert!(evidence(paged(10), 10).is_none());
        assert!(evidence(json!({"data": [1], "total": 10, "to": 10}), 5).is_none());
        assert!(evidence(json!({"data": [], "total": 10, "per_page": 5}), 5).is_none());
        let total_header = response("http://h/x", json!({"data": [1]}))
            .header("Total", "10")
            .with_view(more_evidence);
        assert!(total_header.is_some());
        // A lone `total` may be money, not a count of items.
        assert!(evidence(json!({"data": [1, 2], "total": 1999}), 2).is_none());
        assert!(evidence(json!({"data": [1], "has_more": false}), 1).is_none());
        // Elasticsearch's total counts hits.
        let hits = json!({"hits": {"total": {"value": 23, "relation": "eq"}, "hits": [1]}});
        assert!(evidence(hits, 4).is_some());
        // A next field no rule read.
        assert_eq!(
            evidence(
                json!({"results": [1], "paging": {"next": {"after": "10"}}}),
                1
            )
            .as_deref(),
            Some("/paging/next/after is \"10\", and no rule of this strategy read it")
        );
    }
}
