//! The page iterator that leaves items as the server wrote them.

use std::fmt;
use std::iter::FusedIterator;
use std::sync::Arc;

use crate::rules::decode::RawItems;
use crate::walk::{PageFeed, Settings};
use crate::{Checkpoint, Error, Progress, RawPage};

/// An iterator over every page, with its items as the text the server wrote.
///
/// Made by [`Paginator::raw_pages`](crate::Paginator::raw_pages); it walks
/// exactly as [`Pages`](crate::Pages) does, with the same checkpoints, but
/// never builds a value of an item: for passing items through (the
/// `pagewalk` command line tool does), byte for byte and in little memory.
pub struct RawPages {
    pages: PageFeed<RawItems>,
}

impl RawPages {
    pub(crate) fn new(settings: Arc<Settings>) -> RawPages {
        RawPages {
            pages: PageFeed::new(settings),
        }
    }

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

impl Iterator for RawPages {
    type Item = Result<RawPage, Error>;

    fn next(&mut self) -> Option<Result<RawPage, Error>> {
        let next = self.pages.next_page()?;
        Some(next.map(|(items, meta, _)| RawPage { items, meta }))
    }
}

impl FusedIterator for RawPages {}

impl fmt::Debug for RawPages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawPages")
            .field("pages", &self.pages)
            .finish()
    }
}
