//! Bad usage exits 2 before any request; `--help` shows examples.

use super::*;

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
