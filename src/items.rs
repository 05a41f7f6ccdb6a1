//! The item iterator.

use std::fmt;
use std::iter::FusedIterator;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::paginator::Config;
use crate::source::Source;
use crate::{Checkpoint, Error};

/// An iterator over the items of every page, deserialized into `T`.
///
/// Made by [`Paginator::items`](crate::Paginator::items). Pages are fetched
/// lazily, one when the items of the previous one are used up, so
/// `take(10)` on an API with 20 items per page makes one request.
///
/// After an error it ends; [`checkpoint`](Items::checkpoint) then tells
/// where to resume.
pub struct Items<T> {
    source: Source<T>,
    current: std::vec::IntoIter<T>,
    /// Position of the first item of `current` as delivered.
    at: Checkpoint,
    consumed: usize,
    /// Position once `current` is used up.
    after: Checkpoint,
    pending_error: Option<Error>,
    total: Option<u64>,
    finished: bool,
}

impl<T: DeserializeOwned + Send + 'static> Items<T> {
    pub(crate) fn new(config: Arc<Config>) -> Items<T> {
        let (source, start) = Source::new(config);
        Items {
            source,
            current: Vec::new().into_iter(),
            at: start.clone(),
            consumed: 0,
            after: start,
            pending_error: None,
            total: None,
            finished: false,
        }
    }
}

impl<T> Items<T> {
    /// The position after the last item yielded: pass it to
    /// [`Paginator::resume_from`](crate::Paginator::resume_from) to continue
    /// with the next item, exactly once each.
    pub fn checkpoint(&self) -> Checkpoint {
        if self.current.len() > 0 {
            self.at.skipping(self.consumed)
        } else {
            self.after.clone()
        }
    }

    /// The total number of items in the collection, as given by the last page
    /// fetched, if the API gives it. Meant for progress bars.
    pub fn total(&self) -> Option<u64> {
        self.total
    }
}

impl<T: DeserializeOwned + Send + 'static> Iterator for Items<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Result<T, Error>> {
        loop {
            if let Some(item) = self.current.next() {
                self.consumed += 1;
                return Some(Ok(item));
            }
            if let Some(error) = self.pending_error.take() {
                self.finished = true;
                return Some(Err(error));
            }
            if self.finished {
                return None;
            }
            match self.source.next_page() {
                None => {
                    self.finished = true;
                    return None;
                }
                Some(Err(error)) => {
                    self.finished = true;
                    return Some(Err(error));
                }
                Some(Ok(fetched)) => {
                    self.total = fetched.page.total.or(self.total);
                    self.at = fetched.at;
                    self.after = fetched.after;
                    self.consumed = 0;
                    self.pending_error = fetched.error;
                    self.current = fetched.page.items.into_iter();
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let upper = if self.finished && self.pending_error.is_none() {
            Some(self.current.len())
        } else {
            None
        };
        (self.current.len(), upper)
    }
}

impl<T: DeserializeOwned + Send + 'static> FusedIterator for Items<T> {}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("checkpoint", &self.checkpoint())
            .field("buffered", &self.current.len())
            .field("total", &self.total)
            .field("finished", &self.finished)
            .finish()
    }
}
