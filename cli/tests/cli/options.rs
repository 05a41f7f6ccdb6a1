//! The other options: items, headers, origins, limits, retries, timeouts, output, threads.

use super::*;

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
    let b = fixture::other_origin();
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

#[test]
fn the_most_verbose_run_shows_no_credential_and_no_ureq_record() {
    let fixture = Fixture::start();
    let run = run_cli([
        "-vvv",
        "-H",
        "Authorization: Bearer SECRET-IN-HEADER",
        &fixture.url("/rest/v1.0/punch_items?per_page=5"),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("pagewalk: debug:"), "{}", run.stderr);
    assert!(!run.stderr.contains("SECRET-IN-HEADER"), "{}", run.stderr);
    assert!(
        !run.stderr.to_lowercase().contains("ureq"),
        "{}",
        run.stderr
    );
}
