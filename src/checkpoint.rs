//! Where a walk stands, in a form that survives the process.

use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::text::redact;
use crate::{Method, Request, Url};

/// The position of a walk: the next request to send and how many items of
/// its page were already delivered.
///
/// Take one with [`Items::checkpoint`](crate::Items::checkpoint) or
/// [`Pages::checkpoint`](crate::Pages::checkpoint), store it anywhere, and
/// continue later with [`Paginator::resume_from`](crate::Paginator::resume_from)
/// on a paginator built with the same settings: each remaining item is
/// yielded exactly once, also after an error.
///
/// A checkpoint belongs to its walk: it records what fixes the sequence of
/// pages (the start URL, the method and body, the strategy, the items
/// pointer), and resuming a walk that differs in any of them is an
/// [`ErrorKind::Checkpoint`](crate::ErrorKind::Checkpoint) naming the
/// difference, never another walk's items.
///
/// Its JSON form is stable and versioned:
///
/// ```json
/// {"version":2,"walk":{"start":"https://api.example.com/items?api_key=***","fingerprint":"247a42b0bdebf041","strategy":"auto","items_at":null},"next":"https://api.example.com/items?api_key=s3cr3t&page=3","page":3,"skip":4,"items_seen":54}
/// ```
///
/// `walk` names the walk: its start URL with credentials hidden, a
/// fingerprint of everything that fixes its pages, its strategy and its
/// items pointer. `next` is the next request (`null` once the walk is
/// complete): its URL when it is a plain `GET`, else
/// `{"method":..,"url":..,"body":..,"headers":..}`; it holds the real URL,
/// credentials included, so store the checkpoint as you would the
/// credentials. `page` is that page's number in the walk, `skip` how many of
/// its items were already delivered, and `items_seen` how many items the
/// walk had delivered before that page. Checkpoints of version 1, without
/// `walk`, are still read, and not checked.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // What `Paginator::new(start).items()` would write, four items into page 3.
/// let start = "https://api.example.com/items?api_key=s3cr3t";
/// let json = r#"{"version":2,"walk":{"start":"https://api.example.com/items?api_key=***","fingerprint":"247a42b0bdebf041","strategy":"auto","items_at":null},"next":"https://api.example.com/items?api_key=s3cr3t&page=3","page":3,"skip":4,"items_seen":54}"#;
/// let checkpoint: pagewalk::Checkpoint = serde_json::from_str(json)?;
/// assert_eq!(serde_json::to_string(&checkpoint)?, json);
/// let items = pagewalk::Paginator::new(start).resume_from(checkpoint).items::<serde_json::Value>();
/// # let _ = items;
/// // An older checkpoint, without `walk`:
/// let json = r#"{"version":1,"next":"https://api.example.com/items?page=3","page":3,"skip":4,"items_seen":54}"#;
/// let checkpoint: pagewalk::Checkpoint = serde_json::from_str(json)?;
/// assert_eq!(checkpoint.next_url(), Some("https://api.example.com/items?page=3"));
/// assert_eq!((checkpoint.page(), checkpoint.skip(), checkpoint.items_seen()), (3, 4, 54));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    version: u32,
    walk: Option<Arc<WalkId>>,
    next: Option<Request>,
    page: u64,
    skip: usize,
    items_seen: u64,
}

/// The version this crate writes; it reads this one and every one before.
pub(crate) const VERSION: u32 = 2;

/// What fixes the sequence of a walk's pages, as a checkpoint records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WalkId {
    /// The start URL, credentials hidden: for people to read.
    start: String,
    /// A stable hash of the full start URL, the method, the body, the
    /// strategy and the items pointer: for the check.
    fingerprint: String,
    strategy: String,
    items_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<String>,
}

impl WalkId {
    /// The identity of a walk from `start` (as given) with these settings.
    pub(crate) fn new(
        start: &str,
        method: &Method,
        body: Option<&Value>,
        strategy: &str,
        items_at: Option<&str>,
    ) -> WalkId {
        let body = body.map(Value::to_string);
        let whole = [
            start,
            method.as_str(),
            body.as_deref().unwrap_or(""),
            strategy,
            items_at.unwrap_or("\u{0}"),
        ];
        WalkId {
            start: redact(start).into_owned(),
            fingerprint: format!("{:016x}", fnv1a(&whole.join("\u{1}"))),
            strategy: strategy.to_owned(),
            items_at: items_at.map(str::to_owned),
            method: (*method != Method::GET).then(|| method.to_string()),
            body: body.map(|body| format!("{:016x}", fnv1a(&body))),
        }
    }

    /// How `other`, the walk being resumed, differs from this one, the walk
    /// the checkpoint was taken in; `None` when it is the same walk.
    pub(crate) fn difference(&self, other: &WalkId) -> Option<String> {
        if self.fingerprint == other.fingerprint {
            return None;
        }
        let what = if self.start != other.start || self.only_the_start_can_differ(other) {
            format!(
                "the start URL {} (this walk starts at {})",
                self.start, other.start
            )
        } else if self.method != other.method {
            let method = |id: &WalkId| id.method.clone().unwrap_or_else(|| "GET".into());
            format!(
                "the method {} (this walk sends {})",
                method(self),
                method(other)
            )
        } else if self.body != other.body {
            "another request body".to_owned()
        } else if self.strategy != other.strategy {
            format!(
                "the strategy {} (this walk uses {})",
                self.strategy, other.strategy
            )
        } else {
            let pointer = |id: &WalkId| id.items_at.clone().unwrap_or_else(|| "detected".into());
            format!(
                "the items at {} (this walk reads {})",
                pointer(self),
                pointer(other)
            )
        };
        Some(format!("it was taken in another walk: one with {what}"))
    }

    /// Whether all but the start are the same, so that the start must differ
    /// (two start URLs can look alike once redacted: another `api_key`).
    fn only_the_start_can_differ(&self, other: &WalkId) -> bool {
        self.method == other.method
            && self.body == other.body
            && self.strategy == other.strategy
            && self.items_at == other.items_at
    }
}

/// FNV-1a, 64 bits: a hash that stays the same across processes, platforms
/// and Rust versions, as a checkpoint stored on disk needs.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl Checkpoint {
    pub(crate) fn new(
        walk: Option<Arc<WalkId>>,
        next: Option<Request>,
        page: u64,
        skip: usize,
        items_seen: u64,
    ) -> Checkpoint {
        Checkpoint {
            version: VERSION,
            walk,
            next,
            page,
            skip,
            items_seen,
        }
    }

    /// The walk this checkpoint was taken in, when it records one (version 2).
    pub(crate) fn walk(&self) -> Option<&WalkId> {
        self.walk.as_deref()
    }

    /// The same position, `more` items further into the page.
    pub(crate) fn skipping(&self, more: usize) -> Checkpoint {
        Checkpoint {
            skip: self.skip.saturating_add(more),
            ..self.clone()
        }
    }

    /// The format version (currently 2).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The next request, or `None` when the walk is complete.
    pub fn next_request(&self) -> Option<&Request> {
        self.next.as_ref()
    }

    /// The URL of the next request, or `None` when the walk is complete.
    pub fn next_url(&self) -> Option<&str> {
        self.next.as_ref().map(|request| request.url().as_str())
    }

    /// True when nothing is left to fetch.
    pub fn is_finished(&self) -> bool {
        self.next.is_none()
    }

    /// The number, in the walk, of the page the next request fetches.
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

/// The JSON form.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    walk: Option<WalkId>,
    next: Option<WireRequest>,
    page: u64,
    skip: usize,
    items_seen: u64,
}

/// A request: its URL alone for a plain `GET`, else every part.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum WireRequest {
    Url(Url),
    Full {
        method: String,
        url: Url,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<Value>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        headers: Vec<(String, String)>,
    },
}

impl From<&Request> for WireRequest {
    fn from(request: &Request) -> WireRequest {
        if *request.method() == Method::GET
            && request.body().is_none()
            && request.headers().is_empty()
        {
            return WireRequest::Url(request.url().clone());
        }
        WireRequest::Full {
            method: request.method().to_string(),
            url: request.url().clone(),
            body: request.body().cloned(),
            headers: request.headers().to_vec(),
        }
    }
}

impl TryFrom<WireRequest> for Request {
    type Error = String;

    fn try_from(wire: WireRequest) -> Result<Request, String> {
        match wire {
            WireRequest::Url(url) => Ok(Request::get(url)),
            WireRequest::Full {
                method,
                url,
                body,
                headers,
            } => {
                let method = Method::from_bytes(method.as_bytes())
                    .map_err(|_| format!("invalid method {method:?}"))?;
                let mut request = Request::new(method, url);
                if let Some(body) = body {
                    request = request.with_body(body);
                }
                for (name, value) in &headers {
                    request = request.with_header(name, value);
                }
                Ok(request)
            }
        }
    }
}

impl Serialize for Checkpoint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Wire {
            version: self.version,
            walk: self.walk.as_deref().cloned(),
            next: self.next.as_ref().map(WireRequest::from),
            page: self.page,
            skip: self.skip,
            items_seen: self.items_seen,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Checkpoint {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Checkpoint, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        let next = match wire.next {
            Some(next) => Some(Request::try_from(next).map_err(serde::de::Error::custom)?),
            None => None,
        };
        Ok(Checkpoint {
            version: wire.version,
            walk: wire.walk.map(Arc::new),
            next,
            page: wire.page,
            skip: wire.skip,
            items_seen: wire.items_seen,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_post_with_a_body_round_trips() {
        let request = Request::new(Method::POST, Url::parse("http://h/q").unwrap())
            .with_body(json!({"cursor": "c2"}))
            .with_header("X-Token", "t");
        let checkpoint = Checkpoint::new(None, Some(request), 2, 1, 10);
        let text = serde_json::to_string(&checkpoint).unwrap();
        assert_eq!(
            text,
            r#"{"version":2,"next":{"method":"POST","url":"http://h/q","body":{"cursor":"c2"},"headers":[["X-Token","t"]]},"page":2,"skip":1,"items_seen":10}"#
        );
        assert_eq!(
            serde_json::from_str::<Checkpoint>(&text).unwrap(),
            checkpoint
        );
    }

    #[test]
    fn a_bad_url_or_method_does_not_parse() {
        for text in [
            r#"{"version":1,"next":"not a url","page":1,"skip":0,"items_seen":0}"#,
            r#"{"version":1,"next":{"method":"BAD METHOD","url":"http://h/"},"page":1,"skip":0,"items_seen":0}"#,
        ] {
            assert!(serde_json::from_str::<Checkpoint>(text).is_err(), "{text}");
        }
    }

    #[test]
    fn a_walk_is_named_by_what_fixes_its_pages() {
        let id = |start: &str, body: Option<&Value>, strategy: &str, items: Option<&str>| {
            WalkId::new(start, &Method::GET, body, strategy, items)
        };
        let walk = id("http://h/x?api_key=a", None, "auto", None);
        assert_eq!(walk.start, "http://h/x?api_key=***");
        assert_eq!(
            walk.difference(&id("http://h/x?api_key=a", None, "auto", None)),
            None
        );
        for (other, says) in [
            (
                id("http://h/y", None, "auto", None),
                "the start URL http://h/x?api_key=*** (this walk starts at http://h/y)",
            ),
            (
                id("http://h/x?api_key=b", None, "auto", None),
                "the start URL",
            ),
            (
                id(
                    "http://h/x?api_key=a",
                    Some(&serde_json::json!({})),
                    "auto",
                    None,
                ),
                "another request body",
            ),
            (
                id("http://h/x?api_key=a", None, "Link header", None),
                "the strategy auto (this walk uses Link header)",
            ),
            (
                id("http://h/x?api_key=a", None, "auto", Some("/rows")),
                "the items at detected (this walk reads /rows)",
            ),
        ] {
            let difference = walk.difference(&other).expect("a difference");
            assert!(difference.contains(says), "{difference}");
        }
        // The documented example is what a walk computes.
        let documented = id(
            "https://api.example.com/items?api_key=s3cr3t",
            None,
            "auto",
            None,
        );
        assert_eq!(documented.fingerprint, "247a42b0bdebf041");
        // Stable across processes and versions: a fixed value.
        assert_eq!(format!("{:016x}", fnv1a("pagewalk")), "74e27b636dc9bc3f");
    }
}
