//! The page iterator.

use std::fmt;
use std::iter::FusedIterator;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::walk::{PageFeed, Settings};
use crate::{Checkpoint, Error, Page, Progress};

/// An iterator over every page, with its items deserialized into `T`.
///
/// Made by [`Paginator::pages`](crate::Paginator::pages). Without prefetch or
/// concurrency, each call to `next` fetches one page (plus any retries and
/// redirects). After an error it ends; [`checkpoint`](Pages::checkpoint)
/// then tells where to resume.
pub struct Pages<T> {
    pages: PageFeed<Vec<T>>,
}

impl<T: DeserializeOwned + Send + 'static> Pages<T> {
    pub(crate) fn new(settings: Arc<Settings>) -> Pages<T> {
        Pages {
            pages: PageFeed::new(settings),
        }
    }
}

impl<T> Pages<T> {
    /// The position after the last page yielded: pass it to
    /// [`Paginator::resume_from`](crate::Paginator::resume_from) to continue
    /// with the next page.
    pub fn checkpoint(&self) -> Checkpoint {
        self.pages.after().clone()
    }

    /// The total number of items in the collection, as given by the last page
    /// fetched, if the API gives it.
    pub fn total(&self) -> Option<u64> {
        self.pages.total()
    }

    /// Where the walk stands: pages fetched, items delivered, the total when
    /// known, and whether (and until when) it is waiting. Fetches nothing.
    pub fn progress(&self) -> Progress {
        self.pages.progress(&self.checkpoint())
    }
}

impl<T: DeserializeOwned + Send + 'static> Iterator for Pages<T> {
    type Item = Result<Page<T>, Error>;

    fn next(&mut self) -> Option<Result<Page<T>, Error>> {
        Some(
            self.pages
                .next_page()?
                .map(|(items, meta, _)| Page { items, meta }),
        )
    }
}

impl<T: DeserializeOwned + Send + 'static> FusedIterator for Pages<T> {}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").field("pages", &self.pages).finish()
    }
}
