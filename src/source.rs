//! Where the iterators get their pages from.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::paginator::Config;
use crate::walk::{Fetched, Walk};
use crate::{Checkpoint, Error};

/// The pages of a walk, in order.
pub(crate) struct Source {
    walk: Walk,
}

impl Source {
    pub(crate) fn new(config: Arc<Config>) -> Source {
        Source {
            walk: Walk::new(config),
        }
    }

    /// Where the walk stands before its first page.
    pub(crate) fn checkpoint(&self) -> Checkpoint {
        self.walk.checkpoint()
    }

    pub(crate) fn next_page<T: DeserializeOwned + Send + 'static>(
        &mut self,
    ) -> Option<Result<Fetched<T>, Error>> {
        self.walk.next_page()
    }
}
