//! Why the walk goes on the way it does after a page, or ends there, in
//! words: what `--explain` prints and [`Explanation`](crate::Explanation)
//! holds.

use super::PageView;
use super::next::Next;
use super::signals::Signals;
use crate::strategy::Kind;

/// Why `next` follows the page seen through `view`; `detected` when
/// auto-detection chose the way.
pub(crate) fn why(view: &PageView<'_>, next: &Next, detected: bool) -> String {
    let signals = view.signals;
    match next {
        Next::Follow { via, .. } => match &via.kind {
            Kind::LinkHeader => "the Link header's rel=\"next\"".into(),
            Kind::NextUrl { pointer } => format!("the next page's URL at {pointer}"),
            Kind::Cursor { token, target } if detected => format!(
                "the token at {token}, sent back as {target} by its name; if the API takes it \
                 under another, pass --cursor {token} --cursor-param NAME"
            ),
            Kind::Cursor { token, target } => format!("the token at {token}, sent back as {target}"),
            Kind::PageNumber { target } => match (&signals.current_page, &signals.page_count) {
                (Some(current), Some(count)) => format!(
                    "{} {} of {} {}: the next page number as {target}",
                    current.key, current.value, count.key, count.value
                ),
                _ => format!("the next page number, as {target}"),
            },
            Kind::Offset { target } => match signals.total() {
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
        Next::End => ending(view, signals),
    }
}

/// Why a walk ends after this page.
fn ending(view: &PageView<'_>, signals: &Signals<'_>) -> String {
    if let Some((flag, false)) = signals.flags.iter().find(|(_, more)| !more) {
        return format!("{} is {}", flag.pointer, flag.value);
    }
    if view.item_count == 0 {
        return "the page is empty".into();
    }
    if let Some(field) = signals.nothing_next.first() {
        return format!("{} is {}", field.pointer, field.value);
    }
    if let (Some(current), Some(count)) = (&signals.current_page, &signals.page_count) {
        return format!(
            "{} {} of {} {}",
            current.key, current.value, count.key, count.value
        );
    }
    if let Some(total) = signals.total() {
        return format!("all {total} items are in");
    }
    "nothing in the response names a next page or says there is more".into()
}
