//! The rules: what a response says about the walk, as pure functions.
//!
//! Nothing here does I/O or names ureq: every rule reads a [`PageView`] of a
//! response, or a body's bytes, and is tested on literal inputs.

mod auto;
pub(crate) mod decode;
mod evidence;
pub(crate) mod explain;
pub(crate) mod failure;
pub(crate) mod graphql;
pub(crate) mod next;
pub(crate) mod plan;
pub(crate) mod shape;
pub(crate) mod signals;
mod step;
mod target;
#[cfg(test)]
mod testing;
mod view;
mod vocabulary;

pub(crate) use view::PageView;
