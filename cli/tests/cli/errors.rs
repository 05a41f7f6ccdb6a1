//! Errors exit 1 after every item read before them, naming the URL; a closed
//! stdout ends quietly.

use super::*;

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
