//! A `200 OK` whose body says the request failed.
//!
//! Some APIs answer every request with 200 and put the failure in the body.
//! A walk must not print such a body as an item, nor end on it as if the
//! collection were over. The rule, stated once (the README repeats it):
//!
//! An object body is a failure when
//! 1. `ok` is `false` (Slack), whatever else it holds; or
//! 2. it has a non-empty `errors` array (GraphQL, JSON:API) and no items
//!    elsewhere: no other items array was found, or the one found *is*
//!    `errors`; the answer to a GraphQL query (a request with a `query`) is
//!    a failure with any `errors`, partial data or not; or
//! 3. it has an `error` that is an object or a non-empty string (MediaWiki,
//!    OAuth, many others) and no items; or
//! 4. it has a `message` string beside a `status`, `code` or `statusCode`
//!    that does not look like success (a number or numeric string outside
//!    200–299, or a word other than `ok`/`success`), and no items.
//!
//! Items the user points at with `items_at` are never taken for a failure:
//! an API whose items sit under `errors` is read with `items_at("/errors")`.
//! A failure that names a rate limit (`ratelimited`, `RATE_LIMITED`,
//! `THROTTLED`, "rate limit", "too many requests") is retried first, like a 429.

use serde_json::Value;

/// What the body says went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// The server's own words (its messages, or the member that says so).
    pub message: String,
    /// The failure is a rate limit: worth waiting and trying again.
    pub rate_limit: bool,
}

/// Where the walk found the page's items, for the rule.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ItemsFound<'a> {
    /// Found by detection at this pointer, with this many.
    Detected(&'a str, usize),
    /// At the pointer the user gave.
    User,
    /// Nowhere.
    Nowhere,
}

/// The failure `body` reports, if it reports one; `graphql` when it answers
/// a GraphQL query.
pub(crate) fn failure(body: &Value, items: ItemsFound<'_>, graphql: bool) -> Option<Failure> {
    let object = body.as_object()?;
    let no_items = match items {
        ItemsFound::Detected(pointer, count) => count == 0 || pointer == "/errors",
        ItemsFound::User => false,
        ItemsFound::Nowhere => true,
    };
    let message = if object.get("ok") == Some(&Value::Bool(false)) {
        Some(
            object
                .get("error")
                .map_or_else(|| "\"ok\": false".to_owned(), words),
        )
    } else if let Some(errors) = object
        .get("errors")
        .and_then(Value::as_array)
        .filter(|errors| {
            !errors.is_empty() && (graphql || (no_items && !matches!(items, ItemsFound::User)))
        })
    {
        Some(errors.iter().map(words).collect::<Vec<_>>().join("; "))
    } else if let Some(error) = object
        .get("error")
        .filter(|error| no_items && is_error(error))
    {
        Some(words(error))
    } else {
        object
            .get("message")
            .and_then(Value::as_str)
            .filter(|_| {
                no_items
                    && ["status", "code", "statusCode"]
                        .iter()
                        .any(|key| fails(object.get(*key)))
            })
            .map(str::to_owned)
    }?;
    Some(Failure {
        rate_limit: names_rate_limit(&message) || names_rate_limit(&body.to_string()),
        message,
    })
}

/// Whether an `error` member reports one: an object, or a non-empty string.
fn is_error(error: &Value) -> bool {
    match error {
        Value::Object(fields) => !fields.is_empty(),
        Value::String(text) => !text.trim().is_empty(),
        _ => false,
    }
}

/// Whether a `status` or `code` says something other than success.
fn fails(code: Option<&Value>) -> bool {
    match code {
        Some(Value::Number(number)) => number.as_u64().is_none_or(|n| !(200..300).contains(&n)),
        Some(Value::String(text)) => match text.trim().parse::<u64>() {
            Ok(n) => !(200..300).contains(&n),
            Err(_) => !["ok", "success", ""].contains(&text.trim().to_ascii_lowercase().as_str()),
        },
        _ => false,
    }
}

/// An error value in the server's words: its message, else the value itself.
fn words(error: &Value) -> String {
    match error {
        Value::String(text) => text.clone(),
        Value::Object(fields) => [
            "message",
            "detail",
            "title",
            "info",
            "description",
            "error_description",
        ]
        .iter()
        .find_map(|key| fields.get(*key).and_then(Value::as_str))
        .map_or_else(|| error.to_string(), str::to_owned),
        other => other.to_string(),
    }
}

/// Whether a `200` with this `body` is a rate limit to wait out and retry.
/// Cheap for ordinary pages: a rate limit's answer is short, and only a
/// short body that names one is parsed at all.
pub(crate) fn is_rate_limited(body: &[u8]) -> bool {
    const SHORT: usize = 16 * 1024;
    if body.len() > SHORT || !may_fail(body) || !names_rate_limit_in(body) {
        return false;
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    let items = match super::shape::find_items(&value) {
        Ok(pointer) => {
            let count = value
                .pointer(&pointer)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            // A root array is items, never an envelope.
            if pointer.is_empty() {
                return false;
            }
            (pointer, count)
        }
        Err(_) => (String::new(), 0),
    };
    let found = match &items {
        (pointer, count) if !pointer.is_empty() => ItemsFound::Detected(pointer, *count),
        _ => ItemsFound::Nowhere,
    };
    failure(&value, found, false).is_some_and(|failure| failure.rate_limit)
}

/// Whether `body` holds a key [`failure`] reads (`ok`, `error`, `errors`,
/// `message`), or an escape that could spell one: without one, no failure
/// can be found in it. Most pages have none, and std's search for a short
/// needle is far faster than the scan for words.
fn may_fail(body: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(body) else {
        return true;
    };
    ["\"ok\"", "\"error", "\"message\"", "\\u"]
        .iter()
        .any(|key| text.contains(key))
}

/// The words that name a rate limit, in lower case.
const RATE_LIMIT_WORDS: [&[u8]; 7] = [
    b"ratelimit",
    b"rate_limit",
    b"rate limit",
    b"rate-limit",
    b"throttl",
    b"too many requests",
    b"too_many_requests",
];

/// Whether `text` names a rate limit.
pub(crate) fn names_rate_limit(text: &str) -> bool {
    names_rate_limit_in(text.as_bytes())
}

/// How every word of [`RATE_LIMIT_WORDS`] starts: three bytes rule out
/// almost every place in a page's text where an `r` or a `t` stands.
const RATE_LIMIT_STARTS: [&[u8; 3]; 3] = [b"rat", b"thr", b"too"];

/// Whether `bytes` name a rate limit, compared without ASCII case; no
/// allocation. A tight search for the next `r` or `t`, and the words
/// compared only where one of them could start: every `200` under 16 KiB
/// goes through here.
fn names_rate_limit_in(bytes: &[u8]) -> bool {
    let mut from = 0;
    while let Some(offset) = bytes[from..]
        .iter()
        .position(|byte| matches!(byte, b'r' | b'R' | b't' | b'T'))
    {
        let at = from + offset;
        from = at + 1;
        let Some(start) = bytes.get(at..at + 3) else {
            return false;
        };
        let start = [start[0], start[1], start[2]].map(|byte| byte.to_ascii_lowercase());
        if RATE_LIMIT_STARTS.iter().any(|known| start == **known)
            && RATE_LIMIT_WORDS.iter().any(|word| {
                bytes
                    .get(at..at + word.len())
                    .is_some_and(|candidate| candidate.eq_ignore_ascii_case(word))
            })
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_a_body_with_a_failure_key_is_read_for_a_rate_limit() {
        let limited = [
            r#"{"ok":false,"error":"ratelimited"}"#,
            r#"{"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded"}]}"#,
            r#"{"message":"Too Many Requests","code":429}"#,
            // An escaped key is still the key.
            r#"{"\u006fk":false,"error":"ratelimited"}"#,
        ];
        for body in limited {
            assert!(may_fail(body.as_bytes()), "{body}");
            assert!(is_rate_limited(body.as_bytes()), "{body}");
        }
        // Items that talk of rate limits, without any failure key.
        let page = r#"{"data":[{"title":"rate limit design","note":"too many requests"}]}"#;
        assert!(!may_fail(page.as_bytes()));
        assert!(!is_rate_limited(page.as_bytes()));
        assert!(may_fail(b"\xff not UTF-8"), "bytes are read the slow way");
    }

    #[test]
    fn every_rate_limit_word_starts_as_the_scan_expects() {
        for word in RATE_LIMIT_WORDS {
            assert!(
                RATE_LIMIT_STARTS
                    .iter()
                    .any(|start| word.starts_with(*start)),
                "{}",
                String::from_utf8_lossy(word)
            );
        }
        assert!(names_rate_limit("Too Many Requests"));
        assert!(names_rate_limit("you are THROTTLED"));
        assert!(names_rate_limit("x-ratelimit"));
        assert!(!names_rate_limit("a rated title, three throws, too"));
        assert!(!names_rate_limit("ra"));
    }

    fn says(body: Value, items: ItemsFound<'_>) -> Option<String> {
        failure(&body, items, false).map(|failure| failure.message)
    }

    #[test]
    fn each_dialect_of_failure() {
        let nowhere = ItemsFound::Nowhere;
        assert_eq!(
            says(
                json!({"errors": [{"message": "token expired"}]}),
                ItemsFound::Detected("/errors", 1)
            ),
            Some("token expired".into())
        );
        assert_eq!(
            says(
                json!({"data": null, "errors": [{"message": "a"}, {"message": "b"}]}),
                nowhere
            ),
            Some("a; b".into())
        );
        assert_eq!(
            says(json!({"ok": false, "error": "invalid_auth"}), nowhere),
            Some("invalid_auth".into())
        );
        assert_eq!(
            says(
                json!({"ok": false, "error": "ratelimited", "channels": [1]}),
                ItemsFound::Detected("/channels", 1)
            ),
            Some("ratelimited".into()),
            "ok: false wins over items"
        );
        assert_eq!(
            says(
                json!({"error": {"code": "badcontinue", "info": "Invalid continue param"}}),
                nowhere
            ),
            Some("Invalid continue param".into())
        );
        assert_eq!(
            says(json!({"error": "invalid_grant"}), nowhere),
            Some("invalid_grant".into())
        );
        assert_eq!(
            says(
                json!({"message": "Bad credentials", "status": "401"}),
                nowhere
            ),
            Some("Bad credentials".into())
        );
        assert_eq!(
            says(json!({"message": "nope", "code": "UNAUTHORIZED"}), nowhere),
            Some("nope".into())
        );
    }

    #[test]
    fn a_graphql_answer_with_errors_is_a_failure_even_with_data() {
        let partial = json!({"data": {"x": {"nodes": [1], "pageInfo": {}}}, "errors": [{"message": "partial"}]});
        let found = ItemsFound::Detected("/data/x/nodes", 1);
        assert_eq!(
            failure(&partial, found, true).map(|f| f.message),
            Some("partial".into())
        );
        assert_eq!(failure(&partial, found, false), None);
    }

    #[test]
    fn pages_with_items_are_not_failures() {
        let found = ItemsFound::Detected("/data", 2);
        assert_eq!(
            says(
                json!({"data": [], "errors": [{"message": "partial"}]}),
                found
            ),
            None
        );
        assert_eq!(
            says(
                json!({"data": [], "error": null, "message": "ok", "status": 200}),
                found
            ),
            None
        );
        assert_eq!(
            says(
                json!({"message": "fine", "status": 200}),
                ItemsFound::Nowhere
            ),
            None
        );
        assert_eq!(
            says(
                json!({"message": "hello", "code": "success"}),
                ItemsFound::Nowhere
            ),
            None
        );
        assert_eq!(says(json!({"errors": []}), ItemsFound::Nowhere), None);
        assert_eq!(says(json!({"error": ""}), ItemsFound::Nowhere), None);
        // The user says the items are the errors: they are read as items.
        assert_eq!(
            says(json!({"errors": [{"message": "x"}]}), ItemsFound::User),
            None
        );
        assert_eq!(says(json!([{"error": "x"}]), ItemsFound::Nowhere), None);
    }

    #[test]
    fn only_a_failure_that_names_a_rate_limit_is_retried() {
        assert!(is_rate_limited(br#"{"ok":false,"error":"ratelimited"}"#));
        assert!(!is_rate_limited(br#"{"ok":false,"error":"invalid_auth"}"#));
        assert!(!is_rate_limited(
            br#"{"data":[{"text":"rate limit"}],"next":null}"#
        ));
        assert!(!is_rate_limited(br#"[{"error":"rate limit"}]"#));
        assert!(!is_rate_limited(b"rate limit, not JSON"));
    }

    #[test]
    fn rate_limits_are_named() {
        let limited =
            |body: Value| failure(&body, ItemsFound::Nowhere, false).is_some_and(|f| f.rate_limit);
        assert!(limited(json!({"ok": false, "error": "ratelimited"})));
        assert!(limited(
            json!({"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]})
        ));
        assert!(limited(
            json!({"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}]})
        ));
        assert!(!limited(
            json!({"errors": [{"message": "Field 'x' doesn't exist"}]})
        ));
    }
}
