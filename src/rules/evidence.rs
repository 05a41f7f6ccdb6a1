//! What says there are more pages, and what to suggest when nothing says
//! how to reach them.

use http::HeaderMap;
use serde_json::Value;

use super::shape::{current_page, field, last_page, total};

/// Why the response claims there are more pages, if it does. `items_seen`
/// counts every item of the walk so far, this page's included.
pub(crate) fn more_evidence(
    envelope: &Value,
    headers: &HeaderMap,
    item_count: usize,
    items_seen: u64,
) -> Option<String> {
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
    if !total_counts_items(envelope, headers) {
        return None;
    }
    let total = total(envelope, headers)?;
    // `to` (Laravel) is the exact position of this page's last item; otherwise
    // count what this walk has seen.
    let reached = field(envelope, "/to")
        .or_else(|| field(envelope, "/meta/to"))
        .unwrap_or(items_seen);
    (item_count > 0 && reached < total)
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
        .is_some();
    let beside_pagination = PAGINATION_KEYS
        .iter()
        .any(|key| envelope.get(*key).is_some());
    in_headers || in_meta || beside_pagination
}

/// A strategy to suggest, from the names in the body.
pub(crate) fn hint(envelope: &Value) -> String {
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
    use crate::rules::testing::headers;
    use serde_json::json;

    #[test]
    fn evidence_of_more_pages() {
        let none = HeaderMap::new();
        assert_eq!(
            more_evidence(&json!({"has_more": true}), &none, 1, 1).as_deref(),
            Some("has_more is true")
        );
        assert_eq!(
            more_evidence(
                &json!({"meta": {"current_page": 1, "last_page": 2}}),
                &none,
                1,
                1
            )
            .as_deref(),
            Some("current_page 1 < last_page 2")
        );
        assert_eq!(
            more_evidence(&json!({}), &headers(&[("X-Next-Page", "3")]), 1, 1).as_deref(),
            Some("X-Next-Page: 3")
        );
        assert!(more_evidence(&json!({}), &headers(&[("X-Next-Page", "")]), 1, 1).is_none());
        let paged = |total: u64| json!({"total": total, "per_page": 5});
        assert!(more_evidence(&paged(10), &none, 5, 5).is_some());
        assert!(more_evidence(&paged(10), &none, 5, 10).is_none());
        assert!(more_evidence(&json!({"total": 10, "to": 10}), &none, 5, 5).is_none());
        assert!(more_evidence(&paged(10), &none, 0, 5).is_none());
        assert!(more_evidence(&json!({}), &headers(&[("Total", "10")]), 5, 5).is_some());
        // A lone `total` may be money, not a count of items.
        assert!(more_evidence(&json!({"data": [1, 2], "total": 1999}), &none, 2, 2).is_none());
        assert!(more_evidence(&json!({"has_more": false}), &none, 1, 1).is_none());
    }
}
