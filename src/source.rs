//! Where the iterators get their pages from: the walk itself, a thread that
//! runs it ahead of the consumer, or workers that fetch planned pages side by side.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::concurrent::Concurrent;
use crate::paginator::Config;
use crate::prefetch::Prefetch;
use crate::walk::{Fetched, Walk};
use crate::{Checkpoint, Error};

/// The pages of a walk, in order.
pub(crate) struct Source<T> {
    state: State<T>,
    prefetch: usize,
    concurrency: usize,
}

enum State<T> {
    Inline(Box<Walk>),
    Prefetch(Prefetch<T>),
    Concurrent(Box<Concurrent<T>>),
    /// Only while switching from one state to another.
    Switching,
}

impl<T: DeserializeOwned + Send + 'static> Source<T> {
    /// The source for `config`, and where the walk stands before its first page.
    pub(crate) fn new(config: Arc<Config>) -> (Source<T>, Checkpoint) {
        let (prefetch, concurrency) = (config.prefetch, config.concurrency);
        let walk = Walk::new(config);
        let start = walk.checkpoint();
        let mut source = Source {
            state: State::Inline(Box::new(walk)),
            prefetch,
            concurrency,
        };
        // With concurrency, the first page is fetched inline: it decides
        // whether the rest can be planned.
        if concurrency <= 1 {
            source.start_prefetch();
        }
        (source, start)
    }

    pub(crate) fn next_page(&mut self) -> Option<Result<Fetched<T>, Error>> {
        match &mut self.state {
            State::Inline(walk) => {
                let first = walk.next_page();
                if self.concurrency > 1 {
                    self.start_concurrent();
                }
                first
            }
            State::Prefetch(prefetch) => prefetch.next_page(),
            State::Concurrent(concurrent) => concurrent.next_page(),
            State::Switching => None,
        }
    }

    fn start_prefetch(&mut self) {
        if self.prefetch == 0 {
            return;
        }
        if let State::Inline(walk) = std::mem::replace(&mut self.state, State::Switching) {
            self.state = match Prefetch::spawn(walk, self.prefetch) {
                Ok(prefetch) => State::Prefetch(prefetch),
                // Without a thread the walk still works, only without overlap.
                Err(walk) => State::Inline(walk),
            };
        }
    }

    /// After the first page: workers if the walk has a plan, else prefetch or inline.
    fn start_concurrent(&mut self) {
        // Planning happens once, after the first page.
        let workers = std::mem::take(&mut self.concurrency);
        let State::Inline(mut walk) = std::mem::replace(&mut self.state, State::Switching) else {
            return;
        };
        self.state = match walk.take_plan() {
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
