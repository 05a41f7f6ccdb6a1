//! The model on literal responses: one table of "response → decision",
//! generated over names in every case style, values in every JSON form,
//! every depth up to the bound, headers and link arrays.

use serde_json::{Value, json};

use super::*;
use crate::Strategy;
use crate::rules::next::{Next, Problem};
use crate::rules::testing::{Literal, response};

/// What the walk does after a page.
#[derive(Debug, Clone, PartialEq)]
enum Decision {
    /// Goes on to this URL.
    Follow(String),
    /// Fails: something says more, and no rule found (or could use) the way.
    More,
    /// Ends with success.
    End,
}

fn decide(page: &Literal, strategy: Strategy) -> Decision {
    match page.step(strategy) {
        Ok(Next::Follow { request, .. }) => Decision::Follow(request.url().to_string()),
        Ok(Next::End) => Decision::End,
        Err(Problem::MoreButNotFound { .. } | Problem::Invalid { .. }) => Decision::More,
        Err(other) => panic!("unexpected {other:?}"),
    }
}

/// The three case styles of a name given in words.
fn styles(words: &[&str]) -> Vec<String> {
    let snake = words.join("_");
    let kebab = words.join("-");
    let camel: String = words
        .iter()
        .enumerate()
        .map(|(i, word)| match i {
            0 => (*word).to_owned(),
            _ => word[..1].to_uppercase() + &word[1..],
        })
        .collect();
    let mut all = vec![snake, kebab, camel];
    all.dedup();
    all
}

/// `value` under `key`, wrapped in `containers` (outermost first), beside
/// ten items at `data`.
fn page_with(containers: &[&str], key: &str, value: Value) -> Value {
    let mut inner = json!({ key: value });
    for container in containers.iter().rev() {
        inner = json!({ *container: inner });
    }
    let mut body = inner;
    body["data"] = json!([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    body
}

/// Every row: a response, and the decision `Strategy::auto()` must reach.
fn table() -> Vec<(String, Literal, Decision)> {
    let mut rows = Vec::new();
    let mut add =
        |what: String, page: Literal, decision: Decision| rows.push((what, page, decision));
    let url = "http://h/x?limit=10";
    let depths: &[&[&str]] = &[
        &[],
        &["meta"],
        &["pagination"],
        &["response", "body"],
        &["response", "body", "meta", "page"],
    ];
    // Flags that say more, in every value form: never the end.
    let more_names: &[&[&str]] = &[
        &["has", "more"],
        &["more"],
        &["has", "next", "page"],
        &["more", "results"],
        &["is", "truncated"],
        &["has", "more", "items"],
    ];
    let yes = [
        json!(true),
        json!("true"),
        json!(1),
        json!("1"),
        json!("yes"),
        json!("True"),
    ];
    for words in more_names {
        for name in styles(words) {
            for value in &yes {
                let body = page_with(&[], &name, value.clone());
                add(format!("{body}"), response(url, body), Decision::More);
            }
        }
    }
    // Flags that say the last page, in every form: the end, whatever link lingers.
    let last_names: &[&[&str]] = &[
        &["is", "last"],
        &["last"],
        &["done"],
        &["end", "of", "records"],
        &["is", "last", "page"],
        &["complete"],
    ];
    for words in last_names {
        for name in styles(words) {
            // `last: 5` is json-server's page count: only words and booleans are flags there.
            let forms = match name.as_str() {
                "last" => &yes[..2],
                _ => &yes[..],
            };
            for value in forms {
                let mut body = page_with(&[], &name, value.clone());
                body["next"] = json!("http://h/x?page=2");
                add(format!("{body}"), response(url, body), Decision::End);
            }
            // ... and the same flags saying "not the last" say more.
            let noes = [
                json!(false),
                json!("false"),
                json!(0),
                json!("0"),
                json!("no"),
            ];
            for value in noes
                .into_iter()
                .filter(|v| name != "last" || as_count(v).is_none())
            {
                let body = page_with(&[], &name, value);
                add(format!("{body}"), response(url, body), Decision::More);
            }
        }
    }
    // Next URLs under every name style, at every depth.
    for words in [
        &["next"][..],
        &["next", "page"],
        &["next", "page", "url"],
        &["next", "link"],
        &["next", "href"],
    ] {
        for name in styles(words) {
            for containers in depths {
                let body = page_with(containers, &name, json!("/x?page=2"));
                add(
                    format!("{body}"),
                    response(url, body),
                    Decision::Follow("http://h/x?page=2".into()),
                );
            }
        }
    }
    // Tokens: followed under their name without `next`.
    for (words, param) in [
        (&["next", "cursor"][..], "cursor"),
        (&["next", "page", "token"], "pageToken"),
        (&["next", "token"], "token"),
        (&["next", "marker"], "marker"),
    ] {
        for name in styles(words) {
            for containers in &depths[..3] {
                let body = page_with(containers, &name, json!("t2"));
                let decision = match decide(&response(url, body.clone()), Strategy::auto()) {
                    Decision::Follow(next) if next.contains("t2") => Decision::Follow(next),
                    other => panic!("{body}: {other:?} (wanted ?{param}=t2 or so)"),
                };
                add(format!("{body}"), response(url, body), decision);
            }
        }
    }
    // Page counts in every form: more on page 1, the end on page 5.
    for words in [
        &["total", "pages"][..],
        &["page", "count"],
        &["num", "pages"],
        &["nb", "pages"],
        &["last", "page"],
    ] {
        for name in styles(words) {
            for count in [json!(5), json!(5.0), json!("5"), json!("5.0")] {
                let mut body = page_with(&[], &name, count.clone());
                body["page"] = json!(1);
                add(
                    format!("{body}"),
                    response("http://h/x?page=1", body.clone()),
                    Decision::Follow("http://h/x?page=2".into()),
                );
                body["page"] = json!(5);
                add(
                    format!("{body}"),
                    response("http://h/x?page=5", body).seen(50),
                    Decision::End,
                );
            }
        }
    }
    // Totals in every form, counted from the items delivered.
    for words in [
        &["total"][..],
        &["total", "count"],
        &["total", "results"],
        &["count"],
        &["total", "items"],
    ] {
        for name in styles(words) {
            for total in [json!(45), json!(45.0), json!("45")] {
                let body = page_with(&["meta"], &name, total);
                add(
                    format!("{body}"),
                    response(url, body.clone()),
                    Decision::More,
                );
                add(
                    format!("{body} (all seen)"),
                    response(url, body).seen(45),
                    Decision::End,
                );
            }
        }
    }
    // Headers nobody listed.
    for (name, value, decision) in [
        ("X-Has-More", "true", Decision::More),
        ("X-Has-More", "false", Decision::End),
        ("X-Total-Count", "45", Decision::More),
        ("X-Total", "10", Decision::End),
        ("X-Next-Cursor", "abc", Decision::More),
        ("x-ms-continuationtoken", "abc", Decision::More),
        ("X-Pagination-Total-Count", "45", Decision::More),
        ("X-RateLimit-Limit", "5000", Decision::End),
        ("Retry-After", "10", Decision::End),
        (
            "X-Pagination",
            r#"{"TotalCount": 45, "HasNext": true}"#,
            Decision::More,
        ),
        (
            "X-Pagination",
            r#"{"TotalCount": 10, "HasNext": false}"#,
            Decision::End,
        ),
    ] {
        add(
            format!("{name}: {value}"),
            response(url, json!({"data": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]})).header(name, value),
            decision,
        );
    }
    add(
        "X-Next-Offset: 10".into(),
        response(
            "http://h/x?offset=0&limit=10",
            json!({"data": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}),
        )
        .header("X-Next-Offset", "10"),
        Decision::Follow("http://h/x?offset=10&limit=10".into()),
    );
    add(
        "Content-Range: posts 0-9/45".into(),
        response(url, json!([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))
            .header("Content-Range", "posts 0-9/45"),
        Decision::Follow("http://h/x?limit=10&offset=10".into()),
    );
    add(
        "X-Page: 1, X-Total-Pages: 5".into(),
        response(
            "http://h/x",
            json!({"data": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}),
        )
        .header("X-Page", "1")
        .header("X-Total-Pages", "5"),
        Decision::Follow("http://h/x?page=2".into()),
    );
    // Link arrays, whatever they are called and however the relation is written.
    for array in ["links", "link", "_links", "navigation"] {
        for (relation, rel) in [
            ("rel", json!("next")),
            ("relation", json!("next")),
            ("rel", json!("next last")),
            ("rel", json!(["next"])),
        ] {
            for target in ["href", "url", "uri"] {
                let body = json!({
                    "entry": [1],
                    array: [{relation: "self", target: "/x"}, {relation: rel.clone(), target: "/x?page=2"}],
                });
                add(
                    format!("{body}"),
                    response(url, body),
                    Decision::Follow("http://h/x?page=2".into()),
                );
            }
        }
    }
    // What says nothing, or says the end.
    for body in [
        json!({"data": [1], "next": null}),
        json!({"data": [1], "next_cursor": ""}),
        json!({"data": [1], "meta": {"next": {}}}),
        json!({"data": [1], "total_amount": 1999}),
        json!({"data": [1], "more_info": "https://docs.example.com"}),
        json!({"data": [1], "links": {"last": "/x?page=9", "self": "/x"}}),
        json!({"data": [1], "_shards": {"total": 5}}),
        json!({"data": [1], "paging": {"cursors": {"before": "a", "after": "b"}}}),
        json!({"data": [1], "pageInfo": {"hasPreviousPage": true, "startCursor": "a"}}),
        json!({"data": [1], "access_token": "secret"}),
        json!({"data": [1], "extra": {"nextCursor": false}}),
        json!({"data": [1], "_shards": {"total": 5}, "stats": {"has_more": false}}),
        json!({"hits": [1], "exhaustive": {"nbHits": true}}),
        json!({"query": {"pages": [1]}, "batchcomplete": true}),
    ] {
        add(format!("{body}"), response(url, body), Decision::End);
    }
    // What says more in ways no rule can follow.
    for body in [
        json!({"data": [1], "continue": {"gcmcontinue": {"x": 1}}}),
        json!({"data": [1], "response": {"body": {"meta": {"page": {"next_page_token": "t"}}}}}),
        json!({"data": [1], "more": "maybe"}),
        json!({"data": [1], "total_pages": 5.5, "page": 1}),
        json!({"items": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "count": 45}),
        // Found by a hostile probe: names with words nobody listed, totals
        // beside size words, objects that are not containers.
        json!({"data": [1], "more_rows": 1}),
        json!({"data": [1], "hasMoreMessages": true}),
        json!({"data": [1], "exceededTransferLimit": true}),
        json!({"data": [1], "next_page_exists": true}),
        json!({"data": [1], "remaining": 6}),
        json!({"data": [1], "eof": false}),
        json!({"data": [1], "at_end": false}),
        json!({"data": [1], "moreToCome": true}),
        json!({"data": [1], "isFinal": false}),
        json!({"chunk": [1], "next_batch": "pQ1x"}),
        json!({"Users": [1], "PaginationToken": "Q1x"}),
        json!({"docs": [1], "bookmark": "g1AAAAQ1x"}),
        json!({"topic_list": {"topics": [1], "more_topics_url": "/latest?page=1"}}),
        json!({"data": [1], "more_url": "http://h/x?page=2"}),
        json!({"records": [1], "totalSize": 9}),
        json!({"rows": [1], "total_rows": 9}),
        json!({"rows": [1], "rowCount": 9}),
        json!({"results": [1], "resultSize": 9}),
        json!({"matches": [1], "match_count": 9}),
        json!({"results": [1], "numberOfResults": 9}),
        json!({"data": [1], "status": {"code": 0, "next": "http://h/x?page=2"}}),
        json!({"data": [1], "status": {"code": 0, "has_more": true}}),
        json!({"rows": [1], "pager": {"current_page": 0, "total_items": "9", "total_pages": 3}}),
        json!({"results": [1], "meta": {"results": {"skip": 0, "limit": 1, "total": 9}}}),
        json!({"data": [1], "links": [null, {"rel": "next", "href": "http://h/x?page=2"}]}),
        json!({"data": [1], "links": [{"type": "next", "href": "http://h/x?page=2"}]}),
        json!({"data": [1], "completed": 1, "next": "http://h/x?page=2"}),
        json!({"calls": [1], "end": 1, "start": 0, "next_page_uri": "/x?Page=1"}),
    ] {
        let decision = match decide(&response(url, body.clone()), Strategy::auto()) {
            Decision::End => Decision::More,
            other => other,
        };
        add(format!("{body}"), response(url, body), decision);
    }
    rows
}

#[test]
fn every_response_of_the_table_is_decided_as_it_says() {
    let rows = table();
    assert!(rows.len() >= 150, "{} rows", rows.len());
    let wrong: Vec<String> = rows
        .iter()
        .filter_map(|(what, page, wanted)| {
            let got = decide(page, Strategy::auto());
            (got != *wanted).then(|| format!("{what}: {got:?}, wanted {wanted:?}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} rows: {wrong:#?}",
        wrong.len(),
        rows.len()
    );
}

#[test]
fn an_explicit_strategy_whose_signal_is_absent_fails_where_facts_say_more() {
    for body in [
        json!({"data": [1], "more": 1}),
        json!({"data": [1], "done": "false"}),
        json!({"data": [1], "meta": {"total_pages": "5.0", "page": 1}}),
        json!({"entry": [1], "link": [{"relation": "next", "url": "/x?page=2"}], "total": 9}),
    ] {
        let page = response("http://h/x", body.clone());
        assert_eq!(
            decide(&page, Strategy::link_header()),
            Decision::More,
            "{body}"
        );
    }
    // A page that echoes another page or position than the one sent: the
    // request was not understood, neither the page asked for nor the end.
    for (url, body) in [
        (
            "http://h/x?page=3",
            json!({"data": [1], "page": 1, "total_pages": 3}),
        ),
        (
            "http://h/x?offset=20",
            json!({"data": [1], "offset": 0, "total": 21}),
        ),
    ] {
        for strategy in [
            Strategy::auto(),
            Strategy::page_number("page"),
            Strategy::offset("offset"),
        ] {
            let page = response(url, body.clone()).seen(21);
            assert_eq!(decide(&page, strategy), Decision::More, "{url} {body}");
        }
    }
    // A strategy's own end signal is trusted.
    let page = response(
        "http://h/x",
        json!({"data": [1], "next_cursor": null, "total": 9}),
    );
    assert_eq!(
        decide(&page, Strategy::cursor("/next_cursor", "cursor")),
        Decision::End
    );
}

#[test]
fn names_split_into_words_whatever_their_style() {
    let words = |name: &str, header: bool| Words::of(name, header).words().join(" ");
    assert_eq!(words("nextPageToken", false), "next page token");
    assert_eq!(words("X-Next-Offset", true), "next offset");
    assert_eq!(words("total_pages", false), "total pages");
    assert_eq!(words("x-ms-continuationtoken", true), "continuation token");
    assert_eq!(words("@odata.nextLink", false), "next link");
    assert_eq!(words("nbHits", false), "nb hits");
    assert_eq!(words("HTTPNextURL", true), "next url");
    assert!(!Words::of("total_amount", false).known());
    assert!(!Words::of("X-RateLimit-Limit", true).known());
    assert!(Words::of("X-WP-TotalPages", true).known());
}

#[test]
fn values_are_read_tolerantly() {
    for (value, flag) in [
        (json!(true), Some(true)),
        (json!("false"), Some(false)),
        (json!(1), Some(true)),
        (json!("0"), Some(false)),
        (json!("Yes"), Some(true)),
        (json!("maybe"), None),
    ] {
        assert_eq!(as_flag(&value), flag, "{value}");
    }
    for (value, count) in [
        (json!(5), Some(5)),
        (json!(5.0), Some(5)),
        (json!("5"), Some(5)),
        (json!(" 5.0 "), Some(5)),
        (json!(5.5), None),
        (json!(-1), None),
        (json!("NaN"), None),
    ] {
        assert_eq!(as_count(&value), count, "{value}");
    }
}

/// A response that says more in one of the ways the model understands,
/// amid fields that say nothing: a name of words in any case style, a value
/// in any form, at any depth up to the bound, in a header or a link array.
fn says_more() -> impl proptest::strategy::Strategy<Value = Literal> {
    use proptest::prelude::*;
    use proptest::sample::select;
    let flags = select(vec![
        vec!["has", "more"],
        vec!["more"],
        vec!["has", "next", "page"],
        vec!["is", "truncated"],
        vec!["more", "items"],
    ]);
    let yes = select(vec![
        json!(true),
        json!("true"),
        json!(1),
        json!("1"),
        json!("YES"),
    ]);
    let flag = (flags, yes).prop_map(|(words, value)| (words, value));
    let tokens = select(vec![
        vec!["next", "cursor"],
        vec!["next", "page", "token"],
        vec!["continuation", "token"],
        vec!["next", "marker"],
        vec!["next", "key"],
    ])
    .prop_map(|words| (words, json!("opaque==")));
    let counts = select(vec![
        vec!["total"],
        vec!["total", "count"],
        vec!["total", "results"],
        vec!["count"],
    ])
    .prop_map(|words| (words, json!("45.0")));
    let fact = prop_oneof![flag, tokens, counts];
    let containers = select(vec![
        "meta",
        "pagination",
        "paging",
        "response",
        "body",
        "info",
        "page",
    ]);
    let depth = proptest::collection::vec(containers, 0..5);
    let style = 0..3usize;
    let noise = proptest::collection::btree_map("[a-z]{1,8}", any::<u32>(), 0..4);
    let place = 0..3usize;
    (fact, depth, style, noise, place).prop_map(|((words, value), depth, style, noise, place)| {
        let name = styles(&words)[style.min(styles(&words).len() - 1)].clone();
        let mut body = page_with(&depth, &name, value.clone());
        for (key, n) in noise {
            body[format!("x{key}")] = json!(n);
        }
        match place {
            // In a header: `X-` and the name in kebab case.
            1 => {
                let header = format!("X-{}", words.join("-"));
                let text = match &value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                response(
                    "http://h/x?limit=10",
                    json!({"data": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}),
                )
                .header_owned(&header, &text)
            }
            _ => response("http://h/x?limit=10", body),
        }
    })
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(512))]
    #[test]
    fn a_response_that_says_more_never_ends_a_walk(page in says_more()) {
        for strategy in [Strategy::auto(), Strategy::link_header(), Strategy::page_number("page")] {
            let decision = decide(&page, strategy.clone());
            proptest::prop_assert_ne!(decision, Decision::End, "{} under {}", page.body, strategy);
        }
    }
}
