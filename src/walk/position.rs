//! Where a walk stands: the next request and how far into its page the
//! walk has delivered.

use std::sync::Arc;

use crate::checkpoint::WalkId;
use crate::http::origin::Outgoing;
use crate::{Checkpoint, Error, ErrorKind, Request};

/// The walk's position before its next page.
#[derive(Debug, Clone)]
pub(crate) struct Position {
    /// Which walk this is: every checkpoint records it.
    pub walk: Arc<WalkId>,
    /// The next request with the origin policy's verdict, `None` at the end.
    pub next: Option<Outgoing>,
    /// The number the next page will have in the walk.
    pub page: u64,
    /// How many items of the next page were already delivered.
    pub skip: usize,
    /// How many items the walk delivered before the next page.
    pub items_seen: u64,
}

impl Position {
    /// Where the walk stands, as a checkpoint.
    pub(crate) fn checkpoint(&self) -> Checkpoint {
        Checkpoint::new(
            Some(Arc::clone(&self.walk)),
            self.next.as_ref().map(|next| next.request.clone()),
            self.page,
            self.skip,
            self.items_seen,
        )
    }

    /// Where the walk stands before the page `sent` fetches: this position,
    /// with `sent` as its next request.
    pub(crate) fn checkpoint_at(&self, sent: &Request) -> Checkpoint {
        self.at(Some(sent.clone()), self.page, self.skip, self.items_seen)
    }

    /// A checkpoint of this walk at `next`, page `page`, past `skip` of its
    /// items, after `items_seen` before it.
    pub(crate) fn at(
        &self,
        next: Option<Request>,
        page: u64,
        skip: usize,
        items_seen: u64,
    ) -> Checkpoint {
        Checkpoint::new(Some(Arc::clone(&self.walk)), next, page, skip, items_seen)
    }

    /// Whether a page of `len` items can be where this position says the
    /// walk stands: a checkpoint cannot skip more items than the page has,
    /// nor count more items than a counter holds.
    pub(crate) fn fits(&self, len: usize) -> Result<(), Error> {
        let reason = if self.skip > len {
            format!("it skips {} items of a page of {len}", self.skip)
        } else if self.items_seen.checked_add(len as u64).is_none() {
            format!("items_seen {} is out of range", self.items_seen)
        } else {
            return Ok(());
        };
        Err(Error::new(ErrorKind::Checkpoint { reason }))
    }

    /// Moves to `checkpoint`, with `next` as its request checked.
    pub(crate) fn move_to(&mut self, checkpoint: &Checkpoint, next: Option<Outgoing>) {
        self.next = next;
        self.page = checkpoint.page();
        self.skip = checkpoint.skip();
        self.items_seen = checkpoint.items_seen();
    }
}
