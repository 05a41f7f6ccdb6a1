//! The builder: where to start and how to walk.

mod agent;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use http::Method;
use serde::de::DeserializeOwned;

use self::agent::default_agent;
use crate::credentials::{CredentialsRequest, CredentialsSource};
use crate::http::{Buffers, Client, Throttle, Waits};
use crate::rules::failure;
use crate::walk::Settings;
use crate::{Checkpoint, Error, Explanation, Items, Pages, RawPages, RetryPolicy, Strategy};

/// A builder for walking every page of a paginated JSON API.
///
/// Build it with [`Paginator::new`], adjust it with the setters, then iterate
/// over typed items with [`items`](Paginator::items), over whole pages with
/// [`pages`](Paginator::pages), or directly (`for item in paginator`) over
/// items as [`serde_json::Value`].
///
/// Nothing is fetched until the iterator is advanced.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// #[derive(serde::Deserialize)]
/// struct PunchItem {
///     id: u64,
///     name: String,
/// }
///
/// let items = pagewalk::Paginator::new("https://api.procore.com/rest/v1.0/punch_items?project_id=1&per_page=100")
///     .header("Authorization", "Bearer ...")
///     .items::<PunchItem>();
/// for item in items {
///     let item = item?;
///     println!("{} {}", item.id, item.name);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
#[must_use = "a Paginator does nothing until it is iterated"]
pub struct Paginator {
    start: String,
    method: Option<Method>,
    body: Option<serde_json::Value>,
    agent: Option<ureq::Agent>,
    headers: Vec<(String, String)>,
    items_at: Option<String>,
    strategy: Strategy,
    max_pages: Option<u64>,
    max_items: Option<u64>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    allow_cross_origin: bool,
    max_body_size: u64,
    max_empty_pages: u32,
    resume: Option<Checkpoint>,
    prefetch: usize,
    concurrency: usize,
    credentials: Option<CredentialsSource>,
}

impl Paginator {
    /// Starts a walk at `url`, the first page's URL.
    ///
    /// Never fails: a bad URL is the iterator's first `Err`.
    pub fn new(url: impl Into<String>) -> Paginator {
        Paginator {
            start: url.into(),
            method: None,
            body: None,
            agent: None,
            headers: Vec::new(),
            items_at: None,
            strategy: Strategy::auto(),
            max_pages: None,
            max_items: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            allow_cross_origin: false,
            max_body_size: 64 * 1024 * 1024,
            max_empty_pages: 10,
            resume: None,
            prefetch: 0,
            concurrency: 1,
            credentials: None,
        }
    }

    /// Adds a header to every request sent to the start URL's origin (scheme,
    /// host and port). It is never sent to another origin, not even with
    /// [`allow_cross_origin`](Paginator::allow_cross_origin).
    ///
    /// An invalid name or value is reported by the first request.
    /// By default, only `Accept: application/json` is added.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Paginator {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Supplies headers from `callback`, asked before every request to the
    /// start URL's origin (never for another origin): for tokens that expire
    /// during a long walk, or APIs that sign each request. After a `401`, it
    /// is asked once more with [`is_refresh`](CredentialsRequest::is_refresh)
    /// set, and the request is sent again, once; a second `401` is the
    /// walk's error. Its headers are added after those of
    /// [`header`](Paginator::header); an `Err` ends the walk with
    /// [`ErrorKind::Credentials`](crate::ErrorKind::Credentials).
    ///
    /// With [`concurrency`](Paginator::concurrency) or
    /// [`prefetch`](Paginator::prefetch), it is called from several threads:
    /// keep the token behind a lock, and refresh it once.
    ///
    /// ```no_run
    /// use std::sync::Mutex;
    ///
    /// fn fetch_token() -> Result<String, String> {
    ///     // ... an OAuth client-credentials request ...
    /// #   Ok("token".into())
    /// }
    ///
    /// let token = Mutex::new(String::new());
    /// let items = pagewalk::Paginator::new("https://api.example.com/v1/things")
    ///     .credentials(move |ask| {
    ///         let mut token = token.lock().map_err(|_| "poisoned".to_owned())?;
    ///         if token.is_empty() || ask.is_refresh() {
    ///             *token = fetch_token()?;
    ///         }
    ///         Ok(vec![("Authorization".into(), format!("Bearer {token}"))])
    ///     })
    ///     .items::<serde_json::Value>();
    /// # let _ = items;
    /// ```
    pub fn credentials(
        mut self,
        callback: impl Fn(&CredentialsRequest<'_>) -> Result<Vec<(String, String)>, String>
        + Send
        + Sync
        + 'static,
    ) -> Paginator {
        self.credentials = Some(CredentialsSource(Arc::new(callback)));
        self
    }

    /// Sends every page's request with `method` (e.g. `Method::POST` for a
    /// search or query endpoint). Strategies that write into the request keep
    /// it, and so do redirects: 307 and 308 keep the method and body, while
    /// 301, 302 and 303 would turn a `POST` into a `GET`, and are an error.
    ///
    /// By default, this is `GET`, or `POST` when a [`body`](Paginator::body)
    /// is set.
    pub fn method(mut self, method: Method) -> Paginator {
        self.method = Some(method);
        self
    }

    /// Sends `body` as the JSON body of every page's request
    /// (`Content-Type: application/json`). A strategy that writes into the
    /// body ([`Target::body`](crate::Target::body)) changes only its own
    /// field, at its JSON pointer; every other field is sent as given, and on
    /// the first request the body is sent exactly as given.
    ///
    /// ```no_run
    /// use pagewalk::{Paginator, Strategy, Target};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // Notion's database query: the cursor goes back as `start_cursor`.
    /// let pages = Paginator::new("https://api.notion.com/v1/databases/d1/query")
    ///     .header("Authorization", "Bearer secret_...")
    ///     .header("Notion-Version", "2022-06-28")
    ///     .body(serde_json::json!({"page_size": 100, "filter": {"property": "Done", "checkbox": {"equals": false}}}))
    ///     .strategy(Strategy::cursor("/next_cursor", Target::body("/start_cursor")))
    ///     .items::<serde_json::Value>();
    /// for page in pages {
    ///     println!("{}", page?["id"]);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// By default, there is no body.
    pub fn body(mut self, body: serde_json::Value) -> Paginator {
        self.body = Some(body);
        self
    }

    /// Sends the requests through `agent`, e.g. one with a proxy or TLS
    /// settings of your own. pagewalk still sets, per request, its timeouts,
    /// its body limit and its own handling of error statuses and redirects.
    ///
    /// This is the one place where pagewalk's API names its HTTP client:
    /// [`ureq`](crate::ureq) is re-exported so that the agent's version is
    /// sure to match. Nothing else in the API depends on ureq.
    ///
    /// By default, a new agent is created for each walk: ureq's defaults
    /// (which include proxies from the environment), pagewalk's
    /// `User-Agent`, and the TLS stack the crate's features choose (see the
    /// crate docs); its connections are kept alive and reused from page to
    /// page. An agent passed here keeps its own TLS and proxy settings.
    pub fn agent(mut self, agent: ureq::Agent) -> Paginator {
        self.agent = Some(agent);
        self
    }

    /// Reads the items from the array at the JSON pointer `pointer`
    /// (RFC 6901, e.g. `"/response/rows"`; `""` is the root).
    ///
    /// By default, the items are the root array, else the first array among
    /// `data`, `items`, `results`, `value`, `records` and `entries`, else the
    /// only array among the top-level fields or inside HAL's `_embedded`.
    pub fn items_at(mut self, pointer: impl Into<String>) -> Paginator {
        self.items_at = Some(pointer.into());
        self
    }

    /// Chooses how the next page is found. Defaults to [`Strategy::auto`].
    pub fn strategy(mut self, strategy: Strategy) -> Paginator {
        self.strategy = strategy;
        self
    }

    /// Fetches at most `n` pages. By default, there is no limit.
    pub fn max_pages(mut self, n: u64) -> Paginator {
        self.max_pages = Some(n);
        self
    }

    /// Yields at most `n` items, and fetches no page beyond the one that holds
    /// the `n`-th. By default, there is no limit.
    pub fn max_items(mut self, n: u64) -> Paginator {
        self.max_items = Some(n);
        self
    }

    /// Limits each phase of a request: sending it, waiting for the response's
    /// head, and reading its whole body each get `timeout`. (Name resolution
    /// is left to the system; connecting has its own
    /// [`connect_timeout`](Paginator::connect_timeout).) Defaults to 30 seconds.
    pub fn timeout(mut self, timeout: Duration) -> Paginator {
        self.timeout = timeout;
        self
    }

    /// Limits the time to open a connection. Defaults to 10 seconds.
    pub fn connect_timeout(mut self, timeout: Duration) -> Paginator {
        self.connect_timeout = timeout;
        self
    }

    /// Retries each failed request up to `n` times (connection errors,
    /// timeouts, truncated bodies, 408, 429, 500, 502, 503, 504, and rate
    /// limits answered with 403). Shorthand for
    /// [`retry_policy`](Paginator::retry_policy)`(RetryPolicy::builder().retries(n))`
    /// that keeps the other settings of the policy. Defaults to 3.
    pub fn retries(mut self, n: u32) -> Paginator {
        self.retry = self.retry.to_builder().retries(n).build();
        self
    }

    /// Sets how requests are retried and how long the walk may wait for a
    /// rate limit. Defaults to [`RetryPolicy::default`].
    pub fn retry_policy(mut self, policy: impl Into<RetryPolicy>) -> Paginator {
        self.retry = policy.into();
        self
    }

    /// Follows next links and redirects to other origins, without sending
    /// them any header set with [`header`](Paginator::header). A move from
    /// `https` to `http` stays refused.
    ///
    /// By default, this is disabled: leaving the start URL's origin is an
    /// [`ErrorKind::CrossOrigin`](crate::ErrorKind::CrossOrigin).
    pub fn allow_cross_origin(mut self, allow: bool) -> Paginator {
        self.allow_cross_origin = allow;
        self
    }

    /// Fails a page whose body is larger than `bytes`. Defaults to 64 MiB.
    pub fn max_body_size(mut self, bytes: u64) -> Paginator {
        self.max_body_size = bytes;
        self
    }

    /// Fails the walk after `n` empty pages in a row that each point to
    /// another page, so an API that hands out endless cursors cannot keep it
    /// busy forever; 0 counts as 1. Defaults to 10.
    pub fn max_empty_pages(mut self, n: u32) -> Paginator {
        self.max_empty_pages = n.max(1);
        self
    }

    /// Continues a walk where `checkpoint` was taken. Build the paginator
    /// with the same URL and settings as the walk that made it.
    ///
    /// By default, the walk starts at the start URL.
    pub fn resume_from(mut self, checkpoint: Checkpoint) -> Paginator {
        self.resume = Some(checkpoint);
        self
    }

    /// Fetches up to `n` pages (at most 256) ahead on a background thread, started by the
    /// first call to `next`, while your code
    /// works on the current one, so network time and processing time overlap.
    /// Order, errors and checkpoints stay exactly as without it; dropping the
    /// iterator stops the thread after the request it has in flight.
    ///
    /// By default, this is 0: pages are fetched on the calling thread, when needed.
    pub fn prefetch(mut self, n: usize) -> Paginator {
        self.prefetch = n;
        self
    }

    /// Fetches pages with up to `n` requests at a time (at most 64), when
    /// the first response makes every remaining page's URL certain. Items
    /// still come out in order, through a reorder buffer of at most `2 × n`
    /// pages; each request keeps its retries, and a rate-limited response
    /// pauses every worker. A page on which the server says the walk ends
    /// (empty, `has_more: false`, no next link) ends it, whatever was planned.
    ///
    /// When the remaining pages are certain:
    /// - [`Strategy::auto`]: the next and the last page's URLs (a
    ///   `rel="last"` link, `last_page_url` or `links.last`) differ only in
    ///   one number, the page number (Procore, GitHub, GitLab, Laravel,
    ///   JSON:API);
    /// - [`Strategy::page_number`]: the response gives the last page
    ///   (`last_page`, `meta.last_page`, `total_pages`, `X-Total-Pages`, a
    ///   `rel="last"` link) or a total and a page size (`Total` with
    ///   `Per-Page`, `per_page`);
    /// - [`Strategy::offset`]: the response gives a total.
    ///
    /// Otherwise, and for cursor and keyset walks, where each page names the
    /// next, the walk stays sequential (with [`prefetch`](Paginator::prefetch),
    /// if set).
    ///
    /// By default, this is 1: one request at a time.
    pub fn concurrency(mut self, n: usize) -> Paginator {
        self.concurrency = n;
        self
    }

    /// The items of every page, deserialized into `T`, one at a time.
    pub fn items<T: DeserializeOwned + Send + 'static>(self) -> Items<T> {
        Items::new(Arc::new(self.into_settings()))
    }

    /// Every page, with its items deserialized into `T`.
    pub fn pages<T: DeserializeOwned + Send + 'static>(self) -> Pages<T> {
        Pages::new(Arc::new(self.into_settings()))
    }

    /// Every page, with its items as the text the server wrote: nothing is
    /// deserialized, so numbers keep every digit and keys their order, and an
    /// item costs eight bytes beside its text. Walks exactly as
    /// [`pages`](Paginator::pages) does.
    pub fn raw_pages(self) -> RawPages {
        RawPages::new(Arc::new(self.into_settings()))
    }

    /// Fetches the first page only and says how the walk would go on: the
    /// strategy and what chose it, where the items are, the total if known,
    /// and the next request, or why the walk ends there, or the error it
    /// would meet. `Err` when the first page itself fails.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), pagewalk::Error> {
    /// let explanation = pagewalk::Paginator::new("https://api.example.com/v1/things").explain()?;
    /// print!("{explanation}");
    /// # Ok(())
    /// # }
    /// ```
    pub fn explain(self) -> Result<Explanation, Error> {
        let page = crate::walk::first_page(Arc::new(self.into_settings()))?;
        Ok(Explanation {
            request: page.meta.request,
            status: page.meta.status,
            items_at: page.items_at,
            item_count: page.items,
            total: page.meta.total,
            found_by: page.meta.found_by,
            reason: page.why,
            next: page.next,
            error: page.error,
        })
    }

    fn into_settings(self) -> Settings {
        let cancelled = Arc::new(AtomicBool::new(false));
        let waits = Arc::new(Waits::default());
        let bad_header = self
            .headers
            .iter()
            .find(|(name, value)| {
                http::HeaderName::from_bytes(name.as_bytes()).is_err()
                    || http::HeaderValue::from_str(value).is_err()
            })
            .map(|(name, _)| name.clone());
        let client = Client {
            agent_is_ours: self.agent.is_none(),
            agent: self
                .agent
                .unwrap_or_else(|| default_agent(self.timeout, self.connect_timeout)),
            headers: self.headers,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            max_body_size: self.max_body_size,
            retry: self.retry,
            allow_cross_origin: self.allow_cross_origin,
            throttle: Throttle::default(),
            cancelled: Arc::clone(&cancelled),
            rate_limited: failure::is_rate_limited,
            credentials: self.credentials,
            waits: Arc::clone(&waits),
            buffers: Buffers::default(),
        };
        let method = match (self.method, &self.body) {
            (Some(method), _) => method,
            (None, Some(_)) => Method::POST,
            (None, None) => Method::GET,
        };
        Settings {
            start: self.start,
            bad_header,
            method,
            body: self.body,
            items_at: self.items_at,
            strategy: self.strategy,
            max_pages: self.max_pages,
            max_items: self.max_items,
            allow_cross_origin: self.allow_cross_origin,
            max_empty_pages: self.max_empty_pages,
            resume: self.resume,
            prefetch: self.prefetch,
            concurrency: self.concurrency,
            transport: Box::new(client),
            cancelled,
            waits,
        }
    }
}

/// Header values are left out: they are often credentials, and debug output ends up in logs.
impl fmt::Debug for Paginator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, _)| (name.as_str(), "<redacted>"))
            .collect();
        f.debug_struct("Paginator")
            .field("start", &crate::text::redact(&self.start))
            .field("method", &self.method)
            .field("body", &self.body.as_ref().map(crate::text::shown_body))
            .field("headers", &headers)
            .field("items_at", &self.items_at)
            .field("strategy", &self.strategy)
            .field("max_pages", &self.max_pages)
            .field("max_items", &self.max_items)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("allow_cross_origin", &self.allow_cross_origin)
            .field("max_body_size", &self.max_body_size)
            .field("max_empty_pages", &self.max_empty_pages)
            .field("resume", &self.resume)
            .field("prefetch", &self.prefetch)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

/// Iterates over the items as [`serde_json::Value`].
impl IntoIterator for Paginator {
    type Item = Result<serde_json::Value, crate::Error>;
    type IntoIter = Items<serde_json::Value>;

    fn into_iter(self) -> Items<serde_json::Value> {
        self.items()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_leaves_out_header_values() {
        let paginator = Paginator::new("https://h/x").header("Authorization", "Bearer s3cr3t");
        let debug = format!("{paginator:?}");
        assert!(
            debug.contains("Authorization") && debug.contains("<redacted>"),
            "{debug}"
        );
        assert!(!debug.contains("s3cr3t"), "{debug}");
    }
}
