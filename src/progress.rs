//! Where a walk stands, for a progress display.

use std::time::SystemTime;

/// Where a walk stands, as a progress bar needs it: taken from an iterator
/// with [`Items::progress`](crate::Items::progress) or
/// [`Pages::progress`](crate::Pages::progress), without fetching anything.
///
/// ```no_run
/// let mut items = pagewalk::Paginator::new("https://api.example.com/v1/things").items::<serde_json::Value>();
/// while let Some(item) = items.next() {
///     let progress = items.progress();
///     if let Some(until) = progress.waiting_until() {
///         eprintln!("waiting for the rate limit until {until:?}");
///     }
///     eprint!("\r{} of {:?} items, {} pages", progress.items(), progress.total(), progress.pages());
///     # let _ = item;
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub(crate) pages: u64,
    pub(crate) items: u64,
    pub(crate) total: Option<u64>,
    pub(crate) waiting_until: Option<SystemTime>,
}

impl Progress {
    /// How many pages the walk has fetched and handed to the iterator (those
    /// before a resume included).
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// How many items the iterator has delivered (those before a resume
    /// included).
    pub fn items(&self) -> u64 {
        self.items
    }

    /// The collection's size, when the API gives it.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// When the wait in progress ends, if the walk is waiting: for a
    /// rate limit's reset, a `Retry-After`, or a retry's backoff (on the
    /// iterator's thread or, with prefetch or concurrency, on one of its own).
    pub fn waiting_until(&self) -> Option<SystemTime> {
        self.waiting_until
    }

    /// Whether the walk is waiting now.
    pub fn is_waiting(&self) -> bool {
        self.waiting_until
            .is_some_and(|until| until > SystemTime::now())
    }
}
