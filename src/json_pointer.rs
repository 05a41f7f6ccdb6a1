//! JSON Pointers (RFC 6901): reading their tokens, escaping keys into them,
//! and writing a value at one.

use serde_json::{Map, Value};

/// The unescaped reference tokens of `pointer`; `None` if it is neither empty
/// nor starts with `/`.
pub(crate) fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(unescape).collect())
}

/// One reference token as the key it stands for (the search for `~` first:
/// pointers are read on every page, and almost none has an escape).
fn unescape(token: &str) -> String {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~")
    } else {
        token.to_owned()
    }
}

/// An items pointer split at its first `*` token, pagewalk's extension of
/// JSON Pointer for "each element of this array": `/data/x/edges/*/node` is
/// the `node` of every element of `/data/x/edges`. `None` if either part is
/// malformed; a pointer without `*` has no part below the array.
pub(crate) fn split_each(pointer: &str) -> Option<(String, Vec<String>)> {
    let tokens = tokens(pointer)?;
    match tokens.iter().position(|token| token == "*") {
        None => Some((pointer.to_owned(), Vec::new())),
        Some(at) => {
            let array = tokens[..at]
                .iter()
                .map(|token| format!("/{}", escape(token)))
                .collect();
            Some((array, tokens[at + 1..].to_vec()))
        }
    }
}

/// `key` as one reference token: `~` and `/` escaped.
pub(crate) fn escape(key: &str) -> String {
    if key.contains(['~', '/']) {
        key.replace('~', "~0").replace('/', "~1")
    } else {
        key.to_owned()
    }
}

/// Why a value cannot be written at a pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WriteError(pub String);

/// Sets the value at `pointer` in `document` to `value`, creating the objects
/// on the way when they are missing (and `document` itself when it is
/// `null`). Everything else in `document` stays as it was. An array on the
/// way is indexed by a token that is a number within it.
pub(crate) fn set(document: &mut Value, pointer: &str, value: Value) -> Result<(), WriteError> {
    let Some(tokens) = tokens(pointer) else {
        return Err(WriteError(format!(
            "{pointer:?} is not a JSON pointer: it must start with \"/\""
        )));
    };
    let Some((last, parents)) = tokens.split_last() else {
        return Err(WriteError(
            "cannot replace the whole body (pointer \"\")".into(),
        ));
    };
    let mut here = document;
    for token in parents {
        here = child(here, token, pointer)?;
    }
    match here {
        Value::Null => {
            let mut object = Map::new();
            object.insert(last.clone(), value);
            *here = Value::Object(object);
        }
        Value::Object(object) => {
            object.insert(last.clone(), value);
        }
        Value::Array(array) => match last.parse::<usize>().ok().filter(|&i| i < array.len()) {
            Some(index) => array[index] = value,
            None => return Err(not_a_container(pointer, last, "an array")),
        },
        _ => return Err(not_a_container(pointer, last, "a scalar")),
    }
    Ok(())
}

/// The value under `token`, made an empty object when it is missing.
fn child<'a>(here: &'a mut Value, token: &str, pointer: &str) -> Result<&'a mut Value, WriteError> {
    if here.is_null() {
        *here = Value::Object(Map::new());
    }
    match here {
        Value::Object(object) => Ok(object
            .entry(token.to_owned())
            .or_insert_with(|| Value::Object(Map::new()))),
        Value::Array(array) => {
            let len = array.len();
            token
                .parse::<usize>()
                .ok()
                .and_then(|index| array.get_mut(index))
                .ok_or_else(|| {
                    WriteError(format!(
                        "{pointer:?}: {token:?} is not an index of an array of {len}"
                    ))
                })
        }
        _ => Err(not_a_container(pointer, token, "a scalar")),
    }
}

fn not_a_container(pointer: &str, token: &str, found: &str) -> WriteError {
    WriteError(format!("{pointer:?}: cannot set {token:?} inside {found}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_are_unescaped() {
        assert_eq!(tokens(""), Some(vec![]));
        assert_eq!(
            tokens("/a~1b/c~0d/"),
            Some(vec!["a/b".into(), "c~d".into(), "".into()])
        );
        assert_eq!(tokens("data"), None);
        assert_eq!(escape("a/b~c"), "a~1b~0c");
    }

    #[test]
    fn each_splits_at_the_first_star() {
        assert_eq!(split_each("/data"), Some(("/data".into(), vec![])));
        assert_eq!(
            split_each("/data/a~1b/edges/*/node"),
            Some(("/data/a~1b/edges".into(), vec!["node".into()]))
        );
        assert_eq!(split_each("/*"), Some((String::new(), vec![])));
        assert_eq!(split_each("edges/*"), None);
    }

    #[test]
    fn set_changes_one_field_and_creates_what_is_missing() {
        let mut body = json!({"filter": {"x": 1}, "sorts": [{"a": 1}]});
        set(&mut body, "/pagination/starting_after", json!("c2")).unwrap();
        set(&mut body, "/filter/y", json!(2)).unwrap();
        set(&mut body, "/sorts/0/a", json!(3)).unwrap();
        assert_eq!(
            body,
            json!({"filter": {"x": 1, "y": 2}, "sorts": [{"a": 3}], "pagination": {"starting_after": "c2"}})
        );
        let mut empty = Value::Null;
        set(&mut empty, "/start_cursor", json!("c")).unwrap();
        assert_eq!(empty, json!({"start_cursor": "c"}));
    }

    #[test]
    fn set_refuses_what_it_cannot_do() {
        let mut body = json!({"n": 1, "list": []});
        assert!(set(&mut body, "", json!(1)).is_err());
        assert!(set(&mut body, "cursor", json!(1)).is_err());
        assert!(set(&mut body, "/n/x", json!(1)).is_err());
        assert!(set(&mut body, "/list/3", json!(1)).is_err());
        assert_eq!(body, json!({"n": 1, "list": []}));
    }
}
