//! `-v` and `-vv`: the library's log records on stderr, secrets hidden,
//! never in stdout, never through the progress bar.

use super::*;

/// `/flaky`: one 429, then 3 items.
fn flaky(fixture: &Fixture) {
    let count = AtomicUsize::new(0);
    fixture.route("/flaky", move |_: &Recorded| {
        if count.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::status(429, r#"{"message":"slow down"}"#).with_header("Retry-After", "0")
        } else {
            Reply::json(json!({"data": items_json(1..=3)}))
        }
    });
}

#[test]
fn v_logs_retries_and_vv_every_request_with_secrets_hidden() {
    for (flag, debug_lines) in [("-v", 0), ("-vv", 2)] {
        let fixture = Fixture::start();
        flaky(&fixture);
        let run = run_cli([flag, &fixture.url("/flaky?api_key=SECRET")]);
        assert_eq!(run.code, Some(0), "{run:#?}");
        assert_eq!(
            run.names(),
            expected_names(3),
            "stdout holds the items only"
        );
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert!(
            lines.iter().any(|line| line
                .starts_with("pagewalk: info: page 1: retrying http://127.0.0.1:")
                && line.contains("api_key=***")
                && line.contains("after status 429")),
            "{flag}: {}",
            run.stderr
        );
        let debug = lines
            .iter()
            .filter(|line| line.starts_with("pagewalk: debug: page 1: GET "))
            .count();
        assert_eq!(debug, debug_lines, "{flag}: {}", run.stderr);
        assert!(!run.stderr.contains("SECRET"), "{}", run.stderr);
    }
}

#[test]
fn without_v_nothing_is_logged() {
    let fixture = Fixture::start();
    flaky(&fixture);
    let run = run_cli([fixture.url("/flaky")]);
    run.assert_success();
}

#[test]
fn log_lines_and_the_progress_bar_do_not_garble_each_other() {
    let fixture = Fixture::start();
    paged_route(&fixture, "/paged", 4, 5, |_| false);
    let run = run_cli(["-vv", "--progress", &fixture.url("/paged?page=1")]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    // The bar redraws itself with `\r` and erases with ESC [2K; each log
    // line still starts a line of its own and is whole.
    let cleaned = run.stderr.replace("\x1b[2K", "").replace('\r', "\n");
    let logged: Vec<&str> = cleaned
        .lines()
        .filter(|line| line.contains("pagewalk: debug:"))
        .collect();
    assert_eq!(logged.len(), 4, "{:?}", run.stderr);
    for line in logged {
        assert!(line.starts_with("pagewalk: debug: page "), "{line:?}");
        assert!(
            line.contains(" -> 200, ") && line.ends_with(")"),
            "{line:?}"
        );
    }
}
