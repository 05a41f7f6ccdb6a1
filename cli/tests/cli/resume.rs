//! `--resume FILE`: killed at any moment, the same command loses nothing and
//! repeats at most a page.

use super::*;

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
