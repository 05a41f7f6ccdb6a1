//! One request of a walk, as a value: what the rules produce and the HTTP
//! layer sends.

mod query;

use std::fmt;
use std::sync::Arc;

use http::Method;
use serde_json::Value;
use url::Url;

use crate::json_pointer;
use crate::text::redact;

pub(crate) use query::{get_param, merge_link, with_param};

/// One request of a walk: its method, its URL, its JSON body and the headers
/// a strategy adds to it (a cursor sent in a header).
///
/// Every page is one `Request`; [`Page::request`](crate::Page::request) is
/// the one a page came from, and a [`Checkpoint`](crate::Checkpoint) stores
/// the next one. The headers set with
/// [`Paginator::header`](crate::Paginator::header) are not part of it: they
/// are added when the request is sent, and only to the start URL's origin.
///
/// A URL's fragment is never sent, so a request has none: `http://h/x#p2`
/// is the same request as `http://h/x`.
///
/// ```
/// use pagewalk::{Method, Request, Url};
///
/// let first = Request::new(Method::POST, Url::parse("https://api.notion.com/v1/databases/d/query")?)
///     .with_body(serde_json::json!({"page_size": 100}));
/// let second = first.clone().with_body_field("/start_cursor", "c2".into())?;
/// assert_eq!(second.body(), Some(&serde_json::json!({"page_size": 100, "start_cursor": "c2"})));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    method: Method,
    url: Url,
    /// Shared: a walk copies its requests into pages and checkpoints, and a
    /// query body (a GraphQL document) is copied only when it is edited.
    body: Option<Arc<Value>>,
    headers: Vec<(String, String)>,
}

impl Request {
    /// A request with no body and no headers of its own.
    pub fn new(method: Method, mut url: Url) -> Request {
        url.set_fragment(None);
        Request {
            method,
            url,
            body: None,
            headers: Vec::new(),
        }
    }

    /// A `GET` of `url`.
    pub fn get(url: Url) -> Request {
        Request::new(Method::GET, url)
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The URL, without a fragment.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The JSON body, sent as `application/json`, if there is one.
    pub fn body(&self) -> Option<&Value> {
        self.body.as_deref()
    }

    /// The headers this request adds, in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The same request to `url` (its fragment dropped).
    pub fn with_url(mut self, mut url: Url) -> Request {
        url.set_fragment(None);
        self.url = url;
        self
    }

    /// The same request with the query parameter `name` set to `value`: its
    /// first occurrence replaced in place, later ones removed, appended when
    /// absent. Every other parameter stays byte for byte.
    pub fn with_query(mut self, name: &str, value: &str) -> Request {
        self.url = with_param(&self.url, name, value);
        self
    }

    /// The same request with `body` as its JSON body.
    pub fn with_body(mut self, body: Value) -> Request {
        self.body = Some(Arc::new(body));
        self
    }

    /// The same request with `value` at the JSON pointer `pointer` of its
    /// body (RFC 6901, e.g. `"/pagination/starting_after"`): objects on the
    /// way are created when missing, every other field stays as it was.
    ///
    /// Fails, naming why, for a pointer that does not start with `/` or that
    /// goes through a number or a string.
    pub fn with_body_field(
        mut self,
        pointer: &str,
        value: Value,
    ) -> Result<Request, BodyFieldError> {
        let mut body = self.body.take().map_or(Value::Null, Arc::unwrap_or_clone);
        json_pointer::set(&mut body, pointer, value).map_err(|error| BodyFieldError(error.0))?;
        self.body = Some(Arc::new(body));
        Ok(self)
    }

    /// The same request with the header `name: value`, replacing any header
    /// of that name this request had (compared without case).
    pub fn with_header(mut self, name: &str, value: &str) -> Request {
        self.headers
            .retain(|(own, _)| !own.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The value at `pointer` in the body, if any.
    pub(crate) fn body_field(&self, pointer: &str) -> Option<&Value> {
        self.body.as_deref()?.pointer(pointer)
    }

    /// The value of the header `name` this request adds, if any.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(own, _)| own.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// The URL with its credentials hidden, the body, and the names of the
/// headers: their values may be credentials.
impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &redact(self.url.as_str()))
            .field("body", &self.body.as_deref().map(crate::text::shown_body))
            .field("headers", &headers)
            .finish()
    }
}

/// `METHOD URL`, the URL with its credentials hidden.
impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, redact(self.url.as_str()))
    }
}

/// Why [`Request::with_body_field`] could not write its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyFieldError(String);

impl fmt::Display for BodyFieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BodyFieldError {}

/// A URL's query pairs, in sorted order.
pub(crate) fn sorted_pairs(url: &Url) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("test URL")
    }

    #[test]
    fn a_fragment_is_never_part_of_a_request() {
        let request = Request::get(url("http://h/x?a=1#p2"));
        assert_eq!(request, Request::get(url("http://h/x?a=1")));
        let moved = request.with_url(url("http://h/y#p3"));
        assert_eq!(moved.url().as_str(), "http://h/y");
    }

    #[test]
    fn edits_change_only_their_own_part() {
        let request = Request::new(Method::POST, url("http://h/q?filter=a,b&cursor=1"))
            .with_body(json!({"size": 2, "query": {"term": "x"}}))
            .with_query("cursor", "2")
            .with_header("X-Cursor", "c1")
            .with_header("x-cursor", "c2")
            .with_body_field("/search_after", json!([5, "id5"]))
            .expect("an object body");
        assert_eq!(request.url().as_str(), "http://h/q?filter=a,b&cursor=2");
        assert_eq!(
            request.headers(),
            [("x-cursor".to_owned(), "c2".to_owned())]
        );
        assert_eq!(
            request.body(),
            Some(&json!({"size": 2, "query": {"term": "x"}, "search_after": [5, "id5"]}))
        );
        assert!(
            request
                .clone()
                .with_body_field("/size/x", json!(1))
                .is_err()
        );
    }

    #[test]
    fn debug_and_display_hide_credentials() {
        let request =
            Request::get(url("https://u:p@h/x?api_key=k")).with_header("X-Signature", "s3cr3t");
        let shown = format!("{request:?} {request}");
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("=k") && !shown.contains(":p@"),
            "{shown}"
        );
        assert_eq!(request.to_string(), "GET https://***@h/x?api_key=***");
    }
}
