//! The slow path: through `Value`, exact about what is wrong.

use std::collections::BTreeMap;

use serde_json::Value;
use serde_json::value::RawValue;

use super::collect::{Batch, fingerprint};
use super::{DecodeError, Decoded, ItemsAt};
use crate::json_pointer;
use crate::rules::shape;

/// Reads the body as a `Value` to find the items, then decodes them one by
/// one from their own text, so that a bad item is named (with its JSON as the
/// server wrote it) and the ones before it are kept.
pub(super) fn decode<C: Batch>(
    body: &[u8],
    at: ItemsAt<'_>,
    skip: usize,
) -> Result<Decoded<C>, DecodeError> {
    let mut envelope: Value = serde_json::from_slice(body).map_err(DecodeError::Syntax)?;
    let pointer = locate(&mut envelope, at)?;
    // The body parsed as a whole, so its parts parse too.
    let found = raw_items(body, &pointer).map_err(DecodeError::Syntax)?;
    let last_item = match found.last() {
        Some(raw) => Some(serde_json::from_str(raw.get()).map_err(DecodeError::Syntax)?),
        None => None,
    };
    // Items before `skip` were delivered (or reported bad) before a resume.
    let (items, item_error) = C::from_raw(&found, body, skip);
    Ok(Decoded {
        items,
        envelope,
        pointer,
        last_item,
        item_error,
        page_len: found.len(),
        first: found.first().map(|raw| fingerprint(raw.get())),
        body: None,
    })
}

/// Where the items are in `envelope`, which is left without them: the key
/// stays, with an empty array, as on the fast paths (`Null` for a root array).
fn locate(envelope: &mut Value, at: ItemsAt<'_>) -> Result<String, DecodeError> {
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
            shape::find_items(envelope).map_err(DecodeError::ItemsNotFound)?
        }
    };
    let array =
        json_pointer::split_each(&pointer).map_or_else(|| pointer.clone(), |(array, _)| array);
    let found = match envelope.pointer_mut(&array) {
        Some(Value::Array(array)) => {
            array.clear();
            None
        }
        Some(other) => Some(format!("points to {} instead of an array", kind_of(other))),
        None => Some("points to nothing".to_owned()),
    };
    if let Some(found) = found {
        return Err(DecodeError::Pointer { pointer, found });
    }
    if array.is_empty() {
        *envelope = Value::Null;
    }
    Ok(pointer)
}

/// The items at `pointer` in `body` (each element of the array, or the value
/// at the path below `*` in each), as the text the server wrote. Duplicate
/// keys resolve as in a `Value`: the last one wins.
pub(super) fn raw_items<'a>(
    body: &'a [u8],
    pointer: &str,
) -> Result<Vec<&'a RawValue>, serde_json::Error> {
    let moved = || serde::de::Error::custom("the items moved while reading");
    let (array, each) = json_pointer::split_each(pointer).ok_or_else(moved)?;
    let root: &RawValue = serde_json::from_slice(body)?;
    let array =
        raw_at(root, &json_pointer::tokens(&array).unwrap_or_default()).ok_or_else(moved)?;
    serde_json::from_str::<Vec<&RawValue>>(array.get())?
        .into_iter()
        .map(|element| {
            raw_at(element, &each).ok_or_else(|| {
                serde::de::Error::custom(format!("an element has nothing at /{}", each.join("/")))
            })
        })
        .collect()
}

/// The value at `tokens` inside `here`, all borrowed from the same text.
fn raw_at<'a>(mut here: &'a RawValue, tokens: &[String]) -> Option<&'a RawValue> {
    for token in tokens {
        here = match here.get().trim_start().as_bytes().first() {
            Some(b'{') => serde_json::from_str::<BTreeMap<String, &RawValue>>(here.get())
                .ok()?
                .remove(token)?,
            _ => {
                let index = token.parse::<usize>().ok()?;
                *serde_json::from_str::<Vec<&RawValue>>(here.get())
                    .ok()?
                    .get(index)?
            }
        };
    }
    Some(here)
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
