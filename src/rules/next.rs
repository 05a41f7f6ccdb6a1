//! From one response to the next request: the rules of every [`Strategy`].
//!
//! Pure: it sees the response through [`PageView`] and never does I/O, so
//! each rule is tested on literal bodies and headers.

use serde_json::Value;

use super::end::contradiction;
use super::facts::Count;
pub(crate) use super::step::{Next, Problem};
use super::step::{continue_with, empty_too_soon, follow, follow_url, invalid, keyset, link_next};
use super::step::{end_or_more, trusted_end};
use super::target::{counter, read, read_token};
use super::{PageView, auto};
use crate::Request;
use crate::custom::{CustomRule, PageResponse};
use crate::strategy::{Kind, Strategy, Target, Token, TokenAt};

pub(crate) fn next_step(strategy: &Strategy, page: &PageView<'_>) -> Result<Next, Problem> {
    if let Some(evidence) = contradiction(page) {
        return Err(Problem::MoreButNotFound {
            evidence,
            hint: "check the parameter's name and value, or choose a Strategy explicitly".into(),
        });
    }
    // Flags that contradict each other end no walk: they are an error.
    let has_more = match auto::says_last(page)? {
        true => Some(false),
        false => page.facts.says_more_flag().map(|_| true),
    };
    match &strategy.kind {
        Kind::Auto => auto::next_step(page),
        Kind::LinkHeader => match link_next(page)? {
            Some(next) => Ok(next),
            None => end_or_more(page),
        },
        Kind::NextUrl { pointer } => match url_at(page.envelope, pointer) {
            _ if has_more == Some(false) => Ok(Next::End),
            Some(text) => follow_url(page, text, strategy.clone()),
            None => match page.envelope.pointer(pointer) {
                None => end_or_more(page),
                Some(Value::Null) | Some(Value::String(_)) => trusted_end(page),
                Some(other) => Err(invalid(other, "not a URL string or an object with href")),
            },
        },
        Kind::Cursor { token, target } => cursor(page, has_more, token, target, strategy),
        Kind::PageNumber { target } => page_number(page, has_more, target, strategy),
        Kind::Offset { target } => offset(page, has_more, target, strategy),
        Kind::Keyset { target, field } => keyset(page, has_more, target, field, strategy.clone()),
        Kind::Graphql { variable } => {
            super::graphql::next_step(page, variable.as_deref(), strategy.clone())
        }
        Kind::Custom(rule) => custom(page, rule, strategy),
        Kind::Continuation { pointer } => match page.envelope.pointer(pointer) {
            None => end_or_more(page),
            Some(Value::Null) => trusted_end(page),
            Some(Value::Object(members)) => continue_with(page, members, strategy.clone()),
            Some(other) => Err(invalid(other, "not an object of parameters")),
        },
    }
}

/// The next-page URL at `pointer`: a string, or an object whose `href`
/// (or `uri`, `url`, `link`) is one. `None` for absent, `null` or empty.
pub(crate) fn url_at<'a>(envelope: &'a Value, pointer: &str) -> Option<&'a str> {
    let text = match envelope.pointer(pointer)? {
        Value::String(text) => text,
        Value::Object(object) => ["href", "uri", "url", "link"]
            .iter()
            .find_map(|member| object.get(*member)?.as_str())?,
        _ => return None,
    };
    (!text.trim().is_empty()).then_some(text.trim())
}

/// What the user's rule makes of the page.
fn custom(page: &PageView<'_>, rule: &CustomRule, strategy: &Strategy) -> Result<Next, Problem> {
    let response = PageResponse {
        request: page.request,
        url: page.final_url,
        page: page.page,
        status: page.status,
        headers: page.headers,
        body: page.body.unwrap_or(page.envelope),
        item_count: page.item_count,
        items_seen: page.items_seen,
    };
    match rule.next(&response) {
        Ok(Some(request)) => Ok(Next::Follow {
            request,
            via: strategy.clone(),
        }),
        Ok(None) => Ok(Next::End),
        Err(message) => Err(Problem::Custom(message)),
    }
}

fn cursor(
    page: &PageView<'_>,
    has_more: Option<bool>,
    token: &Token,
    target: &Target,
    strategy: &Strategy,
) -> Result<Next, Problem> {
    if has_more == Some(false) {
        return Ok(Next::End);
    }
    let value = read_token(page, token)
        .transpose()
        .map_err(|header| Problem::Invalid {
            next: format!("the {header} header"),
            reason: "its value is not UTF-8 text; pagewalk never sends back a changed token".into(),
        })?;
    match value {
        // A token field that is there but `null` is the strategy's own end.
        None if matches!(&token.0, TokenAt::Body(pointer) if page.envelope.pointer(pointer).is_some()) => {
            trusted_end(page)
        }
        None => end_or_more(page),
        Some(Value::String(text)) if text.is_empty() => trusted_end(page),
        Some(value) => follow(page, target, &value, strategy.clone()),
    }
}

fn page_number(
    page: &PageView<'_>,
    has_more: Option<bool>,
    target: &Target,
    strategy: &Strategy,
) -> Result<Next, Problem> {
    if has_more == Some(false) {
        return Ok(Next::End);
    }
    let current = match counter_at(page.request, target, "page number")? {
        Some(current) => current,
        None => page.facts.count(Count::Page).unwrap_or(1),
    };
    if page.item_count == 0 {
        let pages = page.facts.page_count();
        return match pages.filter(|&pages| current < pages) {
            Some(pages) => Err(empty_too_soon(format!(
                "page {current} is empty, of {pages} pages"
            ))),
            None => end_or_more(page),
        };
    }
    let last = page.facts.count(Count::Pages);
    let total = page.facts.total();
    if last.is_some_and(|last| current >= last)
        || total.is_some_and(|total| page.items_seen >= total)
    {
        return Ok(Next::End);
    }
    let next = current
        .checked_add(1)
        .ok_or_else(|| invalid(&Value::from(current), "page number overflows"))?;
    follow(
        page,
        target,
        &counter(page.request, target, next),
        strategy.clone(),
    )
}

fn offset(
    page: &PageView<'_>,
    has_more: Option<bool>,
    target: &Target,
    strategy: &Strategy,
) -> Result<Next, Problem> {
    if has_more == Some(false) {
        return Ok(Next::End);
    }
    let current = counter_at(page.request, target, "offset")?.unwrap_or(0);
    let total = page.facts.total();
    if page.item_count == 0 {
        return match total.filter(|&total| current < total) {
            Some(total) => Err(empty_too_soon(format!(
                "offset {current} is empty, of {total} items"
            ))),
            None => end_or_more(page),
        };
    }
    let next = current.saturating_add(page.item_count as u64);
    if total.is_some_and(|total| next >= total) {
        return Ok(Next::End);
    }
    follow(
        page,
        target,
        &counter(page.request, target, next),
        strategy.clone(),
    )
}

/// The page number or offset (`what`) the request carries at `target`, if any.
fn counter_at(request: &Request, target: &Target, what: &str) -> Result<Option<u64>, Problem> {
    match read(request, target) {
        None => Ok(None),
        Some(text) => text.trim().parse().map(Some).map_err(|_| {
            invalid(
                &Value::String(text.clone()),
                &format!("{what} is not an integer"),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::response;
    use serde_json::json;
    use url::Url;

    #[test]
    fn page_number_keeps_filters_and_stops_at_the_last_page() {
        let page = response(
            "http://h/x?filter=a&page%5Bnumber%5D=2",
            json!({"data": [1], "last_page": 3}),
        );
        assert_eq!(
            page.next_url(Strategy::page_number("page[number]")),
            "http://h/x?filter=a&page%5Bnumber%5D=3"
        );
        let last = response("http://h/x?page=3", json!({"data": [1], "last_page": 3}));
        assert_eq!(last.step(Strategy::page_number("page")), Ok(Next::End));
        let empty = response("http://h/x?page=4", json!([]));
        assert_eq!(empty.step(Strategy::page_number("page")), Ok(Next::End));
        let fresh = response("http://h/x", json!([1, 2]));
        assert_eq!(
            fresh.next_url(Strategy::page_number("page")),
            "http://h/x?page=2"
        );
        let huge = response("http://h/x", json!({"data": [1], "current_page": u64::MAX}));
        assert!(matches!(
            huge.step(Strategy::page_number("page")),
            Err(Problem::Invalid { .. })
        ));
        let bad = response("http://h/x?page=two", json!([1]));
        assert!(matches!(
            bad.step(Strategy::page_number("page")),
            Err(Problem::Invalid { .. })
        ));
    }

    #[test]
    fn offset_advances_by_items_received_and_stops_at_total() {
        let page = response(
            "http://h/x?limit=100&offset=10",
            json!({"results": [1, 2, 3], "next": null, "count": 20}),
        )
        .seen(13);
        assert_eq!(
            page.next_url(Strategy::offset("offset")),
            "http://h/x?limit=100&offset=13"
        );
        let last = response(
            "http://h/x?offset=18",
            json!({"results": [1, 2], "next": null, "count": 20}),
        );
        assert_eq!(last.step(Strategy::offset("offset")), Ok(Next::End));
    }

    #[test]
    fn keyset_needs_the_field_on_the_last_item() {
        let page = response(
            "http://h/x",
            json!({"data": [{"id": 4}, {"id": 7}], "has_more": true}),
        );
        assert_eq!(
            page.next_url(Strategy::keyset("after", "/id")),
            "http://h/x?after=7"
        );
        let missing = response("http://h/x", json!({"data": [{"name": "x"}]}));
        assert!(matches!(
            missing.step(Strategy::keyset("after", "/id")),
            Err(Problem::Invalid { .. })
        ));
        let done = response(
            "http://h/x",
            json!({"data": [{"id": 1}], "has_more": false}),
        );
        assert_eq!(done.step(Strategy::keyset("after", "/id")), Ok(Next::End));
    }

    #[test]
    fn explicit_next_url_and_cursor() {
        let page = response(
            "http://h/a/b",
            json!({"data": [1], "paging": {"after": "p2"}, "more": "c"}),
        );
        assert_eq!(
            page.next_url(Strategy::cursor("/paging/after", "after")),
            "http://h/a/b?after=p2"
        );
        let page = response("http://h/a/b", json!({"data": [1], "more": "page2"}));
        assert_eq!(
            page.next_url(Strategy::next_url("/more")),
            "http://h/a/page2"
        );
        let bad = response("http://h/a", json!({"data": [1], "more": true}));
        assert!(matches!(
            bad.step(Strategy::next_url("/more")),
            Err(Problem::Invalid { .. })
        ));
        let bad = response("http://h/a", json!({"data": [1], "c": [1]}));
        assert!(matches!(
            bad.step(Strategy::cursor("/c", "c")),
            Err(Problem::Invalid { .. })
        ));
    }

    #[test]
    fn tokens_are_read_from_the_body_a_header_or_a_link_and_written_anywhere() {
        use crate::{Method, Token};
        let notion = Request::new(
            Method::POST,
            Url::parse("http://h/v1/databases/d/query").unwrap(),
        )
        .with_body(json!({"filter": {"x": 1}, "page_size": 2}));
        let page = response(
            "http://h/",
            json!({"results": [1, 2], "has_more": true, "next_cursor": "c2"}),
        )
        .to(notion);
        let next = page.next(Strategy::cursor(
            "/next_cursor",
            Target::body("/start_cursor"),
        ));
        assert_eq!(next.url().as_str(), "http://h/v1/databases/d/query");
        assert_eq!(
            next.body(),
            Some(&json!({"filter": {"x": 1}, "page_size": 2, "start_cursor": "c2"}))
        );
        let azure = response(
            "http://h/_apis/users?api-version=7.1",
            json!({"count": 1, "value": [1]}),
        )
        .header("X-MS-ContinuationToken", "tok/1");
        assert_eq!(
            azure.next_url(Strategy::cursor(
                Token::header("x-ms-continuationtoken"),
                "continuationToken"
            )),
            "http://h/_apis/users?api-version=7.1&continuationToken=tok%2F1"
        );
        let done = response("http://h/x", json!({"value": [1]}));
        assert_eq!(
            done.step(Strategy::cursor(
                Token::header("x-ms-continuationtoken"),
                "c"
            )),
            Ok(Next::End)
        );
        let sentry = response("http://h/x", json!([1]))
            .link("<http://h/x?cursor=0:5:0>; rel=\"next\"; results=\"true\"; cursor=\"0:5:0\"");
        let next = sentry.next(Strategy::cursor(
            Token::link("next", "cursor"),
            Target::header("X-Cursor"),
        ));
        assert_eq!(
            next.headers(),
            [("X-Cursor".to_owned(), "0:5:0".to_owned())]
        );
    }

    #[test]
    fn numbers_and_keys_go_into_the_body_keeping_their_type() {
        use crate::Method;
        let search = |body: Value| {
            Request::new(Method::POST, Url::parse("http://h/_search").unwrap()).with_body(body)
        };
        let elastic = response(
            "http://h/",
            json!({"hits": [{"id": 1, "sort": [10, "a"]}, {"id": 2, "sort": [20, "b"]}]}),
        )
        .to(search(json!({"size": 2})));
        let next = elastic.next(Strategy::keyset(Target::body("/search_after"), "/sort"));
        assert_eq!(
            next.body(),
            Some(&json!({"size": 2, "search_after": [20, "b"]}))
        );
        let as_text = response("http://h/", json!({"data": [1], "last_page": 3}))
            .to(search(json!({"page": "1"})));
        let next = as_text.next(Strategy::page_number(Target::body("/page")));
        assert_eq!(next.body(), Some(&json!({"page": "2"})));
        let offset =
            response("http://h/", json!({"data": [1, 2, 3]})).to(search(json!({"from": 30})));
        let next = offset.next(Strategy::offset(Target::body("/from")));
        assert_eq!(next.body(), Some(&json!({"from": 33})));
        // A key that is not text cannot go into a query parameter.
        assert!(matches!(
            elastic.step(Strategy::keyset("after", "/sort")),
            Err(Problem::Invalid { .. })
        ));
    }

    #[test]
    fn a_header_token_that_is_not_utf8_is_refused_never_changed() {
        let mut page = response("http://h/x", json!({"value": [1]}));
        page.headers.insert(
            "x-ms-continuationtoken",
            http::HeaderValue::from_bytes(b"caf\xe9").unwrap(),
        );
        let step = page.step(Strategy::cursor(
            Token::header("x-ms-continuationtoken"),
            "continuationToken",
        ));
        assert!(
            matches!(&step, Err(Problem::Invalid { next, .. }) if next.contains("x-ms-continuationtoken")),
            "{step:?}"
        );
    }

    #[test]
    fn a_continue_member_never_changes_the_users_own_parameter() {
        let start = "http://h/w?action=query&status=open";
        let collides = response(
            start,
            json!({"data": [1], "continue": {"status": "deleted"}}),
        )
        .started_at(start);
        assert!(matches!(
            collides.step(Strategy::auto()),
            Err(Problem::Invalid { .. })
        ));
        let repeats = response(
            start,
            json!({"data": [1], "continue": {"status": "open", "c": "B"}}),
        )
        .started_at(start);
        assert_eq!(
            repeats.next_url(Strategy::auto()),
            "http://h/w?action=query&status=open&c=B"
        );
    }
}
