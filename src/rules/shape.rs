//! What a page's body and headers say about the walk, as pure functions.
//!
//! Every name below comes from a real API; the README's table lists which.
//! Keeping them here, away from any HTTP, lets each rule be tested on a bare
//! `serde_json::Value`.

use http::HeaderMap;
use serde_json::Value;

use crate::json_pointer;

/// Field names that hold the items, in order of preference.
pub(crate) const ITEM_KEYS: &[&str] = &["data", "items", "results", "value", "records", "entries"];

/// Pointers to a next-page URL in the body, in order of preference. Each may
/// hold a string, or an object whose `href` is one (HAL, JSON:API).
pub(crate) const NEXT_URL_POINTERS: &[&str] = &[
    "/next_page_url",   // Laravel
    "/links/next",      // JSON:API, Laravel API resources
    "/next",            // Django REST framework
    "/nextPageUrl",     //
    "/_links/next",     // HAL
    "/@odata.nextLink", // OData
    "/nextLink",        // Azure
    "/paging/next",     // Facebook Graph
];

/// Pointers to a cursor in the body, with the query parameter it is sent back as.
pub(crate) const CURSOR_POINTERS: &[(&str, &str)] = &[
    ("/nextCursor", "cursor"),
    ("/next_cursor", "cursor"),
    ("/response_metadata/next_cursor", "cursor"), // Slack
    ("/meta/next_cursor", "cursor"),
    ("/nextPageToken", "pageToken"), // Google
];

/// Where the items are: `""` for a root array, else a JSON pointer; `Err` lists
/// the top-level keys so the error can suggest `items_at`.
pub(crate) fn find_items(body: &Value) -> Result<String, Vec<String>> {
    let object = match body {
        Value::Array(_) => return Ok(String::new()),
        Value::Object(object) => object,
        _ => return Err(Vec::new()),
    };
    if let Some(key) = ITEM_KEYS
        .iter()
        .find(|key| object.get(**key).is_some_and(Value::is_array))
    {
        return Ok(format!("/{key}"));
    }
    // GraphQL: the one connection under `data`, an object with a `pageInfo`.
    if let Some(Value::Object(data)) = object.get("data") {
        let mut found = Vec::new();
        connections(data, "/data", 0, &mut found);
        match found.len() {
            0 => {}
            1 => return Ok(found.remove(0)),
            _ => return Err(found),
        }
    }
    // Elasticsearch: `hits.hits`.
    if body.pointer("/hits/hits").is_some_and(Value::is_array) {
        return Ok("/hits/hits".to_owned());
    }
    if let Some(key) = single_array_key(object) {
        return Ok(format!("/{}", json_pointer::escape(key)));
    }
    // HAL puts the items in `_embedded.<relation>`.
    if let Some(Value::Object(embedded)) = object.get("_embedded") {
        if let Some(key) = single_array_key(embedded) {
            return Ok(format!("/_embedded/{}", json_pointer::escape(key)));
        }
    }
    Err(object.keys().cloned().collect())
}

/// The items pointer of each GraphQL connection at or below `object` (at
/// `path`): `…/nodes`, or `…/edges/*/node` for the `node` of each edge.
fn connections(
    object: &serde_json::Map<String, Value>,
    path: &str,
    depth: usize,
    found: &mut Vec<String>,
) {
    if depth > 16 {
        return;
    }
    if object.get("pageInfo").is_some_and(Value::is_object) {
        if object.get("nodes").is_some_and(Value::is_array) {
            found.push(format!("{path}/nodes"));
            return;
        }
        if object.get("edges").is_some_and(Value::is_array) {
            found.push(format!("{path}/edges/*/node"));
            return;
        }
    }
    for (key, value) in object {
        if let Value::Object(inner) = value {
            connections(
                inner,
                &format!("{path}/{}", json_pointer::escape(key)),
                depth + 1,
                found,
            );
        }
    }
}

/// The connection an items pointer found by [`find_items`] belongs to:
/// `/data/x/issues` for `/data/x/issues/nodes` or `/data/x/issues/edges/*/node`.
pub(crate) fn connection_of(items: &str) -> Option<&str> {
    items
        .strip_suffix("/nodes")
        .or_else(|| items.strip_suffix("/edges/*/node"))
        .filter(|connection| connection.starts_with("/data"))
}

fn single_array_key(object: &serde_json::Map<String, Value>) -> Option<&str> {
    let mut arrays = object.iter().filter(|(_, value)| value.is_array());
    match (arrays.next(), arrays.next()) {
        (Some((key, _)), None) => Some(key),
        _ => None,
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

/// A count at `pointer` in the body.
pub(crate) fn field(body: &Value, pointer: &str) -> Option<u64> {
    body.pointer(pointer).and_then(as_count)
}

/// A count in the header `name`.
pub(crate) fn header(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// The total number of items in the collection, when the response gives it.
pub(crate) fn total(envelope: &Value, headers: &HeaderMap) -> Option<u64> {
    let from_headers = ["Total", "X-Total", "X-Total-Count"]
        .iter()
        .find_map(|name| header(headers, name));
    from_headers
        .or_else(|| field(envelope, "/total"))
        .or_else(|| field(envelope, "/meta/total"))
        .or_else(|| field(envelope, "/total_count"))
        .or_else(|| field(envelope, "/meta/total_count"))
        .or_else(|| elasticsearch_total(envelope))
        // `count` is the total only in Django REST framework's envelope; elsewhere
        // (e.g. cursor APIs) it counts the items of the current page.
        .or_else(|| {
            envelope
                .get("results")
                .and(envelope.get("next"))
                .and_then(|_| field(envelope, "/count"))
        })
}

/// Elasticsearch's `hits.total`: a number before 7.0, then `{"value",
/// "relation"}`, where only `"eq"` makes it a total (`"gte"` is a lower
/// bound, past `track_total_hits`).
fn elasticsearch_total(envelope: &Value) -> Option<u64> {
    let total = envelope.get("hits")?.get("total")?;
    match total.get("relation") {
        None => field(envelope, "/hits/total"),
        Some(relation) if relation == "eq" => field(envelope, "/hits/total/value"),
        Some(_) => None,
    }
}

/// `has_more` / `hasMore`, when present.
pub(crate) fn has_more(envelope: &Value) -> Option<bool> {
    ["has_more", "hasMore"]
        .iter()
        .find_map(|key| envelope.get(*key).and_then(Value::as_bool))
}

/// The page number the body says this is.
pub(crate) fn current_page(envelope: &Value) -> Option<u64> {
    field(envelope, "/current_page").or_else(|| field(envelope, "/meta/current_page"))
}

/// The number of the last page, when the response gives it directly.
pub(crate) fn last_page(envelope: &Value, headers: &HeaderMap) -> Option<u64> {
    field(envelope, "/last_page")
        .or_else(|| field(envelope, "/meta/last_page"))
        .or_else(|| field(envelope, "/total_pages"))
        .or_else(|| field(envelope, "/meta/total_pages"))
        .or_else(|| field(envelope, "/totalPages"))
        .or_else(|| header(headers, "X-Total-Pages"))
}

/// The page size the response states: `Per-Page`, `X-Per-Page`, `per_page`
/// or `meta.per_page`.
pub(crate) fn per_page(envelope: &Value, headers: &HeaderMap) -> Option<u64> {
    ["Per-Page", "X-Per-Page"]
        .iter()
        .find_map(|name| header(headers, name))
        .or_else(|| field(envelope, "/per_page"))
        .or_else(|| field(envelope, "/meta/per_page"))
}

/// How many pages the response says there are: given directly, or as the
/// total divided by the stated page size.
pub(crate) fn page_count(envelope: &Value, headers: &HeaderMap) -> Option<u64> {
    last_page(envelope, headers).or_else(|| {
        let per_page = per_page(envelope, headers).filter(|&size| size > 0)?;
        Some(total(envelope, headers)?.div_ceil(per_page))
    })
}

/// A string that looks like a URL rather than an opaque token.
pub(crate) fn looks_like_url(text: &str) -> bool {
    let text = text.trim();
    text.starts_with("http://")
        || text.starts_with("https://")
        || text.starts_with('/')
        || text.starts_with('?')
}

/// The next-page URL at `pointer`: a string, or an object whose `href` is one.
/// `None` for absent, `null` or empty.
pub(crate) fn url_at<'a>(envelope: &'a Value, pointer: &str) -> Option<&'a str> {
    let value = envelope.pointer(pointer)?;
    let text = match value {
        Value::String(text) => text,
        Value::Object(object) => object.get("href")?.as_str()?,
        _ => return None,
    };
    (!text.trim().is_empty()).then_some(text.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::headers;
    use serde_json::json;

    #[test]
    fn finds_items_by_name_then_single_array_then_hal() {
        assert_eq!(find_items(&json!([1, 2])), Ok(String::new()));
        assert_eq!(
            find_items(&json!({"links": [], "data": []})),
            Ok("/data".into())
        );
        assert_eq!(
            find_items(&json!({"ok": true, "channels": [1]})),
            Ok("/channels".into())
        );
        assert_eq!(find_items(&json!({"a/b": [1], "n": 1})), Ok("/a~1b".into()));
        assert_eq!(
            find_items(&json!({"_links": {}, "_embedded": {"orders": []}})),
            Ok("/_embedded/orders".into())
        );
        assert_eq!(
            find_items(&json!({"a": [], "b": []})),
            Err(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(find_items(&json!("text")), Err(vec![]));
    }

    #[test]
    fn finds_graphql_connections_and_elasticsearch_hits() {
        let github = json!({"data": {"repository": {"issues": {
            "nodes": [{"n": 1}], "pageInfo": {"hasNextPage": true, "endCursor": "c1"}}}}});
        assert_eq!(
            find_items(&github),
            Ok("/data/repository/issues/nodes".into())
        );
        let shopify = json!({"data": {"products": {
            "edges": [{"cursor": "a", "node": {"id": 1}}], "pageInfo": {"hasNextPage": false}}}});
        assert_eq!(
            find_items(&shopify),
            Ok("/data/products/edges/*/node".into())
        );
        assert_eq!(
            connection_of("/data/products/edges/*/node"),
            Some("/data/products")
        );
        assert_eq!(connection_of("/items"), None);
        let two = json!({"data": {
            "a": {"nodes": [], "pageInfo": {}}, "b": {"nodes": [], "pageInfo": {}}}});
        assert_eq!(
            find_items(&two),
            Err(vec!["/data/a/nodes".into(), "/data/b/nodes".into()])
        );
        let elastic = json!({"took": 1, "hits": {"total": {"value": 2}, "hits": [{"_id": "1"}]}});
        assert_eq!(find_items(&elastic), Ok("/hits/hits".into()));
    }

    #[test]
    fn total_from_headers_and_fields() {
        let none = HeaderMap::new();
        assert_eq!(total(&json!({}), &headers(&[("Total", "150")])), Some(150));
        assert_eq!(total(&json!({}), &headers(&[("x-total", "7")])), Some(7));
        assert_eq!(total(&json!({"meta": {"total": 20}}), &none), Some(20));
        assert_eq!(total(&json!({"total_count": "9"}), &none), Some(9));
        assert_eq!(
            total(&json!({"count": 5, "next": null, "results": []}), &none),
            Some(5)
        );
        let hits = |total: Value| json!({"hits": {"total": total, "hits": []}});
        assert_eq!(
            total(&hits(json!({"value": 23, "relation": "eq"})), &none),
            Some(23)
        );
        assert_eq!(total(&hits(json!(23)), &none), Some(23));
        assert_eq!(
            total(&hits(json!({"value": 10000, "relation": "gte"})), &none),
            None
        );
        // A cursor API's `count` is the size of the current page, not a total.
        assert_eq!(
            total(&json!({"count": 50, "items": [], "hasMore": true}), &none),
            None
        );
    }

    #[test]
    fn urls_and_hrefs() {
        let body = json!({"links": {"next": {"href": "/p2"}}, "next": "", "x": null});
        assert_eq!(url_at(&body, "/links/next"), Some("/p2"));
        assert_eq!(url_at(&body, "/next"), None);
        assert_eq!(url_at(&body, "/x"), None);
        assert!(
            looks_like_url("https://h/x")
                && looks_like_url("/x?page=2")
                && looks_like_url("?page=2")
        );
        assert!(!looks_like_url("dGVhbTpDMDYxRkE1UEI="));
    }
}
