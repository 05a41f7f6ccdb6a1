//! One HTTP exchange through ureq: the only place that builds a request.

use std::io::Read;
use std::time::Duration;

use http::header;

use super::Response;
use super::buffers::Buffers;
use super::origin::{Credentials, Outgoing};

/// How much of an error response's body is read at most: enough for the excerpt.
const ERROR_BODY_LIMIT: u64 = 4 * 1024;

/// How much room a success's `Content-Length` reserves at most before the
/// body arrives.
const BODY_HINT_LIMIT: u64 = 8 * 1024 * 1024;

/// What every exchange of a walk shares.
pub(crate) struct Exchange<'a> {
    pub agent: &'a ureq::Agent,
    /// The agent already has the settings below (pagewalk made it).
    pub configured: bool,
    /// The user's headers: sent only with [`Credentials::Sent`].
    pub headers: &'a [(String, String)],
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_body_size: u64,
    pub buffers: &'a Buffers,
}

impl Exchange<'_> {
    /// Sends `outgoing` to `url` (where it stands in a redirect chain) and
    /// reads the whole body: a success's up to the size limit, an error
    /// page's only as far as its excerpt needs.
    pub(crate) fn send(
        &self,
        outgoing: &Outgoing,
        url: &url::Url,
        supplied: &[(String, String)],
    ) -> Result<Response, ureq::Error> {
        let request = &outgoing.request;
        let builder = self.head(outgoing, url, supplied);
        let mut response = match request.body() {
            None => self.run(builder.body(())?)?,
            Some(body) => {
                let bytes = serde_json::to_vec(body).map_err(std::io::Error::from)?;
                self.run(
                    builder
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(bytes)?,
                )?
            }
        };
        let status = response.status().as_u16();
        let body = if status < 300 {
            // A buffer of an earlier page, with room for `Content-Length`
            // (capped: a server's word is a hint), so the body is read
            // without growing and copying it as it arrives.
            let hint = response.body().content_length().unwrap_or(0);
            let room = hint.min(self.max_body_size).min(BODY_HINT_LIMIT) as usize;
            let mut reader = response
                .body_mut()
                .with_config()
                .limit(self.max_body_size)
                .reader();
            self.buffers.read(&mut reader, room)?
        } else {
            // Only the start of an error page is shown; an unreadable one is still an error page.
            let mut start = Vec::new();
            let reader = response.body_mut().with_config().limit(u64::MAX).reader();
            let _ = reader.take(ERROR_BODY_LIMIT).read_to_end(&mut start);
            start
        };
        let (parts, _) = response.into_parts();
        Ok(Response {
            final_url: url.clone(),
            status,
            headers: parts.headers,
            body,
        })
    }

    /// The request line and headers: `Accept: application/json` unless the
    /// user set one, the user's headers where credentials go, the request's own.
    fn head(
        &self,
        outgoing: &Outgoing,
        url: &url::Url,
        supplied: &[(String, String)],
    ) -> http::request::Builder {
        let request = &outgoing.request;
        let mut builder = http::Request::builder()
            .method(request.method().clone())
            .uri(url.as_str());
        let credentials = outgoing.credentials == Credentials::Sent;
        // The credentials callback's headers (asked for only where
        // credentials go) replace the user's fixed ones of the same name.
        let supplied_has = |name: &str| {
            supplied
                .iter()
                .any(|(own, _)| own.eq_ignore_ascii_case(name))
        };
        let user_accept = credentials
            && self
                .headers
                .iter()
                .chain(supplied)
                .any(|(name, _)| name.eq_ignore_ascii_case("accept"));
        if !user_accept {
            builder = builder.header(header::ACCEPT, "application/json");
        }
        if credentials {
            for (name, value) in self.headers.iter().filter(|(name, _)| !supplied_has(name)) {
                builder = builder.header(name.as_str(), value.as_str());
            }
            for (name, value) in supplied {
                builder = builder.header(name.as_str(), value.as_str());
            }
        }
        for (name, value) in request.headers() {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder
    }

    fn run<B: ureq::AsSendBody>(
        &self,
        request: http::Request<B>,
    ) -> Result<http::Response<ureq::Body>, ureq::Error> {
        if self.configured {
            return self.agent.run(request);
        }
        let request = self
            .agent
            .configure_request(request)
            // We need the headers of error responses (Retry-After, rate limits),
            // and we follow redirects ourselves under our origin policy.
            .http_status_as_error(false)
            .max_redirects(0)
            // Per phase rather than `timeout_global`: with an overall timeout set,
            // ureq resolves every host (even an IP) on a new thread, a thread per
            // page that cost about 7% of a walk's throughput (benches/throughput.rs).
            .timeout_connect(Some(self.connect_timeout))
            .timeout_send_request(Some(self.timeout))
            .timeout_send_body(Some(self.timeout))
            .timeout_recv_response(Some(self.timeout))
            .timeout_recv_body(Some(self.timeout))
            .build();
        self.agent.run(request)
    }
}
