//! Why the walk goes on the way it does after a page, or ends there, in
//! words: what `--explain` prints and [`Explanation`](crate::Explanation)
//! holds.

use super::PageView;
use super::end::{current_page, reached};
use super::facts::{Count, Says};
use super::next::Next;
use crate::strategy::Kind;

/// Why `next` follows the page seen through `view`; `detected` when
/// auto-detection chose the way.
pub(crate) fn why(view: &PageView<'_>, next: &Next, detected: bool) -> String {
    let facts = view.facts;
    match next {
        Next::Follow { via, .. } => match &via.kind {
            Kind::LinkHeader => "the Link header's rel=\"next\"".into(),
            Kind::NextUrl { pointer } => format!("the next page's URL at {pointer}"),
            Kind::Cursor { token, target } if detected => format!(
                "the token at {token}, sent back as {target} by its name; if the API takes it \
                 under another, pass --cursor {token} --cursor-param NAME"
            ),
            Kind::Cursor { token, target } => format!("the token at {token}, sent back as {target}"),
            Kind::PageNumber { target } => match (current_page(view), facts.page_count()) {
                (Some((current, number)), Some(count)) => format!(
                    "{current} is {number}, of {count} pages: the next page number as {target}"
                ),
                _ => format!("the next page number, as {target}"),
            },
            Kind::Offset { target } => match facts.total() {
                Some(total) => format!("{} items of {total} so far: the next offset as {target}", view.items_seen),
                None => format!("the next offset as {target}"),
            },
            Kind::Keyset { target, field } => {
                format!("more pages follow: the last item's {field}, sent as {target}")
            }
            Kind::Graphql { .. } => {
                "the connection's pageInfo.hasNextPage: its endCursor into the query's after: variable"
                    .into()
            }
            Kind::Continuation { pointer } => {
                format!("every member of the object at {pointer}, as query parameters")
            }
            Kind::Custom(_) => "the custom rule".into(),
            Kind::Auto => "auto-detection".into(),
        },
        Next::End => ending(view),
    }
}

/// Why a walk ends after this page.
fn ending(view: &PageView<'_>) -> String {
    let facts = view.facts;
    if let Some(flag) = facts.says_last() {
        return format!("{} is {}", flag.place, flag.shown());
    }
    if view.item_count == 0 {
        return "the page is empty".into();
    }
    if let Some(fact) = facts.all.iter().find(|fact| fact.says == Says::NoNext) {
        return format!("{} is empty", fact.place);
    }
    if let (Some((current, number)), Some(count)) = (current_page(view), facts.count(Count::Pages))
    {
        return format!("{current} is {number}, of {count} pages");
    }
    if let Some(total) = facts.total() {
        let reached = reached(view);
        return match reached >= total {
            true => format!("all {total} items are in"),
            false => format!("{reached} of {total} items are in, and the strategy ends here"),
        };
    }
    "nothing in the response names a next page or says there is more".into()
}
