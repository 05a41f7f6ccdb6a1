//! Pagination fields no rule read: the evidence "never a silent half" rests
//! on when a strategy finds no next page.
//!
//! A page whose body still names a next page (a `next`, a cursor, a token,
//! an `after`, a continuation) where the strategy does not look is not the
//! end: ending there would drop the rest without a word. Such a field is
//! evidence of more, and the error names it and what would follow it.

use serde_json::Value;

use super::PageView;
use crate::text::{excerpt, redact};

/// Keys that name the next page, compared without case, `_`, `-`, `.` or `@`.
const NEXT_KEYS: &[&str] = &[
    "next",
    "nextcursor",
    "nextpage",
    "nextpagetoken",
    "nexttoken",
    "nextlink",
    "odatanextlink",
    "nexturl",
    "nextpageurl",
    "nextrecordsurl",
    "after",
    "startingafter",
    "continuation",
    "continuationtoken",
    "continue",
    "cursor",
    "scrollid",
];

/// Subtrees about other pages than the next one.
const OTHER_PAGES: &[&str] = &[
    "prev", "previous", "prior", "before", "first", "last", "self", "current", "start",
];

/// Flags that say this page is the last, and the value that says so.
const END_FLAGS: &[(&str, bool)] = &[
    ("islast", true),
    ("done", true),
    ("hasnext", false),
    ("hasnextpage", false),
    ("hasmore", false),
    ("more", false),
    ("moreresults", false),
];

/// How deep in the envelope pagination fields are looked for.
const MAX_DEPTH: usize = 4;

/// The first field of a non-empty page that names a next page nobody read,
/// as its pointer and its value (shortened, URLs redacted); `None` when the
/// page says it is the last, or the field only echoes the request.
pub(crate) fn next_field(page: &PageView<'_>) -> Option<(String, String)> {
    if page.item_count == 0 || says_last(page.envelope, 0) {
        return None;
    }
    let echoes = echoes(page);
    let mut found = None;
    // Keys that are themselves "next" first: `pages.next.starting_after`
    // before `pages.next.page`.
    for own_key_only in [true, false] {
        search(
            page.envelope,
            "",
            false,
            own_key_only,
            &echoes,
            &mut found,
            0,
        );
        if found.is_some() {
            break;
        }
    }
    let (pointer, value) = found?;
    Some((pointer, shown(&value)))
}

/// What to pass to follow the field at `pointer`.
pub(crate) fn hint(page: &PageView<'_>, pointer: &str) -> String {
    let value = page.envelope.pointer(pointer);
    let text = value.and_then(Value::as_str).unwrap_or_default();
    if text.contains("://") || text.starts_with('/') || text.starts_with('?') {
        return format!(
            "if it is the next page's URL, pass .strategy(Strategy::next_url(\"{pointer}\")) \
             (CLI: --next {pointer})"
        );
    }
    let key = pointer.rsplit('/').next().unwrap_or_default();
    let param = if normalized(key).starts_with("next") || key.is_empty() {
        "cursor"
    } else {
        key
    };
    if page.request.body().is_some() {
        format!(
            "if it is a cursor, say where it goes back, e.g. \
             .strategy(Strategy::cursor(\"{pointer}\", Target::body(\"/{param}\"))) \
             (CLI: --cursor {pointer} --cursor-body /{param})"
        )
    } else {
        format!(
            "if it is a cursor, pass .strategy(Strategy::cursor(\"{pointer}\", \"{param}\")) \
             (CLI: --cursor {pointer} --cursor-param {param})"
        )
    }
}

fn normalized(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | '@'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn says_last(value: &Value, depth: usize) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    object.iter().any(|(key, value)| {
        let key = normalized(key);
        END_FLAGS
            .iter()
            .any(|(flag, last)| key == *flag && value.as_bool() == Some(*last))
            || (depth < MAX_DEPTH && says_last(value, depth + 1))
    })
}

/// The request's own query parameters and body fields, as (normalized
/// name, value): a field that repeats one of them under the same name is
/// the position just asked for, not the next one.
fn echoes(page: &PageView<'_>) -> Vec<(String, String)> {
    let mut values: Vec<(String, String)> = page
        .request
        .url()
        .query_pairs()
        .map(|(name, value)| (normalized(&name), value.into_owned()))
        .collect();
    if let Some(body) = page.request.body() {
        collect_leaves(body, "", &mut values, 0);
    }
    values
}

fn collect_leaves(value: &Value, name: &str, into: &mut Vec<(String, String)>, depth: usize) {
    match value {
        Value::String(text) => into.push((normalized(name), text.clone())),
        Value::Number(number) => into.push((normalized(name), number.to_string())),
        Value::Object(object) if depth < MAX_DEPTH => {
            for (key, value) in object {
                collect_leaves(value, key, into, depth + 1);
            }
        }
        _ => {}
    }
}

fn search(
    value: &Value,
    pointer: &str,
    under_next: bool,
    own_key_only: bool,
    echoes: &[(String, String)],
    found: &mut Option<(String, Value)>,
    depth: usize,
) {
    let Some(object) = value.as_object() else {
        return;
    };
    for (key, value) in object {
        if found.is_some() {
            return;
        }
        let name = normalized(key);
        if OTHER_PAGES.contains(&name.as_str()) {
            continue;
        }
        let is_next = NEXT_KEYS.contains(&name.as_str());
        let at = format!("{pointer}/{}", crate::json_pointer::escape(key));
        match value {
            Value::Object(_) if depth < MAX_DEPTH => search(
                value,
                &at,
                under_next || is_next,
                own_key_only,
                echoes,
                found,
                depth + 1,
            ),
            Value::String(_) | Value::Number(_) => {
                let text = match value {
                    Value::String(text) => text.trim().to_owned(),
                    other => other.to_string(),
                };
                let counts = if own_key_only {
                    is_next
                } else {
                    is_next || under_next
                };
                let echo = echoes
                    .iter()
                    .any(|(sent, value)| *sent == name && *value == text);
                if counts && !text.is_empty() && !echo {
                    *found = Some((at, value.clone()));
                }
            }
            _ => {}
        }
    }
}

/// A value as an error message shows it.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => {
            let text = redact(text);
            format!("\"{}\"", excerpt(text.as_bytes(), 80))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::response;
    use serde_json::json;

    fn lingering(url: &str, body: Value) -> Option<(String, String)> {
        response(url, body).with_view(next_field)
    }

    #[test]
    fn a_next_field_nobody_read_is_found() {
        let hubspot = json!({"total": 23, "results": [{"id": "1"}], "paging": {"next": {"after": "10", "link": "?after=10"}}});
        assert_eq!(
            lingering("http://h/x", hubspot),
            Some(("/paging/next/after".into(), "\"10\"".into()))
        );
        let intercom = json!({"data": [1], "pages": {"next": {"page": 2, "starting_after": "WzE="}, "page": 1}});
        assert_eq!(
            lingering("http://h/x", intercom).map(|(pointer, _)| pointer),
            Some("/pages/next/starting_after".into())
        );
        let twitch = json!({"data": [1], "pagination": {"cursor": "eyJiIjpudWxsfQ"}});
        assert_eq!(
            lingering("http://h/x", twitch).map(|(pointer, _)| pointer),
            Some("/pagination/cursor".into())
        );
    }

    #[test]
    fn ends_echoes_and_other_pages_are_not_evidence() {
        for body in [
            json!({"data": [1], "next_cursor": null}),
            json!({"data": [1], "pagination": {}}),
            json!({"data": [1], "metadata": {"continue": ""}}),
            json!({"data": [1], "isLast": true, "nextPageToken": "t"}),
            json!({"data": [1], "links": {"prev": "http://h/x?page=1", "first": "http://h/x"}}),
            json!({"data": [], "next-cursor": "c"}),
        ] {
            assert_eq!(lingering("http://h/x", body.clone()), None, "{body}");
        }
        // The cursor just sent, echoed back.
        assert_eq!(
            lingering("http://h/x?cursor=c1", json!({"data": [1], "cursor": "c1"})),
            None
        );
    }

    #[test]
    fn the_hint_names_the_field_and_where_it_could_go() {
        let page = response(
            "http://h/x",
            json!({"results": [1], "paging": {"next": {"after": "10"}}}),
        );
        let hint = page.with_view(|view| super::hint(view, "/paging/next/after"));
        assert!(
            hint.contains("Strategy::cursor(\"/paging/next/after\", \"after\")"),
            "{hint}"
        );
        assert!(
            hint.contains("--cursor /paging/next/after --cursor-param after"),
            "{hint}"
        );
        let page = response(
            "http://h/x",
            json!({"data": [1], "paging": {"next": "?page=2"}}),
        );
        let hint = page.with_view(|view| super::hint(view, "/paging/next"));
        assert!(hint.contains("--next /paging/next"), "{hint}");
    }
}
