//! Everything a walk needs to know, shared by its threads.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use http::Method;
use serde_json::Value;

use super::transport::Transport;
use crate::http::Waits;
use crate::{Checkpoint, Strategy};

/// The settings of one walk, fixed when its iterator is made.
pub(crate) struct Settings {
    /// The start URL as given; parsed (and reported if bad) by the walk.
    pub start: String,
    /// The name of a header given to `Paginator::header` that cannot be
    /// sent (a bad name or value), reported before any request.
    pub bad_header: Option<String>,
    pub method: Method,
    pub body: Option<Value>,
    pub items_at: Option<String>,
    pub strategy: Strategy,
    pub max_pages: Option<u64>,
    pub max_items: Option<u64>,
    pub allow_cross_origin: bool,
    pub max_empty_pages: u32,
    pub resume: Option<Checkpoint>,
    pub prefetch: usize,
    pub concurrency: usize,
    /// How pages are fetched: over HTTP, or canned in the engine's tests.
    pub transport: Box<dyn Transport>,
    /// Set when the iterator is dropped while threads still fetch for it.
    pub cancelled: Arc<AtomicBool>,
    /// The waits in progress on the walk's threads (shared with the client).
    pub waits: Arc<Waits>,
}
