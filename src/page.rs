//! One fetched page: its items and what the response said about the walk.

use std::fmt;

use http::HeaderMap;

use crate::rules::decode::RawItems;
use crate::text::redact;
use crate::{Link, Request, Strategy};

/// What a response said about the walk, whatever form its items take.
#[derive(Clone)]
pub(crate) struct PageMeta {
    pub number: u64,
    pub url: String,
    pub request: Request,
    pub next_url: Option<String>,
    pub found_by: Option<Strategy>,
    pub links: Vec<Link>,
    pub total: Option<u64>,
    pub status: u16,
    pub headers: HeaderMap,
}

/// One page of a walk, with its items already deserialized into `T`.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// for page in pagewalk::Paginator::new("https://api.github.com/repos/rust-lang/rust/issues")
///     .pages::<serde_json::Value>()
/// {
///     let page = page?;
///     println!("{} items from {} (of {:?})", page.items().len(), page.url(), page.total());
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub(crate) items: Vec<T>,
    pub(crate) meta: PageMeta,
}

/// One page of a walk with its items as the server wrote them: made by
/// [`Paginator::raw_pages`](crate::Paginator::raw_pages).
///
/// Each item is the exact text of its JSON value in the response body (with
/// any whitespace the server put inside it): numbers keep every digit, keys
/// their order, strings their escapes. The page keeps its body and where each
/// item is in it, so an item costs eight bytes beside its text.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// for page in pagewalk::Paginator::new("https://api.example.com/v1/prices").raw_pages() {
///     for item in page?.items() {
///         println!("{item}");
///     }
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RawPage {
    pub(crate) items: RawItems,
    pub(crate) meta: PageMeta,
}

impl<T> Page<T> {
    /// The items of this page, in the order the server sent them.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The items of this page, by value.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
}

impl RawPage {
    /// The text of each item, in the order the server sent them.
    pub fn items(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.items.iter()
    }

    /// How many items the page has.
    pub fn len(&self) -> usize {
        crate::rules::decode::Batch::len(&self.items)
    }

    /// True when the page has no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// URLs with their credentials hidden, header names without their values:
/// a page printed with `{:?}` leaks no token.
impl fmt::Debug for PageMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let links: Vec<_> = self
            .links
            .iter()
            .map(|link| redact(link.target()))
            .collect();
        let headers: Vec<&str> = self.headers.keys().map(|name| name.as_str()).collect();
        f.debug_struct("PageMeta")
            .field("number", &self.number)
            .field("url", &redact(&self.url))
            .field("request", &self.request)
            .field("next_url", &self.next_url.as_deref().map(redact))
            .field("found_by", &self.found_by)
            .field("links", &links)
            .field("total", &self.total)
            .field("status", &self.status)
            .field("headers", &headers)
            .finish()
    }
}

impl fmt::Debug for RawPage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawPage")
            .field("items", &self.len())
            .field("meta", &self.meta)
            .finish()
    }
}

/// The accessors of what a response said, the same on both kinds of page.
macro_rules! page_metadata {
    () => {
        /// The number of this page in the walk, starting at 1 (a resumed walk
        /// continues the numbering of the walk it resumes).
        pub fn number(&self) -> u64 {
            self.meta.number
        }

        /// The URL this page was read from (after any redirects).
        pub fn url(&self) -> &str {
            &self.meta.url
        }

        /// The request this page was fetched with (before any redirects).
        pub fn request(&self) -> &Request {
            &self.meta.request
        }

        /// The URL of the next page, or `None` if this is the last one.
        pub fn next_url(&self) -> Option<&str> {
            self.meta.next_url.as_deref()
        }

        /// How the next page was found, e.g. `Strategy::link_header()`; `None`
        /// on the last page. With [`Strategy::auto`] this is what was detected.
        pub fn found_by(&self) -> Option<&Strategy> {
            self.meta.found_by.as_ref()
        }

        /// Every link of the response's `Link` headers (first, prev, next,
        /// last, ...). Targets are as the server wrote them; use
        /// [`Link::resolve`] with [`url`](Self::url) for relative ones.
        pub fn links(&self) -> &[Link] {
            &self.meta.links
        }

        /// The total number of items in the collection, when the response
        /// gives it: the `Total`, `X-Total` or `X-Total-Count` header, or the
        /// `total`, `meta.total`, `total_count`, `meta.total_count` or
        /// (Django REST framework) `count` field.
        pub fn total(&self) -> Option<u64> {
            self.meta.total
        }

        /// The HTTP status of the response.
        pub fn status(&self) -> u16 {
            self.meta.status
        }

        /// The response headers.
        pub fn headers(&self) -> &HeaderMap {
            &self.meta.headers
        }
    };
}

impl<T> Page<T> {
    page_metadata!();
}

impl RawPage {
    page_metadata!();
}
