//! The engine: the walk itself, and the threads that can fetch for it.
//!
//! [`engine`] works out, page by page, the next request and where the walk
//! stands ([`position`], [`limits`], [`guard`]); [`fetch`] is one page
//! request, sent through a [`transport`]; [`feed`] hands pages to the
//! iterators, from the walk itself or from [`prefetch`] and [`concurrent`]
//! threads. [`settings`] is what they all share.

#[cfg(test)]
mod canned;
mod concurrent;
mod engine;
mod explain;
mod feed;
mod fetch;
mod guard;
mod limits;
mod position;
mod prefetch;
mod settings;
mod transport;

pub(crate) use explain::first_page;
pub(crate) use feed::PageFeed;

pub(crate) use settings::Settings;

#[cfg(test)]
mod tests;
