//! Items come out exactly as the server wrote them, one compact line each;
//! output that goes nowhere is never reported as success; the `--resume`
//! file belongs to its walk and to its owner.

use super::*;

/// Items as a server writes them: numbers no `f64` holds, keys out of order,
/// escapes, and the whole body pretty-printed.
const EXACT: &str = r#"{
  "data": [
    {"id": 123456789012345678901234567890, "z": 1, "a": 2},
    {"price": 16.990000000000002, "ratio": 0.1000000000000000055511151231257827},
    {"name": "caf\u00e9 \/ \"quoted\"", "tags": [ "a" , "b" ]}
  ],
  "next_page_url": null
}"#;

#[test]
fn items_are_written_exactly_as_the_server_sent_them() {
    let fixture = Fixture::start();
    fixture.route("/exact", |_: &Recorded| Reply::Raw {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: EXACT.as_bytes().to_vec(),
    });
    let run = run_cli([fixture.url("/exact")]);
    run.assert_success();
    assert_eq!(
        run.stdout,
        concat!(
            r#"{"id":123456789012345678901234567890,"z":1,"a":2}"#,
            "\n",
            r#"{"price":16.990000000000002,"ratio":0.1000000000000000055511151231257827}"#,
            "\n",
            r#"{"name":"caf\u00e9 \/ \"quoted\"","tags":["a","b"]}"#,
            "\n",
        )
    );
    let run = run_cli(["--pages", &fixture.url("/exact")]);
    run.assert_success();
    assert!(
        run.stdout.ends_with(
            r#","status":200,"items":[{"id":123456789012345678901234567890,"z":1,"a":2},{"price":16.990000000000002,"ratio":0.1000000000000000055511151231257827},{"name":"caf\u00e9 \/ \"quoted\"","tags":["a","b"]}]}
"#
        ),
        "{}",
        run.stdout
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_closed_stdout_is_an_error_before_any_request() {
    let fixture = Fixture::start();
    let dir = TempDir::new("closed-stdout");
    let checkpoint = dir.file("walk.checkpoint");
    fs::write(&checkpoint, "kept").unwrap();
    // `>&-`: the shell closes descriptor 1 before running pagewalk.
    let output = Command::new("sh")
        .arg("-c")
        .arg(r#""$0" --resume "$1" "$2" >&-"#)
        .arg(env!("CARGO_BIN_EXE_pagewalk"))
        .arg(path_str(&checkpoint))
        .arg(fixture.url("/rest/v1.0/punch_items"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("stdout is closed"), "{stderr}");
    assert_eq!(fixture.request_count(), 0);
    assert_eq!(fs::read_to_string(&checkpoint).unwrap(), "kept");
}

#[cfg(target_os = "linux")]
#[test]
fn a_write_error_is_exit_1_and_the_checkpoint_stays() {
    let fixture = Fixture::start();
    let dir = TempDir::new("full-disk");
    let checkpoint = dir.file("walk.checkpoint");
    let output = pagewalk([
        "--resume",
        path_str(&checkpoint),
        &fixture.url("/rest/v1.0/punch_items?per_page=5"),
    ])
    .stdout(fs::File::create("/dev/full").expect("/dev/full"))
    .stderr(Stdio::piped())
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write to stdout"), "{stderr}");
    assert_no_panic(&stderr);
    // Nothing was written, so the walk is not recorded as past page 1.
    assert!(
        !checkpoint.exists(),
        "a checkpoint for output that went nowhere"
    );
    assert_eq!(fixture.request_count(), 1);
}

#[test]
fn a_resume_file_of_another_walk_is_refused_and_kept() {
    let fixture = Fixture::start();
    let dir = TempDir::new("other-walk");
    let checkpoint = dir.file("walk.checkpoint");
    let addresses = fixture.url("/api/v1/core/addresses?limit=5");
    run_cli([
        "--resume",
        path_str(&checkpoint),
        "--max-pages",
        "1",
        &addresses,
    ])
    .assert_success();
    let saved = fs::read_to_string(&checkpoint).unwrap();
    let before = fixture.request_count();
    // Same host, another path: the checkpoint is not this walk's.
    let run = run_cli([
        "--resume",
        path_str(&checkpoint),
        &fixture.url("/api/v1/projects?page[size]=5"),
    ]);
    run.assert_failure();
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("another walk") && run.stderr.contains("/api/v1/core/addresses"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(path_str(&checkpoint)), "{}", run.stderr);
    assert_eq!(fixture.request_count(), before);
    assert_eq!(fs::read_to_string(&checkpoint).unwrap(), saved);
}

#[cfg(unix)]
#[test]
fn the_resume_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let fixture = Fixture::start();
    let dir = TempDir::new("private");
    let checkpoint = dir.file("walk.checkpoint");
    let url = fixture.url("/rest/v1.0/punch_items?per_page=5&api_key=s3cr3t");
    run_cli(["--resume", path_str(&checkpoint), "--max-pages", "2", &url]).assert_success();
    let mode = fs::metadata(&checkpoint).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn secrets_in_the_url_never_reach_stderr() {
    let fixture = Fixture::start();
    fixture.route("/secret", |_: &Recorded| {
        Reply::status(401, r#"{"message":"no"}"#)
    });
    let url = fixture.url("/secret?api_key=s3cr3t&page=1");
    let url = url.replacen("http://", "http://user:pa55@", 1);
    let run = run_cli([&url]);
    run.assert_failure();
    assert!(
        !run.stderr.contains("s3cr3t") && !run.stderr.contains("pa55"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("api_key=***"), "{}", run.stderr);
}
