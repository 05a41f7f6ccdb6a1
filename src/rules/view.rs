//! What the rules see of one response.

use http::HeaderMap;
use serde_json::Value;
use url::Url;

use super::facts::Facts;
use crate::Request;
use crate::link_header::Link;

/// One response, as every rule reads it.
pub(crate) struct PageView<'a> {
    /// The request as sent: cursors, page numbers, offsets and keys rewrite it.
    pub request: &'a Request,
    /// The URL after redirects: relative links resolve against it.
    pub final_url: &'a Url,
    /// Where the walk started: continuation objects go on from its query.
    pub start: &'a Url,
    /// The page's number in the walk.
    pub page: u64,
    pub status: u16,
    pub headers: &'a HeaderMap,
    pub links: &'a [Link],
    /// The body without its items.
    pub envelope: &'a Value,
    /// Where the items were in the body (`""` for a root array).
    pub items_pointer: &'a str,
    pub item_count: usize,
    /// Items of the whole walk so far, this page's included.
    pub items_seen: u64,
    /// The page's last item as JSON; only keyset pagination needs it, so it
    /// is computed on demand.
    pub last_item: &'a dyn Fn() -> Option<Value>,
    /// The whole body, items included: kept only for a custom strategy.
    pub body: Option<&'a Value>,
    /// The total an earlier page of the walk gave, if any: a page without
    /// one has not said the collection shrank.
    pub earlier_total: Option<u64>,
    /// What the envelope and headers say about pagination, read once.
    pub facts: &'a Facts<'a>,
}
