//! `max_pages` and `max_items`: how much of the walk is wanted.

/// The limits of a walk and how much of them is used.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    max_pages: Option<u64>,
    max_items: Option<u64>,
    pages_fetched: u64,
    items_fetched: u64,
}

/// What the limits keep of one page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cut {
    /// How many more items the walk wants, if it limits them.
    pub wanted: Option<u64>,
    /// The page has more items than are wanted: its end is left out.
    pub truncated: bool,
    /// No page after this one is wanted.
    pub limit_met: bool,
}

impl Limits {
    pub(crate) fn new(max_pages: Option<u64>, max_items: Option<u64>) -> Limits {
        Limits {
            max_pages,
            max_items,
            pages_fetched: 0,
            items_fetched: 0,
        }
    }

    /// True once no more pages are wanted.
    pub(crate) fn reached(&self) -> bool {
        self.max_pages.is_some_and(|max| self.pages_fetched >= max)
            || self.max_items.is_some_and(|max| self.items_fetched >= max)
    }

    /// How many more pages the limits allow, if they limit at all, assuming
    /// pages of `page_size` items.
    pub(crate) fn pages_allowed(&self, page_size: usize) -> Option<u64> {
        let page_size = (page_size as u64).max(1);
        let by_pages = self
            .max_pages
            .map(|max| max.saturating_sub(self.pages_fetched));
        let by_items = self
            .max_items
            .map(|max| max.saturating_sub(self.items_fetched).div_ceil(page_size));
        by_pages.into_iter().chain(by_items).min()
    }

    /// Counts one more page fetched, and says what of its `available` items
    /// (those not delivered before a resume) the limits keep.
    pub(crate) fn take_page(&mut self, available: usize) -> Cut {
        self.pages_fetched += 1;
        let wanted = self
            .max_items
            .map(|max| max.saturating_sub(self.items_fetched));
        let available = available as u64;
        let pages_done = self.max_pages.is_some_and(|max| self.pages_fetched >= max);
        Cut {
            wanted,
            truncated: wanted.is_some_and(|wanted| available > wanted),
            limit_met: pages_done || wanted.is_some_and(|wanted| available >= wanted),
        }
    }

    /// Counts `n` items delivered.
    pub(crate) fn count_items(&mut self, n: usize) {
        self.items_fetched += n as u64;
    }
}

impl Cut {
    /// Whether the item at `index` (counted from the first available one) is wanted.
    pub(crate) fn wants(&self, index: usize) -> bool {
        self.wanted.is_none_or(|wanted| (index as u64) < wanted)
    }

    /// How many of `len` items are kept.
    pub(crate) fn keep(&self, len: usize) -> usize {
        self.wanted
            .map_or(len, |wanted| wanted.min(len as u64) as usize)
    }
}
