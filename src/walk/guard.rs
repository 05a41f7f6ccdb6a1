//! What stops a walk that would never end: requests sent twice, and runs of
//! empty pages.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use url::Url;

use crate::rules::decode;
use crate::text::{redact, shown_body};
use crate::{Error, ErrorKind, Request};

/// Remembers every request a walk sent (a hash each, not the requests), and
/// the last page's items (its body, or a fingerprint), to catch loops that
/// requests alone do not show.
#[derive(Debug)]
pub(crate) struct LoopGuard {
    /// Request fingerprints with the page number each was first sent for.
    sent: HashMap<u64, u64>,
    empty_in_a_row: u32,
    max_empty_pages: u32,
    /// The last page that had items (empty pages between compare with it).
    last_page: Option<Sample>,
}

/// Enough of a page to tell whether the next one repeats it.
#[derive(Debug)]
pub(crate) struct Sample {
    page: u64,
    count: usize,
    /// The fingerprint of the first item: pages that differ there differ.
    first: Option<u64>,
    items: SampleItems,
}

impl Sample {
    /// A sample of page `page`: typed items are compared in their `body`
    /// (kept until the next page), raw ones by the batch's `fingerprint`.
    pub(crate) fn new(
        page: u64,
        count: usize,
        first: Option<u64>,
        fingerprint: Option<u64>,
        body: Option<Vec<u8>>,
        pointer: &str,
    ) -> Sample {
        let items = match (fingerprint, body) {
            (Some(fingerprint), _) => SampleItems::Fingerprint(fingerprint),
            (None, body) => SampleItems::Body {
                body: body.unwrap_or_default(),
                pointer: pointer.to_owned(),
            },
        };
        Sample {
            page,
            count,
            first,
            items,
        }
    }

    /// The page's body, when the sample keeps it.
    pub(crate) fn body(&self) -> Option<&[u8]> {
        match &self.items {
            SampleItems::Body { body, .. } => Some(body),
            SampleItems::Fingerprint(_) => None,
        }
    }
}

/// Where a page's items can be compared in full.
#[derive(Debug)]
enum SampleItems {
    /// In the body, at the pointer (typed items keep no text of their own).
    Body { body: Vec<u8>, pointer: String },
    /// As a fingerprint of their text (raw items).
    Fingerprint(u64),
}

impl LoopGuard {
    pub(crate) fn new(max_empty_pages: u32) -> LoopGuard {
        LoopGuard {
            sent: HashMap::new(),
            empty_in_a_row: 0,
            max_empty_pages,
            last_page: None,
        }
    }

    /// The number of the page whose items `sample` repeats, text for text:
    /// the last page that had items, also across empty pages between. Empty
    /// pages repeat nothing (runs of them have their own limit).
    pub(crate) fn repeats(&self, sample: &Sample) -> Option<u64> {
        let last = self.last_page.as_ref()?;
        let repeated = sample.count > 0
            && last.count == sample.count
            && last.first == sample.first
            && same_items(&last.items, &sample.items);
        repeated.then_some(last.page)
    }

    /// Remembers `sample` as the last page with items, for the next ones to
    /// be checked against; the body it no longer needs comes back, to be
    /// reused.
    pub(crate) fn remember(&mut self, sample: Sample) -> Option<Vec<u8>> {
        if sample.count == 0 {
            return match sample.items {
                SampleItems::Body { body, .. } => Some(body),
                SampleItems::Fingerprint(_) => None,
            };
        }
        match self.last_page.replace(sample)?.items {
            SampleItems::Body { body, .. } => Some(body),
            SampleItems::Fingerprint(_) => None,
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

fn same_items(a: &SampleItems, b: &SampleItems) -> bool {
    match (a, b) {
        (
            SampleItems::Body { body, pointer },
            SampleItems::Body {
                body: other,
                pointer: other_pointer,
            },
        ) => decode::same_items(body, pointer, other, other_pointer),
        (SampleItems::Fingerprint(a), SampleItems::Fingerprint(b)) => a == b,
        _ => false,
    }
}

/// A request as an error names it: its URL for a plain `GET`, else its
/// method, URL and body. Credentials are hidden.
fn describe(request: &Request) -> String {
    let url = redact(request.url().as_str());
    match request.body() {
        None if *request.method() == http::Method::GET => url.into_owned(),
        None => format!("{} {url}", request.method()),
        Some(body) => format!("{} {url} with body {}", request.method(), shown_body(body)),
    }
}

/// What is actually sent: the method, the URL (never with a fragment), the
/// body and the strategy's headers.
fn fingerprint(request: &Request) -> u64 {
    let mut hasher = DefaultHasher::new();
    request.method().as_str().hash(&mut hasher);
    request.url().as_str().hash(&mut hasher);
    if let Some(body) = request.body() {
        // Hashed as it is written out, with no copy of its text.
        let _ = serde_json::to_writer(HashWriter(&mut hasher), body);
    }
    request.headers().hash(&mut hasher);
    hasher.finish()
}

/// Feeds what is written to a hasher.
struct HashWriter<'h>(&'h mut DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
