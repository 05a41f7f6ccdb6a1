//! A strategy the user writes: a closure from the page just fetched to the
//! next request.

use std::fmt;
use std::sync::Arc;

use http::HeaderMap;
use serde_json::Value;
use url::Url;

use crate::Request;
use crate::request::merge_link;
use crate::text::redact;

/// The page a [`Strategy::custom`](crate::Strategy::custom) rule sees: the
/// request that was sent and what came back.
///
/// ```
/// use pagewalk::{PageResponse, Request};
///
/// // The next page is named in a header of the API's own invention.
/// fn next(page: &PageResponse<'_>) -> Result<Option<Request>, String> {
///     match page.headers().get("X-Acme-Next") {
///         Some(next) => page.follow(next.to_str().map_err(|e| e.to_string())?).map(Some),
///         None => Ok(None),
///     }
/// }
/// # let _ = next;
/// ```
#[derive(Debug)]
pub struct PageResponse<'a> {
    pub(crate) request: &'a Request,
    pub(crate) url: &'a Url,
    pub(crate) page: u64,
    pub(crate) status: u16,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a Value,
    pub(crate) item_count: usize,
    pub(crate) items_seen: u64,
}

impl<'a> PageResponse<'a> {
    /// The request this page answered: method, URL, body, the strategy's headers.
    pub fn request(&self) -> &'a Request {
        self.request
    }

    /// Where the page came from, after any redirect: relative URLs resolve
    /// against it.
    pub fn url(&self) -> &'a Url {
        self.url
    }

    /// The page's number in the walk, from 1.
    pub fn page(&self) -> u64 {
        self.page
    }

    /// The response's status (a 2xx: errors never reach the rule).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response's headers.
    pub fn headers(&self) -> &'a HeaderMap {
        self.headers
    }

    /// The whole body as JSON, items included.
    pub fn json(&self) -> &'a Value {
        self.body
    }

    /// How many items this page has.
    pub fn item_count(&self) -> usize {
        self.item_count
    }

    /// How many items the walk has had so far, this page's included.
    pub fn items_seen(&self) -> u64 {
        self.items_seen
    }

    /// The request sent again to `url`, absolute or relative to
    /// [`url`](PageResponse::url), keeping its method, body and headers. A
    /// reference that is only a query string (`?page=2`) changes the
    /// parameters it names and keeps the others, as auto-detection reads one.
    ///
    /// Headers the rule adds with [`Request::with_header`] go wherever the
    /// request goes and into checkpoints: credentials belong in
    /// [`Paginator::credentials`](crate::Paginator::credentials).
    pub fn follow(&self, url: &str) -> Result<Request, String> {
        merge_link(self.url, url)
            .map(|url| self.request.clone().with_url(url))
            .map_err(|error| format!("\"{}\" is not a URL: {error}", redact(url)))
    }
}

/// The closure of a custom strategy.
type Rule = dyn Fn(&PageResponse<'_>) -> Result<Option<Request>, String> + Send + Sync;

/// A custom strategy's rule, shared by the threads of a walk; two are equal
/// only when they are the same closure.
#[derive(Clone)]
pub(crate) struct CustomRule(pub(crate) Arc<Rule>);

impl CustomRule {
    pub(crate) fn next(&self, page: &PageResponse<'_>) -> Result<Option<Request>, String> {
        (self.0)(page)
    }
}

impl fmt::Debug for CustomRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CustomRule(..)")
    }
}

impl PartialEq for CustomRule {
    fn eq(&self, other: &CustomRule) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for CustomRule {}
