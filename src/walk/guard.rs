//! What stops a walk that would never end: requests sent twice, and runs of
//! empty pages.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use url::Url;

use crate::text::redact;
use crate::{Error, ErrorKind, Request};

/// Remembers every request a walk sent (a hash each, not the requests).
#[derive(Debug)]
pub(crate) struct LoopGuard {
    /// Request fingerprints with the page number each was first sent for.
    sent: HashMap<u64, u64>,
    empty_in_a_row: u32,
    max_empty_pages: u32,
}

impl LoopGuard {
    pub(crate) fn new(max_empty_pages: u32) -> LoopGuard {
        LoopGuard {
            sent: HashMap::new(),
            empty_in_a_row: 0,
            max_empty_pages,
        }
    }

    /// Records `request`, sent as page `page`, and where redirects led it:
    /// a loop through a redirect must not go unseen.
    pub(crate) fn record(&mut self, request: &Request, final_url: &Url, page: u64) {
        self.sent.insert(fingerprint(request), page);
        if final_url != request.url() {
            let redirected = request.clone().with_url(final_url.clone());
            self.sent.entry(fingerprint(&redirected)).or_insert(page);
        }
    }

    /// Checks `next`, found on page `page` (at `url`, which was `empty` or
    /// not), against the requests already sent and the run of empty pages.
    pub(crate) fn check(
        &mut self,
        next: &Request,
        page: u64,
        url: &Url,
        empty: bool,
    ) -> Result<(), Error> {
        if let Some(&first_page) = self.sent.get(&fingerprint(next)) {
            return Err(Error::new(ErrorKind::Loop {
                next: describe(next),
                first_page,
            })
            .at(page, url.as_str()));
        }
        self.empty_in_a_row = if empty {
            self.empty_in_a_row.saturating_add(1)
        } else {
            0
        };
        if self.empty_in_a_row >= self.max_empty_pages {
            return Err(Error::new(ErrorKind::TooManyEmptyPages {
                count: self.empty_in_a_row,
            })
            .at(page, url.as_str()));
        }
        Ok(())
    }
}

/// A request as an error names it: its URL for a plain `GET`, else its
/// method, URL and body. Credentials are hidden.
fn describe(request: &Request) -> String {
    let url = redact(request.url().as_str());
    match request.body() {
        None if *request.method() == http::Method::GET => url.into_owned(),
        None => format!("{} {url}", request.method()),
        Some(body) => format!("{} {url} with body {body}", request.method()),
    }
}

/// What is actually sent: the method, the URL (never with a fragment), the
/// body and the strategy's headers.
fn fingerprint(request: &Request) -> u64 {
    let mut hasher = DefaultHasher::new();
    request.method().as_str().hash(&mut hasher);
    request.url().as_str().hash(&mut hasher);
    if let Some(body) = request.body() {
        body.to_string().hash(&mut hasher);
    }
    request.headers().hash(&mut hasher);
    hasher.finish()
}
