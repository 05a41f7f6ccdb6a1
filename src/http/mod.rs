//! Sending requests: the only layer that names ureq.
//!
//! One page request ([`Client::fetch`]) is the exchange itself
//! ([`send`]), retried on transient failures ([`retry`]), paused when a
//! server says so ([`rate_limit`], [`throttle`]), and followed through
//! redirects under the same origin policy as next links ([`origin`]).

mod buffers;
mod client;
pub(crate) mod origin;
mod rate_limit;
mod response;
mod retry;
mod send;
mod throttle;

pub(crate) use buffers::Buffers;
pub(crate) use client::Client;
pub(crate) use response::Response;
pub(crate) use throttle::{Throttle, Waits};
