//! Where the iterators get their pages from: the walk itself, a thread that
//! runs it ahead of the consumer, or workers that fetch planned pages side by side.

use std::fmt;
use std::sync::Arc;

use super::concurrent::Concurrent;
use super::engine::{Fetched, Walk};
use super::prefetch::Prefetch;
use super::settings::Settings;
use crate::http::Waits;
use crate::page::PageMeta;
use crate::rules::decode::Batch;
use crate::rules::plan::{Plan, plan};
use crate::{Checkpoint, Error, Progress};

/// The pages of a walk, in order.
pub(crate) struct Source<B> {
    state: State<B>,
    prefetch: usize,
    concurrency: usize,
}

enum State<B> {
    Inline(Box<Walk>),
    Prefetch(Prefetch<B>),
    Concurrent(Box<Concurrent<B>>),
    /// Only while switching from one state to another.
    Switching,
}

impl<B: Batch> Source<B> {
    /// The source for `settings`, and where the walk stands before its first page.
    pub(crate) fn new(settings: Arc<Settings>) -> (Source<B>, Checkpoint) {
        let (prefetch, concurrency) = (settings.prefetch, settings.concurrency);
        let walk = Walk::new(settings);
        let start = walk.checkpoint();
        let source = Source {
            state: State::Inline(Box::new(walk)),
            prefetch,
            concurrency,
        };
        (source, start)
    }

    pub(crate) fn next_page(&mut self) -> Option<Result<Fetched<B>, Error>> {
        // Threads start on the first call, so nothing is fetched before it.
        // With concurrency, the first page is fetched inline: it decides
        // whether the rest can be planned.
        if self.concurrency <= 1 {
            self.start_prefetch();
        }
        match &mut self.state {
            State::Inline(walk) if self.concurrency > 1 => {
                // The first page decides whether the rest can be planned.
                let strategy = walk.settings().strategy.clone();
                let mut planned = None;
                let first = walk.next_page_observed::<B>(&mut |view, next| {
                    planned = plan(&strategy, view, next);
                });
                self.start_concurrent(planned);
                first
            }
            State::Inline(walk) => walk.next_page::<B>(),
            State::Prefetch(prefetch) => prefetch.next_page(),
            State::Concurrent(concurrent) => concurrent.next_page(),
            State::Switching => None,
        }
    }

    fn start_prefetch(&mut self) {
        if self.prefetch == 0 || !matches!(self.state, State::Inline(_)) {
            return;
        }
        let ahead = std::mem::take(&mut self.prefetch);
        if let State::Inline(walk) = std::mem::replace(&mut self.state, State::Switching) {
            self.state = match Prefetch::spawn(walk, ahead) {
                Ok(prefetch) => State::Prefetch(prefetch),
                // Without a thread the walk still works, only without overlap.
                Err(walk) => State::Inline(walk),
            };
        }
    }

    /// After the first page: workers if it gave a plan and the walk goes on,
    /// else prefetch or inline.
    fn start_concurrent(&mut self, plan: Option<Plan>) {
        // Planning happens once, after the first page.
        let workers = std::mem::take(&mut self.concurrency);
        let State::Inline(walk) = std::mem::replace(&mut self.state, State::Switching) else {
            return;
        };
        self.state = match plan.filter(|_| !walk.is_over()) {
            Some(plan) => match Concurrent::start(walk, plan, workers) {
                Ok(concurrent) => State::Concurrent(Box::new(concurrent)),
                Err(walk) => State::Inline(walk),
            },
            None => State::Inline(walk),
        };
        if matches!(self.state, State::Inline(_)) {
            self.start_prefetch();
        }
    }
}

/// The pages of a walk as both iterators consume them: the error that ends
/// the walk is yielded once, after the page it follows, and then nothing.
pub(crate) struct PageFeed<B> {
    source: Source<B>,
    /// Where the walk stands after the last page handed out.
    after: Checkpoint,
    /// An error that comes after the last page handed out.
    pending_error: Option<Error>,
    /// Where the walk stands once `pending_error` is reported.
    after_error: Checkpoint,
    total: Option<u64>,
    finished: bool,
    /// The number of the last page handed out (pages before a resume included).
    pages: u64,
    waits: Arc<Waits>,
}

impl<B: Batch> PageFeed<B> {
    pub(crate) fn new(settings: Arc<Settings>) -> PageFeed<B> {
        let waits = Arc::clone(&settings.waits);
        let (source, start) = Source::new(settings);
        PageFeed {
            after_error: start.clone(),
            pages: start.page().saturating_sub(1),
            source,
            after: start,
            pending_error: None,
            total: None,
            finished: false,
            waits,
        }
    }

    /// The next page with the position of its first item, or the error that ends the walk.
    pub(crate) fn next_page(&mut self) -> Option<Result<(B, PageMeta, Checkpoint), Error>> {
        if let Some(error) = self.pending_error.take() {
            self.finished = true;
            self.after = self.after_error.clone();
            return Some(Err(error));
        }
        if self.finished {
            return None;
        }
        match self.source.next_page() {
            None => {
                self.finished = true;
                None
            }
            Some(Err(error)) => {
                self.finished = true;
                Some(Err(error))
            }
            Some(Ok(fetched)) => {
                self.total = fetched.meta.total.or(self.total);
                self.pages = fetched.meta.number;
                self.after = fetched.after;
                self.after_error = fetched.after_error;
                self.pending_error = fetched.error;
                Some(Ok((fetched.items, fetched.meta, fetched.at)))
            }
        }
    }
}

impl<B> PageFeed<B> {
    /// Where the walk stands after the last page handed out.
    pub(crate) fn after(&self) -> &Checkpoint {
        &self.after
    }

    pub(crate) fn total(&self) -> Option<u64> {
        self.total
    }

    /// What a progress display needs, for an iterator that stands at `at`:
    /// the items handed out are those before its page and those of its page
    /// already skipped past.
    pub(crate) fn progress(&self, at: &Checkpoint) -> Progress {
        Progress {
            pages: self.pages,
            items: at.items_seen().saturating_add(at.skip() as u64),
            total: self.total,
            waiting_until: self.waits.until(),
        }
    }

    /// True once nothing more will come, not even an error.
    pub(crate) fn is_finished(&self) -> bool {
        self.finished && self.pending_error.is_none()
    }
}

impl<B> fmt::Debug for PageFeed<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageFeed")
            .field("checkpoint", &self.after)
            .field("total", &self.total)
            .field("finished", &self.is_finished())
            .finish()
    }
}
