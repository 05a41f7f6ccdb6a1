//! Memory: the peak RSS of a walk must not grow with the number of pages.
//!
//! Each walk runs in a fresh child process (this binary, re-executed with
//! `PAGEWALK_BENCH_MEMORY_CHILD` set), because VmHWM in `/proc/self/status`
//! is a high-water mark of the whole process. The fixture server runs in
//! the parent, so only the walk's memory is measured. Items are consumed
//! and dropped as they come.
//!
//! `PAGEWALK_BENCH_QUICK=1`: 10 vs 100 pages, one run each.

mod common;

use std::hint::black_box;
use std::process::Command;

use common::{OrderCheck, Row, Target, fail, median, pick, print_table};
use fixture::{Fixture, Item};

const PAGE_SIZE: u64 = 100;
const LARAVEL: &str = "/api/v1/projects?page[size]=100";
const CHILD: &str = "PAGEWALK_BENCH_MEMORY_CHILD";
const CHILD_URL: &str = "PAGEWALK_BENCH_MEMORY_URL";
const CHILD_ITEMS: &str = "PAGEWALK_BENCH_MEMORY_ITEMS";

/// The walks measured: a name for the table and how to set the paginator up.
const MODES: [(&str, &str); 3] = [
    ("sequential", "sequential"),
    ("prefetch(2)", "prefetch"),
    ("concurrency(4)", "concurrency"),
];

fn main() {
    if let Ok(mode) = std::env::var(CHILD) {
        child(&mode);
        return;
    }
    let (small, large): (u64, u64) = pick((100, 1000), (10, 100));
    let runs: usize = pick(3, 1);
    let small_server = Fixture::builder()
        .items((small * PAGE_SIZE) as usize)
        .start();
    let large_server = Fixture::builder()
        .items((large * PAGE_SIZE) as usize)
        .start();

    let idle = spawn_child("idle", &small_server, 0);
    println!("a child that only starts up and reads its status: VmHWM {idle} kB");
    let mut rows = Vec::new();
    for (name, mode) in MODES {
        let (mut smalls, mut larges) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            smalls.push(spawn_child(mode, &small_server, small * PAGE_SIZE) as f64);
            larges.push(spawn_child(mode, &large_server, large * PAGE_SIZE) as f64);
        }
        let (small_hwm, large_hwm) = (median(&smalls), median(&larges));
        println!(
            "{name}: VmHWM {small} pages {small_hwm:.0} kB, {large} pages {large_hwm:.0} kB \
             (median of {runs} processes each)"
        );
        rows.push(Row {
            measure: format!(
                "{name}: peak RSS (VmHWM), {large} pages vs {small} pages of {PAGE_SIZE} items"
            ),
            pagewalk: format!("{large_hwm:.0} kB"),
            baseline: format!("{small_hwm:.0} kB"),
            ratio: large_hwm / small_hwm,
            target: Target::AtMost(1.2),
        });
    }
    print_table("memory: peak RSS against the number of pages", &rows);
}

/// Runs this binary as a child walking `server` in `mode`; returns its VmHWM in kB.
fn spawn_child(mode: &str, server: &Fixture, items: u64) -> u64 {
    let exe =
        std::env::current_exe().unwrap_or_else(|error| fail(&format!("current_exe: {error}")));
    let output = Command::new(exe)
        .env(CHILD, mode)
        .env(CHILD_URL, server.url(LARAVEL))
        .env(CHILD_ITEMS, items.to_string())
        .output()
        .unwrap_or_else(|error| fail(&format!("spawning the {mode} child: {error}")));
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        fail(&format!(
            "the {mode} child ({items} items) failed: {}\n{stdout}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM_kB ")?.trim().parse().ok())
        .unwrap_or_else(|| fail(&format!("the {mode} child printed no VmHWM: {stdout}")))
}

/// In the child: walk, check every item, print the high-water mark.
fn child(mode: &str) {
    let url = std::env::var(CHILD_URL).unwrap_or_default();
    let expected: u64 = std::env::var(CHILD_ITEMS)
        .ok()
        .and_then(|items| items.parse().ok())
        .unwrap_or_else(|| fail("the child needs the item count"));
    if mode != "idle" {
        let paginator = pagewalk::Paginator::new(url).agent(fixture::agent());
        let paginator = match mode {
            "sequential" => paginator,
            "prefetch" => paginator.prefetch(2),
            "concurrency" => paginator.concurrency(4),
            other => fail(&format!("unknown mode {other}")),
        };
        let mut check = OrderCheck::new("memory walk");
        for item in paginator.items::<Item>() {
            let item = item.unwrap_or_else(|error| fail(&format!("{mode} walk: {error}")));
            check.see(item.id);
            drop(black_box(item));
        }
        check.finish(expected);
    }
    println!("VmHWM_kB {}", vm_hwm_kb());
}

/// The process's peak resident set size, from `/proc/self/status`.
fn vm_hwm_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_else(|error| fail(&format!("/proc/self/status: {error}")));
    status
        .lines()
        .find_map(|line| {
            line.strip_prefix("VmHWM:")?
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or_else(|| fail("no VmHWM in /proc/self/status"))
}
