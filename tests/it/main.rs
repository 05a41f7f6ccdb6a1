//! pagewalk's integration tests, one binary: each module tests one promise
//! against the fixture servers of the `pagewalk-fixture` crate.

mod apis;
mod architecture;
mod behaviour;
mod checkpoints;
mod performance;
mod reliability;
mod safety;
mod shape_props;
mod soak;
mod threads;
