//! Progress on stderr, only when asked or on a terminal, never on stdout.

use super::*;

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
