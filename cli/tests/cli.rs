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

use fixture::{Fixture, Recorded, Reply, expected_names, item};
use serde_json::{Value, json};

// ---------------------------------------------------------------- helpers

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

/// Every line of `stdout` as JSON, checking that each is compact.
fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line:?}"));
            // Keys may come in another order; the length tells compact from pretty.
            let compact = serde_json::to_string(&value).unwrap();
            assert_eq!(compact.len(), line.len(), "not compact: {line:?}");
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

fn item_json(n: u64) -> Value {
    serde_json::to_value(item(n)).unwrap()
}

fn items_json(numbers: impl IntoIterator<Item = u64>) -> Vec<Value> {
    numbers.into_iter().map(item_json).collect()
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

// ------------------------------------------------------------- strategies

#[test]
fn procore_link_header_is_followed_by_default() {
    let fixture = Fixture::start();
    let run = run_cli([fixture.url("/rest/v1.0/punch_items?project_id=7&per_page=5")]);
    run.assert_success();
    assert_eq!(lines(&run.stdout), items_json(1..=23));
    let requests = fixture.requests();
    assert_eq!(requests.len(), 5);
    assert!(requests.iter().all(|r| r.param("project_id") == Some("7")));
}

#[test]
fn laravel_page_param_counts_pages() {
    let fixture = Fixture::start();
    let run = run_cli([
        "--page-param",
        "page[number]",
        &fixture.url("/api/v1/projects?page[size]=5"),
    ]);
    run.assert_success();
    assert_eq!(run.names(), expected_names(23));
    let pages: Vec<_> = fixture
        .requests()
        .iter()
        .map(|r| r.param("page[number]").map(str::to_owned))
        .collect();
    assert_eq!(
        pages,
        [None, Some("2"), Some("3"), Some("4"), Some("5")].map(|p| p.map(str::to_owned))
    );
}

#[test]
fn cursor_api_sends_the_cursor_back() {
    let fixture = Fixture::start();
    let run = run_cli([
        "--cursor",
        "/nextCursor",
        &fixture.url("/v2/transactions?per_page=5"),
    ]);
    run.assert_success();
    assert_eq!(run.names(), expected_names(23));
    let requests = fixture.requests();
    assert_eq!(requests.len(), 5);
    assert!(requests[0].param("cursor").is_none());
    assert!(requests[1..].iter().all(|r| r.param("cursor").is_some()));
    assert!(requests.iter().all(|r| r.param("per_page") == Some("5")));
}

#[test]
fn cursor_param_names_the_parameter() {
    let fixture = Fixture::start();
    let run = run_cli([
        "--cursor",
        "/nextPageToken",
        "--cursor-param",
        "pageToken",
        &fixture.url("/google/v1/things?pageSize=5"),
    ]);
    run.assert_success();
    assert_eq!(run.names(), expected_names(23));
    assert!(
        fixture.requests()[1..]
            .iter()
            .all(|r| r.param("pageToken").is_some())
    );
}

#[test]
fn links_meta_api_follows_the_next_url() {
    let fixture = Fixture::start();
    let run = run_cli([
        "--next",
        "/links/next",
        &fixture.url("/api/v1/core/addresses?limit=5"),
    ]);
    run.assert_success();
    assert_eq!(run.names(), expected_names(23));
    assert_eq!(fixture.request_count(), 5);
}

#[test]
fn stripe_keyset_sends_the_last_id() {
    let fixture = Fixture::start();
    let run = run_cli([
        "--after-param",
        "starting_after",
        &fixture.url("/v1/customers?limit=5"),
    ]);
    run.assert_success();
    let ids: Vec<_> = lines(&run.stdout)
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ids,
        (1..=23).map(|n| format!("cus_{n:05}")).collect::<Vec<_>>()
    );
    let after: Vec<_> = fixture
        .requests()
        .iter()
        .map(|r| r.param("starting_after").map(str::to_owned))
        .collect();
    assert_eq!(after[1].as_deref(), Some("cus_00005"));
    assert_eq!(after.len(), 5);
}

#[test]
fn after_field_picks_the_keyset_field() {
    let fixture = Fixture::start();
    fixture.route("/keyed", |request: &Recorded| {
        let after: u64 = request
            .param("after")
            .and_then(|key| key.strip_prefix('k')?.parse().ok())
            .unwrap_or(0);
        let data: Vec<Value> = (after + 1..=(after + 4).min(10))
            .map(|n| json!({"key": format!("k{n}"), "name": format!("item {n}")}))
            .collect();
        Reply::json(json!({"data": data, "has_more": after + 4 < 10}))
    });
    let run = run_cli([
        "--after-param",
        "after",
        "--after-field",
        "/key",
        &fixture.url("/keyed"),
    ]);
    run.assert_success();
    assert_eq!(run.names(), expected_names(10));
    let after: Vec<_> = fixture
        .requests()
        .iter()
        .map(|r| r.param("after").map(str::to_owned))
        .collect();
    assert_eq!(
        after,
        [None, Some("k4"), Some("k8")].map(|a| a.map(str::to_owned))
    );
}

#[test]
fn strategy_options_are_mutually_exclusive() {
    let fixture = Fixture::start();
    let url = fixture.url("/rest/v1.0/punch_items");
    let options: [&[&str]; 4] = [
        &["--next", "/next"],
        &["--cursor", "/nextCursor"],
        &["--page-param", "page"],
        &["--after-param", "starting_after"],
    ];
    for (i, first) in options.iter().enumerate() {
        for second in &options[i + 1..] {
            let mut args: Vec<&str> = first.to_vec();
            args.extend_from_slice(second);
            args.push(&url);
            let run = run_cli(&args);
            assert_eq!(run.code, Some(2), "{args:?}: {run:#?}");
            assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
            assert_eq!(run.stdout, "");
        }
    }
    assert_eq!(fixture.request_count(), 0);
}

// ---------------------------------------------------------------- options

#[test]
fn items_pointer_selects_the_array() {
    let fixture = Fixture::start();
    let url = fixture.url("/api/v1/projects?page[size]=10");
    let run_ok = run_cli(["--items", "/data", &url]);
    run_ok.assert_success();
    assert_eq!(run_ok.names(), expected_names(23));

    let run_bad = run_cli(["--items", "/nope", &url]);
    run_bad.assert_failure();
    assert!(run_bad.stderr.contains("/nope"), "{}", run_bad.stderr);
    assert!(run_bad.stderr.contains(&url), "{}", run_bad.stderr);
    assert_eq!(run_bad.stdout, "");
}

#[test]
fn headers_are_sent_with_every_request() {
    let fixture = Fixture::start();
    let run = run_cli([
        "-H",
        "Authorization: Bearer t0ken",
        "--header",
        "X-Trace:  a:b ",
        &fixture.url("/rest/v1.0/punch_items?per_page=10"),
    ]);
    run.assert_success();
    let requests = fixture.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.header("authorization"), Some("Bearer t0ken"));
        assert_eq!(request.header("x-trace"), Some("a:b"));
    }
}

/// A first page on `a` whose next page is on `b`, another origin.
fn two_origins() -> (Fixture, Fixture) {
    let a = Fixture::start();
    let b = Fixture::builder().ip("127.0.0.2").start();
    let more = b.url("/more");
    a.route("/start", move |_: &Recorded| {
        Reply::json(json!({"data": items_json(1..=2), "next": more}))
    });
    b.route("/more", |_: &Recorded| {
        Reply::json(json!({"data": items_json(3..=3), "next": null}))
    });
    (a, b)
}

#[test]
fn another_origin_is_refused_after_the_items_before_it() {
    let (a, b) = two_origins();
    let run = run_cli(["-H", "Authorization: Bearer secret", &a.url("/start")]);
    run.assert_failure();
    assert_eq!(run.names(), expected_names(2));
    assert!(run.stderr.contains("another origin"), "{}", run.stderr);
    assert!(run.stderr.contains(&b.url("/more")), "{}", run.stderr);
    assert_eq!(b.request_count(), 0);
}

#[test]
fn allow_cross_origin_follows_without_credentials() {
    let (a, b) = two_origins();
    let run = run_cli([
        "--allow-cross-origin",
        "-H",
        "Authorization: Bearer secret",
        &a.url("/start"),
    ]);
    run.assert_success();
    assert_eq!(run.names(), expected_names(3));
    assert_eq!(
        a.requests()[0].header("authorization"),
        Some("Bearer secret")
    );
    let to_b = b.requests();
    assert_eq!(to_b.len(), 1);
    assert_eq!(to_b[0].header("authorization"), None);
}

#[test]
fn max_items_stops_without_an_unneeded_request() {
    let fixture = Fixture::start();
    let url = fixture.url("/rest/v1.0/punch_items?per_page=5");
    let run7 = run_cli(["--max-items", "7", &url]);
    run7.assert_success();
    assert_eq!(run7.names(), expected_names(7));
    assert_eq!(fixture.request_count(), 2);

    let run10 = run_cli(["--max-items", "10", &url]);
    run10.assert_success();
    assert_eq!(run10.names(), expected_names(10));
    assert_eq!(fixture.request_count(), 4);

    let run0 = run_cli(["--max-items", "0", &url]);
    run0.assert_success();
    assert_eq!(run0.stdout, "");
    assert_eq!(fixture.request_count(), 4);
}

#[test]
fn max_pages_stops_after_that_many_pages() {
    let fixture = Fixture::start();
    let run = run_cli([
        "--max-pages",
        "2",
        &fixture.url("/rest/v1.0/punch_items?per_page=5"),
    ]);
    run.assert_success();
    assert_eq!(run.names(), expected_names(10));
    assert_eq!(fixture.request_count(), 2);
}

/// `/flaky`: a 429 (Retry-After: 0) for the first `failures` requests, then one page.
fn flaky_route(fixture: &Fixture, failures: usize) {
    let count = AtomicUsize::new(0);
    fixture.route("/flaky", move |_: &Recorded| {
        if count.fetch_add(1, Ordering::SeqCst) < failures {
            Reply::status(429, r#"{"message":"slow down"}"#).with_header("Retry-After", "0")
        } else {
            Reply::json(json!({"data": items_json(1..=3)}))
        }
    });
}

#[test]
fn retries_default_to_three() {
    let fixture = Fixture::start();
    flaky_route(&fixture, 3);
    let run = run_cli([fixture.url("/flaky")]);
    run.assert_success();
    assert_eq!(run.names(), expected_names(3));
    assert_eq!(fixture.request_count(), 4);
}

#[test]
fn retries_sets_how_many() {
    let fixture = Fixture::start();
    flaky_route(&fixture, 1);
    let run = run_cli(["--retries", "0", &fixture.url("/flaky")]);
    run.assert_failure();
    assert!(run.stderr.contains("HTTP 429"), "{}", run.stderr);
    assert_eq!(fixture.request_count(), 1);

    let fixture = Fixture::start();
    flaky_route(&fixture, 2);
    let run = run_cli(["--retries", "2", &fixture.url("/flaky")]);
    run.assert_success();
    assert_eq!(fixture.request_count(), 3);
}

#[test]
fn timeout_accepts_fractions_of_a_second() {
    let fixture = Fixture::start();
    fixture.route("/slow", |_: &Recorded| {
        std::thread::sleep(Duration::from_millis(1000));
        Reply::json(json!({"data": []}))
    });
    let started = Instant::now();
    let run = run_cli(["--timeout", "0.2", "--retries", "0", &fixture.url("/slow")]);
    assert!(started.elapsed() < Duration::from_millis(900));
    run.assert_failure();
    assert!(run.stderr.contains("timed out"), "{}", run.stderr);
    assert!(run.stderr.contains(&fixture.url("/slow")), "{}", run.stderr);
}

#[test]
fn pages_prints_one_line_per_page() {
    let fixture = Fixture::start();
    let run = run_cli([
        "--pages",
        &fixture.url("/rest/v1.0/punch_items?per_page=10"),
    ]);
    run.assert_success();
    let pages = lines(&run.stdout);
    assert_eq!(pages.len(), 3);
    let mut all = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let fields: Vec<_> = page.as_object().unwrap().keys().cloned().collect();
        assert_eq!(fields.len(), 3, "{page}");
        assert_eq!(page["status"], 200);
        let url = page["url"].as_str().unwrap();
        assert!(url.starts_with(&fixture.base()), "{url}");
        if i > 0 {
            assert!(url.contains(&format!("page={}", i + 1)), "{url}");
        }
        all.extend(page["items"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(all, items_json(1..=23));
}

#[test]
fn prefetch_and_concurrency_keep_the_order() {
    let fixture = Fixture::start();
    for args in [
        ["--prefetch", "2", "--concurrency", "1"],
        ["--prefetch", "0", "--concurrency", "4"],
        ["--prefetch", "3", "--concurrency", "3"],
    ] {
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(fixture.url("/api/v1/projects?page[size]=3"));
        let run = run_cli(&args);
        run.assert_success();
        assert_eq!(run.names(), expected_names(23), "{args:?}");
    }
}

// ---------------------------------------------------- usage and help

#[test]
fn bad_usage_exits_2_without_a_request() {
    let fixture = Fixture::start();
    let url = fixture.url("/rest/v1.0/punch_items");
    let cases: Vec<Vec<&str>> = vec![
        vec![],
        vec!["-H", "NoColonHere", &url],
        vec!["-H", "Bad Name: value", &url],
        vec!["--cursor-param", "c", &url],
        vec!["--after-field", "/key", &url],
        vec!["--timeout", "soon", &url],
        vec!["--timeout", "0", &url],
        vec!["--items", "data", &url],
        vec!["--max-items", "-1", &url],
        vec!["--retries", "many", &url],
        vec!["--concurrency", "0", &url],
        vec!["--bogus", &url],
        vec!["not a url"],
        vec!["ftp://127.0.0.1/items"],
        vec![&url, &url],
    ];
    for args in cases {
        let run = run_cli(&args);
        assert_eq!(run.code, Some(2), "{args:?}: {run:#?}");
        assert!(run.stderr.contains("error"), "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        assert_no_panic(&run.stderr);
    }
    assert_eq!(fixture.request_count(), 0);
}

#[test]
fn help_shows_an_example_for_each_seed_api() {
    let run = run_cli(["--help"]);
    run.assert_success();
    for needle in [
        "Examples:",
        "per_page=",
        "page[size]=",
        "--page-param 'page[number]'",
        "--cursor /nextCursor",
        "limit=",
        "--resume",
        "--prefetch",
        "--concurrency",
    ] {
        assert!(run.stdout.contains(needle), "{needle}: {}", run.stdout);
    }
    let short = run_cli(["-h"]);
    short.assert_success();
    assert!(short.stdout.contains("--help"), "{}", short.stdout);
}

// ------------------------------------------------------------------ errors

#[test]
fn http_error_after_some_pages_exits_1_after_writing_them() {
    let fixture = Fixture::start();
    paged_route(&fixture, "/paged", 4, 5, |page| page == 3);
    let run = run_cli(["--retries", "0", &fixture.url("/paged")]);
    run.assert_failure();
    assert_eq!(run.names(), expected_names(10));
    let failed = fixture.url("/paged?page=3");
    assert!(
        run.stderr
            .starts_with(&format!("pagewalk: error: page 3 at {failed}: HTTP 500")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("boom"), "{}", run.stderr);
    assert!(run.stderr.lines().count() <= 3, "{}", run.stderr);
}

#[test]
fn connection_refused_names_the_url() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/items");
    let run = run_cli(["--retries", "0", &url]);
    run.assert_failure();
    assert!(run.stderr.contains(&url), "{}", run.stderr);
    assert!(run.stderr.lines().count() <= 3, "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn not_json_is_an_error_naming_the_url() {
    let fixture = Fixture::start();
    fixture.route("/html", |_: &Recorded| {
        Reply::status(200, "<html>login</html>").with_header("X-Why", "proxy")
    });
    let run = run_cli([fixture.url("/html")]);
    run.assert_failure();
    assert!(run.stderr.contains(&fixture.url("/html")), "{}", run.stderr);
    assert!(run.stderr.contains("not JSON"), "{}", run.stderr);
}

// ------------------------------------------------------------- broken pipe

#[test]
fn a_closed_stdout_ends_quietly() {
    let fixture = Fixture::builder().items(300).start();
    let mut child = pagewalk([fixture.url("/rest/v1.0/punch_items?per_page=1")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = Vec::new();
    for _ in 0..3 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        first.push(line);
    }
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert_eq!(names(&first.concat()), expected_names(3));
    assert!(
        fixture.request_count() < 300,
        "kept walking after the pipe closed"
    );
}

// ------------------------------------------------------------------ resume

fn checkpoint_next(path: &Path) -> String {
    let checkpoint: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    checkpoint["next"].as_str().unwrap().to_owned()
}

/// Spawns a walk, reads `lines` lines, SIGKILLs it and returns everything it
/// wrote (what was in the pipe when it died included).
fn run_and_kill(args: &[&str], lines: usize) -> Vec<String> {
    let mut child: Child = pagewalk(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = Vec::new();
    while seen.len() < lines {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        seen.push(line);
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let mut all = names(&seen.concat());
    all.extend(names(&rest));
    all
}

#[test]
fn resume_after_kills_loses_nothing_and_repeats_at_most_a_page() {
    kill_and_resume("kill", &[]);
}

#[test]
fn resume_after_kills_with_prefetch_and_concurrency() {
    kill_and_resume(
        "kill-concurrent",
        &["--prefetch", "2", "--concurrency", "3"],
    );
}

/// Kills a walk three times at different points, resumes it each time, and
/// checks the union of the outputs.
fn kill_and_resume(name: &str, options: &[&str]) {
    const ITEMS: usize = 200;
    const PER_PAGE: usize = 10;
    let fixture = Fixture::builder()
        .items(ITEMS)
        .latency(Duration::from_millis(20))
        .start();
    let dir = TempDir::new(name);
    let checkpoint = dir.file("walk.checkpoint");
    let url = fixture.url(&format!("/rest/v1.0/punch_items?per_page={PER_PAGE}"));
    let mut args = options.to_vec();
    args.extend(["--resume", path_str(&checkpoint), &url]);
    let args = args.as_slice();

    let mut runs = Vec::new();
    for kill_after in [15, 42, 37] {
        let got = run_and_kill(args, kill_after);
        assert!(
            got.len() >= kill_after && got.len() < ITEMS,
            "{}",
            got.len()
        );
        assert!(checkpoint.exists(), "no checkpoint after a kill");
        runs.push(got);
    }
    let last = run_cli(args);
    last.assert_success();
    assert!(
        !checkpoint.exists(),
        "checkpoint left after the walk completed"
    );
    runs.push(last.names());

    let mut seen: HashMap<String, usize> = HashMap::new();
    for name in runs.iter().flatten() {
        *seen.entry(name.clone()).or_default() += 1;
    }
    let mut missing: Vec<_> = expected_names(ITEMS)
        .into_iter()
        .filter(|name| !seen.contains_key(name))
        .collect();
    missing.truncate(5);
    assert!(missing.is_empty(), "lost items, e.g. {missing:?}");
    assert_eq!(seen.len(), ITEMS);
    // Each rerun repeats at most the page that was being written.
    for pair in runs.windows(2) {
        let before: std::collections::HashSet<_> = pair[0].iter().collect();
        let repeated = pair[1].iter().filter(|name| before.contains(name)).count();
        assert!(repeated <= PER_PAGE, "{repeated} items repeated");
    }
    // Within one run, the order is the API's.
    for names in &runs {
        let numbers: Vec<usize> = names
            .iter()
            .map(|name| name["item ".len()..].parse().unwrap())
            .collect();
        assert!(numbers.windows(2).all(|w| w[1] == w[0] + 1), "{numbers:?}");
    }
}

#[test]
fn resume_after_an_error_continues_at_the_failed_page() {
    let fixture = Fixture::start();
    let failing = Arc::new(AtomicBool::new(true));
    let fail = Arc::clone(&failing);
    paged_route(&fixture, "/paged", 4, 5, move |page| {
        page == 3 && fail.load(Ordering::SeqCst)
    });
    let dir = TempDir::new("error");
    let checkpoint = dir.file("walk.checkpoint");
    let url = fixture.url("/paged");
    let args = ["--retries", "0", "--resume", path_str(&checkpoint), &url];

    let first = run_cli(args);
    first.assert_failure();
    assert_eq!(first.names(), expected_names(10));
    assert_eq!(checkpoint_next(&checkpoint), fixture.url("/paged?page=3"));

    failing.store(false, Ordering::SeqCst);
    let second = run_cli(args);
    second.assert_success();
    assert_eq!(second.names(), expected_names(20)[10..].to_vec());
    assert!(!checkpoint.exists());
    assert!(!dir.file("walk.checkpoint.tmp").exists());
}

#[test]
fn resume_with_max_items_continues_in_batches() {
    let fixture = Fixture::start();
    let dir = TempDir::new("batches");
    let checkpoint = dir.file("walk.checkpoint");
    let url = fixture.url("/rest/v1.0/punch_items?per_page=5");
    let batch = ["--max-items", "7", "--resume", path_str(&checkpoint), &url];

    let mut all = Vec::new();
    for _ in 0..2 {
        let run = run_cli(batch);
        run.assert_success();
        assert!(checkpoint.exists());
        all.extend(run.names());
    }
    let rest = run_cli(["--resume", path_str(&checkpoint), &url]);
    rest.assert_success();
    assert!(!checkpoint.exists());
    all.extend(rest.names());
    assert_eq!(all, expected_names(23));
}

#[test]
fn an_unreadable_checkpoint_is_an_error_naming_the_file() {
    let fixture = Fixture::start();
    let dir = TempDir::new("garbage");
    let checkpoint = dir.file("walk.checkpoint");
    fs::write(&checkpoint, "not a checkpoint").unwrap();
    let run = run_cli([
        "--resume",
        path_str(&checkpoint),
        &fixture.url("/rest/v1.0/punch_items"),
    ]);
    run.assert_failure();
    assert!(run.stderr.contains(path_str(&checkpoint)), "{}", run.stderr);
    assert_eq!(fixture.request_count(), 0);
    assert_eq!(fs::read_to_string(&checkpoint).unwrap(), "not a checkpoint");

    let future = r#"{"version":99,"next":null,"page":1,"skip":0,"items_seen":0}"#;
    fs::write(&checkpoint, future).unwrap();
    let url = fixture.url("/rest/v1.0/punch_items");
    let run = run_cli(["--resume", path_str(&checkpoint), &url]);
    run.assert_failure();
    assert!(run.stderr.contains("version 99"), "{}", run.stderr);
    assert!(run.stderr.contains(path_str(&checkpoint)), "{}", run.stderr);
    assert!(run.stderr.contains(&url), "{}", run.stderr);
    assert_eq!(fixture.request_count(), 0);
    assert_eq!(fs::read_to_string(&checkpoint).unwrap(), future);
}

// ---------------------------------------------------------------- progress

#[test]
fn progress_goes_to_stderr_only_when_asked() {
    let fixture = Fixture::start();
    let url = fixture.url("/rest/v1.0/punch_items?per_page=5");
    let plain = run_cli([&url]);
    plain.assert_success();

    let shown = run_cli(["--progress", &url]);
    assert_eq!(shown.code, Some(0));
    assert_eq!(shown.stdout, plain.stdout);
    assert!(shown.stderr.contains("items"), "{:?}", shown.stderr);
    // Cleared at the end: the last thing written erases the line.
    assert!(shown.stderr.ends_with("\r\x1b[2K"), "{:?}", shown.stderr);

    let hidden = run_cli(["--progress", "--no-progress", &url]);
    hidden.assert_success();
    assert_eq!(hidden.stdout, plain.stdout);
}

#[test]
fn progress_shows_a_bar_when_the_total_is_known() {
    let fixture = Fixture::builder()
        .items(60)
        .latency(Duration::from_millis(60))
        .start();
    let run = run_cli([
        "--progress",
        &fixture.url("/rest/v1.0/punch_items?per_page=10"),
    ]);
    assert_eq!(run.code, Some(0));
    assert_eq!(run.names(), expected_names(60));
    assert!(run.stderr.contains("/60 items"), "{:?}", run.stderr);
    assert!(run.stderr.contains("ETA"), "{:?}", run.stderr);
}

#[test]
fn progress_is_cleared_before_the_error_message() {
    let fixture = Fixture::start();
    paged_route(&fixture, "/paged", 4, 5, |page| page == 3);
    let run = run_cli(["--progress", "--retries", "0", &fixture.url("/paged")]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.names(), expected_names(10));
    let at = run
        .stderr
        .find("pagewalk: error: ")
        .expect("an error message");
    assert!(
        run.stderr[..at].is_empty() || run.stderr[..at].ends_with("\r\x1b[2K"),
        "{:?}",
        run.stderr
    );
    assert!(!run.stderr[at..].contains('\x1b'), "{:?}", run.stderr);
}
