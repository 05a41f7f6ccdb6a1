//! Walk every page of a paginated JSON HTTP API as one lazy, blocking iterator.
//!
//! pagewalk finds the next page the way the API says it (an RFC 8288 `Link`
//! header, a next-page URL or a cursor in the body, a page number, an offset,
//! or the last item's id), deserializes the items into your type, and hands
//! them over one at a time. No async runtime, no loop to write, no lost data.
//!
//! # The types
//!
//! ```text
//! Paginator ──items::<T>()──▶ Items<T>     one T at a time
//!  (builder)  ──pages::<T>()──▶ Pages<T>     Page<T>: items, URL, status, headers, total
//!             ──raw_pages()──▶ RawPages     RawPage: items as the server wrote them
//!             ──explain()────▶ Explanation  the first page, and how the walk goes on
//!
//! Strategy (+ Token, Target, PageResponse)   how the next page is found
//! RetryPolicy, CredentialsRequest            retries and waits; headers that change
//! Error + ErrorKind                          what went wrong, page and URL named
//! Checkpoint ──Paginator::resume_from──▶     exactly where to go on
//! Progress                                   pages, items, total, waiting
//! ```
//!
//! # Which strategy do I need?
//!
//! Usually none: [`Strategy::auto`] reads each response by rules stated in
//! its docs. Name one when the response cannot say how its next page is asked
//! for, or to pin the walk down:
//!
//! | the API | the strategy |
//! |---|---|
//! | a `Link` header (GitHub, GitLab) | [`Strategy::link_header`] |
//! | a next page's URL in the body | [`Strategy::next_url`]`("/links/next")` |
//! | a token sent back as a query parameter | [`Strategy::cursor`]`("/meta/next_token", "pagination_token")` |
//! | a token sent back in the `POST` body (Notion, searches) | [`Strategy::cursor`]`("/next_cursor", Target::body("/start_cursor"))` |
//! | a token in a response header (Azure DevOps) | [`Strategy::cursor`]`(Token::header("x-ms-continuationtoken"), "continuationToken")` |
//! | page numbers | [`Strategy::page_number`]`("page")` |
//! | offsets | [`Strategy::offset`]`("offset")`, or `Target::body("/from")` |
//! | the last item's id (Stripe) | [`Strategy::keyset`]`("starting_after", "/id")` |
//! | a GraphQL connection | [`Strategy::graphql`] (detected from the query) |
//! | a `continue` object (MediaWiki) | [`Strategy::continuation`]`("/continue")` |
//! | anything else | [`Strategy::custom`]`(\|page\| ...)` |
//!
//! # Cookbook
//!
//! Runnable examples, each against an imitation of a real API on loopback
//! (`cargo run --example NAME`), in the repository's `examples/`:
//! `link_headers`, `cursor`, `keyset`, `request_body`, `graphql`, `resume`,
//! `concurrency` (with a rate limit), `custom_strategy`, and `tour`.
//!
//! # TLS and proxies
//!
//! The default agent speaks TLS with rustls and Mozilla's roots, bundled
//! (feature `rustls`, on by default). Feature `platform-verifier` verifies
//! with the operating system's verifier and trust store instead (machines
//! with their own root certificates); `native-tls` uses the platform's TLS
//! library (OpenSSL on Linux) with the system's roots, and wins when both
//! are on. Proxies come from the environment, as ureq reads them:
//! `ALL_PROXY`, `HTTPS_PROXY` or `HTTP_PROXY` (the first that parses, for
//! every scheme), and `NO_PROXY`. To turn that off, or to choose another
//! proxy, pass an agent of your own:
//!
//! ```no_run
//! let agent: pagewalk::ureq::Agent = pagewalk::ureq::Agent::config_builder()
//!     .proxy(None)
//!     .build()
//!     .into();
//! let items = pagewalk::Paginator::new("https://api.example.com/v1/things")
//!     .agent(agent)
//!     .items::<serde_json::Value>();
//! # let _ = items;
//! ```
//!
//! # Example: typed items
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! #[derive(serde::Deserialize)]
//! struct Issue {
//!     number: u64,
//!     title: String,
//! }
//!
//! let issues = pagewalk::Paginator::new("https://api.github.com/repos/rust-lang/rust/issues?per_page=100")
//!     .header("Authorization", "Bearer ...")
//!     .items::<Issue>();
//! for issue in issues {
//!     let issue = issue?;
//!     println!("#{} {}", issue.number, issue.title);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Example: the first ten items, one request
//!
//! Iteration is lazy: this fetches only the pages it needs.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let first: Vec<serde_json::Value> = pagewalk::Paginator::new("https://api.example.com/v2/transactions")
//!     .into_iter()
//!     .take(10)
//!     .collect::<Result<_, _>>()?;
//! # Ok(())
//! # }
//! ```
//!
//! # Example: stopping by content
//!
//! The iterator adapters stay lazy: `take_while` fetches no page after the
//! one holding the first item that fails it. [`Pages`] stops on what a page
//! says about itself.
//!
//! ```no_run
//! # fn main() -> Result<(), pagewalk::Error> {
//! #[derive(serde::Deserialize)]
//! struct Event {
//!     created_at: String,
//! }
//!
//! // Newest first: stop at the first event older than the cutoff (an error
//! // passes through, and `collect` returns it).
//! let recent: Vec<Event> = pagewalk::Paginator::new("https://api.example.com/v1/events?order=desc")
//!     .items::<Event>()
//!     .take_while(|event| event.as_ref().map_or(true, |event| event.created_at.as_str() > "2026-11-01"))
//!     .collect::<Result<_, _>>()?;
//!
//! // Ten pages at most, and none past a page that says it is partial.
//! let pages = pagewalk::Paginator::new("https://api.example.com/v1/events")
//!     .pages::<Event>()
//!     .take_while(|page| page.as_ref().map_or(true, |page| page.headers().get("X-Partial").is_none()))
//!     .take(10)
//!     .collect::<Result<Vec<_>, _>>()?;
//! # let _ = (recent, pages);
//! # Ok(())
//! # }
//! ```

//! # Example: choosing the strategy
//!
//! [`Strategy::auto`] detects the style on every response; name one when you
//! know better:
//!
//! ```no_run
//! use pagewalk::{Paginator, Strategy};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let customers = Paginator::new("https://api.stripe.com/v1/customers?limit=100")
//!     .header("Authorization", "Bearer sk_test_...")
//!     .strategy(Strategy::keyset("starting_after", "/id"))
//!     .items::<serde_json::Value>();
//! for customer in customers {
//!     println!("{}", customer?["id"]);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Example: overlapping network and work
//!
//! [`Paginator::prefetch`] fetches pages ahead on a background thread;
//! [`Paginator::concurrency`] fetches numbered pages side by side once the
//! first response gives the page count. Items still come out in order.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let projects = pagewalk::Paginator::new("https://classic-api.contractorscloud.com/api/v1/projects?page[size]=100")
//!     .concurrency(4)
//!     .prefetch(2)
//!     .items::<serde_json::Value>();
//! for project in projects {
//!     println!("{}", project?["name"]);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Errors
//!
//! Every failure is an [`Error`] whose message names the page, its URL and
//! what went wrong; [`Error::kind`] tells the kinds apart, and
//! [`source`](std::error::Error::source) holds the underlying cause.
//! Transient failures (connection errors, timeouts, 408, 429, 500, 502, 503,
//! 504) are retried first, within the [`RetryPolicy`].
//!
//! An error is yielded once, after every item read before it, and then the
//! iterator ends (it is a [`FusedIterator`](std::iter::FusedIterator)), so
//! `for item in items.flatten()` can never spin forever. To continue later,
//! take [`Items::checkpoint`] and pass it to [`Paginator::resume_from`]: each
//! remaining item is then yielded exactly once. An item that does not fit `T`
//! ([`ErrorKind::Item`], which carries its JSON) counts as delivered, so a resumed
//! walk goes on after it.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// The public types, flat at the root.
mod checkpoint;
mod credentials;
mod custom;
mod error;
mod explain;
mod items;
pub mod link_header;
mod page;
mod pages;
mod paginator;
mod progress;
mod raw_pages;
mod request;
mod retry_policy;
mod strategy;

// The private layers: `walk` drives `http` and `rules`; `rules` does no I/O.
mod http;
mod rules;
mod walk;

// Small helpers every layer shares.
mod json_pointer;
mod text;

pub use checkpoint::Checkpoint;
pub use credentials::CredentialsRequest;
pub use custom::PageResponse;
pub use error::{Error, ErrorKind};
pub use explain::Explanation;
pub use items::Items;
pub use link_header::Link;
pub use page::{Page, RawPage};
pub use pages::Pages;
pub use paginator::Paginator;
pub use progress::Progress;
pub use raw_pages::RawPages;
pub use request::{BodyFieldError, Request};
pub use retry_policy::{RetryPolicy, RetryPolicyBuilder};
pub use strategy::{Strategy, Target, Token};

/// The method of a [`Request`], from the `http` crate.
pub use ::http::Method;
/// The header types of [`Page::headers`], from the `http` crate.
pub use ::http::{HeaderMap, HeaderName, HeaderValue};
/// The URL of a [`Request`], from the `url` crate.
pub use url::Url;

/// The HTTP client pagewalk is built on, re-exported for
/// [`Paginator::agent`], the one setter that takes one of its types: use this
/// one to be sure of the version.
pub use ureq;

// The README's examples are compiled as doctests, so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
