//! Where the iterators get their pages from: the walk itself, or a thread
//! that runs it ahead of the consumer.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::paginator::Config;
use crate::prefetch::Prefetch;
use crate::walk::{Fetched, Walk};
use crate::{Checkpoint, Error};

/// The pages of a walk, in order.
pub(crate) enum Source<T> {
    Inline(Walk, std::marker::PhantomData<fn() -> T>),
    Prefetch(Prefetch<T>),
}

impl<T: DeserializeOwned + Send + 'static> Source<T> {
    /// The source for `config`, and where the walk stands before its first page.
    pub(crate) fn new(config: Arc<Config>) -> (Source<T>, Checkpoint) {
        let ahead = config.prefetch;
        let walk = Walk::new(config);
        let start = walk.checkpoint();
        let source = if ahead == 0 {
            Source::Inline(walk, std::marker::PhantomData)
        } else {
            match Prefetch::spawn(walk, ahead) {
                Ok(prefetch) => Source::Prefetch(prefetch),
                // Without a thread, the walk still works, only without overlap.
                Err(walk) => Source::Inline(walk, std::marker::PhantomData),
            }
        };
        (source, start)
    }

    pub(crate) fn next_page(&mut self) -> Option<Result<Fetched<T>, Error>> {
        match self {
            Source::Inline(walk, _) => walk.next_page(),
            Source::Prefetch(prefetch) => prefetch.next_page(),
        }
    }
}
