//! The first page of a walk and what would follow it, without walking on:
//! what [`Paginator::explain`](crate::Paginator::explain) reports.

use std::sync::Arc;

use super::Settings;
use super::engine::Walk;
use crate::page::PageMeta;
use crate::rules::decode::{Batch, RawItems};
use crate::rules::explain::why;
use crate::strategy::Kind;
use crate::{Error, Request};

/// The first page, seen as the walk sees it.
#[derive(Debug)]
pub(crate) struct FirstPage {
    pub meta: PageMeta,
    pub items: usize,
    /// Where the items were: `""` for a root array.
    pub items_at: String,
    /// The next request, when the walk would go on.
    pub next: Option<Request>,
    /// Why the walk goes on that way, or ends; `None` when it fails.
    pub why: Option<String>,
    /// The error the walk would end with after this page's items.
    pub error: Option<Error>,
}

/// Fetches the first page of the walk `settings` describe.
pub(crate) fn first_page(settings: Arc<Settings>) -> Result<FirstPage, Error> {
    let detected = settings.strategy.kind == Kind::Auto;
    let mut walk = Walk::new(settings);
    let mut reason = None;
    let fetched = walk
        .next_page_observed::<RawItems>(&mut |view, next| reason = Some(why(view, next, detected)))
        .unwrap_or_else(|| {
            Err(Error::new(crate::ErrorKind::Checkpoint {
                reason: "the walk this checkpoint belongs to is over".into(),
            }))
        })?;
    Ok(FirstPage {
        items: fetched.items.len(),
        items_at: walk.items_pointer().unwrap_or_default().to_owned(),
        next: fetched.after.next_request().cloned(),
        why: reason.filter(|_| fetched.error.is_none()),
        error: fetched.error,
        meta: fetched.meta,
    })
}
