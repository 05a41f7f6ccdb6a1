//! The fetch loop: from one request to the next, page by page.
//!
//! Fetching a page ([`fetch_decoded`]) is separate from delivering it
//! ([`Walk::deliver`]) so that concurrent workers can fetch while the walk
//! still delivers in order, keeping the checkpoint, loop and limit rules in
//! one place.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use crate::decode::{DecodeError, Decoded, ItemsAt, decode};
use crate::fetch::{Response, fetch, refuse};
use crate::link_header;
use crate::next::{Next, PageView, Problem, next_step};
use crate::origin::check_hop;
use crate::paginator::Config;
use crate::plan::{Plan, plan};
use crate::shape;
use crate::strategy::{Kind, Strategy};
use crate::{Checkpoint, Error, Page};

/// A page as the iterators receive it: the page, where it stands, and the
/// error, if any, that comes right after its items.
pub(crate) struct Fetched<T> {
    pub page: Page<T>,
    /// The position of this page's first delivered item.
    pub at: Checkpoint,
    /// The position after this page's last delivered item.
    pub after: Checkpoint,
    /// An error found after the items were read (a bad item, an unusable next
    /// link): the items before it are still delivered, then the walk ends.
    pub error: Option<Error>,
    /// The position once `error` has been reported: past a bad item, which
    /// counts as delivered only then.
    pub after_error: Checkpoint,
}

/// How to fetch and decode one page; cheap to clone into worker threads.
#[derive(Clone)]
pub(crate) struct PageRequest {
    pub config: Arc<Config>,
    pub start: Url,
    pub credentials: bool,
    /// Where the items were found so far, if known.
    pub items_pointer: Option<String>,
    pub want_last_item: bool,
    /// No user pointer may read an array of the envelope.
    pub skip_unread_arrays: bool,
}

/// Fetches `url` as page `page` and decodes its body.
pub(crate) fn fetch_decoded<T: DeserializeOwned>(
    request: &PageRequest,
    url: &Url,
    page: u64,
    skip: usize,
) -> Result<(Response, Decoded<T>), Error> {
    let config = &request.config;
    let response = fetch(config, &request.start, url, page, request.credentials)?;
    let at = match (&config.items_at, &request.items_pointer) {
        (Some(pointer), _) => ItemsAt::User(pointer),
        (None, Some(pointer)) => ItemsAt::Learned(pointer),
        (None, None) => ItemsAt::Detect,
    };
    let decoded = decode::<T>(
        &response.body,
        at,
        request.want_last_item,
        request.skip_unread_arrays,
        skip,
    )
    .map_err(|error| {
        let url = url.to_string();
        match error {
            DecodeError::Syntax(source) => match content_type(&response) {
                Some(kind) if kind.contains("json") => Error::Json { page, url, source },
                content_type => Error::NotJson {
                    page,
                    url,
                    content_type,
                    source,
                },
            },
            DecodeError::ItemsNotFound(keys) => Error::ItemsNotFound { page, url, keys },
            DecodeError::Pointer { pointer, found } => Error::ItemsPointer {
                page,
                url,
                pointer,
                found,
            },
        }
    })?;
    Ok((response, decoded))
}

/// A walk in progress. Produces pages in order; ends for good after the last
/// page or the first error.
pub(crate) struct Walk {
    config: Arc<Config>,
    start: Option<Url>,
    /// The next request, or `None` when the walk is over.
    next: Option<Url>,
    /// Whether the user's headers go with the next request.
    next_credentials: bool,
    page: u64,
    skip: usize,
    items_seen: u64,
    pages_fetched: u64,
    items_fetched: u64,
    empty_in_a_row: u32,
    /// Hashes of the URLs already requested, with their page numbers, to catch loops.
    requested: HashMap<u64, u64>,
    items_pointer: Option<String>,
    keyset_detected: bool,
    /// Items on the last page delivered, before any skip or limit: the page size.
    last_page_len: usize,
    /// The remaining pages, when the first response made them certain and
    /// concurrency is on; taken by the concurrent source.
    plan: Option<Plan>,
    /// An error to report before anything else, such as a bad start URL.
    startup_error: Option<Error>,
}

impl Walk {
    pub(crate) fn new(config: Arc<Config>) -> Walk {
        let resume = config.resume.clone();
        let mut walk = Walk {
            start: None,
            next: None,
            next_credentials: true,
            page: 1,
            skip: 0,
            items_seen: 0,
            pages_fetched: 0,
            items_fetched: 0,
            empty_in_a_row: 0,
            requested: HashMap::new(),
            items_pointer: None,
            keyset_detected: false,
            last_page_len: 0,
            plan: None,
            startup_error: None,
            config,
        };
        if let Err(error) = walk.prepare(resume) {
            walk.startup_error = Some(error);
        }
        walk
    }

    fn prepare(&mut self, resume: Option<Checkpoint>) -> Result<(), Error> {
        let start = parse_url(&self.config.start)?;
        if !matches!(start.scheme(), "http" | "https") {
            let scheme = start.scheme().to_owned();
            return Err(Error::UnsupportedScheme {
                page: 1,
                url: start.to_string(),
                scheme,
            });
        }
        self.start = Some(start.clone());
        let Some(checkpoint) = resume else {
            self.next = Some(start);
            return Ok(());
        };
        if checkpoint.version() != crate::checkpoint::VERSION {
            let reason = format!(
                "version {} is not supported (expected {})",
                checkpoint.version(),
                crate::checkpoint::VERSION
            );
            return Err(Error::Checkpoint { reason });
        }
        self.page = checkpoint.page();
        self.skip = checkpoint.skip();
        self.items_seen = checkpoint.items_seen();
        if let Some(next) = checkpoint.next_url() {
            let next = parse_url(next)?;
            let verdict = check_hop(&start, &start, &next, self.config.allow_cross_origin);
            self.next_credentials = refuse(verdict, &start, &next, self.page)?;
            self.next = Some(next);
        }
        Ok(())
    }

    /// Where the walk stands before its next page.
    pub(crate) fn checkpoint(&self) -> Checkpoint {
        Checkpoint::new(
            self.next.as_ref().map(Url::to_string),
            self.page,
            self.skip,
            self.items_seen,
        )
    }

    /// The next page, `None` at the end; after an `Err` the walk is over.
    pub(crate) fn next_page<T: DeserializeOwned>(&mut self) -> Option<Result<Fetched<T>, Error>> {
        if let Some(error) = self.startup_error.take() {
            return Some(Err(error));
        }
        if self.limits_reached() {
            return None;
        }
        let url = self.next.take()?;
        let request = self.page_request()?;
        Some(match fetch_decoded(&request, &url, self.page, self.skip) {
            Ok((response, decoded)) => Ok(self.deliver(response, decoded, &url, None)),
            Err(error) => Err(error),
        })
    }

    /// What a worker needs to fetch the walk's pages; `None` before the start is known.
    pub(crate) fn page_request(&self) -> Option<PageRequest> {
        Some(PageRequest {
            config: Arc::clone(&self.config),
            start: self.start.clone()?,
            credentials: self.next_credentials,
            items_pointer: self.items_pointer.clone(),
            want_last_item: self.keyset_detected
                || matches!(self.config.strategy.kind, Kind::Keyset { .. }),
            skip_unread_arrays: !matches!(
                self.config.strategy.kind,
                Kind::NextUrl { .. } | Kind::Cursor { .. }
            ),
        })
    }

    /// The settings this walk shares with any thread that fetches for it.
    pub(crate) fn config(&self) -> &Arc<Config> {
        &self.config
    }

    /// The plan made from the first page, if any.
    pub(crate) fn take_plan(&mut self) -> Option<Plan> {
        self.plan.take()
    }

    /// The number the next delivered page will have.
    pub(crate) fn page_number(&self) -> u64 {
        self.page
    }

    /// True once the walk will deliver no more pages.
    pub(crate) fn is_over(&self) -> bool {
        self.next.is_none() || self.limits_reached()
    }

    /// How many more pages the limits allow, if they limit at all; pages are
    /// assumed as large as the last one delivered.
    pub(crate) fn pages_allowed(&self) -> Option<u64> {
        let page_size = (self.last_page_len as u64).max(1);
        let by_pages = self
            .config
            .max_pages
            .map(|max| max.saturating_sub(self.pages_fetched));
        let by_items = self
            .config
            .max_items
            .map(|max| max.saturating_sub(self.items_fetched).div_ceil(page_size));
        by_pages.into_iter().chain(by_items).min()
    }

    pub(crate) fn limits_reached(&self) -> bool {
        self.config
            .max_pages
            .is_some_and(|max| self.pages_fetched >= max)
            || self
                .config
                .max_items
                .is_some_and(|max| self.items_fetched >= max)
    }

    /// Delivers the page fetched from `url`: works out the next request (or
    /// takes `planned_next`, when a plan already knows it), applies the limits
    /// and moves the walk on.
    pub(crate) fn deliver<T: DeserializeOwned>(
        &mut self,
        response: Response,
        decoded: Decoded<T>,
        url: &Url,
        planned_next: Option<(Url, Strategy)>,
    ) -> Fetched<T> {
        let number = self.page;
        self.requested.insert(url_hash(url), number);
        // Where a redirect led counts as fetched too, or a loop through it would go unseen.
        self.requested
            .entry(url_hash(&response.final_url))
            .or_insert(number);
        self.pages_fetched += 1;
        self.items_pointer = Some(decoded.pointer.clone());
        let at = Checkpoint::new(Some(url.to_string()), number, self.skip, self.items_seen);
        let Decoded {
            mut items,
            envelope,
            last_item,
            item_error,
            pointer,
            page_len,
        } = decoded;
        // `to_str` would refuse any non-ASCII byte and so lose a whole Link
        // header over one accented letter in a URL.
        let links = link_header::parse(
            response
                .headers
                .get_all("link")
                .iter()
                .filter_map(|value| std::str::from_utf8(value.as_bytes()).ok()),
        );
        let total = shape::total(&envelope, &response.headers);
        let body = &response.body;
        let last = || {
            last_item
                .clone()
                .or_else(|| last_item_from_body(body, &pointer))
        };
        let view = PageView {
            request_url: url,
            final_url: &response.final_url,
            headers: &response.headers,
            links: &links,
            envelope: &envelope,
            item_count: page_len,
            items_seen: self.items_seen + page_len as u64,
            last_item: &last,
        };
        // `items` starts after what a resumed walk already delivered; `max_items`
        // may leave out the end of the page.
        self.last_page_len = page_len;
        let skip = self.skip.min(page_len);
        let wanted = self
            .config
            .max_items
            .map(|max| max.saturating_sub(self.items_fetched));
        let available = (page_len - skip) as u64;
        let truncated = wanted.is_some_and(|wanted| available > wanted);
        let enough_items = wanted.is_some_and(|wanted| available >= wanted);
        let limit_met = enough_items
            || self
                .config
                .max_pages
                .is_some_and(|max| self.pages_fetched >= max);
        // A bad item after the last one wanted is never reached.
        let item_error = item_error
            .filter(|bad| wanted.is_none_or(|wanted| ((bad.index - skip) as u64) < wanted));
        let mut error = item_error.map(|bad| Error::Item {
            page: number,
            url: url.to_string(),
            index: bad.index,
            json: bad.json,
            source: bad.error,
        });
        let mut next = None;
        // A problem with a page the limits will never fetch is not reported,
        // but the checkpoint stays on this page so a resumed walk meets it.
        let mut unresolved = false;
        if error.is_none() {
            match self.next_after(url, &view, planned_next, number, page_len == 0) {
                Ok(found) => next = found,
                Err(_) if limit_met => unresolved = true,
                Err(found) => error = Some(found),
            }
        }
        self.keyset_detected = next
            .as_ref()
            .is_some_and(|(_, via, _)| matches!(via.kind, Kind::Keyset { .. }));

        if let Some(wanted) = wanted {
            items.truncate(wanted.min(items.len() as u64) as usize);
        }
        self.items_fetched += items.len() as u64;
        let complete = !truncated && !unresolved && error.is_none();
        let after = if complete {
            let next_url = next.as_ref().map(|(next_url, _, _)| next_url.to_string());
            let seen_after = self.items_seen + (skip + items.len()) as u64;
            Checkpoint::new(next_url, number.saturating_add(1), 0, seen_after)
        } else {
            at.skipping(items.len())
        };
        // A bad item counts as delivered once reported, so a resumed walk goes
        // on after it instead of failing on it forever.
        let after_error = match error {
            Some(Error::Item { .. }) => after.skipping(1),
            _ => after.clone(),
        };
        let next_url = next.as_ref().map(|(next_url, _, _)| next_url.to_string());
        let found_by = next.as_ref().map(|(_, via, _)| via.clone());
        self.next = None;
        if let (true, Some((url, _, credentials))) = (complete, next) {
            self.next = Some(url);
            self.next_credentials = credentials;
        }
        self.page = after_error.page();
        self.skip = after_error.skip();
        self.items_seen = after_error.items_seen();
        let page = Page {
            items,
            number,
            url: response.final_url.to_string(),
            next_url,
            found_by,
            links,
            total,
            status: response.status,
            headers: response.headers,
        };
        Fetched {
            page,
            at,
            after,
            error,
            after_error,
        }
    }

    /// The next request after the page seen through `view`, checked, with
    /// whether it gets the user's headers; plans the rest if it can.
    fn next_after(
        &mut self,
        url: &Url,
        view: &PageView<'_>,
        planned_next: Option<(Url, Strategy)>,
        number: u64,
        empty: bool,
    ) -> Result<Option<(Url, Strategy, bool)>, Error> {
        let computed = next_step(&self.config.strategy, view);
        let step = match (planned_next, computed) {
            // The server's word that the walk is over beats any plan: pages
            // may have been deleted since the first response counted them.
            (_, Ok(Next::End)) => Next::End,
            (Some((url, via)), _) => Next::Follow { url, via },
            (None, computed) => computed.map_err(|problem| problem_error(problem, number, url))?,
        };
        let Next::Follow { url: next_url, via } = step else {
            return Ok(None);
        };
        // Checked from where the page really came from, after any redirect.
        let credentials = self.check_next(view.final_url, &next_url, number, empty)?;
        if self.config.concurrency > 1 && self.pages_fetched == 1 {
            let step = Next::Follow {
                url: next_url.clone(),
                via: via.clone(),
            };
            self.plan = plan(&self.config.strategy, view, &step);
        }
        Ok(Some((next_url, via, credentials)))
    }

    /// Ends the walk after an error delivered from elsewhere.
    pub(crate) fn stop(&mut self) {
        self.next = None;
    }

    /// Checks a next URL against the origin policy, loops and runs of empty pages.
    fn check_next(
        &mut self,
        from: &Url,
        next: &Url,
        page: u64,
        empty: bool,
    ) -> Result<bool, Error> {
        let start = self.start.as_ref().unwrap_or(from);
        let credentials = refuse(
            check_hop(start, from, next, self.config.allow_cross_origin),
            from,
            next,
            page,
        )?;
        if let Some(first_page) = self.requested.get(&url_hash(next)) {
            return Err(Error::Loop {
                page,
                url: from.to_string(),
                next: next.to_string(),
                first_page: *first_page,
            });
        }
        self.empty_in_a_row = if empty {
            self.empty_in_a_row.saturating_add(1)
        } else {
            0
        };
        if self.empty_in_a_row >= self.config.max_empty_pages {
            return Err(Error::TooManyEmptyPages {
                page,
                url: from.to_string(),
                count: self.empty_in_a_row,
            });
        }
        Ok(credentials)
    }
}

fn parse_url(text: &str) -> Result<Url, Error> {
    Url::parse(text).map_err(|source| Error::InvalidUrl {
        url: text.to_owned(),
        source,
    })
}

fn content_type(response: &Response) -> Option<String> {
    Some(
        response
            .headers
            .get("content-type")?
            .to_str()
            .ok()?
            .to_owned(),
    )
}

/// The last item as JSON, re-read from the body: only needed when a walk
/// turns out to be keyset-paginated after its items were already typed.
fn last_item_from_body(body: &[u8], items_pointer: &str) -> Option<Value> {
    let mut value: Value = serde_json::from_slice(body).ok()?;
    match value.pointer_mut(items_pointer)? {
        Value::Array(items) => items.pop(),
        _ => None,
    }
}

fn problem_error(problem: Problem, page: u64, url: &Url) -> Error {
    let url = url.to_string();
    match problem {
        Problem::Invalid { next, reason } => Error::InvalidNext {
            page,
            url,
            next,
            reason,
        },
        Problem::MoreButNotFound { evidence, hint } => Error::NextNotFound {
            page,
            url,
            evidence,
            hint,
        },
    }
}

fn url_hash(url: &Url) -> u64 {
    let mut hasher = DefaultHasher::new();
    url.as_str().hash(&mut hasher);
    hasher.finish()
}
