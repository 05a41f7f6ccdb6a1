//! The oracle for walks whose paging travels in the request (a body field, a
//! GraphQL variable, a header token): each request pagewalk sent is asked
//! again with plain ureq, and the next request must be the first one with
//! only the server's token written in. The imitations are deterministic,
//! so the replayed answers are the ones pagewalk read.

use fixture::{Fixture, Recorded};
use pagewalk::{Checkpoint, Paginator};
use serde_json::{Value, json};

/// One answer, as plain ureq got it.
pub struct Answer {
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl Answer {
    /// The response header `name`, compared without case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body at `pointer`, as text.
    pub fn text(&self, pointer: &str) -> Option<&str> {
        self.body
            .pointer(pointer)?
            .as_str()
            .filter(|text| !text.is_empty())
    }
}

/// Headers a client sets by itself, left for ureq to set again.
const TRANSPORT: [&str; 6] = [
    "host",
    "content-length",
    "connection",
    "accept-encoding",
    "user-agent",
    "transfer-encoding",
];

/// The server's answer to `request`, asked again.
pub fn replay(server: &Fixture, request: &Recorded) -> Answer {
    let url = server.url(&request.raw_url);
    let mut builder = ureq::http::Request::builder()
        .method(request.method.as_str())
        .uri(&url);
    for (name, value) in &request.headers {
        if !TRANSPORT.contains(&name.to_ascii_lowercase().as_str()) {
            builder = builder.header(name, value);
        }
    }
    let http_request = builder.body(request.body.clone()).expect("a valid request");
    let mut response = fixture::agent()
        .run(http_request)
        .unwrap_or_else(|error| panic!("replaying {url}: {error}"));
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = value.to_str().unwrap_or_default().to_owned();
            (name.to_string(), value)
        })
        .collect();
    let text = response
        .body_mut()
        .read_to_string()
        .unwrap_or_else(|error| panic!("replaying {url}: {error}"));
    let body = serde_json::from_str(&text).unwrap_or_else(|error| panic!("{url}: {error}: {text}"));
    Answer { headers, body }
}

/// A request as the tests compare it: method, path, query parameters
/// (decoded, in any order: encodings and order are not the API's business),
/// JSON body.
#[derive(Debug, Clone)]
pub struct Sent {
    pub method: String,
    pub raw_url: String,
    pub body: Option<Value>,
}

impl Sent {
    /// `method` of `raw_url` (path and query, as sent) with `body`.
    pub fn new(method: &str, raw_url: &str, body: Option<Value>) -> Sent {
        Sent {
            method: method.to_owned(),
            raw_url: raw_url.to_owned(),
            body,
        }
    }

    fn of(request: &Recorded) -> Sent {
        Sent::new(&request.method, &request.raw_url, request.json())
    }

    fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://h{}", self.raw_url)).expect("a path and query")
    }

    /// The path and the sorted, decoded query pairs.
    fn parts(&self) -> (String, Vec<(String, String)>) {
        let url = self.url();
        let mut pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        pairs.sort();
        (url.path().to_owned(), pairs)
    }

    /// The same request with the query parameter `name` set to `value`.
    pub fn with_param(&self, name: &str, value: &str) -> Sent {
        let mut url = self.url();
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(key, _)| key != name)
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .chain([(name.to_owned(), value.to_owned())])
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        Sent {
            raw_url: format!("{}?{}", url.path(), url.query().unwrap_or_default()),
            ..self.clone()
        }
    }

    /// The same request without the query parameter `name`.
    pub fn without_param(&self, name: &str) -> Sent {
        let mut url = self.url();
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(key, _)| key != name)
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        Sent {
            raw_url: format!("{}?{}", url.path(), url.query().unwrap_or_default()),
            ..self.clone()
        }
    }

    /// The same request to the next-page reference `link`: absolute,
    /// host-relative, or only a query string, whose parameters replace those
    /// of the same name (and keep the others).
    pub fn to(&self, link: &str) -> Sent {
        if let Some(query) = link.strip_prefix('?') {
            return url::form_urlencoded::parse(query.as_bytes())
                .fold(self.clone(), |sent, (name, value)| {
                    sent.with_param(&name, &value)
                });
        }
        let url = self.url().join(link).expect("a next link");
        let raw_url = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        Sent {
            raw_url,
            ..self.clone()
        }
    }

    /// The same request with the body field at `pointer` set to `value`,
    /// objects on the way created.
    pub fn with_field(&self, pointer: &str, value: Value) -> Sent {
        let mut body = self.body.clone().unwrap_or_else(|| json!({}));
        let mut at = &mut body;
        for token in pointer.split('/').skip(1) {
            at = at
                .as_object_mut()
                .expect("an object on the way")
                .entry(token.replace("~1", "/").replace("~0", "~"))
                .or_insert_with(|| json!({}));
        }
        *at = value;
        Sent {
            body: Some(body),
            ..self.clone()
        }
    }
}

impl PartialEq for Sent {
    fn eq(&self, other: &Sent) -> bool {
        self.method == other.method && self.parts() == other.parts() && self.body == other.body
    }
}

/// Asserts that the requests `server` received since the `before`-th are
/// exactly the walk's: the first is `first`, and each next one is what
/// `next(answer, previous)` makes of the server's answer to the one before,
/// until it says `None` on the last. Returns how many there were (the
/// replays add requests of their own).
pub fn assert_chain(
    server: &Fixture,
    before: usize,
    first: Sent,
    next: impl Fn(&Answer, &Sent) -> Option<Sent>,
) -> usize {
    let requests = &server.requests()[before..];
    assert!(!requests.is_empty(), "no request was sent");
    let mut expected = first;
    for (i, request) in requests.iter().enumerate() {
        let sent = Sent::of(request);
        assert_eq!(sent, expected, "request {i}");
        let answer = replay(server, request);
        match next(&answer, &sent) {
            Some(request) => expected = request,
            None => {
                assert_eq!(
                    i + 1,
                    requests.len(),
                    "requests after the end: {requests:#?}"
                );
                return requests.len();
            }
        }
    }
    panic!("the walk stopped before the end: the last answer still names a next page");
}

/// Walks `make()` to the end, then, for every `k` in `ks` (inside a page or
/// between pages), takes `k` items, resumes a fresh walk from the stored
/// checkpoint, and checks that the two halves are the full walk, and that
/// the resumed walk's first request is the one the full walk sent for the
/// page holding item `k + 1`.
pub fn assert_resumes(server: &Fixture, make: &dyn Fn() -> Paginator, ks: &[usize]) {
    let before = server.request_count();
    let full: Vec<Value> = collect(make());
    let full_requests: Vec<Sent> = server.requests()[before..].iter().map(Sent::of).collect();
    assert!(!full.is_empty());
    for &k in ks {
        let mut items = make().items::<Value>();
        let prefix: Vec<Value> = items.by_ref().take(k).map(Result::unwrap).collect();
        let text = serde_json::to_string(&items.checkpoint()).expect("serializes");
        drop(items);
        let checkpoint: Checkpoint = serde_json::from_str(&text).expect("deserializes");
        let start = server.request_count();
        let rest = collect(make().resume_from(checkpoint));
        assert_eq!([prefix, rest].concat(), full, "split after {k}");
        // A walk resumed after its last item may know it is over.
        if let Some(request) = server.requests().get(start) {
            let resumed = Sent::of(request);
            assert!(
                full_requests.contains(&resumed),
                "split after {k}: the resumed walk sent {resumed:?}, not one of the full walk's"
            );
        } else {
            assert_eq!(k, full.len(), "split after {k}: nothing was requested");
        }
    }
}

/// Every item; panics on an error.
pub fn collect(paginator: Paginator) -> Vec<Value> {
    paginator
        .items::<Value>()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|error| panic!("unexpected error: {error}"))
}
