//! What went wrong: the kinds of [`Error`](crate::Error), each with its details.

use std::time::Duration;

use crate::text::{escape, redact};

/// What went wrong, with the details of each kind of failure.
///
/// New kinds and new details may come in minor versions: the enum and every
/// kind with details are `#[non_exhaustive]`, so match them with a `_` arm
/// and `..`.
///
/// The page and the URL are on the [`Error`](crate::Error) itself, and the
/// underlying error, if any, is its [`source`](std::error::Error::source).
/// Text a server sent (a body excerpt, a key, a link) is kept as it came and
/// escaped only when displayed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A header given to [`Paginator::header`](crate::Paginator::header)
    /// has a name or a value that HTTP cannot carry (a space in the name, a
    /// line break in the value); no request was sent.
    #[error("header {} cannot be sent: its name or value is not valid HTTP", escape(.name))]
    #[non_exhaustive]
    InvalidHeader {
        /// The header's name (never its value, which may be a secret).
        name: String,
    },

    /// The start URL, or a URL built from it, is not a valid absolute URL;
    /// the source says why.
    #[error("invalid URL")]
    InvalidUrl,

    /// The URL's scheme is neither `http` nor `https`.
    #[error("unsupported scheme \"{}\" (only http and https)", escape(.scheme))]
    #[non_exhaustive]
    UnsupportedScheme {
        /// Its scheme.
        scheme: String,
    },

    /// The server answered with an error status (after any retries).
    #[error("HTTP {status}{}{}", tries(*.attempts, *.wait), said(.body))]
    #[non_exhaustive]
    Status {
        /// The HTTP status code.
        status: u16,
        /// At most about 1 KiB of the response body.
        body: String,
        /// How many requests were sent, the retries included.
        attempts: u32,
        /// How long the server asked to wait (`Retry-After`, a rate limit's
        /// reset), if it did.
        wait: Option<Duration>,
    },

    /// The request could not be sent or the response not read (after any
    /// retries); the source says why.
    #[error("request failed")]
    Transport,

    /// The request timed out (after any retries); the source says which
    /// phase.
    #[error("timed out")]
    Timeout,

    /// The response body is larger than
    /// [`max_body_size`](crate::Paginator::max_body_size).
    #[error("response body exceeds the limit of {limit} bytes")]
    #[non_exhaustive]
    BodyTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },

    /// The body is not JSON at all: the server probably sent an HTML page or
    /// plain text. The source is the parse error.
    #[error(
        "body is not JSON (Content-Type: {}){}",
        escape(.content_type.as_deref().unwrap_or("none")),
        said(.body)
    )]
    #[non_exhaustive]
    NotJson {
        /// The `Content-Type` the server sent, if any.
        content_type: Option<String>,
        /// The start of the body (about 200 bytes), URLs in it redacted.
        body: String,
    },

    /// The body claims to be JSON but does not parse; the source has the
    /// line and column.
    #[error("invalid JSON")]
    Json,

    /// The server answered `200` but its body says the request failed
    /// (`{"errors": [..]}`, `{"ok": false, "error": ..}`, `{"error": {..}}`,
    /// a `message` with a failing `status` or `code`), after retries when it
    /// names a rate limit. The rule is documented with
    /// [`Paginator::items_at`](crate::Paginator::items_at).
    #[error("the API says the request failed: {}", escape(.message))]
    #[non_exhaustive]
    ApiError {
        /// What the server said, in its own words.
        message: String,
    },

    /// No array of items was found in the body.
    #[error("no items array found (top-level keys: {}); set its location with Paginator::items_at(\"/key\")", escape(&.keys.join(", ")))]
    #[non_exhaustive]
    ItemsNotFound {
        /// The top-level keys of the body, to help choose a pointer.
        keys: Vec<String>,
    },

    /// The pointer given to [`items_at`](crate::Paginator::items_at) does
    /// not lead to an array.
    #[error("items_at(\"{}\") {}", escape(.pointer), escape(.found))]
    #[non_exhaustive]
    ItemsPointer {
        /// The JSON pointer.
        pointer: String,
        /// What was found there instead, such as "points to nothing".
        found: String,
    },

    /// One item does not deserialize into the requested type; the source is
    /// the deserialization error.
    #[error("item {index} does not match the requested type")]
    #[non_exhaustive]
    Item {
        /// Index of the item within its page, 0-based.
        index: usize,
        /// The item as JSON text, so that nothing is lost: the walk's
        /// checkpoint counts it as delivered.
        json: String,
    },

    /// The response says more pages exist, but no way to request them was
    /// found.
    #[error("the response says there are more pages ({}) but no next page was found; {}", escape(.evidence), escape(.hint))]
    #[non_exhaustive]
    NextNotFound {
        /// What in the response says there is more.
        evidence: String,
        /// Which strategy would likely work.
        hint: String,
    },

    /// The [`credentials`](crate::Paginator::credentials) callback failed.
    #[error("the credentials callback failed: {}", escape(.message))]
    #[non_exhaustive]
    Credentials {
        /// The callback's message.
        message: String,
    },

    /// A [`Strategy::custom`](crate::Strategy::custom) rule failed the walk.
    #[error("the custom strategy failed: {}", escape(.message))]
    #[non_exhaustive]
    CustomStrategy {
        /// The rule's message.
        message: String,
    },

    /// A next-page URL or cursor was found but is unusable.
    #[error("invalid next page \"{}\": {}", escape(&redact(.next)), escape(.reason))]
    #[non_exhaustive]
    InvalidNext {
        /// The offending value, as found.
        next: String,
        /// Why it cannot be used.
        reason: String,
    },

    /// A next link or redirect leads to another origin and
    /// [`allow_cross_origin`](crate::Paginator::allow_cross_origin) is off.
    #[error("refusing to follow {} to another origin (enable allow_cross_origin to follow it without credentials)", escape(.target))]
    #[non_exhaustive]
    CrossOrigin {
        /// Where the link or redirect leads.
        target: String,
    },

    /// A next link or redirect would go from `https` to plain `http`.
    #[error("refusing to follow {}: downgrade from https to http", escape(.target))]
    #[non_exhaustive]
    Downgrade {
        /// Where the link or redirect leads.
        target: String,
    },

    /// Too many redirects for one request.
    #[error("more than {limit} redirects")]
    #[non_exhaustive]
    TooManyRedirects {
        /// The limit.
        limit: u32,
    },

    /// The next request is one this walk already sent: following it would
    /// loop.
    #[error("next page {} was already fetched as page {first_page}; the API is looping", escape(.next))]
    #[non_exhaustive]
    Loop {
        /// The repeated request.
        next: String,
        /// The page number it had the first time.
        first_page: u64,
    },

    /// The page's items are, text for text, those of the page before: the
    /// server serves the same page again under another request (a next link
    /// with a changing timestamp, a page number it ignores).
    #[error("the same items as page {first_page}: the API serves the same page again{}", .hint.as_ref().map_or(String::new(), |hint| format!("; {}", escape(hint))))]
    #[non_exhaustive]
    RepeatedPage {
        /// The number of the page it repeats.
        first_page: u64,
        /// What to pass when the repeat is likely pagewalk's guess (an
        /// auto-detected parameter the API ignores), if it is.
        hint: Option<String>,
    },

    /// Too many pages in a row were empty while still pointing to a next page.
    #[error("{count} empty pages in a row, each pointing to another; giving up")]
    #[non_exhaustive]
    TooManyEmptyPages {
        /// How many empty pages were seen in a row.
        count: u32,
    },

    /// The server asked to wait longer than the
    /// [`RetryPolicy`](crate::RetryPolicy) allows.
    #[error(
        "{}{}server asks to wait {wait:?}, more than the allowed {max_wait:?}",
        .status.map_or(String::new(), |status| format!("HTTP {status}")),
        match .status { Some(_) => format!("{}; the ", tries(*.attempts, None)), None => String::from("the ") },
    )]
    #[non_exhaustive]
    WaitTooLong {
        /// How long the server asked to wait.
        wait: Duration,
        /// The longest wait allowed.
        max_wait: Duration,
        /// The status of the response that asked, if a response did (a
        /// wait shared by the walk's threads has none).
        status: Option<u16>,
        /// How many requests were sent for the page, the retries included.
        attempts: u32,
    },

    /// A checkpoint could not be used.
    #[error("invalid checkpoint: {}", escape(.reason))]
    #[non_exhaustive]
    Checkpoint {
        /// What is wrong with it.
        reason: String,
    },
}

/// `after 3 attempts; the server asks to wait 600 s`, for more than one
/// attempt or a wait.
fn tries(attempts: u32, wait: Option<Duration>) -> String {
    let mut said = String::new();
    if attempts > 1 {
        said.push_str(&format!(" after {attempts} attempts"));
    }
    if let Some(wait) = wait {
        said.push_str(&format!("; the server asks to wait {} s", wait.as_secs()));
    }
    said
}

/// A body after a colon, when there is one.
fn said(body: &str) -> String {
    match body.trim() {
        "" => String::new(),
        body => format!(": {}", escape(body)),
    }
}
