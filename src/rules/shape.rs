//! Where a body's items are, as pure functions: every name below comes
//! from a real API; the README's table lists which.

use serde_json::Value;

use super::facts::names_links;
use crate::json_pointer;

/// Field names that hold the items, in order of preference.
pub(crate) const ITEM_KEYS: &[&str] = &["data", "items", "results", "value", "records", "entries"];

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
    // Others in the one
    // object that holds an array (Crossref's `message.items`, Europe PMC's
    // `resultList.result`, MediaWiki's `query.<list>`).
    if let Some(pointer) = nested_items(object, "", 0) {
        return Ok(pointer);
    }
    Err(object.keys().cloned().collect())
}

/// How many objects below `data` a GraphQL connection is looked for.
pub(crate) const CONNECTION_DEPTH: usize = 16;

/// The items pointer of each GraphQL connection at or below `object` (at
/// `path`): `…/nodes`, or `…/edges/*/node` for the `node` of each edge.
fn connections(
    object: &serde_json::Map<String, Value>,
    path: &str,
    depth: usize,
    found: &mut Vec<String>,
) {
    if depth > CONNECTION_DEPTH {
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

/// The items inside the one field of `object` that is an object holding an
/// array, two levels down at most: its usual name, or its only array.
fn nested_items(
    object: &serde_json::Map<String, Value>,
    path: &str,
    depth: usize,
) -> Option<String> {
    if depth >= 2 {
        return None;
    }
    let mut holders = object.iter().filter_map(|(key, value)| match value {
        Value::Object(inner) if inner.values().any(Value::is_array) => Some((key, inner)),
        _ => None,
    });
    let (key, inner) = match (holders.next(), holders.next()) {
        (Some(one), None) => one,
        _ => return None,
    };
    let path = format!("{path}/{}", json_pointer::escape(key));
    ITEM_KEYS
        .iter()
        .copied()
        .find(|name| inner.get(*name).is_some_and(Value::is_array))
        .or_else(|| single_array_key(inner))
        .map(|name| format!("{path}/{}", json_pointer::escape(name)))
        .or_else(|| nested_items(inner, &path, depth + 1))
}

/// The only array of `object`, beside any array of links (FHIR's `link`
/// beside its `entry`).
fn single_array_key(object: &serde_json::Map<String, Value>) -> Option<&str> {
    let mut arrays = object
        .iter()
        .filter(|(key, value)| value.is_array() && !names_links(key));
    match (arrays.next(), arrays.next()) {
        (Some((key, _)), None) => Some(key),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let fhir = json!({"resourceType": "Bundle", "link": [{"relation": "next"}], "entry": []});
        assert_eq!(find_items(&fhir), Ok("/entry".into()));
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
}
