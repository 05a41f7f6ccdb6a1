//! One pass for an auto-detected first page whose items sit under one of
//! the usual names.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::Value;

use super::Decoded;
use super::collect::Batch;
use super::seeds::{MaybeItems, Sink, parse_whole};
use crate::rules::shape;

/// One pass for the common auto-detected case: the items are an array under
/// one of the usual names (`data`, `items`, ...), collected as the parser
/// meets them. `None` when they are not (or do not fit `T`): the other ways
/// then decide.
pub(super) fn decode<C: Batch>(body: &[u8], want_last_item: bool) -> Option<Decoded<C>> {
    let mut found = Vec::new();
    let seed = NamedSeed::<C> {
        found: &mut found,
        want_last_item,
        body,
    };
    let envelope = parse_whole(body, seed)?;
    // The first name in the order of preference wins, wherever it stands in the body.
    let (_, key, sink) = found.into_iter().min_by_key(|(priority, _, _)| *priority)?;
    sink.into_decoded(envelope, format!("/{key}"))
}

/// Reads a top-level object, sending arrays under the usual item names to the collector.
struct NamedSeed<'f, 'de, C: Batch> {
    found: &'f mut Vec<(usize, String, Sink<C>)>,
    want_last_item: bool,
    body: &'de [u8],
}

impl<'de, C: Batch> DeserializeSeed<'de> for NamedSeed<'_, 'de, C> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, C: Batch> Visitor<'de> for NamedSeed<'_, 'de, C> {
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
            let mut sink = Sink::new(self.want_last_item, false, Vec::new());
            let value = map.next_value_seed(MaybeItems {
                sink: Some(&mut sink),
                body: self.body,
            })?;
            if sink.has_items() {
                self.found.push((priority, key.clone(), sink));
            }
            envelope.insert(key, value);
        }
        Ok(Value::Object(envelope))
    }
}
