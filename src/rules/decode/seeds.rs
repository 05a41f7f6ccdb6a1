//! The pieces both one-pass decoders are made of: the parse of a whole
//! body, where the items go, the items array itself, and a value that may
//! or may not be it.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::Decoded;
use super::collect::{Batch, Collected};

/// `seed` over the whole of `body`, nothing but whitespace after it.
///
/// A body that is UTF-8 is checked whole, once a parse, and parsed as
/// text: serde_json then leaves out the check it makes of each string of a
/// byte slice, which costs more on pages of many short strings. Any other
/// body is parsed as bytes, as before, so that it fails (or not) exactly
/// where it did.
pub(super) fn parse_whole<'de, S: DeserializeSeed<'de>>(
    body: &'de [u8],
    seed: S,
) -> Option<S::Value> {
    fn parse<'de, R: serde_json::de::Read<'de>, S: DeserializeSeed<'de>>(
        mut deserializer: serde_json::Deserializer<R>,
        seed: S,
    ) -> Option<S::Value> {
        let value = seed.deserialize(&mut deserializer).ok()?;
        deserializer.end().ok()?;
        Some(value)
    }
    match std::str::from_utf8(body) {
        Ok(text) => parse(serde_json::Deserializer::from_str(text), seed),
        Err(_) => parse(serde_json::Deserializer::from_slice(body), seed),
    }
}

/// Where the items of one parse go.
pub(super) struct Sink<C: Batch> {
    collected: Option<Collected<C>>,
    want_last_item: bool,
    /// The path to each item inside each element (`node`), if not the element.
    each: Vec<String>,
    /// Other arrays in the envelope are skipped, not built as `Value`s
    /// (JSON:API's `included`), unless a rule reads them
    /// (`facts::may_hold_facts`); only a user's pointer might.
    skip_unread_arrays: bool,
}

impl<C: Batch> Sink<C> {
    pub(super) fn new(
        want_last_item: bool,
        skip_unread_arrays: bool,
        each: Vec<String>,
    ) -> Sink<C> {
        Sink {
            collected: None,
            want_last_item,
            each,
            skip_unread_arrays,
        }
    }

    /// Whether the envelope's other arrays are skipped unparsed.
    pub(super) fn skip_unread_arrays(&self) -> bool {
        self.skip_unread_arrays
    }

    /// Whether items were found.
    pub(super) fn has_items(&self) -> bool {
        self.collected.is_some()
    }

    /// The page a one-pass decode produced; `None` if no items were found.
    pub(super) fn into_decoded(self, envelope: Value, pointer: String) -> Option<Decoded<C>> {
        let Collected {
            batch,
            first,
            last_raw,
        } = self.collected?;
        let last_item = match last_raw {
            Some(raw) => Some(serde_json::from_str(&raw).ok()?),
            None => None,
        };
        Some(Decoded {
            page_len: batch.len(),
            items: batch,
            envelope,
            pointer,
            last_item,
            item_error: None,
            first,
            body: None,
        })
    }
}

/// Hands the items array to the sink's collector.
pub(super) struct ItemsSeed<'s, 'de, C: Batch> {
    pub(super) sink: &'s mut Sink<C>,
    /// The whole body: raw items are spans of it.
    pub(super) body: &'de [u8],
}

impl<'de, C: Batch> DeserializeSeed<'de> for ItemsSeed<'_, 'de, C> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, C: Batch> Visitor<'de> for ItemsSeed<'_, 'de, C> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let sink = &mut *self.sink;
        sink.collected = Some(C::collect(seq, self.body, sink.want_last_item, &sink.each)?);
        Ok(())
    }
}

/// A value that becomes items if it is an array (or is skipped, without a
/// sink), and a `Value` otherwise; an array leaves an empty one in the
/// envelope, as the other paths do.
pub(super) struct MaybeItems<'s, 'de, C: Batch> {
    pub(super) sink: Option<&'s mut Sink<C>>,
    pub(super) body: &'de [u8],
}

impl<'de, C: Batch> DeserializeSeed<'de> for MaybeItems<'_, 'de, C> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, C: Batch> Visitor<'de> for MaybeItems<'_, 'de, C> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        match self.sink {
            Some(sink) => ItemsSeed {
                sink,
                body: self.body,
            }
            .visit_seq(seq)?,
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

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use crate::rules::decode::{DecodeOptions, ItemsAt, decode};

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        id: u64,
        name: String,
    }

    fn names(body: &[u8], at: ItemsAt<'_>) -> Result<Vec<String>, String> {
        let options = DecodeOptions {
            skip_unread_arrays: true,
            ..DecodeOptions::new(at)
        };
        let decoded = decode::<Vec<Item>>(body.to_vec(), options)
            .map_err(|(error, _)| format!("{error:?}"))?;
        match decoded.item_error {
            Some(bad) => Err(format!("item {}: {}", bad.index, bad.error)),
            None => Ok(decoded.items.into_iter().map(|item| item.name).collect()),
        }
    }

    #[test]
    fn text_and_escapes_read_the_same_on_the_paths_that_parse_text() {
        let body = r#"{"data":[{"id":1,"name":"é ☃ \u00e9 \ud83d\ude00 \"q\""}],"note":"naïve"}"#;
        for at in [ItemsAt::Learned("/data"), ItemsAt::Detect] {
            assert_eq!(
                names(body.as_bytes(), at),
                Ok(vec!["é ☃ é 😀 \"q\"".to_owned()])
            );
        }
        let options = DecodeOptions::new(ItemsAt::Learned("/data"));
        let decoded = decode::<Vec<Item>>(body.as_bytes().to_vec(), options).expect("decodes");
        assert_eq!(decoded.envelope, json!({"data": [], "note": "naïve"}));
    }

    #[test]
    fn a_body_that_is_not_utf8_is_parsed_as_bytes_as_before() {
        // A stray byte in an array no rule reads is skipped unchecked, as
        // serde_json does for bytes; the items still arrive.
        let skipped = b"{\"included\":[\"\xff\"],\"data\":[{\"id\":1,\"name\":\"a\"}]}";
        assert_eq!(
            names(skipped, ItemsAt::Learned("/data")),
            Ok(vec!["a".to_owned()])
        );
        // In a string that is read, it is the syntax error it always was.
        let in_item = b"{\"data\":[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"\xff\"}]}";
        for at in [ItemsAt::Learned("/data"), ItemsAt::Detect] {
            let error = names(in_item, at).expect_err("a bad string");
            assert!(
                error.starts_with("Syntax") && error.contains("invalid unicode code point"),
                "{error}"
            );
        }
    }
}
