//! Credentials that change during a walk: headers from a callback, asked for
//! before every request to the start URL's origin.

use std::fmt;
use std::sync::Arc;

use url::Url;

use crate::Request;

/// What a [`Paginator::credentials`](crate::Paginator::credentials) callback
/// is asked for: the headers for one request, or fresh ones after a `401`.
#[derive(Debug)]
pub struct CredentialsRequest<'a> {
    pub(crate) request: &'a Request,
    pub(crate) url: &'a Url,
    pub(crate) refresh: bool,
}

impl<'a> CredentialsRequest<'a> {
    /// The request about to be sent (method, body, the strategy's headers),
    /// for APIs that sign each request.
    pub fn request(&self) -> &'a Request {
        self.request
    }

    /// Where it is sent: the request's URL, or a redirect's on the same origin.
    pub fn url(&self) -> &'a Url {
        self.url
    }

    /// True when the last answer was `401 Unauthorized`: the token has
    /// expired, and a new one is wanted. The request is then sent once more.
    pub fn is_refresh(&self) -> bool {
        self.refresh
    }
}

/// The callback's type.
type Callback =
    dyn Fn(&CredentialsRequest<'_>) -> Result<Vec<(String, String)>, String> + Send + Sync;

/// A credentials callback, shared by the threads of a walk.
#[derive(Clone)]
pub(crate) struct CredentialsSource(pub(crate) Arc<Callback>);

impl CredentialsSource {
    /// The headers for `request` going to `url`.
    pub(crate) fn headers(
        &self,
        request: &Request,
        url: &Url,
        refresh: bool,
    ) -> Result<Vec<(String, String)>, String> {
        (self.0)(&CredentialsRequest {
            request,
            url,
            refresh,
        })
    }
}

impl fmt::Debug for CredentialsSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CredentialsSource(..)")
    }
}
