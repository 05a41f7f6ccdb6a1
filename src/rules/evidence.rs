//! What says there are more pages when no rule found the way to them, and
//! what to pass then.
//!
//! Never a silent half: a page is the last one only when nothing in the
//! response says otherwise. Evidence of more is any pagination signal no
//! rule consumed (see [`Signals`]): a flag that says more, a next-page URL
//! or a token, a `continue` object, a continuation header, a page count or
//! a total not reached, a `Content-Range` short of its total,
//! `X-Next-Page`. Evidence without a way forward is an error that names it
//! and the flags that would follow it.

use serde_json::Value;

use super::PageView;
use super::signals::{Field, Signals};
use super::vocabulary::{normalized, parameter_for};
use crate::text::{excerpt, redact};

/// Keys that sit beside a top-level `total` when it counts the collection's
/// items, and not, say, an amount of money.
const PAGINATION_KEYS: &[&str] = &[
    "perpage",
    "page",
    "currentpage",
    "lastpage",
    "limit",
    "offset",
    "skip",
    "startat",
    "from",
    "to",
    "next",
    "links",
    "paging",
    "pages",
    "pagination",
    "hasmore",
];

/// Why the response says there are more pages, and what to pass to reach
/// them; `None` when nothing does.
pub(crate) fn more_evidence(page: &PageView<'_>) -> Option<(String, String)> {
    let signals = page.signals;
    what_says_more(page, signals).map(|evidence| (evidence, hint(page, signals)))
}

/// What in the response says there are more pages, if anything does.
fn what_says_more(page: &PageView<'_>, signals: &Signals<'_>) -> Option<String> {
    if let Some((field, true)) = signals.more_flag() {
        return Some(format!("{} is {}", field.pointer, field.value));
    }
    if let Some(next) = page
        .headers
        .get("X-Next-Page")
        .and_then(|value| value.to_str().ok())
        .filter(|next| !next.trim().is_empty())
    {
        return Some(format!("X-Next-Page: {}", next.trim()));
    }
    if let Some(field) = unread_way_forward(page, signals) {
        return Some(format!(
            "{} is {}, and no rule of this strategy read it",
            field.pointer,
            shown(field.value)
        ));
    }
    if let Some(name) = fresh_continuation_header(page, signals) {
        return Some(format!("the response header {name} is set"));
    }
    if let (Some(current), Some(count)) = (&signals.current_page, &signals.page_count) {
        if more_pages(page, signals) == Some(true) {
            return Some(format!(
                "{} {} of {} {}",
                current.key, current.value, count.key, count.value
            ));
        }
    }
    if let Some(range) = signals.content_range {
        if let (Some((_, last)), Some(total)) = (range.items, range.total) {
            if last.saturating_add(1) < total {
                return Some(format!("Content-Range ends at {last} of {total}"));
            }
        }
    }
    total_not_reached(page, signals).or_else(|| unnamed_pagination(page))
}

/// A continuation header, also on an empty page (Cosmos DB sends those),
/// unless it only repeats the token just sent.
fn fresh_continuation_header<'s>(page: &PageView<'_>, signals: &'s Signals<'_>) -> Option<&'s str> {
    let (name, token) = signals.continuation_header.as_ref()?;
    let sent = page
        .request
        .url()
        .query_pairs()
        .any(|(_, sent)| sent == token.as_str())
        || page.request.headers().iter().any(|(_, sent)| sent == token);
    (!sent).then_some(name.as_str())
}

/// Words that, in a field's name, say it is about pagination.
const PAGINATION_HINTS: &[&str] = &["next", "cursor", "continu", "moreitems", "hasmore", "endof"];

/// Words that, in a field's name, say it is about another page than the next.
const OTHER_PAGE_HINTS: &[&str] = &[
    "prev", "before", "first", "last", "self", "start", "current",
];

/// A field of a non-empty page whose name speaks of pagination and that no
/// rule knows (`additional_data.pagination.more_items_in_collection`,
/// `end_of_stream: false`, a numeric `next_page`): evidence all the same.
fn unnamed_pagination(page: &PageView<'_>) -> Option<String> {
    let says_last = page.signals.flags.iter().any(|(_, more)| !more);
    if page.item_count == 0 || says_last {
        return None;
    }
    find_unnamed(page, page.envelope, "", 0)
}

fn find_unnamed(page: &PageView<'_>, value: &Value, path: &str, depth: usize) -> Option<String> {
    let object = value.as_object()?;
    object.iter().find_map(|(key, value)| {
        let name = normalized(key);
        let pointer = format!("{path}/{}", crate::json_pointer::escape(key));
        if OTHER_PAGE_HINTS.iter().any(|hint| name.contains(hint)) {
            return None;
        }
        let about_pages = PAGINATION_HINTS.iter().any(|hint| name.contains(hint));
        let says_more = match value {
            Value::Bool(flag) => *flag != name.contains("endof"),
            Value::String(text) => !text.trim().is_empty(),
            Value::Number(number) => number.as_u64() != Some(0),
            _ => false,
        };
        let echo = echoes(
            page,
            &Field {
                pointer: pointer.clone(),
                key,
                value,
            },
        );
        if about_pages && says_more && !echo {
            return Some(format!(
                "{pointer} is {}, and no rule knows that field",
                shown(value)
            ));
        }
        match value {
            Value::Object(_) if depth < 3 => find_unnamed(page, value, &pointer, depth + 1),
            _ => None,
        }
    })
}

/// Whether the page count says more pages follow this one: pages count from
/// 0 when this one is page 0, or when the pages before it hold exactly
/// `page * per_page` items (Algolia's `page` and `nbPages`).
pub(crate) fn more_pages(page: &PageView<'_>, signals: &Signals<'_>) -> Option<bool> {
    let current = signals.current_page.as_ref()?.value;
    let count = signals.page_count.as_ref()?.value;
    let before = page.items_seen.saturating_sub(page.item_count as u64);
    let from_zero = current == 0
        || signals
            .per_page
            .as_ref()
            .is_some_and(|per_page| current.saturating_mul(per_page.value) == before && before > 0);
    let last = if from_zero {
        count.saturating_sub(1)
    } else {
        count
    };
    Some(current < last)
}

/// A next-page URL, token or `continue` object of a non-empty page that
/// no rule read, unless it only repeats what the request sent.
fn unread_way_forward<'a>(page: &PageView<'_>, signals: &'a Signals<'a>) -> Option<&'a Field<'a>> {
    let says_last = signals.flags.iter().any(|(_, more)| !more);
    if page.item_count == 0 || says_last {
        return None;
    }
    signals
        .next_urls
        .iter()
        .chain(signals.cursors.iter())
        .chain(signals.continuation.iter())
        .find(|field| !echoes(page, field))
}

/// Whether `field` repeats a parameter of the request under the name it
/// would go back as (the position just asked for, not the next one).
pub(crate) fn echoes(page: &PageView<'_>, field: &Field<'_>) -> bool {
    let Value::String(text) = field.value else {
        return match field.value {
            Value::Number(number) => sent(page, &parameter_for(field.key), &number.to_string()),
            _ => false,
        };
    };
    sent(page, &parameter_for(field.key), text.trim())
}

fn sent(page: &PageView<'_>, name: &str, value: &str) -> bool {
    let name = normalized(name);
    let in_query = page
        .request
        .url()
        .query_pairs()
        .any(|(key, sent)| normalized(&key) == name && sent == value);
    let in_body = page
        .request
        .body()
        .is_some_and(|body| body_has(body, &name, value, 0));
    in_query || in_body
}

fn body_has(body: &Value, name: &str, value: &str, depth: usize) -> bool {
    let Value::Object(object) = body else {
        return false;
    };
    object.iter().any(|(key, field)| match field {
        Value::String(text) => normalized(key) == name && text == value,
        Value::Number(number) => normalized(key) == name && number.to_string() == value,
        Value::Object(_) if depth < 4 => body_has(field, name, value, depth + 1),
        _ => false,
    })
}

/// How far into the collection this page ends: what the walk has seen, or
/// further when the response says where the page stands (a walk that
/// started in the middle): Laravel's `to`, a position plus the page's
/// items, or the page number times the page size.
pub(crate) fn reached(page: &PageView<'_>, signals: &Signals<'_>) -> u64 {
    let count = page.item_count as u64;
    let to = ["/to", "/meta/to"]
        .iter()
        .find_map(|pointer| page.envelope.pointer(pointer).and_then(Value::as_u64));
    let by_position = signals
        .position
        .as_ref()
        .map(|position| position.value.saturating_add(count));
    let by_page = match (&signals.current_page, &signals.per_page) {
        (Some(current), Some(per_page)) if current.value > 0 => Some(
            (current.value - 1)
                .saturating_mul(per_page.value)
                .saturating_add(count),
        ),
        _ => None,
    };
    let by_range = signals
        .content_range
        .and_then(|range| range.items)
        .map(|(_, last)| last.saturating_add(1));
    [to, by_position, by_page, by_range]
        .into_iter()
        .flatten()
        .fold(page.items_seen, u64::max)
}

/// A total the walk has not reached, when it surely counts items: a header,
/// a `meta` or nested field, or a top-level field beside pagination fields.
fn total_not_reached(page: &PageView<'_>, signals: &Signals<'_>) -> Option<String> {
    let total = signals.total.as_ref()?;
    let surely_items = total.pointer.starts_with("header")
        || total.pointer.matches('/').count() > 1
        || page.envelope.as_object().is_some_and(|object| {
            object
                .keys()
                .any(|key| PAGINATION_KEYS.contains(&normalized(key).as_str()))
        })
        || signals.position.is_some();
    if !surely_items || page.item_count == 0 {
        return None;
    }
    let reached = reached(page, signals);
    (reached < total.value).then(|| {
        format!(
            "{} is {}, only {reached} items reached",
            total.key, total.value
        )
    })
}

/// What to pass to follow the evidence in `signals`.
fn hint(page: &PageView<'_>, signals: &Signals<'_>) -> String {
    let body = page.request.body().is_some();
    if let Some(field) = unread_way_forward(page, signals) {
        return if signals
            .next_urls
            .iter()
            .any(|url| url.pointer == field.pointer)
        {
            format!(
                "if it is the next page's URL, pass .strategy(Strategy::next_url(\"{0}\")) (CLI: --next {0})",
                field.pointer
            )
        } else if signals
            .continuation
            .as_ref()
            .is_some_and(|object| object.pointer == field.pointer)
        {
            format!(
                "pass .strategy(Strategy::continuation(\"{0}\")) (CLI: --continue {0})",
                field.pointer
            )
        } else {
            cursor_hint(&field.pointer, &parameter_for(field.key), body)
        };
    }
    if let Some((name, _)) = &signals.continuation_header {
        let target = if body {
            "--cursor-body /POINTER"
        } else {
            "--cursor-param NAME"
        };
        return format!(
            "if it carries the next page's token, pass .strategy(Strategy::cursor(Token::header(\"{name}\"), \"NAME\")) \
             with the parameter the API takes it back as (CLI: --cursor-header {name} {target})"
        );
    }
    if let Some(current) = &signals.current_page {
        let param = page_param(&current.key);
        return format!(
            "try .strategy(Strategy::page_number(\"{param}\")) (CLI: --page-param {param})"
        );
    }
    if signals
        .total
        .as_ref()
        .is_some_and(|total| total.key == "hits.total")
    {
        return "for Elasticsearch, pass .strategy(Strategy::offset(Target::body(\"/from\"))) \
                (CLI: --offset-body /from), or search_after with \
                Strategy::keyset(Target::body(\"/search_after\"), \"/sort\")"
            .into();
    }
    if let Some(position) = &signals.position {
        let key = &position.key;
        return format!("try .strategy(Strategy::offset(\"{key}\")) (CLI: --offset-param {key})");
    }
    "choose a Strategy explicitly: next_url, cursor, page_number, offset, keyset or custom".into()
}

/// The hint for a token at `pointer`, going back as `param`.
pub(crate) fn cursor_hint(pointer: &str, param: &str, body: bool) -> String {
    if body {
        format!(
            "if it is a cursor, say where it goes back, e.g. \
             .strategy(Strategy::cursor(\"{pointer}\", Target::body(\"/{param}\"))) \
             (CLI: --cursor {pointer} --cursor-body /{param})"
        )
    } else {
        format!(
            "if it is a cursor, pass .strategy(Strategy::cursor(\"{pointer}\", \"{param}\")) \
             with the parameter the API takes it back as (CLI: --cursor {pointer} --cursor-param {param})"
        )
    }
}

/// The query parameter a page-number field suggests: `current_page` is
/// asked for as `page`.
pub(crate) fn page_param(key: &str) -> &str {
    match normalized(key).as_str() {
        "currentpage" | "pageindex" => "page",
        _ => key,
    }
}

/// A value as an error message shows it: short, URLs redacted.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => format!("\"{}\"", excerpt(redact(text).as_bytes(), 80)),
        Value::Object(_) => excerpt(value.to_string().as_bytes(), 80),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::response;
    use serde_json::json;

    /// The evidence in `body` (items at `data`, if any), with `seen` items so far.
    fn evidence(body: Value, seen: u64) -> Option<String> {
        response("http://h/x", body)
            .seen(seen)
            .with_view(more_evidence)
            .map(|(evidence, _)| evidence)
    }

    #[test]
    fn flags_headers_counts_and_totals() {
        assert_eq!(
            evidence(json!({"data": [1], "has_more": true}), 1).as_deref(),
            Some("/has_more is true")
        );
        assert_eq!(
            evidence(
                json!({"data": [1], "meta": {"current_page": 1, "last_page": 2}}),
                1
            )
            .as_deref(),
            Some("current_page 1 of last_page 2")
        );
        let next_page = |value: &str| {
            response("http://h/x", json!({"data": [1]}))
                .header("X-Next-Page", value)
                .with_view(more_evidence)
        };
        assert_eq!(
            next_page("3").map(|e| e.0).as_deref(),
            Some("X-Next-Page: 3")
        );
        assert!(next_page("").is_none());
        let paged = |total: u64| json!({"data": [1, 2, 3, 4, 5], "total": total, "per_page": 5});
        assert!(evidence(paged(10), 5).is_some());
        assert!(evidence(paged(10), 10).is_none());
        assert!(evidence(json!({"data": [1], "total": 10, "to": 10}), 5).is_none());
        assert!(evidence(json!({"data": [], "total": 10, "per_page": 5}), 5).is_none());
        let total_header = response("http://h/x", json!({"data": [1]}))
            .header("Total", "10")
            .with_view(more_evidence);
        assert!(total_header.is_some());
        // A lone `total` may be money, not a count of items.
        assert!(evidence(json!({"data": [1, 2], "total": 1999}), 2).is_none());
        assert!(evidence(json!({"data": [1], "has_more": false}), 1).is_none());
        let range = response("http://h/x", json!([1])).header("Content-Range", "0-4/23");
        assert_eq!(
            range.with_view(more_evidence).map(|e| e.0).as_deref(),
            Some("Content-Range ends at 4 of 23")
        );
        let azure = response("http://h/x", json!({"count": 1, "value": [1]}))
            .header("x-ms-continuationtoken", "abc");
        let (evidence, hint) = azure.with_view(more_evidence).expect("evidence");
        assert_eq!(
            evidence,
            "the response header x-ms-continuationtoken is set"
        );
        assert!(
            hint.contains("--cursor-header x-ms-continuationtoken"),
            "{hint}"
        );
    }

    #[test]
    fn a_way_forward_nobody_read_is_evidence_with_its_flags() {
        let hubspot = json!({"results": [1], "paging": {"next": {"after": "10"}}});
        let (said, hint) = response("http://h/x", hubspot)
            .with_view(more_evidence)
            .unwrap();
        assert_eq!(
            said,
            "/paging/next/after is \"10\", and no rule of this strategy read it"
        );
        assert!(
            hint.contains("--cursor /paging/next/after --cursor-param after"),
            "{hint}"
        );
        let wiki = json!({"query": {"allcategories": [1]}, "continue": {"accontinue": "B", "continue": "-||"}});
        let (_, hint) = response("http://h/x", wiki)
            .with_view(more_evidence)
            .unwrap();
        assert!(hint.contains("--continue /continue"), "{hint}");
        // The cursor just sent, echoed back, is not a way forward.
        let echo = response("http://h/x?cursor=c1", json!({"data": [1], "cursor": "c1"}));
        assert!(echo.with_view(more_evidence).is_none());
        // Nor is anything on an empty page, nor a cursor the page calls the last.
        assert!(evidence(json!({"data": [], "next-cursor": "c"}), 0).is_none());
        assert!(
            evidence(
                json!({"data": [1], "isLast": true, "nextPageToken": "t"}),
                1
            )
            .is_none()
        );
    }

    #[test]
    fn pages_counted_from_zero() {
        let algolia = |page: u64, seen: u64| {
            response(
                "http://h/x",
                json!({"hits": [1, 2, 3, 4, 5], "page": page, "nbPages": 5, "hitsPerPage": 5}),
            )
            .seen(seen)
            .with_view(|view| more_pages(view, view.signals))
        };
        assert_eq!(algolia(0, 5), Some(true));
        assert_eq!(algolia(3, 20), Some(true));
        assert_eq!(algolia(4, 25), Some(false));
        let tmdb = |page: u64| {
            response(
                "http://h/x",
                json!({"results": [1], "page": page, "total_pages": 2}),
            )
            .with_view(|view| more_pages(view, view.signals))
        };
        assert_eq!((tmdb(1), tmdb(2)), (Some(true), Some(false)));
    }
}
