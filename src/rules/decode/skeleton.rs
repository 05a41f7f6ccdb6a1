//! The shape of a body, read in one pass: where detection looks for the
//! items before the first page is decoded.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::seeds::parse_whole;
use crate::rules::shape;

/// How deep objects are kept; deeper ones are `null`. The deepest object
/// `shape::find_items` reads is the `pageInfo` of a connection as deep as
/// it looks: the root, `data`, the connection's parents, the connection,
/// `pageInfo`.
const DEEPEST: usize = shape::CONNECTION_DEPTH + 3;

/// Where the items are, found from the body's shape alone: the first page
/// of an auto-detected walk is then parsed into `T` directly, like the
/// others, instead of through `Value`. `None` when the shape cannot tell
/// (the slow path then decides, and explains).
pub(super) fn detect_pointer(body: &[u8]) -> Option<String> {
    let shape = parse_whole(body, Skeleton { depth: 0 })?;
    shape::find_items(&shape).ok()
}

/// The body with every object kept, every array emptied and every other
/// value `null`: all that `shape::find_items` reads of a body, as it never
/// looks inside an array or at a value, so that it answers as it would for
/// the whole body (for any body that parses whole). Arrays are skipped
/// unparsed.
struct Skeleton {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Skeleton {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skeleton {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if self.depth >= DEEPEST {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Value::Null);
        }
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let inner = Skeleton {
                depth: self.depth + 1,
            };
            object.insert(key, map.next_value_seed(inner)?);
        }
        Ok(Value::Object(object))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Array(Vec::new()))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_str<E>(self, _: &str) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_shape_finds_what_the_whole_body_finds() {
        let bodies = [
            json!([{"id": 1}]),
            json!({"links": [{"url": null}], "data": [{"id": 1}], "total": 1}),
            json!({"_embedded": {"orders": [{"id": 1}]}, "_links": {"next": {"href": "/x"}}}),
            json!({"data": {"repository": {"issues": {
                "nodes": [{"id": 1}], "pageInfo": {"hasNextPage": true, "endCursor": "c"}}}}}),
            json!({"data": {"shop": {"products": {
                "edges": [{"node": {"id": 1}, "cursor": "c"}], "pageInfo": {}}}}}),
            json!({"data": {"a": {"nodes": [], "pageInfo": {}}, "b": {"nodes": [], "pageInfo": {}}}}),
            json!({"status": "ok", "message": {"items": [{"id": 1}], "next-cursor": "c"}}),
            json!({"hits": {"total": {"value": 1}, "hits": [{"_id": "1"}]}}),
            json!({"continue": {"c": "x"}, "query": {"pages": [{"id": 1}]}}),
            json!({"a/b~c": [{"id": 1}]}),
            json!({"a": [1], "b": [2]}),
            json!({"just": "values", "n": 1}),
        ];
        for body in bodies {
            let text = body.to_string();
            assert_eq!(
                detect_pointer(text.as_bytes()),
                shape::find_items(&body).ok(),
                "{text}"
            );
        }
        // Connections as deep as detection looks, and one object deeper.
        for depth in [shape::CONNECTION_DEPTH, shape::CONNECTION_DEPTH + 1] {
            let mut connection = json!({"nodes": [{"id": 1}], "pageInfo": {"hasNextPage": false}});
            for _ in 0..depth {
                connection = json!({ "x": connection });
            }
            let body = json!({ "data": connection });
            let found = detect_pointer(body.to_string().as_bytes());
            assert_eq!(found, shape::find_items(&body).ok());
            assert_eq!(found.is_some(), depth == shape::CONNECTION_DEPTH, "{depth}");
        }
        assert_eq!(detect_pointer(b"<html>"), None);
        assert_eq!(detect_pointer(br#"{"data":[1]} trailing"#), None);
    }
}
