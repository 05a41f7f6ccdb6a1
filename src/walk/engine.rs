//! The walk: from one request to the next, page by page.
//!
//! Fetching a page ([`PageRequest::fetch`]) is separate from delivering it
//! ([`Walk::deliver`]) so that concurrent workers can fetch while the walk
//! still delivers in order, keeping the checkpoint, loop and limit rules in
//! one place. Delivering is a few named steps over the walk's grouped state:
//! the [`Position`], the [`Limits`], the [`LoopGuard`] and what detection has
//! [`Learned`].

mod next;

use std::sync::Arc;

use http::HeaderMap;
use url::Url;

use self::next::{Arrived, Step};
use super::fetch::PageRequest;
use super::guard::{LoopGuard, Sample};
use super::limits::{Cut, Limits};
use super::position::Position;
use super::settings::Settings;
use crate::checkpoint::{self, WalkId};
use crate::http::Response;
use crate::http::origin::{Credentials, Outgoing, admit};
use crate::link_header::{self, Link};
use crate::page::PageMeta;
use crate::rules::PageView;
use crate::rules::decode::{BadItem, Batch, Decoded};
use crate::rules::facts::Facts;
use crate::rules::next::Next;
use crate::strategy::Kind;
use crate::{Checkpoint, Error, ErrorKind, Request, Strategy};

/// A page as the iterators receive it: the page, where it stands, and the
/// error, if any, that comes right after its items.
pub(crate) struct Fetched<B> {
    /// The page's items, from the first one not delivered before.
    pub items: B,
    /// What the response said about the walk.
    pub meta: PageMeta,
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

/// Sees each page's view and next step as the walk works it out: how the
/// concurrent source plans from the first page without the walk knowing.
pub(crate) type Observer<'a> = &'a mut dyn FnMut(&PageView<'_>, &Next);

/// What the walk has learned about the API from the pages so far.
#[derive(Debug, Default)]
struct Learned {
    /// Where the items were found.
    items_pointer: Option<String>,
    /// Auto-detection found a Stripe list: the last item's JSON is needed.
    keyset: bool,
    /// Items on the last page delivered, before any skip or limit: the page size.
    page_len: usize,
    /// How the request of the next page was found.
    via: Option<Strategy>,
    /// The last total a page gave.
    total: Option<u64>,
}

/// A walk in progress. Produces pages in order; ends for good after the last
/// page or the first error.
pub(crate) struct Walk {
    settings: Arc<Settings>,
    start: Option<Url>,
    position: Position,
    limits: Limits,
    guard: LoopGuard,
    learned: Learned,
    /// An error to report before anything else, such as a bad start URL.
    startup_error: Option<Error>,
}

impl Walk {
    pub(crate) fn new(settings: Arc<Settings>) -> Walk {
        let mut walk = Walk {
            start: None,
            position: Position {
                walk: Arc::new(WalkId::new(
                    &settings.start,
                    &settings.method,
                    settings.body.as_ref(),
                    &settings.strategy.to_string(),
                    settings.items_at.as_deref(),
                )),
                next: None,
                page: 1,
                skip: 0,
                items_seen: 0,
            },
            limits: Limits::new(settings.max_pages, settings.max_items),
            guard: LoopGuard::new(settings.max_empty_pages),
            learned: Learned::default(),
            startup_error: None,
            settings,
        };
        if let Err(error) = walk.prepare() {
            walk.startup_error = Some(error);
        }
        walk
    }

    /// Parses the start URL and moves to the checkpoint to resume from, if any.
    fn prepare(&mut self) -> Result<(), Error> {
        let text = &self.settings.start;
        if let Some(name) = &self.settings.bad_header {
            let name = name.clone();
            return Err(Error::new(ErrorKind::InvalidHeader { name }).at(1, text));
        }
        let start = Url::parse(text).map_err(|source| {
            Error::new(ErrorKind::InvalidUrl)
                .for_url(text)
                .caused_by(source)
        })?;
        if !matches!(start.scheme(), "http" | "https") {
            let scheme = start.scheme().to_owned();
            return Err(Error::new(ErrorKind::UnsupportedScheme { scheme }).at(1, start.as_str()));
        }
        self.start = Some(start.clone());
        let Some(checkpoint) = &self.settings.resume else {
            let mut first = Request::new(self.settings.method.clone(), start.clone());
            if let Some(body) = &self.settings.body {
                first = first.with_body(body.clone());
            }
            self.position.next = Some(admit(&start, &start, first, false, 1)?);
            return Ok(());
        };
        let reason = if !(1..=checkpoint::VERSION).contains(&checkpoint.version()) {
            Some(format!(
                "version {} is not supported (this pagewalk reads 1 to {})",
                checkpoint.version(),
                checkpoint::VERSION
            ))
        } else {
            checkpoint
                .walk()
                .and_then(|taken_in| taken_in.difference(&self.position.walk))
        };
        if let Some(reason) = reason {
            return Err(Error::new(ErrorKind::Checkpoint { reason }).for_url(start.as_str()));
        }
        let next = match checkpoint.next_request() {
            Some(next) => Some(admit(
                &start,
                &start,
                next.clone(),
                self.settings.allow_cross_origin,
                checkpoint.page(),
            )?),
            None => None,
        };
        self.position.move_to(checkpoint, next);
        Ok(())
    }

    /// Where the walk stands before its next page.
    pub(crate) fn checkpoint(&self) -> Checkpoint {
        self.position.checkpoint()
    }

    /// The next page, `None` at the end; after an `Err` the walk is over.
    pub(crate) fn next_page<B: Batch>(&mut self) -> Option<Result<Fetched<B>, Error>> {
        self.next_page_observed::<B>(&mut |_, _| {})
    }

    /// [`next_page`](Walk::next_page), showing `observe` the page's view.
    pub(crate) fn next_page_observed<B: Batch>(
        &mut self,
        observe: Observer<'_>,
    ) -> Option<Result<Fetched<B>, Error>> {
        if let Some(error) = self.startup_error.take() {
            return Some(Err(error));
        }
        if self.limits.reached() {
            return None;
        }
        let sent = self.position.next.take()?;
        let request = self.page_request()?;
        Some(
            request
                .fetch::<B>(&sent, self.position.page, self.position.skip)
                .and_then(|(response, decoded)| self.deliver(&sent, response, decoded, observe)),
        )
    }

    /// What a worker needs to fetch the walk's pages; `None` before the start is known.
    pub(crate) fn page_request(&self) -> Option<PageRequest> {
        Some(PageRequest {
            settings: Arc::clone(&self.settings),
            start: self.start.clone()?,
            items_pointer: self.learned.items_pointer.clone(),
            want_last_item: self.learned.keyset
                || matches!(self.settings.strategy.kind, Kind::Keyset { .. }),
        })
    }

    /// Where the items were found on the last page.
    pub(crate) fn items_pointer(&self) -> Option<&str> {
        self.learned.items_pointer.as_deref()
    }

    /// The next request, if there is one.
    pub(crate) fn next_request(&self) -> Option<&Request> {
        self.position.next.as_ref().map(|next| &next.request)
    }

    /// Whether the user's headers go with the next request, if there is one.
    pub(crate) fn next_credentials(&self) -> Option<Credentials> {
        self.position.next.as_ref().map(|next| next.credentials)
    }

    /// The settings this walk shares with any thread that fetches for it.
    pub(crate) fn settings(&self) -> &Arc<Settings> {
        &self.settings
    }

    /// The number the next delivered page will have.
    pub(crate) fn page_number(&self) -> u64 {
        self.position.page
    }

    /// True once the walk will deliver no more pages.
    pub(crate) fn is_over(&self) -> bool {
        self.position.next.is_none() || self.limits.reached()
    }

    /// How many more pages the limits allow, if they limit at all; pages are
    /// assumed as large as the last one delivered.
    pub(crate) fn pages_allowed(&self) -> Option<u64> {
        self.limits.pages_allowed(self.learned.page_len)
    }

    /// Ends the walk after an error delivered from elsewhere.
    pub(crate) fn stop(&mut self) {
        self.position.next = None;
    }

    /// Delivers the page that `sent` fetched: works out the next request,
    /// applies the limits and moves the walk on. `Err` when the page is not
    /// delivered at all.
    pub(crate) fn deliver<B: Batch>(
        &mut self,
        sent: &Outgoing,
        response: Response,
        decoded: Decoded<B>,
        observe: Observer<'_>,
    ) -> Result<Fetched<B>, Error> {
        let number = self.position.page;
        self.guard
            .record(&sent.request, &response.final_url, number);
        let Decoded {
            mut items,
            envelope,
            last_item,
            item_error,
            pointer,
            page_len,
            first,
            body,
        } = decoded;
        let full_body = self.whole_body(body.as_deref().or_else(|| items.kept_body()));
        let sample = Sample::new(number, page_len, first, items.fingerprint(), body, &pointer);
        // A page refused whole is an error in place of the page: the walk
        // stands before it, and ends there.
        self.screen(&sample, page_len)
            .map_err(|error| error.at(number, sent.request.url().as_str()))?;
        let skip = self.position.skip;
        let cut = self.limits.take_page(page_len - skip);
        let links = links_of(&response.headers);
        let facts = Facts::read(&envelope, &pointer, &response.headers, &links, page_len);
        let total = facts.total();
        let arrived = Arrived {
            sent,
            response: &response,
            links: &links,
            envelope: &envelope,
            pointer: &pointer,
            last_item: &last_item,
            sample: &sample,
            page_len,
            body: full_body.as_ref(),
            kept_body: items.kept_body(),
            facts: &facts,
        };
        // A bad item after the last one wanted is never reached.
        let step = match item_error.filter(|bad| cut.wants(bad.index - skip)) {
            Some(bad) => Step::failed(item_error_at(bad, number, &sent.request)),
            None => self.step(&arrived, &cut, observe),
        };
        drop(facts);
        self.learned.total = total.or(self.learned.total);
        self.remember(sample);
        self.learn(&response.final_url, pointer, page_len, step.next.as_ref());
        items.truncate(cut.keep(items.len()));
        self.limits.count_items(items.len());
        let (at, after, after_error) = self.advance(&sent.request, skip, items.len(), &cut, &step);
        Ok(Fetched {
            items,
            meta: meta(number, &sent.request, response, links, total, &step),
            at,
            after,
            error: step.error,
            after_error,
        })
    }

    /// Keeps `sample` for the next page's loop check, and hands the body it
    /// replaces back to the transport, for a later page to be read into.
    fn remember(&mut self, sample: Sample) {
        if let Some(done) = self.guard.remember(sample) {
            self.settings.transport.recycle(done);
        }
    }

    /// The whole body as JSON, for a custom rule: parsed for it alone.
    fn whole_body(&self, bytes: Option<&[u8]>) -> Option<serde_json::Value> {
        if !matches!(self.settings.strategy.kind, Kind::Custom(_)) {
            return None;
        }
        serde_json::from_slice(bytes?).ok()
    }

    /// Whether the page `sample` describes may be delivered at all: not a
    /// repeat of the page before, and where the position says the walk is.
    fn screen(&self, sample: &Sample, page_len: usize) -> Result<(), Error> {
        if let Some(first_page) = self.guard.repeats(sample) {
            let hint = self
                .learned
                .via
                .as_ref()
                .and_then(|via| guessed(&self.settings.strategy, via));
            return Err(Error::new(ErrorKind::RepeatedPage { first_page, hint }));
        }
        self.position.fits(page_len)
    }

    /// Remembers what this page taught about the API.
    fn learn(
        &mut self,
        url: &Url,
        pointer: String,
        page_len: usize,
        next: Option<&(Outgoing, Strategy)>,
    ) {
        self.learned.items_pointer = Some(pointer);
        self.learned.page_len = page_len;
        self.learned.keyset = next.is_some_and(|(_, via)| matches!(via.kind, Kind::Keyset { .. }));
        let via = next.map(|(_, via)| via.clone());
        if let (Some(old), Some(new)) = (&self.learned.via, &via) {
            if old.kind != new.kind {
                log::warn!(
                    "page {} ({}): auto-detection now follows {new}; the page before, it followed {old}",
                    self.position.page,
                    crate::text::redact(url.as_str())
                );
            }
        }
        self.learned.via = via;
    }

    /// Moves the position past the page `sent` fetched, of which `kept` items
    /// are delivered from `skip` on, as `step` says; returns where the page
    /// starts, where it ends, and where the walk stands once the step's error,
    /// if any, is reported.
    fn advance(
        &mut self,
        sent: &Request,
        skip: usize,
        kept: usize,
        cut: &Cut,
        step: &Step,
    ) -> (Checkpoint, Checkpoint, Checkpoint) {
        let number = self.position.page;
        let at = self.position.checkpoint_at(sent);
        let complete = !cut.truncated && !step.unresolved && step.error.is_none();
        let next = step.next.as_ref().filter(|_| complete);
        let after = if complete {
            self.position.at(
                next.map(|(outgoing, _)| outgoing.request.clone()),
                number.saturating_add(1),
                0,
                self.position.items_seen + (skip + kept) as u64,
            )
        } else {
            at.skipping(kept)
        };
        // A bad item counts as delivered once reported, so a resumed walk goes
        // on after it instead of failing on it forever.
        let after_error = match step.error.as_ref().map(Error::kind) {
            Some(ErrorKind::Item { .. }) => after.skipping(1),
            _ => after.clone(),
        };
        self.position.next = next.map(|(outgoing, _)| outgoing.clone());
        self.position.page = after_error.page();
        self.position.skip = after_error.skip();
        self.position.items_seen = after_error.items_seen();
        (at, after, after_error)
    }
}

/// What the response said, as the page handed out tells it.
fn meta(
    number: u64,
    sent: &Request,
    response: Response,
    links: Vec<Link>,
    total: Option<u64>,
    step: &Step,
) -> PageMeta {
    let next = step.next.as_ref();
    PageMeta {
        number,
        url: response.final_url.to_string(),
        request: sent.clone(),
        next_url: next.map(|(outgoing, _)| outgoing.request.url().to_string()),
        found_by: next.map(|(_, via)| via.clone()),
        links,
        total,
        status: response.status,
        headers: response.headers,
    }
}

/// Every link of the response's `Link` headers.
fn links_of(headers: &HeaderMap) -> Vec<Link> {
    // `to_str` would refuse any non-ASCII byte and so lose a whole Link
    // header over one accented letter in a URL.
    link_header::parse(
        headers
            .get_all("link")
            .iter()
            .filter_map(|value| std::str::from_utf8(value.as_bytes()).ok()),
    )
}

/// The error for an item that does not fit the requested type.
fn item_error_at(bad: BadItem, page: u64, sent: &Request) -> Error {
    Error::new(ErrorKind::Item {
        index: bad.index,
        json: bad.json,
    })
    .at(page, sent.url().as_str())
    .caused_by(bad.error)
}

/// What to pass when a page repeats the one before because detection
/// guessed the parameter that carries the token or the page number.
fn guessed(strategy: &Strategy, via: &Strategy) -> Option<String> {
    if strategy.kind != Kind::Auto {
        return None;
    }
    let flag = match &via.kind {
        Kind::Cursor { token, .. } => format!("--cursor {token} --cursor-param NAME"),
        Kind::PageNumber { .. } => "--page-param NAME".to_owned(),
        Kind::Offset { .. } => "--offset-param NAME".to_owned(),
        _ => return None,
    };
    Some(format!(
        "auto-detection sent it as {via}, which the API seems to ignore: name the parameter it takes (CLI: {flag})"
    ))
}
