//! One fetched page: its items and what the response said about the walk.

use http::HeaderMap;

use crate::{Link, Request, Strategy};

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
    pub(crate) number: u64,
    pub(crate) url: String,
    pub(crate) request: Request,
    pub(crate) next_url: Option<String>,
    pub(crate) found_by: Option<Strategy>,
    pub(crate) links: Vec<Link>,
    pub(crate) total: Option<u64>,
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
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

    /// The number of this page in the walk, starting at 1 (a resumed walk
    /// continues the numbering of the walk it resumes).
    pub fn number(&self) -> u64 {
        self.number
    }

    /// The URL this page was read from (after any redirects).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The request this page was fetched with (before any redirects).
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// The URL of the next page, or `None` if this is the last one.
    pub fn next_url(&self) -> Option<&str> {
        self.next_url.as_deref()
    }

    /// How the next page was found, e.g. `Strategy::link_header()`; `None` on
    /// the last page. With [`Strategy::auto`] this is what was detected.
    pub fn found_by(&self) -> Option<&Strategy> {
        self.found_by.as_ref()
    }

    /// Every link of the response's `Link` headers (first, prev, next, last, ...).
    /// Targets are as the server wrote them; use [`Link::resolve`] with
    /// [`url`](Page::url) for relative ones.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// The total number of items in the collection, when the response gives it:
    /// the `Total`, `X-Total` or `X-Total-Count` header, or the `total`,
    /// `meta.total`, `total_count`, `meta.total_count` or (Django REST
    /// framework) `count` field.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}
