//! Never a silent half, stated once: when may a walk end after a page?
//!
//! After the rule that moves the walk has taken its facts, the walk ends
//! with success only when no remaining [fact](super::facts) says more. A
//! fact says more when a flag says more; a next link, token, next number or
//! `continue` object is present, not empty, and not an echo of the request;
//! a total or page count is not reached, counted from the items actually
//! delivered and the page's own echoed position; a `Content-Range` ends
//! short of its total; a value under a pagination name could not be read.
//! A flag that says this is the last page silences lingering links.
//! Otherwise the walk fails, naming the facts and the way forward.

use serde_json::Value;

use super::PageView;
use super::facts::{Count, Fact, Says, parameter_for, same_name};
use crate::request::merge_link;
use crate::text::{excerpt, redact};

/// What in the response says there are more pages, and what to pass to
/// reach them; `None` when nothing does.
pub(crate) fn more_evidence(page: &PageView<'_>) -> Option<(String, String)> {
    let facts = page.facts;
    if let Some(flag) = facts.says_more_flag() {
        return Some((
            format!("{} is {}", flag.place, flag.shown()),
            hint(page, Some(flag)),
        ));
    }
    if facts.says_last().is_some() {
        return None;
    }
    if let Some(fact) = unread_way_forward(page) {
        let said = match fact.says {
            Says::Unread(_) => format!(
                "{} is {}, which pagewalk cannot read",
                fact.place,
                shown(fact)
            ),
            _ => format!(
                "{} is {}, and no rule of this strategy read it",
                fact.place,
                shown(fact)
            ),
        };
        return Some((said, hint(page, Some(fact))));
    }
    if let Some(said) = count_not_reached(page) {
        return Some((said, hint(page, None)));
    }
    None
}

/// A page number or position the response echoes that is not the one the
/// request sent (under the same name): the API did not understand the
/// request, so the page is neither the one asked for nor the end.
pub(crate) fn contradiction(page: &PageView<'_>) -> Option<String> {
    page.facts.all.iter().find_map(|fact| {
        let (Says::Count(Count::Page | Count::Position, echoed), false) =
            (&fact.says, fact.in_header())
        else {
            return None;
        };
        let (name, sent) = page
            .request
            .url()
            .query_pairs()
            .find(|(name, _)| same_name(name, &fact.key))?;
        let sent: u64 = sent.trim().parse().ok()?;
        (sent != *echoed).then(|| {
            format!(
                "the request sent {name}={sent}, but {} is {echoed}: the API did not \
                 understand the request",
                fact.place
            )
        })
    })
}

/// A way forward of the page that no rule read, unless it only repeats
/// what the request sent.
fn unread_way_forward<'p>(page: &'p PageView<'_>) -> Option<&'p Fact<'p>> {
    page.facts.all.iter().find(|fact| {
        let forward = match &fact.says {
            Says::NextUrl(url) => {
                page.request.url().as_str() != url.trim()
                    && merge_link(page.final_url, url).ok().as_ref() != Some(page.request.url())
            }
            Says::Token(_) | Says::NextNumber(..) | Says::Continue(_) => true,
            Says::Unread(value) => could_mean_more(value),
            _ => false,
        };
        forward && !echoes(page, fact)
    })
}

/// Whether a value nobody could read might say more: anything but
/// nothing, `false` and zero.
fn could_mean_more(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => false,
        Value::String(text) => !text.trim().is_empty(),
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::Array(list) => !list.is_empty(),
        Value::Object(map) => !map.is_empty(),
        Value::Bool(true) => true,
    }
}

/// A total, page count or `Content-Range` the walk has not reached.
fn count_not_reached(page: &PageView<'_>) -> Option<String> {
    let facts = page.facts;
    if let Some(more) = more_pages(page) {
        if more {
            let (current, number) = current_page(page)?;
            let (count, pages) = facts.count_fact(Count::Pages).map_or_else(
                || {
                    (
                        "page count".to_owned(),
                        facts.page_count().unwrap_or_default(),
                    )
                },
                |(fact, n)| (fact.place.clone(), n),
            );
            return Some(format!("{current} is {number}, of {pages} pages ({count})"));
        }
    }
    if let Some(range) = facts.content_range {
        if let (Some((_, last)), Some(total)) = (range.items, range.total) {
            if last.saturating_add(1) < total {
                return Some(format!("Content-Range ends at {last} of {total}"));
            }
        }
    }
    if page.item_count == 0 {
        return None;
    }
    let reached = reached(page);
    for kind in [Count::Total, Count::TotalAtLeast] {
        if let Some((fact, total)) = facts.count_fact(kind) {
            if reached < total {
                return Some(format!(
                    "{} is {total}, only {reached} items reached",
                    fact.place
                ));
            }
        }
    }
    // A total given on an earlier page only (many APIs count on page 1 alone).
    match (facts.total(), page.earlier_total) {
        (None, Some(total)) if reached < total => Some(format!(
            "an earlier page gave a total of {total}, only {reached} items reached"
        )),
        _ => None,
    }
}

/// This page's number, as the body or a header gives it, and where.
pub(crate) fn current_page(page: &PageView<'_>) -> Option<(String, u64)> {
    let (fact, n) = page.facts.count_fact(Count::Page)?;
    Some((fact.place.clone(), n))
}

/// Whether the page count says more pages follow this one: pages count from
/// 0 when this one is page 0, or when the pages before it hold exactly
/// `page * per_page` items (Algolia's `page` and `nbPages`).
pub(crate) fn more_pages(page: &PageView<'_>) -> Option<bool> {
    let (_, current) = current_page(page)?;
    let count = page
        .facts
        .count(Count::Pages)
        .or_else(|| page.facts.page_count())?;
    let before = page.items_seen.saturating_sub(page.item_count as u64);
    let from_zero = current == 0
        || page
            .facts
            .count(Count::PerPage)
            .is_some_and(|per_page| current.saturating_mul(per_page) == before && before > 0);
    let last = if from_zero {
        count.saturating_sub(1)
    } else {
        count
    };
    Some(current < last)
}

/// How far into the collection this page ends: the items the walk has
/// delivered, or further when the response says where the page stands and
/// the request agrees (a walk that started in the middle): a position the
/// request sent plus the page's items, Laravel's `to`, a `Content-Range`.
pub(crate) fn reached(page: &PageView<'_>) -> u64 {
    let count = page.item_count as u64;
    let facts = page.facts;
    let by_position = facts
        .count_fact(Count::Position)
        .filter(|(fact, n)| sent(page, &fact.key, &n.to_string()))
        .map(|(_, position)| position.saturating_add(count));
    let to = facts.count(Count::To);
    let by_range = facts
        .content_range
        .and_then(|range| range.items)
        .map(|(_, last)| last.saturating_add(1));
    [by_position, to, by_range]
        .into_iter()
        .flatten()
        .fold(page.items_seen, u64::max)
}

/// Whether `fact` repeats a parameter of the request under the name it
/// would go back as (the position just asked for, not the next one).
pub(crate) fn echoes(page: &PageView<'_>, fact: &Fact<'_>) -> bool {
    let text = match &fact.says {
        Says::Token(value) | Says::Unread(value) => match value.as_ref() {
            Value::String(text) => text.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            _ => return false,
        },
        Says::NextNumber(_, n) => n.to_string(),
        _ => return false,
    };
    // A continuation header may repeat the token sent under any name.
    // (a number is too common a value to tell an echo by).
    let header_token =
        fact.in_header() && matches!(fact.says, Says::Token(_)) && text.parse::<u64>().is_err();
    let anywhere = |sent: &str| sent == text;
    sent(page, &parameter_for(&fact.key), &text)
        || header_token
            && page
                .request
                .headers()
                .iter()
                .any(|(_, value)| anywhere(value))
        || header_token
            && page
                .request
                .url()
                .query_pairs()
                .any(|(_, value)| anywhere(&value))
}

/// Whether the request sent `value` under `name` (in any case style), in
/// its query or its body.
pub(crate) fn sent(page: &PageView<'_>, name: &str, value: &str) -> bool {
    let in_query = page
        .request
        .url()
        .query_pairs()
        .any(|(key, sent)| same_name(&key, name) && sent == value);
    in_query
        || page
            .request
            .body()
            .is_some_and(|body| body_has(body, name, value, 0))
}

fn body_has(body: &Value, name: &str, value: &str, depth: usize) -> bool {
    let Value::Object(object) = body else {
        return false;
    };
    object.iter().any(|(key, field)| match field {
        Value::String(text) => same_name(key, name) && text == value,
        Value::Number(number) => same_name(key, name) && number.to_string() == value,
        Value::Object(_) if depth < 4 => body_has(field, name, value, depth + 1),
        _ => false,
    })
}

/// What to pass to follow the evidence, `fact` when one fact is it.
fn hint(page: &PageView<'_>, fact: Option<&Fact<'_>>) -> String {
    let body = page.request.body().is_some();
    let facts = page.facts;
    let fact = fact.or_else(|| unread_way_forward(page));
    match fact.map(|fact| (fact, &fact.says)) {
        Some((fact, Says::NextUrl(_))) if fact.place == "Link header" => {
            "pass .strategy(Strategy::link_header())".into()
        }
        Some((fact, Says::NextUrl(_))) => format!(
            "if it is the next page's URL, pass .strategy(Strategy::next_url(\"{0}\")) (CLI: --next {0})",
            fact.place
        ),
        Some((fact, Says::Continue(_))) => format!(
            "pass .strategy(Strategy::continuation(\"{0}\")) (CLI: --continue {0})",
            fact.place
        ),
        Some((fact, Says::Token(_) | Says::NextNumber(..))) if fact.in_header() => {
            let name = &fact.key;
            let target = if body {
                "--cursor-body /POINTER"
            } else {
                "--cursor-param NAME"
            };
            format!(
                "if it carries the next page's token, pass .strategy(Strategy::cursor(Token::header(\"{name}\"), \"NAME\")) \
                 with the parameter the API takes it back as (CLI: --cursor-header {name} {target})"
            )
        }
        Some((fact, Says::Token(_) | Says::NextNumber(..))) => {
            cursor_hint(&fact.place, &parameter_for(&fact.key), body)
        }
        _ => {
            if let Some((fact, _)) = facts.count_fact(Count::Page) {
                let param = page_param(&fact.key);
                return format!(
                    "try .strategy(Strategy::page_number(\"{param}\")) (CLI: --page-param {param})"
                );
            }
            if facts.at("/hits/total").is_some() {
                return "for Elasticsearch, pass .strategy(Strategy::offset(Target::body(\"/from\"))) \
                        (CLI: --offset-body /from), or search_after with \
                        Strategy::keyset(Target::body(\"/search_after\"), \"/sort\")"
                    .into();
            }
            if let Some((fact, _)) = facts.count_fact(Count::Position) {
                let key = &fact.key;
                return format!(
                    "try .strategy(Strategy::offset(\"{key}\")) (CLI: --offset-param {key})"
                );
            }
            "choose a Strategy explicitly: next_url, cursor, page_number, offset, keyset or custom"
                .into()
        }
    }
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
    if key.starts_with("X-")
        || key.starts_with("x-")
        || same_name(key, "current_page")
        || same_name(key, "page_index")
    {
        "page"
    } else {
        key
    }
}

/// A fact's value as an error message shows it: short, URLs redacted.
fn shown(fact: &Fact<'_>) -> String {
    excerpt(redact(&fact.shown()).as_bytes(), 80)
}
