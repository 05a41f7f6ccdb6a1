//! What servers say about waiting, as pure functions over headers.
//!
//! Servers say "wait" in many dialects: `Retry-After` as seconds or as an
//! HTTP-date, GitHub's `X-RateLimit-*` headers, and both drafts of the IETF
//! `RateLimit` fields. This module reads them all, tolerantly, and never
//! panics, whatever the server sends.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use http::header::RETRY_AFTER;

/// Parses a `Retry-After` value: delay-seconds (`120`, HTTP's `1*DIGIT`),
/// the forms real servers send (`1.5`, `30s`, ` 2 `), or an HTTP-date
/// relative to `now` (a date in the past means no wait). Digits too many to
/// hold are the longest wait, never none. `None` for anything else (`1e3`,
/// `-5`, `soon`): not a number of seconds, so backed off from as a
/// response without one, and logged.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Some(wait) = delay_seconds(value.strip_suffix('s').unwrap_or(value)) {
        return Some(wait);
    }
    match httpdate::parse_http_date(value) {
        Ok(date) => Some(date.duration_since(now).unwrap_or(Duration::ZERO)),
        Err(_) => {
            log::warn!("Retry-After: {value:?} is not a number of seconds nor a date; ignored");
            None
        }
    }
}

/// `120` or `1.5`: digits, with a fraction after a dot.
fn delay_seconds(value: &str) -> Option<Duration> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let digits = |text: &str| text.bytes().all(|byte| byte.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || value.ends_with('.') {
        return None;
    }
    let Ok(secs) = whole.parse::<u64>() else {
        return Some(Duration::MAX);
    };
    let nanos = format!("{fraction:0<9}")[..9].parse().unwrap_or(0);
    Some(Duration::new(secs, 0).saturating_add(Duration::from_nanos(nanos)))
}

/// How long to wait before the next request because the server says the quota
/// is spent: GitHub's `X-RateLimit-Remaining: 0` with `X-RateLimit-Reset`, or
/// the IETF draft `RateLimit-Remaining`/`RateLimit-Reset` and `RateLimit`
/// fields. `None` when quota remains or the headers are absent or unparseable.
pub(crate) fn rate_limit_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    quotas(headers)
        .into_iter()
        .filter(|quota| quota.remaining == 0)
        .filter_map(|quota| reset_wait(quota.reset?, now))
        .max()
}

/// Whether a 403 is really a rate limit: GitHub answers primary limits with
/// 403 and a spent quota, secondary limits with 403 and `Retry-After`.
pub(crate) fn is_rate_limit_403(headers: &HeaderMap) -> bool {
    headers.contains_key(RETRY_AFTER) || quotas(headers).iter().any(|quota| quota.remaining == 0)
}

/// The wait a response asks for before retrying: `Retry-After` if present and
/// parseable, else the rate-limit reset.
pub(crate) fn requested_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    header_str(headers, RETRY_AFTER.as_str())
        .and_then(|value| parse_retry_after(value, now))
        .or_else(|| rate_limit_wait(headers, now))
}

/// Below this a reset is a delta, at or above it epoch seconds: no quota
/// resets in 31 years, and no epoch reset is older than 2001.
const EPOCH_THRESHOLD: f64 = 1e9;

/// One rate-limit quota as a server reports it; `reset` is still unparsed.
struct Quota<'a> {
    remaining: u64,
    reset: Option<&'a str>,
}

fn quotas(headers: &HeaderMap) -> Vec<Quota<'_>> {
    let mut quotas = Vec::new();
    for (remaining, reset) in [
        ("x-ratelimit-remaining", "x-ratelimit-reset"),
        ("ratelimit-remaining", "ratelimit-reset"),
    ] {
        quotas.extend(quota(
            header_str(headers, remaining),
            header_str(headers, reset),
        ));
    }
    for value in headers
        .get_all("ratelimit")
        .iter()
        .filter_map(|value| value.to_str().ok())
    {
        quotas.extend(structured_quotas(value));
    }
    quotas
}

/// Both forms of the IETF `RateLimit` field: the dictionary of the early
/// drafts (`limit=100, remaining=0, reset=30`) and the list of policies of the
/// later ones (`"default";r=0;t=30`), one quota per policy.
fn structured_quotas(value: &str) -> Vec<Quota<'_>> {
    let mut quotas = Vec::new();
    let (mut remaining, mut reset) = (None, None);
    for member in value.split(',') {
        let mut parts = member.split(';');
        let Some(head) = parts.next() else { continue };
        match head.split_once('=') {
            Some((key, value)) => match key.trim() {
                "remaining" => remaining = Some(value),
                "reset" => reset = Some(value),
                _ => {}
            },
            None => {
                let (mut r, mut t) = (None, None);
                for (key, value) in parts.filter_map(|param| param.split_once('=')) {
                    match key.trim() {
                        "r" => r = Some(value),
                        "t" => t = Some(value),
                        _ => {}
                    }
                }
                quotas.extend(quota(r, t));
            }
        }
    }
    quotas.extend(quota(remaining, reset));
    quotas
}

fn quota<'a>(remaining: Option<&'a str>, reset: Option<&'a str>) -> Option<Quota<'a>> {
    let remaining = unquote(remaining?).parse().ok()?;
    Some(Quota {
        remaining,
        reset: reset.map(unquote),
    })
}

/// A reset as epoch seconds, or as a delta when small enough to be one.
fn reset_wait(value: &str, now: SystemTime) -> Option<Duration> {
    let secs = parse_seconds(value)?;
    if secs < EPOCH_THRESHOLD {
        return Some(seconds(secs));
    }
    // A reset beyond what the clock can hold is a wait longer than any
    // `max_wait`, never "no wait".
    let Some(reset) = UNIX_EPOCH.checked_add(seconds(secs)) else {
        return Some(Duration::MAX);
    };
    Some(reset.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Non-negative seconds: decimal (`120`, `1.5`) or with an exponent (`1e20`);
/// no sign, inf or NaN.
fn parse_seconds(value: &str) -> Option<f64> {
    let value = value.trim();
    if !value.starts_with(|c: char| c.is_ascii_digit())
        || !value
            .bytes()
            .all(|byte| byte.is_ascii_digit() || matches!(byte, b'.' | b'e' | b'E' | b'+'))
    {
        return None;
    }
    value.parse::<f64>().ok().filter(|secs| secs.is_finite())
}

/// Seconds as a duration; an absurdly long one saturates, so that it fails
/// against `max_wait` instead of passing for "no wait requested".
fn seconds(secs: f64) -> Duration {
    Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX)
}

fn unquote(value: &str) -> &str {
    value.trim().trim_matches('"')
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderName, HeaderValue};
    use proptest::prelude::*;

    const NOW: u64 = 1_700_000_000;

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(NOW)
    }

    /// Headers from `Name: value` lines.
    fn headers(text: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        for line in text.lines() {
            let (name, value) = line.split_once(": ").unwrap();
            let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
            map.append(name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn secs(n: u64) -> Option<Duration> {
        Some(Duration::from_secs(n))
    }

    #[test]
    fn retry_after_forms() {
        let future = httpdate::fmt_http_date(now() + Duration::from_secs(90));
        let past = httpdate::fmt_http_date(now() - Duration::from_secs(90));
        for (value, expected) in [
            ("120", secs(120)),
            (" 2 ", secs(2)),
            ("30s", secs(30)),
            ("0", secs(0)),
            ("1.5", Some(Duration::from_millis(1500))),
            ("99999999999999999999999", Some(Duration::MAX)),
            (&"9".repeat(400), Some(Duration::MAX)),
            (&future, secs(90)),
            (&past, secs(0)),
        ] {
            assert_eq!(parse_retry_after(value, now()), expected, "{value:?}");
        }
    }

    #[test]
    fn retry_after_garbage() {
        for value in [
            "soon", "-5", "NaN", "inf", "1e400", "1e3", "", " ", "1.2.3", "1.",
        ] {
            assert_eq!(parse_retry_after(value, now()), None, "{value:?}");
        }
    }

    #[test]
    fn resets_beyond_the_clock_are_the_longest_wait() {
        let spent = |reset: &str| {
            headers(&format!(
                "X-RateLimit-Remaining: 0\nX-RateLimit-Reset: {reset}"
            ))
        };
        for reset in ["99999999999999999999", "1e20", "18446744073709551615"] {
            assert_eq!(
                rate_limit_wait(&spent(reset), now()),
                Some(Duration::MAX),
                "{reset}"
            );
        }
        let structured = headers(r#"RateLimit: "p";r=0;t=1e20"#);
        assert!(rate_limit_wait(&structured, now()) > Some(Duration::from_secs(1 << 40)));
        assert_eq!(
            parse_retry_after("1e400", now()),
            None,
            "infinite is garbage"
        );
    }

    #[test]
    fn github_rate_limit() {
        for (remaining, reset, expected) in [
            (0, NOW + 42, secs(42)),
            (0, 15, secs(15)),
            (0, NOW - 60, secs(0)),
            (12, NOW + 42, None),
        ] {
            let text = format!("X-RateLimit-Remaining: {remaining}\nx-ratelimit-reset: {reset}");
            assert_eq!(
                rate_limit_wait(&headers(&text), now()),
                expected,
                "{text:?}"
            );
        }
        assert_eq!(
            rate_limit_wait(&headers("X-RateLimit-Remaining: 0"), now()),
            None
        );
    }

    #[test]
    fn ietf_rate_limit() {
        for (text, expected) in [
            ("RateLimit-Remaining: 0\nRateLimit-Reset: 30", secs(30)),
            ("RateLimit: limit=100, remaining=0, reset=30", secs(30)),
            (r#"RateLimit: "default";r=0;t=30"#, secs(30)),
            (r#"RateLimit: "a";r=5;t=1, "b";r=0;t=3600"#, secs(3600)),
            ("RateLimit-Remaining: 7\nRateLimit-Reset: 30", None),
            ("RateLimit: limit=100, remaining=99, reset=30", None),
            (r#"RateLimit: "default";r=50;t=30"#, None),
            ("RateLimit: garbage;;=,=;", None),
            ("", None),
        ] {
            assert_eq!(rate_limit_wait(&headers(text), now()), expected, "{text:?}");
        }
    }

    #[test]
    fn retry_after_comes_first() {
        let both = "Retry-After: 5\nX-RateLimit-Remaining: 0\nX-RateLimit-Reset: 60";
        assert_eq!(requested_wait(&headers(both), now()), secs(5));
        let unparseable = "Retry-After: soon\nRateLimit-Remaining: 0\nRateLimit-Reset: 60";
        assert_eq!(requested_wait(&headers(unparseable), now()), secs(60));
    }

    #[test]
    fn rate_limit_403() {
        assert!(is_rate_limit_403(&headers("X-RateLimit-Remaining: 0")));
        assert!(is_rate_limit_403(&headers("Retry-After: 60")));
        assert!(is_rate_limit_403(&headers(r#"RateLimit: "default";r=0"#)));
        assert!(!is_rate_limit_403(&headers("X-RateLimit-Remaining: 4999")));
        assert!(!is_rate_limit_403(&headers("")));
    }

    proptest! {
        #[test]
        fn never_panics_on_server_input(value in "\\PC{0,40}") {
            parse_retry_after(&value, now());
            if let Ok(value) = HeaderValue::from_str(&value) {
                let mut map = headers("X-RateLimit-Remaining: 0");
                map.insert("ratelimit", value.clone());
                map.insert("x-ratelimit-reset", value);
                requested_wait(&map, now());
                is_rate_limit_403(&map);
            }
        }
    }
}
