//! A response as the rest of the crate sees it.

use http::HeaderMap;
use url::Url;

/// A response whose body was read to the end (so that its connection went
/// back to the pool).
#[derive(Debug)]
pub(crate) struct Response {
    /// The URL after any redirects.
    pub final_url: Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    /// The `Content-Type`, when it is text.
    pub(crate) fn content_type(&self) -> Option<String> {
        Some(self.headers.get("content-type")?.to_str().ok()?.to_owned())
    }
}
