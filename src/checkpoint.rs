//! Where a walk stands, in a form that survives the process.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

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
/// Its JSON form is stable and versioned:
///
/// ```json
/// {"version":1,"next":"https://api.example.com/items?page=3","page":3,"skip":4,"items_seen":54}
/// ```
///
/// `next` is the next request (`null` once the walk is complete): its URL
/// when it is a plain `GET`, else `{"method":..,"url":..,"body":..,"headers":..}`.
/// `page` is that page's number in the walk, `skip` how many of its items
/// were already delivered, and `items_seen` how many items the walk had
/// delivered before that page.
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    version: u32,
    next: Option<Request>,
    page: u64,
    skip: usize,
    items_seen: u64,
}

/// The only version this crate writes and reads.
pub(crate) const VERSION: u32 = 1;

impl Checkpoint {
    pub(crate) fn new(
        next: Option<Request>,
        page: u64,
        skip: usize,
        items_seen: u64,
    ) -> Checkpoint {
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
        let checkpoint = Checkpoint::new(Some(request), 2, 1, 10);
        let text = serde_json::to_string(&checkpoint).unwrap();
        assert_eq!(
            text,
            r#"{"version":1,"next":{"method":"POST","url":"http://h/q","body":{"cursor":"c2"},"headers":[["X-Token","t"]]},"page":2,"skip":1,"items_seen":10}"#
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
}
