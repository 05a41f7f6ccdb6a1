//! The CLI is as fast as the library: `pagewalk URL > /dev/null` against a
//! library walk of `serde_json::Value` items, both against the fast server
//! of the library's benches (`benches/common/fast.rs`), in interleaved runs,
//! with the library walk's ratio to itself (A/A) beside the figure.
//!
//! `PAGEWALK_BENCH_QUICK=1`: fewer pages and runs, for CI.

#[path = "../../benches/common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::hint::black_box;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::fast::{FastServer, Routes, render};
use common::{Interleaved, Row, Target, fail, interleaved, pick, print_table};
use serde_json::{Value, json};

const PER_PAGE: u64 = 100;

fn main() {
    let pages = pick(200, 40);
    let runs = pick(21, 3);
    let server = FastServer::start(|base| routes(base, pages), Duration::ZERO);
    let url = server.url("/laravel?page=1");
    let items = pages * PER_PAGE;
    let cli = || {
        let status = Command::new(env!("CARGO_BIN_EXE_pagewalk"))
            .arg(&url)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .env_remove("http_proxy")
            .env_remove("HTTP_PROXY")
            .env_remove("all_proxy")
            .env_remove("ALL_PROXY")
            .status()
            .unwrap_or_else(|error| fail(&format!("run pagewalk: {error}")));
        if !status.success() {
            fail(&format!("pagewalk exited with {status}"));
        }
    };
    let library = || {
        let mut count = 0u64;
        for item in pagewalk::Paginator::new(&url).items::<Value>() {
            black_box(item.unwrap_or_else(|error| fail(&error.to_string())));
            count += 1;
        }
        if count != items {
            fail(&format!("{count} items instead of {items}"));
        }
    };
    let Interleaved { ratio, aa, rate } = interleaved(&cli, &library, runs, items as f64);
    println!(
        "CLI {rate:.0} items/s, ratio {ratio:.3} to the library's Value walk, A/A {aa:.3} (median of {runs})"
    );
    print_table(
        "the CLI against the library, a fast server",
        &[Row {
            measure: format!(
                "`pagewalk URL > /dev/null` vs a library walk of `Value`s, {pages} pages × {PER_PAGE}, items/s (A/A {aa:.3})"
            ),
            pagewalk: format!("{rate:.0}"),
            baseline: format!("{:.0}", rate / ratio),
            ratio,
            target: Target::AtLeast(0.9),
        }],
    );
}

/// The Laravel route of the library's `limit` bench.
fn routes(base: &str, pages: u64) -> Routes {
    let mut get = HashMap::new();
    for page in 1..=pages {
        let first = (page - 1) * PER_PAGE + 1;
        let items: Vec<_> = (first..first + PER_PAGE).map(fixture::item).collect();
        let body = json!({
            "current_page": page, "data": items, "last_page": pages, "per_page": PER_PAGE,
            "total": pages * PER_PAGE,
            "next_page_url": (page < pages).then(|| format!("{base}/laravel?page={}", page + 1)),
        });
        get.insert(
            format!("/laravel?page={page}"),
            render(&serde_json::to_vec(&body).expect("JSON"), &[]),
        );
    }
    Routes {
        get,
        post: HashMap::new(),
    }
}
