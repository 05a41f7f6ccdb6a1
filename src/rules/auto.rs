//! Auto-detection: the way forward a response gives, by rules stated once
//! and tried in this order (the README's table repeats them):
//!
//! 1. a GraphQL connection, for a request with a `query`;
//! 2. a flag that says this is the last page (`has_more: false`,
//!    `isLast: true`, `done: true`, `endOfRecords: true`, ...) ends the walk,
//!    whatever next link lingers; a flag that says more, next to one that
//!    says the end, is an error;
//! 3. the `Link` header's `rel="next"`, and
//! 4. a next-page URL in the body (absolute, host-relative or only a query
//!    string, or an object's `href`/`uri`/`url`/`link`, or a link array's
//!    `next`); two that lead to different pages are an error;
//! 5. a `continue` object, every member of which goes into the query
//!    (MediaWiki);
//! 6. a token, sent back under its name without `next` (`nextPageToken` as
//!    `pageToken`) or under its own (`continue`, `after`, `offset`);
//!    Notion's list object sends `next_cursor` back as `start_cursor`;
//! 7. a Stripe list (`"object": "list"`, `has_more`): the last item's `id`
//!    as `starting_after`;
//! 8. the next page's number or position given outright (`X-Next-Page`,
//!    `"next": 2`, `X-Next-Offset`), into the request's parameter of that kind;
//! 9. a page number and a page count or total (`page`/`total_pages`,
//!    `page`/`nbPages` from 0, `current_page`/`last_page`);
//! 10. a position and a total or a flag (`skip`/`total`, `startAt`/`total`,
//!     `offset`/`endOfRecords`, `Content-Range`).
//!
//! On an empty page, a token or URL that repeats the request is the end.
//! Otherwise a page that offers nothing ends the walk, unless a fact says
//! there is more ([`end`](super::end)): then it is an error.

use serde_json::Value;

use super::end::{cursor_hint, echoes, more_pages, page_param, reached};
use super::facts::{Count, Fact, Says};
use super::facts::{parameter_for, squashed};
use super::step::{
    Next, Problem, continue_with, empty_too_soon, end_or_more, follow, follow_url, keyset, resolve,
};
use super::{PageView, graphql, shape};
use crate::request::{get_param, sorted_pairs};
use crate::{Strategy, Target};

/// One rule: the next step, if the response speaks its style.
type Rule = fn(&PageView<'_>) -> Option<Result<Next, Problem>>;

/// The next step of [`Strategy::auto`].
pub(super) fn next_step(page: &PageView<'_>) -> Result<Next, Problem> {
    if graphql::is_query(page.request) && shape::connection_of(page.items_pointer).is_some() {
        return graphql::next_step(page, None, Strategy::graphql());
    }
    if says_last(page)? {
        return Ok(Next::End);
    }
    let rules: [Rule; 6] = [next_url, continuation, cursor, stripe, next_number, numbers];
    rules
        .iter()
        .find_map(|rule| rule(page))
        .unwrap_or_else(|| end_or_more(page))
}

/// Whether a flag says this is the last page; `Err` when another says more.
pub(super) fn says_last(page: &PageView<'_>) -> Result<bool, Problem> {
    match (page.facts.says_last(), page.facts.says_more_flag()) {
        (Some(last), Some(more)) => Err(Problem::MoreButNotFound {
            evidence: format!(
                "{} is {} but {} is {}",
                more.place,
                more.shown(),
                last.place,
                last.shown()
            ),
            hint: "the response contradicts itself: choose a Strategy explicitly".into(),
        }),
        (Some(_), None) => Ok(true),
        _ => Ok(false),
    }
}

/// Rules 3 and 4: the `Link` header's next page or the body's next-page
/// URL; two that lead to different pages are an error.
fn next_url(page: &PageView<'_>) -> Option<Result<Next, Problem>> {
    let urls = trusted_first(page.facts.next_urls().collect());
    let mut urls = urls.into_iter();
    let (first, text) = urls.next()?;
    let target = resolve(page, text).ok();
    if let Some((other, _)) =
        urls.find(|(_, url)| !same_page(resolve(page, url).ok(), target.as_ref()))
    {
        return Some(Err(Problem::MoreButNotFound {
            evidence: format!(
                "{} and {} name different next pages",
                first.place, other.place
            ),
            hint: format!(
                "choose one: .strategy(Strategy::next_url(\"{0}\")) (CLI: --next {0}), \
                 or .strategy(Strategy::link_header())",
                if first.in_header() {
                    &other.place
                } else {
                    &first.place
                }
            ),
        }));
    }
    if page.item_count == 0 && target.as_ref() == Some(page.request.url()) {
        return Some(Ok(Next::End));
    }
    let via = match first.in_header() {
        true => Strategy::link_header(),
        false => Strategy::next_url(&first.place),
    };
    Some(follow_url(page, text, via))
}

/// The facts found where paging facts live, if any; else the others (an
/// unrelated object's link is followed only when nothing else names a way).
fn trusted_first<'f, T>(mut facts: Vec<(&'f Fact<'f>, T)>) -> Vec<(&'f Fact<'f>, T)> {
    if facts.iter().any(|(fact, _)| fact.trusted) {
        facts.retain(|(fact, _)| fact.trusted);
    }
    facts
}

/// Whether two next URLs lead to one page: their query parameters may come
/// in another order.
fn same_page(a: Option<url::Url>, b: Option<&url::Url>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            a.origin() == b.origin() && a.path() == b.path() && sorted_pairs(&a) == sorted_pairs(b)
        }
        (a, b) => a.is_none() && b.is_none(),
    }
}

/// Rule 5: MediaWiki's `continue` object.
fn continuation(page: &PageView<'_>) -> Option<Result<Next, Problem>> {
    let (fact, members) = page.facts.continuation()?;
    Some(continue_with(
        page,
        members,
        Strategy::continuation(&fact.place),
    ))
}

/// Rule 6: a token of the body, sent back as a query parameter.
fn cursor(page: &PageView<'_>) -> Option<Result<Next, Problem>> {
    let tokens = trusted_first(
        page.facts
            .tokens()
            .filter(|(fact, _)| !fact.in_header())
            .collect(),
    );
    // A token that repeats the one sent is a position, unless it is the only one.
    let fresh: Vec<(&Fact<'_>, &Value)> = tokens
        .iter()
        .copied()
        .filter(|(fact, _)| !echoes(page, fact))
        .collect();
    let candidates = if fresh.is_empty() { tokens } else { fresh };
    let (first, value) = *candidates.first()?;
    if echoes(page, first) && page.item_count == 0 {
        // The token just sent, again, on an empty page: the end (Crossref,
        // Europe PMC). On a full page it is followed, and the loop guard
        // refuses the same request twice: an error, never a quiet end.
        return Some(Ok(Next::End));
    }
    let notion = page.envelope.get("object") == Some(&Value::String("list".into()))
        && super::facts::same_name(&first.key, "next_cursor");
    let param = if notion {
        "start_cursor".to_owned()
    } else {
        parameter_for(&first.key)
    };
    if let Some((other, _)) = candidates
        .iter()
        .skip(1)
        .find(|(other, other_value)| parameter_for(&other.key) != param && *other_value != value)
    {
        return Some(Err(Problem::MoreButNotFound {
            evidence: format!(
                "two tokens, {} and {}, and nothing says which one leads on",
                first.place, other.place
            ),
            hint: cursor_hint(&first.place, &param, page.request.body().is_some()),
        }));
    }
    let target = match (page.request.body().is_some(), notion) {
        (false, _) => Target::query(param.as_str()),
        (true, true) => Target::body(format!("/{param}")),
        (true, false) => {
            return Some(Err(Problem::MoreButNotFound {
                evidence: format!(
                    "a cursor at {}, in the answer to a {} with a JSON body",
                    first.place,
                    page.request.method()
                ),
                hint: cursor_hint(&first.place, &param, true),
            }));
        }
    };
    let via = Strategy::cursor(first.place.as_str(), target.clone());
    Some(follow(page, &target, value, via))
}

/// Rule 7: Stripe's list object.
fn stripe(page: &PageView<'_>) -> Option<Result<Next, Problem>> {
    let more = page.facts.says_more_flag().is_some();
    if page.envelope.get("object") != Some(&Value::String("list".into())) || !more {
        return None;
    }
    let via = Strategy::keyset("starting_after", "/id");
    Some(keyset(
        page,
        Some(true),
        &Target::query("starting_after"),
        "/id",
        via,
    ))
}

/// Rule 8: the next page's number or position, given outright
/// (`X-Next-Page: 3`, `"next": 2`, `X-Next-Offset: 10`), into the request's
/// parameter of that kind.
fn next_number(page: &PageView<'_>) -> Option<Result<Next, Problem>> {
    let (fact, kind, n) = page.facts.all.iter().find_map(|fact| match fact.says {
        Says::NextNumber(kind, n) if !echoes(page, fact) => Some((fact, kind, n)),
        _ => None,
    })?;
    let names: &[&str] = match kind {
        Count::Position => &["offset", "skip", "start", "startAt", "$skip", "from"],
        _ => &["page", "page[number]", "pageNumber", "page_number", "p"],
    };
    let own = parameter_for(
        fact.key
            .trim_start_matches(['X', 'x'])
            .trim_start_matches('-'),
    );
    let param = std::iter::once(own.as_str())
        .chain(names.iter().copied())
        .find(|name| get_param(page.request.url(), name).is_some())?
        .to_owned();
    let target = Target::query(param.as_str());
    let via = match kind {
        Count::Position => Strategy::offset(param.as_str()),
        _ => Strategy::page_number(param.as_str()),
    };
    Some(follow(page, &target, &Value::from(n), via))
}

/// Rules 9 and 10, page numbers then positions; positions first when the
/// request carries one (an API that takes an offset and reports a page too).
fn numbers(page: &PageView<'_>) -> Option<Result<Next, Problem>> {
    let sends_position = page
        .facts
        .count_fact(Count::Position)
        .is_some_and(|(fact, n)| sent_as(page, &fact.key, n).is_some());
    if sends_position {
        offset(page).or_else(|| page_number(page))
    } else {
        page_number(page).or_else(|| offset(page))
    }
}

/// Rule 9: a page number with a page count or a total.
fn page_number(page: &PageView<'_>) -> Option<Result<Next, Problem>> {
    let (current, number) = page.facts.count_fact(Count::Page)?;
    let by_count = more_pages(page);
    let by_total = page.facts.total().map(|total| reached(page) < total);
    let more = match (by_count, by_total) {
        (None, None) => return None,
        (by_count, by_total) => by_count.unwrap_or(true) && by_total.unwrap_or(true),
    };
    if page.item_count == 0 && more {
        return Some(Err(empty_too_soon(format!(
            "{} {number} is empty, before the end the response announces",
            current.key
        ))));
    }
    if !more || page.item_count == 0 {
        return Some(end_or_more(page));
    }
    let param =
        sent_as(page, &current.key, number).unwrap_or_else(|| page_param(&current.key).to_owned());
    let next = number.saturating_add(1);
    let target = Target::query(param.as_str());
    Some(follow(
        page,
        &target,
        &Value::from(next),
        Strategy::page_number(param.as_str()),
    ))
}

/// Rule 10: a position with a total, a flag that says more, or a `Content-Range`.
fn offset(page: &PageView<'_>) -> Option<Result<Next, Problem>> {
    let facts = page.facts;
    let (param, position, total) = match (facts.count_fact(Count::Position), facts.content_range) {
        (Some((fact, position)), _) => {
            let param = sent_as(page, &fact.key, position).unwrap_or_else(|| fact.key.to_string());
            (param, position, facts.total())
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
    let flagged = facts.says_more_flag().is_some();
    if total.is_none() && !flagged && facts.content_range.is_none() {
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
    const PAGE_NAMES: [&str; 3] = ["page", "pagenumber", "currentpage"];
    let key = squashed(key.trim_start_matches("X-").trim_start_matches("x-"));
    let page_like = PAGE_NAMES.contains(&key.as_str());
    page.request
        .url()
        .query_pairs()
        .find(|(name, sent)| {
            let name = squashed(name);
            // The same name, never another that merely ends like it (`per_page`).
            (name == key || (page_like && PAGE_NAMES.contains(&name.as_str())))
                && sent.trim() == value.to_string()
        })
        .map(|(name, _)| name.into_owned())
}

#[cfg(test)]
mod tests;
