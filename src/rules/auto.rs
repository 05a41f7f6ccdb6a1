//! Auto-detection: the way forward a response gives, by rules stated once
//! and tried in this order (the README's table repeats them):
//!
//! 1. a GraphQL connection, for a request with a `query`;
//! 2. a flag that says this is the last page (`has_more: false`,
//!    `isLast: true`, `done: true`, `endOfRecords: true`, ...) ends the walk,
//!    whatever next link lingers; a flag that says more, next to one that
//!    says the end, is an error;
//! 3. the `Link` header's `rel="next"`;
//! 4. a next-page URL in the body (absolute, host-relative or only a query
//!    string, or an object's `href`/`uri`/`url`/`link`); two that disagree
//!    are an error;
//! 5. a `continue` object, every member of which goes into the query
//!    (MediaWiki);
//! 6. a token, sent back under its name without `next` (`nextPageToken` as
//!    `pageToken`) or under its own (`continue`, `after`, `offset`);
//!    Notion's list object sends `next_cursor` back as `start_cursor`;
//! 7. a Stripe list (`"object": "list"`, `has_more`): the last item's `id`
//!    as `starting_after`;
//! 8. a page number and a page count or total (`page`/`total_pages`,
//!    `page`/`nbPages` from 0, `current_page`/`last_page`);
//! 9. a position and a total or a flag (`skip`/`total`, `startAt`/`total`,
//!    `offset`/`endOfRecords`, `Content-Range`).
//!
//! On an empty page, a token or URL that repeats the request is the end.
//! Otherwise a page that offers nothing ends the walk, unless
//! [`evidence`](super::evidence) says there is more: then it is an error.

use serde_json::Value;

use super::evidence::{cursor_hint, echoes, more_pages, page_param, reached};
use super::signals::{Field, Signals};
use super::step::{
    Next, Problem, continue_with, empty_too_soon, end_or_more, follow, follow_url, keyset,
    link_next, resolve,
};
use super::vocabulary::{normalized, parameter_for};
use super::{PageView, graphql, shape};
use crate::request::get_param;
use crate::{Strategy, Target};

/// One rule: the next step, if the response speaks its style.
type Rule = fn(&PageView<'_>, &Signals<'_>) -> Option<Result<Next, Problem>>;

/// The next step of [`Strategy::auto`].
pub(super) fn next_step(page: &PageView<'_>, signals: &Signals<'_>) -> Result<Next, Problem> {
    if graphql::is_query(page.request) && shape::connection_of(page.items_pointer).is_some() {
        return graphql::next_step(page, None, Strategy::graphql());
    }
    if says_last(signals)? {
        return Ok(Next::End);
    }
    if let Some(next) = link_next(page)? {
        return Ok(next);
    }
    let rules: [Rule; 5] = [next_url, continuation, cursor, stripe, numbers];
    rules
        .iter()
        .find_map(|rule| rule(page, signals))
        .unwrap_or_else(|| end_or_more(page))
}

/// Whether a flag says this is the last page; `Err` when another says more.
pub(super) fn says_last(signals: &Signals<'_>) -> Result<bool, Problem> {
    let last = signals.flags.iter().find(|(_, more)| !more);
    let more = signals.flags.iter().find(|(_, more)| *more);
    match (last, more) {
        (Some((last, _)), Some((more, _))) => Err(Problem::MoreButNotFound {
            evidence: format!(
                "{} is {} but {} is {}",
                more.pointer, more.value, last.pointer, last.value
            ),
            hint: "the response contradicts itself: choose a Strategy explicitly".into(),
        }),
        (Some(_), None) => Ok(true),
        _ => Ok(false),
    }
}

/// Rule 4: the body's next-page URL.
fn next_url(page: &PageView<'_>, signals: &Signals<'_>) -> Option<Result<Next, Problem>> {
    let first = signals.next_urls.first()?;
    let text = first.value.as_str()?;
    let target = resolve(page, text).ok();
    if let Some(other) = signals.next_urls.iter().find(|other| {
        other
            .value
            .as_str()
            .is_some_and(|url| resolve(page, url).ok() != target)
    }) {
        return Some(Err(Problem::MoreButNotFound {
            evidence: format!(
                "{} and {} name different next pages",
                first.pointer, other.pointer
            ),
            hint: format!(
                "choose one: .strategy(Strategy::next_url(\"{}\")) (CLI: --next {})",
                first.pointer, first.pointer
            ),
        }));
    }
    if page.item_count == 0 && target.as_ref() == Some(page.request.url()) {
        return Some(Ok(Next::End));
    }
    Some(follow_url(page, text, Strategy::next_url(&first.pointer)))
}

/// Rule 5: MediaWiki's `continue` object.
fn continuation(page: &PageView<'_>, signals: &Signals<'_>) -> Option<Result<Next, Problem>> {
    let field = signals.continuation.as_ref()?;
    Some(continue_with(
        page,
        field.value,
        Strategy::continuation(&field.pointer),
    ))
}

/// Rule 6: a token, sent back as a query parameter.
fn cursor(page: &PageView<'_>, signals: &Signals<'_>) -> Option<Result<Next, Problem>> {
    // A token that repeats the one sent is a position, unless it is the only one.
    let fresh: Vec<&Field<'_>> = signals
        .cursors
        .iter()
        .filter(|field| !echoes(page, field))
        .collect();
    let candidates = match fresh.is_empty() {
        true => signals.cursors.iter().collect(),
        false => fresh,
    };
    let first = *candidates.first()?;
    if echoes(page, first) && page.item_count == 0 {
        // The token just sent, again, on an empty page: the end (Crossref,
        // Europe PMC). On a full page it is followed, and the loop guard
        // refuses the same request twice: an error, never a quiet end.
        return Some(Ok(Next::End));
    }
    let notion = page.envelope.get("object") == Some(&Value::String("list".into()))
        && normalized(first.key) == "nextcursor";
    let param = if notion {
        "start_cursor".to_owned()
    } else {
        parameter_for(first.key)
    };
    if let Some(other) = candidates
        .iter()
        .skip(1)
        .find(|other| parameter_for(other.key) != param && other.value != first.value)
    {
        return Some(Err(Problem::MoreButNotFound {
            evidence: format!(
                "two tokens, {} and {}, and nothing says which one leads on",
                first.pointer, other.pointer
            ),
            hint: cursor_hint(&first.pointer, &param, page.request.body().is_some()),
        }));
    }
    let target = match (page.request.body().is_some(), notion) {
        (false, _) => Target::query(param.as_str()),
        (true, true) => Target::body(format!("/{param}")),
        (true, false) => {
            return Some(Err(Problem::MoreButNotFound {
                evidence: format!(
                    "a cursor at {}, in the answer to a {} with a JSON body",
                    first.pointer,
                    page.request.method()
                ),
                hint: cursor_hint(&first.pointer, &param, true),
            }));
        }
    };
    let via = Strategy::cursor(first.pointer.as_str(), target.clone());
    Some(follow(page, &target, first.value, via))
}

/// Rule 7: Stripe's list object.
fn stripe(page: &PageView<'_>, signals: &Signals<'_>) -> Option<Result<Next, Problem>> {
    let more = signals.more_flag().map(|(_, more)| *more);
    if page.envelope.get("object") != Some(&Value::String("list".into())) || more != Some(true) {
        return None;
    }
    let via = Strategy::keyset("starting_after", "/id");
    Some(keyset(
        page,
        more,
        &Target::query("starting_after"),
        "/id",
        via,
    ))
}

/// Rules 8 and 9, page numbers then positions; positions first when the
/// request carries one (an API that takes an offset and reports a page too).
fn numbers(page: &PageView<'_>, signals: &Signals<'_>) -> Option<Result<Next, Problem>> {
    let sends_position = signals
        .position
        .as_ref()
        .is_some_and(|position| sent_as(page, &position.key, position.value).is_some());
    if sends_position {
        offset(page, signals).or_else(|| page_number(page, signals))
    } else {
        page_number(page, signals).or_else(|| offset(page, signals))
    }
}

/// Rule 8: a page number with a page count or a total.
fn page_number(page: &PageView<'_>, signals: &Signals<'_>) -> Option<Result<Next, Problem>> {
    let current = signals.current_page.as_ref()?;
    let by_count = more_pages(page, signals);
    let by_total = signals.total().map(|total| reached(page, signals) < total);
    let more = match (by_count, by_total) {
        (None, None) => return None,
        (by_count, by_total) => by_count.unwrap_or(true) && by_total.unwrap_or(true),
    };
    if page.item_count == 0 && more {
        return Some(Err(empty_too_soon(format!(
            "{} {} is empty, before the end the response announces",
            current.key, current.value
        ))));
    }
    if !more || page.item_count == 0 {
        return Some(end_or_more(page));
    }
    let param = sent_as(page, &current.key, current.value)
        .unwrap_or_else(|| page_param(&current.key).to_owned());
    let next = current.value.saturating_add(1);
    let target = Target::query(param.as_str());
    Some(follow(
        page,
        &target,
        &Value::from(next),
        Strategy::page_number(param.as_str()),
    ))
}

/// Rule 9: a position with a total, a flag that says more, or a `Content-Range`.
fn offset(page: &PageView<'_>, signals: &Signals<'_>) -> Option<Result<Next, Problem>> {
    let (param, position, total) = match (&signals.position, signals.content_range) {
        (Some(position), _) => {
            let param = sent_as(page, &position.key, position.value)
                .unwrap_or_else(|| position.key.clone());
            (param, position.value, signals.total())
        }
        (None, Some(range)) => {
            let start = range.items.map_or(0, |(first, _)| first);
            let param = ["offset", "skip"]
                .iter()
                .find(|name| get_param(page.request.url(), name).is_some())
                .unwrap_or(&"offset");
            (param.to_string(), start, range.total)
        }
        _ => return None,
    };
    let flagged = signals.more_flag().is_some_and(|(_, more)| *more);
    if total.is_none() && !flagged && signals.content_range.is_none() {
        return None;
    }
    let next = position.saturating_add(page.item_count as u64);
    if page.item_count == 0 && total.is_some_and(|total| position < total) {
        return Some(Err(empty_too_soon(format!(
            "the page at {position} is empty, of {} items",
            total.unwrap_or_default()
        ))));
    }
    if page.item_count == 0 || total.is_some_and(|total| next >= total) {
        return Some(end_or_more(page));
    }
    let target = Target::query(param.as_str());
    Some(follow(
        page,
        &target,
        &Value::from(next),
        Strategy::offset(param.as_str()),
    ))
}

/// The request's query parameter that carries `value` under a name like
/// `key`'s: how this API spells it (`page[number]`, `$skip`).
fn sent_as(page: &PageView<'_>, key: &str, value: u64) -> Option<String> {
    const PAGE_NAMES: [&str; 4] = ["page", "pagenumber", "page[number]", "currentpage"];
    let key = normalized(key);
    let page_like = PAGE_NAMES.contains(&key.as_str());
    page.request
        .url()
        .query_pairs()
        .find(|(name, sent)| {
            let name = normalized(name);
            // The same name, never another that merely ends like it (`per_page`).
            (name == key || (page_like && PAGE_NAMES.contains(&name.as_str())))
                && sent.trim() == value.to_string()
        })
        .map(|(name, _)| name.into_owned())
}

#[cfg(test)]
mod tests;
