//! Overlapping network time: `prefetch(n)` against a slow server and a slow
//! consumer, and `concurrency(n)` against a slow server, each compared with
//! the sequential walk in the same run (interleaved, medians).
//!
//! `PAGEWALK_BENCH_QUICK=1`: fewer pages, two runs each.

mod common;

use std::hint::black_box;
use std::thread;
use std::time::Duration;

use common::{OrderCheck, Row, Target, fail, median, ms, pick, print_table, timed};
use fixture::{Fixture, Item};

const PAGE_SIZE: u64 = 100;
/// Procore: a `Link` header with `rel="last"`, so the walk can be planned.
const PROCORE: &str = "/rest/v1.0/punch_items?per_page=100";

fn main() {
    let runs: usize = pick(5, 2);
    let mut rows = prefetch_rows(runs);
    rows.extend(concurrency_rows(runs));
    print_table("overlap: prefetch and concurrency", &rows);
}

/// Walks with `setup` applied, sleeping `work` after each page's worth of
/// items; checks every item's order and count.
fn walk(
    server: &Fixture,
    setup: impl FnOnce(pagewalk::Paginator) -> pagewalk::Paginator,
    work: Duration,
    expected: u64,
) -> u64 {
    let mut check = OrderCheck::new("overlap walk");
    let mut seen = 0u64;
    for item in setup(server.paginator(PROCORE)).items::<Item>() {
        let item = item.unwrap_or_else(|error| fail(&format!("walk: {error}")));
        check.see(item.id);
        black_box(item);
        seen += 1;
        if !work.is_zero() && seen % PAGE_SIZE == 0 {
            thread::sleep(work);
        }
    }
    check.finish(expected)
}

/// Runs each variant `runs` times, interleaved, after one warm-up each;
/// returns the median wall time of each, in seconds.
fn interleaved(runs: usize, variants: &[&dyn Fn() -> u64]) -> Vec<f64> {
    for variant in variants {
        variant();
    }
    let mut samples = vec![Vec::new(); variants.len()];
    for _ in 0..runs {
        for (variant, samples) in variants.iter().zip(samples.iter_mut()) {
            let (elapsed, _) = timed(variant);
            samples.push(elapsed.as_secs_f64());
        }
    }
    samples.iter().map(|samples| median(samples)).collect()
}

fn prefetch_rows(runs: usize) -> Vec<Row> {
    let pages: u64 = pick(50, 12);
    let items = pages * PAGE_SIZE;
    let latency = Duration::from_millis(10);
    let work = Duration::from_millis(10);
    let server = Fixture::builder()
        .items(items as usize)
        .latency(latency)
        .start();
    let sequential = || walk(&server, |p| p, work, items);
    let ahead_1 = || walk(&server, |p| p.prefetch(1), work, items);
    let ahead_2 = || walk(&server, |p| p.prefetch(2), work, items);
    let times = interleaved(runs, &[&sequential, &ahead_1, &ahead_2]);
    println!(
        "prefetch, {pages} pages, 10 ms latency + 10 ms work per page, median of {runs}: \
         sequential {}, prefetch(1) {}, prefetch(2) {}",
        ms(times[0]),
        ms(times[1]),
        ms(times[2])
    );
    [1, 2]
        .into_iter()
        .map(|n| Row {
            measure: format!(
                "prefetch({n}): {pages} pages, 10 ms latency + 10 ms work a page, wall time"
            ),
            pagewalk: ms(times[n]),
            baseline: ms(times[0]),
            ratio: times[n] / times[0],
            target: Target::AtMost(0.6),
        })
        .collect()
}

fn concurrency_rows(runs: usize) -> Vec<Row> {
    let pages: u64 = pick(40, 20);
    let items = pages * PAGE_SIZE;
    let server = Fixture::builder()
        .items(items as usize)
        .latency(Duration::from_millis(20))
        .start();
    let none = Duration::ZERO;
    let sequential = || walk(&server, |p| p, none, items);
    let four = || walk(&server, |p| p.concurrency(4), none, items);
    let eight = || walk(&server, |p| p.concurrency(8), none, items);
    let times = interleaved(runs, &[&sequential, &four, &eight]);
    println!(
        "concurrency, {pages} pages, 20 ms latency, median of {runs}: sequential {}, \
         concurrency(4) {}, concurrency(8) {}",
        ms(times[0]),
        ms(times[1]),
        ms(times[2])
    );
    vec![
        Row {
            measure: format!("concurrency(4): {pages} pages, 20 ms latency, speed-up"),
            pagewalk: ms(times[1]),
            baseline: ms(times[0]),
            ratio: times[0] / times[1],
            target: Target::AtLeast(3.0),
        },
        Row {
            measure: format!("concurrency(8): {pages} pages, 20 ms latency, speed-up"),
            pagewalk: ms(times[2]),
            baseline: ms(times[0]),
            ratio: times[0] / times[2],
            target: Target::Info,
        },
    ]
}
