//! The records pagewalk sends through the `log` facade: one debug record
//! per request, an info record per retry and per wait, warnings for headers
//! withheld from another origin and for detection changing its mind.

use std::sync::{Mutex, OnceLock};

use fixture::{Fixture, Item, Reply, items_json, linked_page, walk_ok};
use log::{Level, LevelFilter, Log, Metadata, Record};
use serde_json::json;

/// Every record of this test binary, as (level, message).
struct Captured(Mutex<Vec<(Level, String)>>);

impl Log for Captured {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &Record<'_>) {
        if record.target().starts_with("pagewalk") {
            let mut records = self
                .0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            records.push((record.level(), record.args().to_string()));
        }
    }

    fn flush(&self) {}
}

/// The records that name `server`: tests run side by side, each on its port.
fn records_of(server: &Fixture) -> Vec<(Level, String)> {
    static LOGGER: OnceLock<&'static Captured> = OnceLock::new();
    let logger = LOGGER.get_or_init(|| {
        let logger: &'static Captured = Box::leak(Box::new(Captured(Mutex::new(Vec::new()))));
        log::set_logger(logger).expect("the only logger of this binary");
        log::set_max_level(LevelFilter::Trace);
        logger
    });
    let port = format!(":{}/", server.port());
    let records = logger
        .0
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    records
        .iter()
        .filter(|(_, message)| message.contains(&port))
        .cloned()
        .collect()
}

#[test]
fn every_request_retry_and_wait_is_logged_with_secrets_redacted() {
    let server = Fixture::start();
    records_of(&server); // installs the logger before the walk
    let calls = server.counted("/logged", |call, request| match call {
        0 => Reply::status(503, r#"{"message": "busy"}"#),
        1 => Reply::status(429, r#"{"message": "slow down"}"#).with_header("Retry-After", "0"),
        _ => linked_page("/logged", request.page(), 10, 15),
    });
    let items = walk_ok::<Item>(
        server
            .paginator("/logged?access_token=SECRET")
            .retry_policy(fixture::fast_retries()),
    );
    assert_eq!(items.len(), 15);
    let records = records_of(&server);
    let debug: Vec<&String> = records
        .iter()
        .filter(|(level, _)| *level == Level::Debug)
        .map(|(_, m)| m)
        .collect();
    assert_eq!(debug.len(), calls.count(), "{records:#?}");
    assert!(
        debug[0].starts_with("page 1: GET http://127.0.0.1:"),
        "{}",
        debug[0]
    );
    assert!(
        debug[0].contains("-> 503, ")
            && debug[0].contains(" bytes in ")
            && debug[0].ends_with("(attempt 1)"),
        "{}",
        debug[0]
    );
    assert!(
        debug[2].contains("-> 200") && debug[2].ends_with("(attempt 3)"),
        "{}",
        debug[2]
    );
    let info: Vec<&String> = records
        .iter()
        .filter(|(level, _)| *level == Level::Info)
        .map(|(_, m)| m)
        .collect();
    assert_eq!(info.len(), 2, "{records:#?}");
    assert!(
        info[0].contains("retrying")
            && info[0].contains("after status 503")
            && info[0].contains("(retry 1 of 3)"),
        "{}",
        info[0]
    );
    assert!(
        info[1].contains("as the server asks") && info[1].contains("after status 429"),
        "{}",
        info[1]
    );
    for (_, message) in &records {
        assert!(!message.contains("SECRET"), "{message}");
    }
}

#[test]
fn a_spent_quota_is_logged_as_a_wait() {
    let server = Fixture::start();
    records_of(&server);
    server.counted("/quota", move |call, request| {
        let page = linked_page("/quota", request.page(), 10, 20);
        if call == 0 {
            page.with_header("X-RateLimit-Remaining", "0")
                // A delta of 0.2 s: the reset, soon.
                .with_header("X-RateLimit-Reset", "0.2")
        } else {
            page
        }
    });
    let items = walk_ok::<Item>(server.paginator("/quota"));
    assert_eq!(items.len(), 20);
    let records = records_of(&server);
    let waits: Vec<&String> = records
        .iter()
        .filter(|(level, message)| *level == Level::Info && message.contains("ms"))
        .map(|(_, m)| m)
        .collect();
    assert!(
        waits.iter().any(|m| m.contains("quota is spent")),
        "{records:#?}"
    );
    assert!(
        waits
            .iter()
            .any(|m| m.contains("waiting") && m.contains("for the rate limit")),
        "{records:#?}"
    );
}

#[test]
fn withheld_headers_and_a_change_of_detection_are_warnings() {
    let home = Fixture::start();
    records_of(&home);
    let away = fixture::other_origin();
    let elsewhere = away.url("/away");
    away.serve("/away", Reply::json(json!({"data": items_json(3..=3)})));
    // Page 1 links on by its body; page 2 by a Link header.
    home.serve(
        "/two",
        Reply::json(json!(items_json(2..=2)))
            .with_header("Link", &format!("<{elsewhere}>; rel=\"next\"")),
    );
    home.serve(
        "/one",
        Reply::json(json!({"data": items_json(1..=1), "next_page_url": "/two"})),
    );
    let items = walk_ok::<Item>(
        home.paginator("/one")
            .header("Authorization", "Bearer secret")
            .allow_cross_origin(true),
    );
    assert_eq!(items.len(), 3);
    let warnings: Vec<String> = records_of(&home)
        .into_iter()
        .chain(records_of(&away))
        .filter(|(level, _)| *level == Level::Warn)
        .map(|(_, message)| message)
        .collect();
    assert!(
        warnings
            .iter()
            .any(|m| m.starts_with("page 2 (http://127.0.0.1:") && m.contains("/two): auto-detection now follows Link header; the page before, it followed next URL at /next_page_url")),
        "{warnings:#?}"
    );
    assert!(
        warnings
            .iter()
            .any(|m| m
                .contains("/away is on another origin: the headers you set are not sent there")),
        "{warnings:#?}"
    );
}
