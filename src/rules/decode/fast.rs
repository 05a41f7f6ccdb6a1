//! One pass when the items' pointer is known.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::Value;

use super::Decoded;
use super::collect::Batch;
use super::seeds::{ItemsSeed, MaybeItems, Sink, parse_whole};
use crate::json_pointer;
use crate::rules::facts;

/// One pass over `body`, the items at `pointer` going straight to the
/// collector; `None` when that fails (the slow path then decides, and explains).
pub(super) fn decode<C: Batch>(
    body: &[u8],
    pointer: &str,
    want_last_item: bool,
    skip_unread_arrays: bool,
) -> Option<Decoded<C>> {
    let (array, each) = json_pointer::split_each(pointer)?;
    let path = json_pointer::tokens(&array)?;
    let mut sink = Sink::<C>::new(want_last_item, skip_unread_arrays, each);
    let envelope = if path.is_empty() {
        let items = ItemsSeed {
            sink: &mut sink,
            body,
        };
        parse_whole(body, items)?;
        Value::Null
    } else {
        let envelope = EnvelopeSeed {
            path: &path,
            sink: &mut sink,
            body,
        };
        parse_whole(body, envelope)?
    };
    sink.into_decoded(envelope, pointer.to_owned())
}

/// Walks down `path` through objects, keeping every other field as a `Value`.
struct EnvelopeSeed<'p, 's, 'de, C: Batch> {
    path: &'p [String],
    sink: &'s mut Sink<C>,
    body: &'de [u8],
}

impl<'de, C: Batch> DeserializeSeed<'de> for EnvelopeSeed<'_, '_, 'de, C> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, C: Batch> Visitor<'de> for EnvelopeSeed<'_, '_, 'de, C> {
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
                let value = if self.sink.skip_unread_arrays() && !facts::may_hold_facts(&key) {
                    map.next_value_seed(MaybeItems::<C> {
                        sink: None,
                        body: self.body,
                    })?
                } else {
                    map.next_value()?
                };
                envelope.insert(key, value);
            } else if below.is_empty() {
                map.next_value_seed(ItemsSeed {
                    sink: &mut *self.sink,
                    body: self.body,
                })?;
                // As in the slow path, the key stays with an empty array: some
                // rules look at which keys exist (DRF's `count` beside `results`).
                envelope.insert(key, Value::Array(Vec::new()));
            } else {
                let inner = map.next_value_seed(EnvelopeSeed {
                    path: below,
                    sink: &mut *self.sink,
                    body: self.body,
                })?;
                envelope.insert(key, inner);
            }
        }
        Ok(Value::Object(envelope))
    }
}
