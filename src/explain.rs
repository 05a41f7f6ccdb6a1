//! What the first page says about a walk: [`Paginator::explain`].

use std::fmt;

use crate::text::{escape, shown_body};

use crate::{Error, Request, Strategy};

/// How a walk would go on after its first page, fetched alone by
/// [`Paginator::explain`](crate::Paginator::explain): the strategy and what
/// chose it, where the items are, the total if known, and the next request,
/// or the end, or the error the walk would meet. Its `Display` is what
/// `pagewalk --explain` prints.
///
/// ```no_run
/// # fn main() -> Result<(), pagewalk::Error> {
/// let explanation = pagewalk::Paginator::new("https://api.example.com/v1/things").explain()?;
/// println!("{explanation}");
/// if let Some(next) = explanation.next_request() {
///     println!("then {next}");
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Explanation {
    pub(crate) request: Request,
    pub(crate) status: u16,
    pub(crate) items_at: String,
    pub(crate) item_count: usize,
    pub(crate) total: Option<u64>,
    pub(crate) found_by: Option<Strategy>,
    pub(crate) reason: Option<String>,
    pub(crate) next: Option<Request>,
    pub(crate) error: Option<Error>,
}

impl Explanation {
    /// The first page's request.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// The response's status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Where the items were found: a JSON pointer, `""` for a root array.
    pub fn items_at(&self) -> &str {
        &self.items_at
    }

    /// How many items the first page has.
    pub fn item_count(&self) -> usize {
        self.item_count
    }

    /// The collection's size, when the response gives it.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// The strategy that found the next request (auto-detection's choice,
    /// or the one given), when there is one.
    pub fn found_by(&self) -> Option<&Strategy> {
        self.found_by.as_ref()
    }

    /// Why the walk goes on that way, or ends after this page, in words;
    /// `None` when it would fail (see [`error`](Explanation::error)).
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// The second page's request; `None` when the walk ends or fails here.
    pub fn next_request(&self) -> Option<&Request> {
        self.next.as_ref()
    }

    /// The error the walk would end with after the first page's items.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// Whether the walk would go on, or end cleanly, after this page.
    pub fn would_succeed(&self) -> bool {
        self.error.is_none()
    }
}

/// Every piece of server text (keys, links, the reason) escaped, so that a
/// server cannot drive the terminal the explanation is printed on.
impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let items_at = match self.items_at() {
            "" => "the root array",
            pointer => pointer,
        };
        let request = escape(&self.request().to_string()).into_owned();
        writeln!(f, "page 1:   {request} -> {}", self.status())?;
        write!(f, "items:    {} at {}", self.item_count(), escape(items_at))?;
        match self.total() {
            Some(total) => writeln!(f, ", of {total} in all")?,
            None => writeln!(f)?,
        }
        if let Some(error) = self.error() {
            return writeln!(f, "next:     none; the walk would fail: {error}");
        }
        let reason = escape(self.reason().unwrap_or_default()).into_owned();
        match (self.next_request(), self.found_by()) {
            (Some(next), found_by) => {
                writeln!(f, "next:     {}", escape(&next.to_string()))?;
                if let Some(body) = next.body() {
                    writeln!(f, "body:     {}", escape(&shown_body(body)))?;
                }
                if let Some(strategy) = found_by {
                    writeln!(f, "strategy: {}", escape(&strategy.to_string()))?;
                }
                writeln!(f, "because:  {reason}")
            }
            (None, _) => writeln!(f, "next:     none; the walk ends here: {reason}"),
        }
    }
}
