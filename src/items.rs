//! The item iterator.

use std::fmt;
use std::iter::FusedIterator;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::walk::{PageFeed, Settings};
use crate::{Checkpoint, Error, Progress};

/// An iterator over the items of every page, deserialized into `T`.
///
/// Made by [`Paginator::items`](crate::Paginator::items). Pages are fetched
/// lazily, one when the items of the previous one are used up, so
/// `take(10)` on an API with 20 items per page makes one request.
///
/// After an error it ends; [`checkpoint`](Items::checkpoint) then tells
/// where to resume.
pub struct Items<T> {
    pages: PageFeed<Vec<T>>,
    current: std::vec::IntoIter<T>,
    /// Position of the first item of `current`.
    at: Checkpoint,
    consumed: usize,
}

impl<T: DeserializeOwned + Send + 'static> Items<T> {
    pub(crate) fn new(settings: Arc<Settings>) -> Items<T> {
        let pages = PageFeed::new(settings);
        let at = pages.after().clone();
        Items {
            pages,
            current: Vec::new().into_iter(),
            at,
            consumed: 0,
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
            self.pages.after().clone()
        }
    }

    /// The total number of items in the collection, as given by the last page
    /// fetched, if the API gives it. Meant for progress bars.
    pub fn total(&self) -> Option<u64> {
        self.pages.total()
    }

    /// Where the walk stands: pages fetched, items delivered, the total when
    /// known, and whether (and until when) it is waiting. Fetches nothing.
    pub fn progress(&self) -> Progress {
        self.pages.progress(&self.checkpoint())
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
            match self.pages.next_page()? {
                Err(error) => return Some(Err(error)),
                Ok((items, _, at)) => {
                    self.at = at;
                    self.consumed = 0;
                    self.current = items.into_iter();
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let upper = self.pages.is_finished().then_some(self.current.len());
        (self.current.len(), upper)
    }
}

impl<T: DeserializeOwned + Send + 'static> FusedIterator for Items<T> {}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("checkpoint", &self.checkpoint())
            .field("buffered", &self.current.len())
            .field("pages", &self.pages)
            .finish()
    }
}
