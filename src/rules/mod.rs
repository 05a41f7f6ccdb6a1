//! The rules: what a response says about the walk, as pure functions.
//!
//! Nothing here does I/O or names ureq: every rule reads a [`PageView`] of a
//! response, or a body's bytes, and is tested on literal inputs.

mod auto;
pub(crate) mod decode;
pub(crate) mod end;
pub(crate) mod explain;
pub(crate) mod facts;
pub(crate) mod failure;
pub(crate) mod graphql;
pub(crate) mod next;
pub(crate) mod plan;
pub(crate) mod shape;
mod step;
mod target;
#[cfg(test)]
mod testing;
mod view;

pub(crate) use view::PageView;
