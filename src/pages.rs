//! The page iterator.

use std::fmt;
use std::iter::FusedIterator;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::paginator::Config;
use crate::source::Source;
use crate::{Checkpoint, Error, Page};

/// An iterator over every page, with its items deserialized into `T`.
///
/// Made by [`Paginator::pages`](crate::Paginator::pages). One request per
/// call to `next`. After an error it ends; [`checkpoint`](Pages::checkpoint)
/// then tells where to resume.
pub struct Pages<T> {
    source: Source<T>,
    after: Checkpoint,
    pending_error: Option<Error>,
    total: Option<u64>,
    finished: bool,
    marker: std::marker::PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned + Send + 'static> Pages<T> {
    pub(crate) fn new(config: Arc<Config>) -> Pages<T> {
        let (source, after) = Source::new(config);
        Pages {
            source,
            after,
            pending_error: None,
            total: None,
            finished: false,
            marker: std::marker::PhantomData,
        }
    }
}

impl<T> Pages<T> {
    /// The position after the last page yielded: pass it to
    /// [`Paginator::resume_from`](crate::Paginator::resume_from) to continue
    /// with the next page.
    pub fn checkpoint(&self) -> Checkpoint {
        self.after.clone()
    }

    /// The total number of items in the collection, as given by the last page
    /// fetched, if the API gives it.
    pub fn total(&self) -> Option<u64> {
        self.total
    }
}

impl<T: DeserializeOwned + Send + 'static> Iterator for Pages<T> {
    type Item = Result<crate::Page<T>, Error>;

    fn next(&mut self) -> Option<Result<Page<T>, Error>> {
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
                None
            }
            Some(Err(error)) => {
                self.finished = true;
                Some(Err(error))
            }
            Some(Ok(fetched)) => {
                self.total = fetched.page.total.or(self.total);
                self.after = fetched.after;
                self.pending_error = fetched.error;
                Some(Ok(fetched.page))
            }
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> FusedIterator for Pages<T> {}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("checkpoint", &self.after)
            .field("total", &self.total)
            .field("finished", &self.finished)
            .finish()
    }
}
