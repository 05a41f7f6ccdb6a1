//! The pieces both one-pass decoders are made of: where the items go, the
//! items array itself, and a value that may or may not be it.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::Decoded;

pub(super) struct Sink<T> {
    items: Option<Vec<T>>,
    last_raw: Option<String>,
    want_last_item: bool,
    /// Other arrays in the envelope are skipped, not built as `Value`s: no
    /// built-in rule reads one (Laravel's `links` array, JSON:API's
    /// `included`), only a user's pointer might.
    skip_unread_arrays: bool,
}

impl<T> Sink<T> {
    pub(super) fn new(want_last_item: bool, skip_unread_arrays: bool) -> Sink<T> {
        Sink {
            items: None,
            last_raw: None,
            want_last_item,
            skip_unread_arrays,
        }
    }

    /// Whether the envelope's other arrays are skipped unparsed.
    pub(super) fn skip_unread_arrays(&self) -> bool {
        self.skip_unread_arrays
    }

    /// Whether items were found.
    pub(super) fn has_items(&self) -> bool {
        self.items.is_some()
    }

    /// The page a one-pass decode produced; `None` if no items were found.
    pub(super) fn into_decoded(self, envelope: Value, pointer: String) -> Option<Decoded<T>> {
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

/// Deserializes the items array straight into `Vec<T>`.
pub(super) struct ItemsSeed<'s, T> {
    pub(super) sink: &'s mut Sink<T>,
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
