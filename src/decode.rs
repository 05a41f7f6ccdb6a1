//! Turning a page's body into typed items and the rest of the envelope.
//!
//! The fast path parses in one pass: the items array at a known pointer is
//! deserialized straight into `Vec<T>`, never through `serde_json::Value`,
//! while the (small) rest of the body becomes a `Value` for the pagination
//! rules. The slow path parses into a `Value` first; it runs when the items'
//! location is not known yet (the first page of an auto-detected walk) and
//! whenever the fast path fails, so that errors can say exactly which item
//! is wrong and the items before it are still delivered.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::shape;

/// Where to look for the items.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ItemsAt<'a> {
    /// Given by the user with `items_at`: nothing else is tried.
    User(&'a str),
    /// Found on an earlier page: tried first, detection runs again if it fails.
    Learned(&'a str),
    Detect,
}

pub(crate) struct Decoded<T> {
    pub items: Vec<T>,
    /// The body without its items array.
    pub envelope: Value,
    /// Where the items were: `""` for a root array.
    pub pointer: String,
    /// The last item as JSON, when asked for or when it came for free.
    pub last_item: Option<Value>,
    /// The first item that did not deserialize; `items` holds the ones before it.
    pub item_error: Option<BadItem>,
    /// How many items the page has, bad ones and those after them included.
    pub page_len: usize,
}

/// An item that does not deserialize into the requested type.
#[derive(Debug)]
pub(crate) struct BadItem {
    /// Its index in the page.
    pub index: usize,
    pub error: serde_json::Error,
    /// The item itself, so that reporting it loses nothing.
    pub json: String,
}

#[derive(Debug)]
pub(crate) enum DecodeError {
    Syntax(serde_json::Error),
    ItemsNotFound(Vec<String>),
    Pointer { pointer: String, found: String },
}

/// Decodes the items of `body`, leaving out the first `skip` (already
/// delivered before a resume): `items` starts at page index `skip`.
pub(crate) fn decode<T: DeserializeOwned>(
    body: &[u8],
    at: ItemsAt<'_>,
    want_last_item: bool,
    skip_unread_arrays: bool,
    skip: usize,
) -> Result<Decoded<T>, DecodeError> {
    let pointer = match at {
        ItemsAt::User(pointer) | ItemsAt::Learned(pointer) => Some(pointer.to_owned()),
        ItemsAt::Detect => {
            if let Some(mut decoded) = decode_named(body, want_last_item) {
                decoded.items.drain(..skip.min(decoded.page_len));
                return Ok(decoded);
            }
            detect_pointer(body)
        }
    };
    if let Some(mut decoded) =
        pointer.and_then(|pointer| decode_fast(body, &pointer, want_last_item, skip_unread_arrays))
    {
        decoded.items.drain(..skip.min(decoded.page_len));
        return Ok(decoded);
    }
    decode_slow(body, at, skip)
}

/// One pass for the common auto-detected case: the items are an array under
/// one of the usual names (`data`, `items`, ...), decoded straight into `T`
/// as the parser meets them. `None` when they are not (or do not fit `T`):
/// the other ways then decide.
fn decode_named<T: DeserializeOwned>(body: &[u8], want_last_item: bool) -> Option<Decoded<T>> {
    let mut found = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let envelope = NamedSeed {
        found: &mut found,
        want_last_item,
    }
    .deserialize(&mut deserializer)
    .ok()?;
    deserializer.end().ok()?;
    // The first name in the order of preference wins, wherever it stands in the body.
    let (_, key, sink) = found.into_iter().min_by_key(|(priority, _, _)| *priority)?;
    sink.into_decoded(envelope, format!("/{key}"))
}

/// Reads a top-level object, sending arrays under the usual item names into `T`.
struct NamedSeed<'f, T> {
    found: &'f mut Vec<(usize, String, Sink<T>)>,
    want_last_item: bool,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for NamedSeed<'_, T> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for NamedSeed<'_, T> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut envelope = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Some(priority) = shape::ITEM_KEYS.iter().position(|name| *name == key) else {
                let value = map.next_value()?;
                envelope.insert(key, value);
                continue;
            };
            let mut sink = Sink {
                items: None,
                last_raw: None,
                want_last_item: self.want_last_item,
                skip_unread_arrays: false,
            };
            let value = map.next_value_seed(MaybeItems {
                sink: Some(&mut sink),
            })?;
            if sink.items.is_some() {
                self.found.push((priority, key.clone(), sink));
            }
            envelope.insert(key, value);
        }
        Ok(Value::Object(envelope))
    }
}

/// A value that becomes items if it is an array (or is skipped, without a
/// sink), and a `Value` otherwise; an array leaves an empty one in the
/// envelope, as the other paths do.
struct MaybeItems<'s, T> {
    sink: Option<&'s mut Sink<T>>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for MaybeItems<'_, T> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for MaybeItems<'_, T> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        match self.sink {
            Some(sink) => ItemsSeed { sink }.visit_seq(seq)?,
            None => while seq.next_element::<de::IgnoredAny>()?.is_some() {},
        }
        Ok(Value::Array(Vec::new()))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        Value::deserialize(de::value::MapAccessDeserializer::new(map))
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

/// Where the items are, found by a light scan that keeps each top-level field
/// as raw text: the first page of an auto-detected walk is then parsed into
/// `T` directly, like the others, instead of through `Value`. `None` when the
/// scan cannot tell (the slow path then decides, and explains).
fn detect_pointer(body: &[u8]) -> Option<String> {
    shape::find_items(&skeleton(body)?).ok()
}

/// The body's top level with every array emptied and every other value
/// `null`, except HAL's `_embedded`, whose own top level is kept the same way.
fn skeleton(json: &[u8]) -> Option<Value> {
    match json.iter().find(|byte| !byte.is_ascii_whitespace())? {
        b'[' => Some(Value::Array(Vec::new())),
        b'{' => {
            // Borrowed keys: a key with escapes fails the scan, and the slow path takes over.
            let fields: Vec<(&str, &RawValue)> =
                serde_json::from_slice::<BTreeMap<&str, &RawValue>>(json)
                    .ok()?
                    .into_iter()
                    .collect();
            let mut top = serde_json::Map::new();
            for (key, raw) in fields {
                let value = match raw.get().as_bytes().first() {
                    Some(b'[') => Value::Array(Vec::new()),
                    Some(b'{') if key == "_embedded" => skeleton(raw.get().as_bytes())?,
                    _ => Value::Null,
                };
                top.insert(key.to_owned(), value);
            }
            Some(Value::Object(top))
        }
        _ => None,
    }
}

fn decode_fast<T: DeserializeOwned>(
    body: &[u8],
    pointer: &str,
    want_last_item: bool,
    skip_unread_arrays: bool,
) -> Option<Decoded<T>> {
    let path = pointer_segments(pointer)?;
    let mut sink = Sink {
        items: None,
        last_raw: None,
        want_last_item,
        skip_unread_arrays,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let envelope = if path.is_empty() {
        ItemsSeed { sink: &mut sink }
            .deserialize(&mut deserializer)
            .ok()?;
        Value::Null
    } else {
        EnvelopeSeed {
            path: &path,
            sink: &mut sink,
        }
        .deserialize(&mut deserializer)
        .ok()?
    };
    deserializer.end().ok()?;
    sink.into_decoded(envelope, pointer.to_owned())
}

fn decode_slow<T: DeserializeOwned>(
    body: &[u8],
    at: ItemsAt<'_>,
    skip: usize,
) -> Result<Decoded<T>, DecodeError> {
    let mut envelope: Value = serde_json::from_slice(body).map_err(DecodeError::Syntax)?;
    let pointer = match at {
        ItemsAt::User(pointer) if !pointer.is_empty() && !pointer.starts_with('/') => {
            let found =
                format!("is not a JSON pointer: it must start with \"/\", as in \"/{pointer}\"");
            return Err(DecodeError::Pointer {
                pointer: pointer.to_owned(),
                found,
            });
        }
        ItemsAt::User(pointer) => pointer.to_owned(),
        ItemsAt::Learned(_) | ItemsAt::Detect => {
            shape::find_items(&envelope).map_err(DecodeError::ItemsNotFound)?
        }
    };
    let found = match envelope.pointer_mut(&pointer) {
        Some(Value::Array(array)) => std::mem::take(array),
        Some(other) => {
            let found = format!("points to {} instead of an array", kind_of(other));
            return Err(DecodeError::Pointer { pointer, found });
        }
        None => {
            return Err(DecodeError::Pointer {
                pointer,
                found: "points to nothing".into(),
            });
        }
    };
    if pointer.is_empty() {
        envelope = Value::Null;
    }
    let last_item = found.last().cloned();
    let page_len = found.len();
    let mut items = Vec::with_capacity(page_len);
    let mut item_error = None;
    // Items before `skip` were delivered (or reported bad) before a resume.
    for (index, value) in found.into_iter().enumerate().skip(skip) {
        // Borrowed, so that a bad item's JSON can go into the error.
        match T::deserialize(&value) {
            Ok(item) => items.push(item),
            Err(error) => {
                item_error = Some(BadItem {
                    index,
                    error,
                    json: value.to_string(),
                });
                break;
            }
        }
    }
    Ok(Decoded {
        items,
        envelope,
        pointer,
        last_item,
        item_error,
        page_len,
    })
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The unescaped reference tokens of an RFC 6901 pointer; `None` if malformed.
fn pointer_segments(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

struct Sink<T> {
    items: Option<Vec<T>>,
    last_raw: Option<String>,
    want_last_item: bool,
    /// Other arrays in the envelope are skipped, not built as `Value`s: no
    /// built-in rule reads one (Laravel's `links` array, JSON:API's
    /// `included`), only a user's pointer might.
    skip_unread_arrays: bool,
}

impl<T> Sink<T> {
    /// The page a one-pass decode produced; `None` if no items were found.
    fn into_decoded(self, envelope: Value, pointer: String) -> Option<Decoded<T>> {
        let items = self.items?;
        let last_item = match self.last_raw {
            Some(raw) => Some(serde_json::from_str(&raw).ok()?),
            None => None,
        };
        Some(Decoded {
            page_len: items.len(),
            items,
            envelope,
            pointer,
            last_item,
            item_error: None,
        })
    }
}

/// Walks down `path` through objects, keeping every other field as a `Value`.
struct EnvelopeSeed<'p, 's, T> {
    path: &'p [String],
    sink: &'s mut Sink<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for EnvelopeSeed<'_, '_, T> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for EnvelopeSeed<'_, '_, T> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut envelope = serde_json::Map::new();
        let (here, below) = self
            .path
            .split_first()
            .ok_or_else(|| de::Error::custom("empty path"))?;
        while let Some(key) = map.next_key::<String>()? {
            if key != *here {
                let value = if self.sink.skip_unread_arrays {
                    map.next_value_seed(MaybeItems::<T> { sink: None })?
                } else {
                    map.next_value()?
                };
                envelope.insert(key, value);
            } else if below.is_empty() {
                map.next_value_seed(ItemsSeed {
                    sink: &mut *self.sink,
                })?;
                // As in the slow path, the key stays with an empty array: some
                // rules look at which keys exist (DRF's `count` beside `results`).
                envelope.insert(key, Value::Array(Vec::new()));
            } else {
                let inner = map.next_value_seed(EnvelopeSeed {
                    path: below,
                    sink: &mut *self.sink,
                })?;
                envelope.insert(key, inner);
            }
        }
        Ok(Value::Object(envelope))
    }
}

/// Deserializes the items array straight into `Vec<T>`.
struct ItemsSeed<'s, T> {
    sink: &'s mut Sink<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for ItemsSeed<'_, T> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for ItemsSeed<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        if self.sink.want_last_item {
            // Keyset pagination needs the last item's fields whatever `T` keeps,
            // so go through borrowed raw text (no copy) and keep the last one.
            let mut last: Option<&'de RawValue> = None;
            while let Some(raw) = seq.next_element::<&'de RawValue>()? {
                items.push(serde_json::from_str(raw.get()).map_err(de::Error::custom)?);
                last = Some(raw);
            }
            self.sink.last_raw = last.map(|raw| raw.get().to_owned());
        } else {
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
        }
        self.sink.items = Some(items);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        id: u64,
    }

    fn ids(items: &[Item]) -> Vec<u64> {
        items.iter().map(|item| item.id).collect()
    }

    #[test]
    fn fast_path_reads_items_and_keeps_the_envelope() {
        let body = br#"{"meta":{"next":"x"},"data":[{"id":1},{"id":2}],"total":2}"#;
        let decoded =
            decode::<Item>(body, ItemsAt::Learned("/data"), true, false, 0).expect("decodes");
        assert_eq!(ids(&decoded.items), [1, 2]);
        assert_eq!(
            decoded.envelope,
            json!({"meta": {"next": "x"}, "data": [], "total": 2})
        );
        assert_eq!(decoded.last_item, Some(json!({"id": 2})));
        let nested = br#"{"response":{"page":{"rows":[{"id":3}]},"after":"z"}}"#;
        let decoded = decode::<Item>(
            nested,
            ItemsAt::User("/response/page/rows"),
            false,
            false,
            0,
        )
        .expect("decodes");
        assert_eq!(ids(&decoded.items), [3]);
        assert_eq!(
            decoded.envelope,
            json!({"response": {"page": {"rows": []}, "after": "z"}})
        );
    }

    #[test]
    fn unread_arrays_are_skipped_but_their_keys_stay() {
        let body = br#"{"links":[{"url":null,"label":"1"}],"data":[{"id":1}],"next_page_url":"/p2","meta":{"pages":[1,2]}}"#;
        let decoded =
            decode::<Item>(body, ItemsAt::Learned("/data"), false, true, 0).expect("decodes");
        assert_eq!(ids(&decoded.items), [1]);
        assert_eq!(
            decoded.envelope,
            json!({"links": [], "data": [], "next_page_url": "/p2", "meta": {"pages": [1, 2]}})
        );
    }

    #[test]
    fn root_array_and_escaped_pointer() {
        let decoded = decode::<Item>(br#"[{"id":5}]"#, ItemsAt::Learned(""), false, false, 0)
            .expect("decodes");
        assert_eq!(
            (ids(&decoded.items), decoded.envelope),
            (vec![5], Value::Null)
        );
        let decoded = decode::<Item>(
            br#"{"a/b":[{"id":6}]}"#,
            ItemsAt::User("/a~1b"),
            false,
            false,
            0,
        )
        .expect("decodes");
        assert_eq!(ids(&decoded.items), [6]);
    }

    #[test]
    fn detection_by_light_scan_finds_what_the_rules_say() {
        let cases: [(&[u8], &str); 5] = [
            (br#" [{"id":1}]"#, ""),
            (
                br#"{"links":[{"url":null}],"data":[{"id":1}],"total":1}"#,
                "/data",
            ),
            (
                br#"{"ok":true,"channels":[{"id":1}],"response_metadata":{"next_cursor":""}}"#,
                "/channels",
            ),
            (
                br#"{"_links":{"next":{"href":"/x"}},"_embedded":{"orders":[{"id":1}]}}"#,
                "/_embedded/orders",
            ),
            (br#"{"a/b":[{"id":1}]}"#, "/a~1b"),
        ];
        for (body, pointer) in cases {
            assert_eq!(detect_pointer(body).as_deref(), Some(pointer));
            let decoded = decode::<Item>(body, ItemsAt::Detect, false, false, 0).expect("decodes");
            assert_eq!(
                (decoded.pointer.as_str(), ids(&decoded.items)),
                (pointer, vec![1])
            );
        }
        assert_eq!(detect_pointer(br#"{"a":[1],"b":[2]}"#), None);
        assert_eq!(detect_pointer(b"<html>"), None);
    }

    #[test]
    fn one_pass_detection_follows_the_order_of_names() {
        let decoded = decode::<Item>(
            br#"{"items":[{"id":2}],"data":[{"id":1}],"n":1.5}"#,
            ItemsAt::Detect,
            true,
            false,
            0,
        )
        .expect("decodes");
        assert_eq!(
            (decoded.pointer.as_str(), ids(&decoded.items)),
            ("/data", vec![1])
        );
        assert_eq!(decoded.envelope, json!({"items": [], "data": [], "n": 1.5}));
        assert_eq!(decoded.last_item, Some(json!({"id": 1})));
        let decoded = decode::<Item>(
            br#"{"data":{"x":[1]},"items":[{"id":3}]}"#,
            ItemsAt::Detect,
            false,
            false,
            0,
        )
        .expect("decodes");
        assert_eq!(
            (decoded.pointer.as_str(), ids(&decoded.items)),
            ("/items", vec![3])
        );
        assert_eq!(decoded.envelope, json!({"data": {"x": [1]}, "items": []}));
        // `data` wins even when its items do not fit: the slow path says which one.
        let decoded = decode::<Item>(
            br#"{"data":["a"],"items":[{"id":1}]}"#,
            ItemsAt::Detect,
            false,
            false,
            0,
        )
        .expect("decodes");
        assert_eq!(decoded.pointer, "/data");
        assert_eq!(decoded.item_error.map(|bad| bad.index), Some(0));
    }

    #[test]
    fn detection_when_the_learned_pointer_is_gone() {
        let decoded = decode::<Item>(
            br#"{"results":[{"id":7}],"next":null}"#,
            ItemsAt::Learned("/data"),
            false,
            false,
            0,
        )
        .expect("decodes");
        assert_eq!(
            (decoded.pointer.as_str(), ids(&decoded.items)),
            ("/results", vec![7])
        );
    }

    #[test]
    fn a_bad_item_keeps_the_ones_before_it() {
        let body = br#"{"data":[{"id":1},{"id":"two"},{"id":3}]}"#;
        let decoded =
            decode::<Item>(body, ItemsAt::Learned("/data"), false, false, 0).expect("decodes");
        assert_eq!(ids(&decoded.items), [1]);
        let BadItem { index, error, json } = decoded.item_error.expect("an item error");
        assert_eq!((index, json.as_str()), (1, r#"{"id":"two"}"#));
        assert!(error.to_string().contains("invalid type"), "{error}");
    }

    #[test]
    fn skip_leaves_out_delivered_items_on_both_paths() {
        let good = br#"{"data":[{"id":1},{"id":2},{"id":3}]}"#;
        let decoded =
            decode::<Item>(good, ItemsAt::Learned("/data"), false, false, 2).expect("decodes");
        assert_eq!((ids(&decoded.items), decoded.page_len), (vec![3], 3));
        // Resuming after a bad item that was reported goes on with the rest.
        let bad = br#"{"data":[{"id":1},{"id":"two"},{"id":3}]}"#;
        let decoded =
            decode::<Item>(bad, ItemsAt::Learned("/data"), false, false, 2).expect("decodes");
        assert_eq!((ids(&decoded.items), decoded.page_len), (vec![3], 3));
        assert!(decoded.item_error.is_none());
    }

    #[test]
    fn errors_name_what_was_found() {
        assert!(matches!(
            decode::<Item>(b"<html>", ItemsAt::Detect, false, false, 0),
            Err(DecodeError::Syntax(_))
        ));
        match decode::<Item>(br#"{"a":1,"b":{}}"#, ItemsAt::Detect, false, false, 0) {
            Err(DecodeError::ItemsNotFound(keys)) => assert_eq!(keys, ["a", "b"]),
            other => panic!("unexpected {:?}", other.map(|d| d.pointer)),
        }
        match decode::<Item>(
            br#"{"data":{"x":1}}"#,
            ItemsAt::User("/data"),
            false,
            false,
            0,
        ) {
            Err(DecodeError::Pointer { found, .. }) => {
                assert_eq!(found, "points to an object instead of an array")
            }
            other => panic!("unexpected {:?}", other.map(|d| d.pointer)),
        }
        match decode::<Item>(br#"{"data":[]}"#, ItemsAt::User("data"), false, false, 0) {
            Err(DecodeError::Pointer { found, .. }) => {
                assert!(found.contains("\"/data\""), "{found}")
            }
            other => panic!("unexpected {:?}", other.map(|d| d.pointer)),
        }
        match decode::<Item>(br#"{"data":[]}"#, ItemsAt::User("/rows"), false, false, 0) {
            Err(DecodeError::Pointer { found, .. }) => assert_eq!(found, "points to nothing"),
            other => panic!("unexpected {:?}", other.map(|d| d.pointer)),
        }
    }

    #[test]
    fn trailing_garbage_is_a_syntax_error() {
        assert!(matches!(
            decode::<Item>(
                br#"{"data":[]} x"#,
                ItemsAt::Learned("/data"),
                false,
                false,
                0
            ),
            Err(DecodeError::Syntax(_))
        ));
    }
}
