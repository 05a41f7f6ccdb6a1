//! Where a walk stands, in a form that survives the process.

use serde::{Deserialize, Serialize};

/// The position of a walk: the next request to make and how many items of
/// its page were already delivered.
///
/// Take one with [`Items::checkpoint`](crate::Items::checkpoint) or
/// [`Pages::checkpoint`](crate::Pages::checkpoint), store it anywhere, and
/// continue later with [`Paginator::resume_from`](crate::Paginator::resume_from)
/// on a paginator built with the same settings: each remaining item is
/// yielded exactly once, also after an error.
///
/// Its JSON form is stable and versioned:
///
/// ```json
/// {"version":1,"next":"https://api.example.com/items?page=3","page":3,"skip":4,"items_seen":54}
/// ```
///
/// `next` is the URL of the next request (`null` once the walk is complete),
/// `page` that page's number in the walk, `skip` how many of its items were
/// already delivered, and `items_seen` how many items the walk had delivered
/// before that page.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let json = r#"{"version":1,"next":"https://api.example.com/items?page=3","page":3,"skip":4,"items_seen":54}"#;
/// let checkpoint: pagewalk::Checkpoint = serde_json::from_str(json)?;
/// assert_eq!(checkpoint.next_url(), Some("https://api.example.com/items?page=3"));
/// assert_eq!(serde_json::to_string(&checkpoint)?, json);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    version: u32,
    next: Option<String>,
    page: u64,
    skip: usize,
    items_seen: u64,
}

/// The only version this crate writes and reads.
pub(crate) const VERSION: u32 = 1;

impl Checkpoint {
    pub(crate) fn new(next: Option<String>, page: u64, skip: usize, items_seen: u64) -> Checkpoint {
        Checkpoint {
            version: VERSION,
            next,
            page,
            skip,
            items_seen,
        }
    }

    /// The same position, `more` items further into the page.
    pub(crate) fn skipping(&self, more: usize) -> Checkpoint {
        Checkpoint {
            skip: self.skip.saturating_add(more),
            ..self.clone()
        }
    }

    /// The format version (currently 1).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The URL of the next request, or `None` when the walk is complete.
    pub fn next_url(&self) -> Option<&str> {
        self.next.as_deref()
    }

    /// True when nothing is left to fetch.
    pub fn is_finished(&self) -> bool {
        self.next.is_none()
    }

    /// The number, in the walk, of the page `next_url` fetches.
    pub fn page(&self) -> u64 {
        self.page
    }

    /// How many items of that page were already delivered.
    pub fn skip(&self) -> usize {
        self.skip
    }

    /// How many items the walk delivered before that page.
    pub fn items_seen(&self) -> u64 {
        self.items_seen
    }
}
