//! One pass when the items' pointer is known.

use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::Decoded;
use super::named::MaybeItems;
use crate::json_pointer;

/// One pass over `body`, the items at `pointer` going straight into `T`;
/// `None` when that fails (the slow path then decides, and explains).
pub(super) fn decode<T: DeserializeOwned>(
    body: &[u8],
    pointer: &str,
    want_last_item: bool,
    skip_unread_arrays: bool,
) -> Option<Decoded<T>> {
    let path = json_pointer::tokens(pointer)?;
    let mut sink = Sink::new(want_last_item, skip_unread_arrays);
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
