//! The one error type of the crate: small, opaque, and matchable through
//! [`Error::kind`].

mod kind;

use std::error::Error as StdError;
use std::fmt;

pub use kind::ErrorKind;

use crate::text::{escape, redact};

/// Everything that can end a walk.
///
/// Its message names the page (its number in this walk, 1-based), the URL
/// (with credentials shown as `***`) and what went wrong; the underlying
/// error, when there is one, is [`source`](StdError::source), and only there,
/// so that `anyhow`'s `{:#}` or a loop over the sources prints each cause
/// once. [`kind`](Error::kind) says what happened, with the details of each
/// kind.
///
/// It is one pointer in size, so a `Result<T, Error>` costs little more than
/// a `T`. After an iterator yields an `Error` it ends: see the crate
/// documentation's `# Errors` section, and [`Checkpoint`](crate::Checkpoint)
/// to resume.
///
/// ```
/// # fn run(items: pagewalk::Items<serde_json::Value>) {
/// use pagewalk::ErrorKind;
///
/// for item in items {
///     match item {
///         Ok(item) => println!("{item}"),
///         Err(error) => match error.kind() {
///             ErrorKind::Status { status: 404, .. } => eprintln!("gone: {error}"),
///             _ if error.is_timeout() => eprintln!("too slow: {error}"),
///             _ => eprintln!("failed: {error}"),
///         },
///     }
/// }
/// # }
/// ```
pub struct Error(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    page: Option<u64>,
    /// Already redacted: an error never holds a credential.
    url: Option<String>,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl Error {
    /// An error of `kind`, about no page or URL yet.
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error(Box::new(Inner {
            kind,
            page: None,
            url: None,
            source: None,
        }))
    }

    /// The same error, about page `page` at `url`.
    pub(crate) fn at(self, page: u64, url: &str) -> Error {
        self.on_page(page).for_url(url)
    }

    /// The same error, about page `page`.
    pub(crate) fn on_page(mut self, page: u64) -> Error {
        self.0.page = Some(page);
        self
    }

    /// The same error, about `url` (shown without its credentials).
    pub(crate) fn for_url(mut self, url: &str) -> Error {
        self.0.url = Some(redact(url).into_owned());
        self
    }

    /// The same error, caused by `source`.
    pub(crate) fn caused_by(mut self, source: impl StdError + Send + Sync + 'static) -> Error {
        self.0.source = Some(Box::new(source));
        self
    }

    /// What went wrong, with the details of that kind of failure.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// What went wrong, by value.
    pub fn into_kind(self) -> ErrorKind {
        self.0.kind
    }

    /// The number of the page (1-based, in this walk) the error is about, when
    /// there is one.
    pub fn page(&self) -> Option<u64> {
        self.0.page
    }

    /// The URL the error is about, when there is one, with its credentials
    /// (userinfo, and the values of parameters such as `api_key` or
    /// `access_token`) shown as `***`.
    pub fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// The HTTP status of the response the error came from: an error
    /// status, or the response whose wait was too long.
    pub fn status(&self) -> Option<u16> {
        match self.0.kind {
            ErrorKind::Status { status, .. } => Some(status),
            ErrorKind::WaitTooLong { status, .. } => status,
            _ => None,
        }
    }

    /// True when a request timed out (after any retries).
    pub fn is_timeout(&self) -> bool {
        matches!(self.0.kind, ErrorKind::Timeout)
    }

    /// The JSON text of an item that does not deserialize into the requested
    /// type ([`ErrorKind::Item`]), so that nothing is lost: the walk's
    /// checkpoint counts it as delivered.
    pub fn item_json(&self) -> Option<&str> {
        match &self.0.kind {
            ErrorKind::Item { json, .. } => Some(json),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0.page, &self.0.url) {
            (Some(page), Some(url)) => write!(f, "page {page} at {}: ", escape(url))?,
            (Some(page), None) => write!(f, "page {page}: ")?,
            (None, Some(url)) => write!(f, "{}: ", escape(url))?,
            (None, None) => {}
        }
        self.0.kind.fmt(f)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("page", &self.0.page)
            .field("url", &self.0.url)
            .field("source", &self.0.source)
            .finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_one_pointer_and_send_sync_static() {
        fn check<E: StdError + Send + Sync + 'static>() {}
        check::<Error>();
        assert_eq!(size_of::<Error>(), size_of::<usize>());
        assert_eq!(size_of::<Result<(), Error>>(), size_of::<usize>());
    }

    #[test]
    fn the_message_names_page_url_and_kind() {
        let error = Error::new(ErrorKind::Status {
            status: 404,
            body: "{\"message\":\"Not Found\"}".into(),
            attempts: 1,
            wait: None,
        })
        .at(3, "http://127.0.0.1:1/x?page=3");
        assert_eq!(
            error.to_string(),
            "page 3 at http://127.0.0.1:1/x?page=3: HTTP 404: {\"message\":\"Not Found\"}"
        );
        assert_eq!(
            (error.status(), error.page(), error.url()),
            (Some(404), Some(3), Some("http://127.0.0.1:1/x?page=3"))
        );
    }

    #[test]
    fn the_cause_is_in_source_only() {
        let cause = std::io::Error::other("connection reset by peer");
        let error = Error::new(ErrorKind::Transport)
            .at(1, "http://h/x")
            .caused_by(cause);
        assert_eq!(error.to_string(), "page 1 at http://h/x: request failed");
        let source = error.source().expect("a source");
        assert_eq!(source.to_string(), "connection reset by peer");
        assert!(!error.to_string().contains(&source.to_string()));
    }

    #[test]
    fn urls_are_redacted_and_server_text_escaped() {
        let error = Error::new(ErrorKind::InvalidNext {
            next: "\x1b[2Jboom".into(),
            reason: "not a URL".into(),
        })
        .at(2, "https://me:pw@h/x?api_key=k&page=2");
        let message = error.to_string();
        assert_eq!(error.url(), Some("https://***@h/x?api_key=***&page=2"));
        assert!(
            !message.contains("pw") && !message.contains("=k"),
            "{message}"
        );
        assert!(!message.contains('\x1b'), "{message}");
        assert!(!format!("{error:?}").contains("api_key=k"));
    }
}
