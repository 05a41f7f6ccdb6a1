//! Where a walk gets its responses: the HTTP client, or canned responses in
//! the engine's tests.

use url::Url;

use crate::Error;
use crate::http::origin::Outgoing;
use crate::http::{Client, Response};

/// How a walk gets its responses: the HTTP client, or canned responses in
/// the engine's tests.
pub(crate) trait Transport: Send + Sync {
    /// The response to `outgoing`, the request for page `page` of a walk that
    /// started at `start`.
    fn fetch(&self, start: &Url, outgoing: &Outgoing, page: u64) -> Result<Response, Error>;
}

impl Transport for Client {
    fn fetch(&self, start: &Url, outgoing: &Outgoing, page: u64) -> Result<Response, Error> {
        Client::fetch(self, start, outgoing, page)
    }
}
