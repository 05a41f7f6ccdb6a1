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

    /// Takes back the body of a page the walk is done with, for a later
    /// response to be read into.
    fn recycle(&self, _body: Vec<u8>) {}
}

impl Transport for Client {
    fn fetch(&self, start: &Url, outgoing: &Outgoing, page: u64) -> Result<Response, Error> {
        Client::fetch(self, start, outgoing, page)
    }

    fn recycle(&self, body: Vec<u8>) {
        self.buffers.give(body);
    }
}
