//! One pass for an auto-detected first page whose items sit under one of
//! the usual names.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::Decoded;
use super::fast::{ItemsSeed, Sink};
use crate::rules::shape;

/// One pass for the common auto-detected case: the items are an array under
/// one of the usual names (`data`, `items`, ...), decoded straight into `T`
/// as the parser meets them. `None` when they are not (or do not fit `T`):
/// the other ways then decide.
pub(super) fn decode<T: DeserializeOwned>(body: &[u8], want_last_item: bool) -> Option<Decoded<T>> {
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
            let mut sink = Sink::new(self.want_last_item, false);
            let value = map.next_value_seed(MaybeItems {
                sink: Some(&mut sink),
            })?;
            if sink.has_items() {
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
pub(super) struct MaybeItems<'s, T> {
    pub(super) sink: Option<&'s mut Sink<T>>,
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
