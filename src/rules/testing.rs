//! Literal responses for the rules' tests: a URL, a body, headers, and the
//! view every rule reads.

use http::HeaderMap;
use serde_json::Value;
use url::Url;

use super::facts::Facts;
use super::next::{Next, Problem, next_step};
use super::{PageView, shape};
use crate::link_header::{self, Link};
use crate::{Request, Strategy};

/// One response, as a test writes it.
#[derive(Debug)]
pub(crate) struct Literal {
    pub request: Request,
    pub pointer: String,
    pub headers: HeaderMap,
    pub links: Vec<Link>,
    pub body: Value,
    pub items: Vec<Value>,
    pub seen: u64,
    /// Where the walk started, when not at this page.
    pub start: Option<Url>,
}

/// The response to a `GET` of `url` with `body`; its items are found as
/// auto-detection finds them, and are the walk's only items so far.
pub(crate) fn response(url: &str, body: Value) -> Literal {
    let pointer = shape::find_items(&body).unwrap_or_default();
    let items = crate::rules::decode::raw_texts(&body, &pointer)
        .into_iter()
        .filter_map(|text| serde_json::from_str(&text).ok())
        .collect::<Vec<Value>>();
    Literal {
        request: Request::get(Url::parse(url).expect("test URL")),
        pointer,
        headers: HeaderMap::new(),
        links: Vec::new(),
        seen: items.len() as u64,
        start: None,
        body,
        items,
    }
}

impl Literal {
    /// With the `Link` header `value`.
    pub(crate) fn link(mut self, value: &str) -> Literal {
        self.links = link_header::parse([value]);
        self
    }

    /// With the header `name: value`.
    pub(crate) fn header(mut self, name: &'static str, value: &str) -> Literal {
        self.headers
            .append(name, value.parse().expect("test header"));
        self
    }

    /// With the header `name: value`, both made at run time.
    pub(crate) fn header_owned(mut self, name: &str, value: &str) -> Literal {
        let name = http::HeaderName::from_bytes(name.as_bytes()).expect("test header name");
        self.headers
            .append(name, value.parse().expect("test header"));
        self
    }

    /// As a page of a walk that started at `url`.
    pub(crate) fn started_at(mut self, url: &str) -> Literal {
        self.start = Some(Url::parse(url).expect("test URL"));
        self
    }

    /// With `seen` items in the walk so far, this page's included.
    pub(crate) fn seen(mut self, seen: u64) -> Literal {
        self.seen = seen;
        self
    }

    /// As the answer to `request` instead of a `GET` of its URL.
    pub(crate) fn to(mut self, request: Request) -> Literal {
        self.request = request;
        self
    }

    /// `check` run on the view of this response.
    pub(crate) fn with_view<R>(&self, check: impl FnOnce(&PageView<'_>) -> R) -> R {
        let last = || self.items.last().cloned();
        let facts = Facts::read(
            &self.body,
            &self.pointer,
            &self.headers,
            &self.links,
            self.items.len(),
        );
        let view = PageView {
            request: &self.request,
            final_url: self.request.url(),
            start: self.start.as_ref().unwrap_or(self.request.url()),
            page: 1,
            status: 200,
            headers: &self.headers,
            links: &self.links,
            envelope: &self.body,
            items_pointer: &self.pointer,
            item_count: self.items.len(),
            items_seen: self.seen,
            last_item: &last,
            body: Some(&self.body),
            earlier_total: None,
            facts: &facts,
        };
        check(&view)
    }

    /// The next step `strategy` takes after this response.
    pub(crate) fn step(&self, strategy: Strategy) -> Result<Next, Problem> {
        self.with_view(|view| next_step(&strategy, view))
    }

    /// The next request `strategy` makes after this response; panics if none.
    pub(crate) fn next(&self, strategy: Strategy) -> Request {
        match self.step(strategy) {
            Ok(Next::Follow { request, .. }) => request,
            other => panic!("expected a next page, got {other:?}"),
        }
    }

    /// The URL of that next request.
    pub(crate) fn next_url(&self, strategy: Strategy) -> String {
        self.next(strategy).url().to_string()
    }
}
