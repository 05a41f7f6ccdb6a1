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
    let (pointer, omitted) = locate(&mut envelope, at)?;
    // The body parsed as a whole, so its parts parse too.
    let found = match omitted {
        true => Vec::new(),
        // The body parsed whole: an error here is an element without its
        // item (a `null` GraphQL edge), said as such, not as bad JSON.
        false => raw_items(body, &pointer).map_err(|error| match error.is_data() {
            true => DecodeError::Pointer {
                pointer: pointer.clone(),
                found: error.to_string(),
            },
            false => DecodeError::Syntax(error),
        })?,
    };
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
/// The second value says the items' key was left out (see [`omitted`]).
fn locate(envelope: &mut Value, at: ItemsAt<'_>) -> Result<(String, bool), DecodeError> {
    let mut left_out = false;
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
        ItemsAt::Detect => shape::find_items(envelope).map_err(DecodeError::ItemsNotFound)?,
        ItemsAt::Learned(learned) => match shape::find_items(envelope) {
            Ok(pointer) => pointer,
            // Protobuf JSON leaves an empty array out: where the items were
            // on earlier pages, an object without their key has none.
            Err(keys) => match omitted(envelope, learned) {
                true => {
                    left_out = true;
                    learned.to_owned()
                }
                false => return Err(DecodeError::ItemsNotFound(keys)),
            },
        },
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
    Ok((pointer, left_out))
}

/// Whether the object that held the items at `pointer` is there without
/// their key; if so, the key gets an empty array.
fn omitted(envelope: &mut Value, pointer: &str) -> bool {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return false;
    };
    if pointer.contains('*') {
        return false;
    }
    let key = json_pointer::tokens(&format!("/{key}")).and_then(|mut keys| keys.pop());
    match (envelope.pointer_mut(parent), key) {
        (Some(Value::Object(object)), Some(key)) if !object.contains_key(&key) => {
            object.insert(key, Value::Array(Vec::new()));
            true
        }
        _ => false,
    }
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
        .enumerate()
        .map(|(index, element)| {
            raw_at(element, &each).ok_or_else(|| {
                let what = match element.get().trim() {
                    "null" => "null".to_owned(),
                    _ => "an element".to_owned(),
                };
                serde::de::Error::custom(format!(
                    "element {index} is {what}, with nothing at /{}",
                    each.join("/")
                ))
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
