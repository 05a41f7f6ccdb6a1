//! pagewalk's integration tests, one binary: each module tests one promise
//! against the fixture servers of the `pagewalk-fixture` crate.

mod api_errors;
mod apis;
mod architecture;
mod bodies;
mod broken_servers;
mod checkpoints;
mod credentials;
mod custom;
mod envelopes;
mod errors;
mod graphql;
mod items;
mod limits;
mod logging;
mod loops;
mod never_silent;
mod origins;
mod plans;
mod progress;
mod properties;
mod rate_limits;
mod real_apis;
mod replay;
mod requests;
mod retries;
mod soak;
mod strategies;
mod threads;
mod tls;
mod types;
