//! The one error type of the crate.

use std::time::Duration;

/// Everything that can end a walk.
///
/// Every message names the page (its number in this walk, 1-based), the URL
/// and the cause, so a log line alone says what went wrong and where. The
/// underlying error, when there is one, is kept as [`source`].
///
/// After an iterator yields an `Error` it ends: see the crate documentation's
/// `# Errors` section, and [`Checkpoint`](crate::Checkpoint) to resume.
///
/// [`source`]: std::error::Error::source
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The start URL, or a URL built from it, is not a valid absolute URL.
    #[error("invalid URL {url:?}: {source}")]
    #[non_exhaustive]
    InvalidUrl {
        /// The text that failed to parse.
        url: String,
        /// Why it failed.
        source: url::ParseError,
    },

    /// The URL's scheme is neither `http` nor `https`.
    #[error("page {page} at {url}: unsupported scheme {scheme:?} (only http and https)")]
    #[non_exhaustive]
    UnsupportedScheme {
        /// Number of the page in this walk.
        page: u64,
        /// The URL.
        url: String,
        /// Its scheme.
        scheme: String,
    },

    /// The server answered with an error status (after any retries).
    #[error("page {page} at {url}: HTTP {status}{}", body_suffix(body))]
    #[non_exhaustive]
    Status {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// At most about 1 KiB of the response body.
        body: String,
    },

    /// The request could not be sent or the response not read (after any retries).
    #[error("page {page} at {url}: request failed: {source}")]
    #[non_exhaustive]
    Transport {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// The underlying error.
        source: ureq::Error,
    },

    /// The request timed out (after any retries).
    #[error("page {page} at {url}: timed out ({source})")]
    #[non_exhaustive]
    Timeout {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// The underlying error, which says which timeout fired.
        source: ureq::Error,
    },

    /// The response body is larger than the configured limit.
    #[error("page {page} at {url}: response body exceeds the limit of {limit} bytes")]
    #[non_exhaustive]
    BodyTooLarge {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// The limit, in bytes.
        limit: u64,
    },

    /// The body is not JSON at all; the server probably sent an HTML page or plain text.
    #[error(
        "page {page} at {url}: body is not JSON (Content-Type: {}): {source}",
        content_type.as_deref().unwrap_or("none")
    )]
    #[non_exhaustive]
    NotJson {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// The `Content-Type` the server sent, if any.
        content_type: Option<String>,
        /// The parse error.
        source: serde_json::Error,
    },

    /// The body claims to be JSON but does not parse; the message has the line and column.
    #[error("page {page} at {url}: invalid JSON: {source}")]
    #[non_exhaustive]
    Json {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// The parse error, with line and column.
        source: serde_json::Error,
    },

    /// No array of items was found in the body.
    #[error(
        "page {page} at {url}: no items array found (top-level keys: {}); \
         set its location with Paginator::items_at(\"/key\")",
        keys.join(", ")
    )]
    #[non_exhaustive]
    ItemsNotFound {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// The top-level keys of the body, to help choose a pointer.
        keys: Vec<String>,
    },

    /// The pointer given to `items_at` does not lead to an array.
    #[error("page {page} at {url}: items_at({pointer:?}) {found}")]
    #[non_exhaustive]
    ItemsPointer {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// The JSON pointer.
        pointer: String,
        /// What was found there instead, such as "points to nothing".
        found: String,
    },

    /// One item does not deserialize into the requested type.
    #[error("page {page} at {url}: item {index} does not match the requested type: {source}")]
    #[non_exhaustive]
    Item {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// Index of the item within its page, 0-based.
        index: usize,
        /// The item as JSON text, so that nothing is lost: the walk's
        /// checkpoint counts it as delivered.
        json: String,
        /// The deserialization error.
        source: serde_json::Error,
    },

    /// The response says more pages exist, but no way to request them was found.
    #[error(
        "page {page} at {url}: the response says there are more pages ({evidence}) but no next page was found; {hint}"
    )]
    #[non_exhaustive]
    NextNotFound {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// What in the response says there is more.
        evidence: String,
        /// Which strategy would likely work.
        hint: String,
    },

    /// A next-page URL or cursor was found but is unusable.
    #[error("page {page} at {url}: invalid next page {next:?}: {reason}")]
    #[non_exhaustive]
    InvalidNext {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// The offending value, as found.
        next: String,
        /// Why it cannot be used.
        reason: String,
    },

    /// A next link or redirect leads to another origin and
    /// [`allow_cross_origin`](crate::Paginator::allow_cross_origin) is off.
    #[error(
        "page {page} at {url}: refusing to follow {target} to another origin \
         (enable allow_cross_origin to follow it without credentials)"
    )]
    #[non_exhaustive]
    CrossOrigin {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// Where the link or redirect leads.
        target: String,
    },

    /// A next link or redirect would go from `https` to plain `http`.
    #[error("page {page} at {url}: refusing to follow {target}: downgrade from https to http")]
    #[non_exhaustive]
    Downgrade {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// Where the link or redirect leads.
        target: String,
    },

    /// Too many redirects for one request.
    #[error("page {page} at {url}: more than {limit} redirects")]
    #[non_exhaustive]
    TooManyRedirects {
        /// Number of the page in this walk.
        page: u64,
        /// The URL first requested.
        url: String,
        /// The limit.
        limit: u32,
    },

    /// The next page is one this walk already fetched: following it would loop.
    #[error(
        "page {page} at {url}: next page {next} was already fetched as page {first_page}; the API is looping"
    )]
    #[non_exhaustive]
    Loop {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// The repeated URL.
        next: String,
        /// The page number it had the first time.
        first_page: u64,
    },

    /// Too many pages in a row were empty while still pointing to a next page.
    #[error(
        "page {page} at {url}: {count} empty pages in a row, each pointing to another; giving up"
    )]
    #[non_exhaustive]
    TooManyEmptyPages {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// How many empty pages were seen in a row.
        count: u32,
    },

    /// The server asked to wait longer than the policy allows.
    #[error(
        "page {page} at {url}: server asks to wait {wait:?}, more than the allowed {max_wait:?}"
    )]
    #[non_exhaustive]
    WaitTooLong {
        /// Number of the page in this walk.
        page: u64,
        /// The URL requested.
        url: String,
        /// How long the server asked to wait.
        wait: Duration,
        /// The longest wait allowed by the [`RetryPolicy`](crate::RetryPolicy).
        max_wait: Duration,
    },

    /// A checkpoint could not be used.
    #[error("invalid checkpoint: {reason}")]
    #[non_exhaustive]
    Checkpoint {
        /// What is wrong with it.
        reason: String,
    },
}

impl Error {
    /// The URL the error is about, when there is one.
    pub fn url(&self) -> Option<&str> {
        match self {
            Error::InvalidUrl { url, .. }
            | Error::UnsupportedScheme { url, .. }
            | Error::Status { url, .. }
            | Error::Transport { url, .. }
            | Error::Timeout { url, .. }
            | Error::BodyTooLarge { url, .. }
            | Error::NotJson { url, .. }
            | Error::Json { url, .. }
            | Error::ItemsNotFound { url, .. }
            | Error::ItemsPointer { url, .. }
            | Error::Item { url, .. }
            | Error::NextNotFound { url, .. }
            | Error::InvalidNext { url, .. }
            | Error::CrossOrigin { url, .. }
            | Error::Downgrade { url, .. }
            | Error::TooManyRedirects { url, .. }
            | Error::Loop { url, .. }
            | Error::TooManyEmptyPages { url, .. }
            | Error::WaitTooLong { url, .. } => Some(url),
            Error::Checkpoint { .. } => None,
        }
    }

    /// The number of the page (1-based, in this walk) the error is about, when there is one.
    pub fn page(&self) -> Option<u64> {
        match self {
            Error::UnsupportedScheme { page, .. }
            | Error::Status { page, .. }
            | Error::Transport { page, .. }
            | Error::Timeout { page, .. }
            | Error::BodyTooLarge { page, .. }
            | Error::NotJson { page, .. }
            | Error::Json { page, .. }
            | Error::ItemsNotFound { page, .. }
            | Error::ItemsPointer { page, .. }
            | Error::Item { page, .. }
            | Error::NextNotFound { page, .. }
            | Error::InvalidNext { page, .. }
            | Error::CrossOrigin { page, .. }
            | Error::Downgrade { page, .. }
            | Error::TooManyRedirects { page, .. }
            | Error::Loop { page, .. }
            | Error::TooManyEmptyPages { page, .. }
            | Error::WaitTooLong { page, .. } => Some(*page),
            Error::InvalidUrl { .. } | Error::Checkpoint { .. } => None,
        }
    }

    /// The HTTP status, for [`Error::Status`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

fn body_suffix(body: &str) -> String {
    if body.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", body.trim())
    }
}

/// At most `max` bytes of `body` as text, cut on a character boundary, marked
/// when cut, with control characters escaped: a server's text must not drive
/// the terminal the message ends up on.
pub(crate) fn excerpt(body: &[u8], max: usize) -> String {
    let raw = String::from_utf8_lossy(&body[..body.len().min(max + 4)]);
    let mut text = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_control() {
            text.extend(c.escape_default());
        } else {
            text.push(c);
        }
    }
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_cuts_on_a_char_boundary() {
        let body = "é".repeat(600);
        let cut = excerpt(body.as_bytes(), 1024);
        assert!(cut.ends_with('…'));
        assert_eq!(cut.chars().filter(|c| *c == 'é').count(), 512);
        assert_eq!(excerpt(b"short", 1024), "short");
        assert_eq!(
            excerpt(b"red \x1b[31m\nline", 1024),
            "red \\u{1b}[31m\\nline"
        );
    }

    #[test]
    fn status_message_names_url_page_status_and_body() {
        let error = Error::Status {
            page: 3,
            url: "http://127.0.0.1:1/x?page=3".into(),
            status: 404,
            body: "{\"message\":\"Not Found\"}".into(),
        };
        assert_eq!(
            error.to_string(),
            "page 3 at http://127.0.0.1:1/x?page=3: HTTP 404: {\"message\":\"Not Found\"}"
        );
        assert_eq!(error.status(), Some(404));
        assert_eq!(error.page(), Some(3));
    }

    #[test]
    fn error_is_send_sync_static() {
        fn check<E: std::error::Error + Send + Sync + 'static>() {}
        check::<Error>();
    }
}
