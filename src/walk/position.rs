//! Where a walk stands: the next request and how far into its page the
//! walk has delivered.

use crate::Checkpoint;
use crate::http::origin::Outgoing;

/// The walk's position before its next page.
#[derive(Debug, Clone)]
pub(crate) struct Position {
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
            self.next.as_ref().map(|next| next.request.clone()),
            self.page,
            self.skip,
            self.items_seen,
        )
    }

    /// Moves to `checkpoint`, with `next` as its request checked.
    pub(crate) fn move_to(&mut self, checkpoint: &Checkpoint, next: Option<Outgoing>) {
        self.next = next;
        self.page = checkpoint.page();
        self.skip = checkpoint.skip();
        self.items_seen = checkpoint.items_seen();
    }
}
