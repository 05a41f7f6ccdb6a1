//! What the benches share: quick mode, timing, medians, the results table
//! and the correctness checks that make a bench fail.
//!
//! Include with `mod common;`; the fixture server comes from the
//! `pagewalk-fixture` crate.

// Each bench uses a different part of this module.
#![allow(dead_code)]

pub mod fast;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// `PAGEWALK_BENCH_QUICK=1`: a few iterations over fewer pages, for CI.
pub fn quick() -> bool {
    std::env::var("PAGEWALK_BENCH_QUICK").is_ok_and(|value| value == "1")
}

/// `full` normally, `quick` in quick mode.
pub fn pick<T>(full: T, quick_value: T) -> T {
    if quick() { quick_value } else { full }
}

/// Wall time of `run`, and what it returned.
pub fn timed<R>(run: impl FnOnce() -> R) -> (Duration, R) {
    let started = Instant::now();
    let result = run();
    (started.elapsed(), result)
}

/// The median of `samples` (the mean of the middle two for an even count).
pub fn median(samples: &[f64]) -> f64 {
    assert!(!samples.is_empty(), "median of no samples");
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[middle]
    } else {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    }
}

/// What [`interleaved`] measured, each a median over its runs.
pub struct Interleaved {
    /// The baseline's time over the measured walk's: above 1.00 it is faster.
    pub ratio: f64,
    /// The baseline's time over its own in the same run: how much a ratio
    /// means (within ±2% of 1.00, or it means nothing).
    pub aa: f64,
    /// `work` (items, say) per second of the measured walk.
    pub rate: f64,
}

/// `measured` against `baseline`, each run measuring `measured` once and
/// `baseline` twice in a rotating order, after one warm-up of each.
pub fn interleaved(
    measured: &dyn Fn(),
    baseline: &dyn Fn(),
    runs: usize,
    work: f64,
) -> Interleaved {
    let walks = [measured, baseline, baseline];
    for walk in walks {
        walk();
    }
    let (mut ratios, mut aa, mut rates) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs {
        let mut seconds = [0.0; 3];
        for k in 0..3 {
            let which = (run + k) % 3;
            seconds[which] = timed(walks[which]).0.as_secs_f64();
        }
        ratios.push(seconds[1] / seconds[0]);
        aa.push(seconds[1] / seconds[2]);
        rates.push(work / seconds[0]);
    }
    Interleaved {
        ratio: median(&ratios),
        aa: median(&aa),
        rate: median(&rates),
    }
}

/// Stops the bench with a non-zero exit: only for wrong results (item count
/// or order), never for a missed timing target.
pub fn fail(message: &str) -> ! {
    eprintln!("CORRECTNESS FAILURE: {message}");
    std::process::exit(1);
}

/// Checks that a walk yielded `ids` 1, 2, ..., `expected` in order; ends
/// the bench otherwise.
pub struct OrderCheck {
    what: &'static str,
    next: u64,
}

impl OrderCheck {
    pub fn new(what: &'static str) -> OrderCheck {
        OrderCheck { what, next: 1 }
    }

    pub fn see(&mut self, id: u64) {
        if id != self.next {
            fail(&format!(
                "{}: item {} arrived where item {} was due",
                self.what, id, self.next
            ));
        }
        self.next += 1;
    }

    /// How many items were seen, after checking that it is `expected`.
    pub fn finish(self, expected: u64) -> u64 {
        let seen = self.next - 1;
        if seen != expected {
            fail(&format!(
                "{}: {seen} items instead of {expected}",
                self.what
            ));
        }
        seen
    }
}

/// What a ratio must be for the verdict to be PASS.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// pagewalk / baseline ≥ this (throughput-like measures).
    AtLeast(f64),
    /// pagewalk / baseline ≤ this (time- or memory-like measures).
    AtMost(f64),
    /// Reported only.
    Info,
}

/// One line of the results table.
pub struct Row {
    pub measure: String,
    pub pagewalk: String,
    pub baseline: String,
    pub ratio: f64,
    pub target: Target,
}

impl Row {
    pub fn verdict(&self) -> &'static str {
        match self.target {
            Target::AtLeast(min) if self.ratio >= min => "PASS",
            Target::AtMost(max) if self.ratio <= max => "PASS",
            Target::Info => "info",
            _ => "MISS",
        }
    }
}

/// Prints `rows` as a Markdown table under `title`, with the mode it ran in.
pub fn print_table(title: &str, rows: &[Row]) {
    let mode = if quick() {
        "quick mode (PAGEWALK_BENCH_QUICK=1): figures are indicative only"
    } else {
        "full mode"
    };
    let mut out = String::new();
    let _ = writeln!(out, "\n## {title} — {mode}\n");
    let _ = writeln!(
        out,
        "| measure | pagewalk | baseline | ratio | target | verdict |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- |");
    for row in rows {
        let target = match row.target {
            Target::AtLeast(min) => format!("≥ {min:.2}×"),
            Target::AtMost(max) => format!("≤ {max:.2}×"),
            Target::Info => "—".to_string(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.3}× | {} | {} |",
            row.measure,
            row.pagewalk,
            row.baseline,
            row.ratio,
            target,
            row.verdict()
        );
    }
    println!("{out}");
}

/// Milliseconds with two decimals.
pub fn ms(seconds: f64) -> String {
    format!("{:.2} ms", seconds * 1e3)
}
