//! End-to-end tests of the `pagewalk` binary against the fixture server:
//! every strategy and option, exit codes, stderr, broken pipes, and resuming
//! after a kill.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fixture::{Fixture, Recorded, Reply, expected_names, items_json};
use serde_json::{Value, json};

mod bodies;
mod docs;
mod errors;
mod options;
mod output;
mod progress;
mod real_apis;
mod resume;
mod strategies;
mod usage;
mod verbose;

/// The binary, with no stdin and no proxy from the environment.
fn pagewalk<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(env!("CARGO_BIN_EXE_pagewalk"));
    command.args(args).stdin(Stdio::null());
    for var in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        command.env_remove(var);
    }
    command
}

/// What one finished run printed and returned.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The `name` of every item line.
    fn names(&self) -> Vec<String> {
        names(&self.stdout)
    }

    fn assert_success(&self) {
        assert_eq!(self.code, Some(0), "{self:#?}");
        assert_eq!(self.stderr, "", "{self:#?}");
    }

    fn assert_failure(&self) {
        assert_eq!(self.code, Some(1), "{self:#?}");
        assert!(
            self.stderr.starts_with("pagewalk: error: "),
            "{}",
            self.stderr
        );
        assert_no_panic(&self.stderr);
    }
}

fn run_cli<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let output = pagewalk(args).output().expect("run pagewalk");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Every line of `stdout` as JSON, checking that each is compact: no
/// whitespace between its tokens.
fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line:?}"));
            let (mut in_string, mut escaped) = (false, false);
            for c in line.chars() {
                match (in_string, escaped, c) {
                    (true, true, _) => escaped = false,
                    (true, false, '\\') => escaped = true,
                    (true, false, '"') | (false, _, '"') => in_string = !in_string,
                    (false, _, ' ' | '\t' | '\r') => panic!("not compact: {line:?}"),
                    _ => {}
                }
            }
            value
        })
        .collect()
}

fn names(stdout: &str) -> Vec<String> {
    lines(stdout)
        .iter()
        .map(|item| match item["name"].as_str() {
            Some(name) => name.to_owned(),
            None => panic!("item without a name: {item}"),
        })
        .collect()
}

fn assert_no_panic(stderr: &str) {
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
}

/// A directory of its own for one test, removed at the end.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("pagewalk-cli-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// `/paged?page=N`: `pages` pages of `per_page` items in `data`, the next
/// page's absolute URL in `next`; `fail(page)` answers 500 instead.
fn paged_route(
    fixture: &Fixture,
    path: &'static str,
    pages: u64,
    per_page: u64,
    fail: impl Fn(u64) -> bool + Send + Sync + 'static,
) {
    let base = fixture.base();
    fixture.route(path, move |request: &Recorded| {
        let page: u64 = request
            .param("page")
            .and_then(|page| page.parse().ok())
            .unwrap_or(1);
        if fail(page) {
            return Reply::status(500, r#"{"message":"boom"}"#);
        }
        let first = (page - 1) * per_page + 1;
        let next = (page < pages).then(|| format!("{base}{path}?page={}", page + 1));
        Reply::json(json!({
            "data": items_json(first..first + per_page),
            "next": next,
        }))
    });
}
