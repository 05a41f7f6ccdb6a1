//! Canned responses for the engine's tests: a [`Transport`] that answers
//! from a table and remembers what was asked, with no server at all.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde_json::Value;
use url::Url;

use super::Settings;
use super::transport::Transport;
use crate::http::Response;
use crate::http::origin::Outgoing;
use crate::{Error, ErrorKind, Request, Strategy};

/// Answers each request with the reply listed for its URL (method, URL and
/// body must match when the reply says so), or a 404.
#[derive(Default)]
pub(crate) struct Canned {
    replies: HashMap<String, Vec<(Option<Value>, Reply)>>,
    sent: Arc<Mutex<Vec<Request>>>,
    recycled: Arc<Mutex<Vec<Vec<u8>>>>,
}

/// One canned reply.
#[derive(Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Value,
}

/// `200` with `body`.
pub(crate) fn ok(body: Value) -> Reply {
    Reply {
        status: 200,
        headers: Vec::new(),
        body,
    }
}

impl Reply {
    /// The same reply with the header `name: value`.
    pub(crate) fn header(mut self, name: &'static str, value: &str) -> Reply {
        self.headers.push((name, value.to_owned()));
        self
    }
}

impl Canned {
    /// Answers any request to `url` with `reply`.
    pub(crate) fn at(mut self, url: &str, reply: Reply) -> Canned {
        self.replies
            .entry(url.to_owned())
            .or_default()
            .push((None, reply));
        self
    }

    /// Answers a request to `url` with the body `body` with `reply`.
    pub(crate) fn at_body(mut self, url: &str, body: Value, reply: Reply) -> Canned {
        self.replies
            .entry(url.to_owned())
            .or_default()
            .push((Some(body), reply));
        self
    }

    /// The requests sent so far, shared with the walk's transport.
    pub(crate) fn sent(&self) -> Arc<Mutex<Vec<Request>>> {
        Arc::clone(&self.sent)
    }

    /// The bodies the walk handed back so far, shared with its transport.
    pub(crate) fn recycled(&self) -> Arc<Mutex<Vec<Vec<u8>>>> {
        Arc::clone(&self.recycled)
    }

    /// Settings for a walk from `start` with `strategy` over these replies.
    pub(crate) fn settings(self, start: &str, strategy: Strategy) -> Settings {
        Settings {
            bad_header: None,
            start: start.to_owned(),
            method: Method::GET,
            body: None,
            items_at: None,
            strategy,
            max_pages: None,
            max_items: None,
            allow_cross_origin: false,
            max_empty_pages: 10,
            resume: None,
            prefetch: 0,
            concurrency: 1,
            transport: Box::new(self),
            cancelled: Arc::new(AtomicBool::new(false)),
            waits: Arc::default(),
        }
    }
}

impl Transport for Canned {
    fn recycle(&self, body: Vec<u8>) {
        self.recycled.lock().expect("the test's lock").push(body);
    }

    fn fetch(&self, _: &Url, outgoing: &Outgoing, page: u64) -> Result<Response, Error> {
        let request = &outgoing.request;
        self.sent
            .lock()
            .expect("the test's lock")
            .push(request.clone());
        let reply = self
            .replies
            .get(request.url().as_str())
            .and_then(|replies| {
                replies
                    .iter()
                    .find(|(body, _)| body.is_none() || body.as_ref() == request.body())
            });
        let Some((_, reply)) = reply else {
            return Err(Error::new(ErrorKind::Status {
                status: 404,
                body: String::new(),
                attempts: 1,
                wait: None,
            })
            .at(page, request.url().as_str()));
        };
        let mut headers = HeaderMap::new();
        for (name, value) in &reply.headers {
            headers.append(
                HeaderName::from_static(name),
                HeaderValue::from_str(value).expect("a test header"),
            );
        }
        Ok(Response {
            final_url: request.url().clone(),
            status: reply.status,
            headers,
            body: reply.body.to_string().into_bytes(),
        })
    }
}
