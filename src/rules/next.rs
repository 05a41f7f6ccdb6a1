//! From one response to the next request: the rules of every [`Strategy`].
//!
//! Pure: it sees the response through [`PageView`] and never does I/O, so
//! each rule is tested on literal bodies and headers.

use serde_json::Value;

use super::target::{counter, read, read_token, write};
use super::{PageView, shape};
use crate::Request;
use crate::link_header::find_rel;
use crate::strategy::{Kind, Strategy, Target, Token};

/// Where the walk goes after a page.
// Short-lived, one per page: boxing `Follow` would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, PartialEq)]
pub(crate) enum Next {
    Follow { request: Request, via: Strategy },
    End,
}

/// Why no next request could be made although the walk should go on.
#[derive(Debug, PartialEq)]
pub(crate) enum Problem {
    Invalid { next: String, reason: String },
    MoreButNotFound { evidence: String, hint: String },
}

pub(crate) fn next_step(strategy: &Strategy, page: &PageView<'_>) -> Result<Next, Problem> {
    let has_more = shape::has_more(page.envelope);
    match &strategy.kind {
        Kind::Auto => auto(page, has_more),
        Kind::LinkHeader => match link_next(page)? {
            Some(next) => Ok(next),
            None => end_or_more(page),
        },
        Kind::NextUrl { pointer } => match shape::url_at(page.envelope, pointer) {
            _ if has_more == Some(false) => Ok(Next::End),
            Some(text) => follow_url(page, text, strategy.clone()),
            None => match page.envelope.pointer(pointer) {
                None | Some(Value::Null) | Some(Value::String(_)) => end_or_more(page),
                Some(other) => Err(invalid(other, "not a URL string or an object with href")),
            },
        },
        Kind::Cursor { token, target } => cursor(page, has_more, token, target, strategy),
        Kind::PageNumber { target } => page_number(page, has_more, target, strategy),
        Kind::Offset { target, .. } => offset(page, has_more, target, strategy),
        Kind::Keyset { target, field } => keyset(page, has_more, target, field, strategy.clone()),
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
    match read_token(page, token) {
        None => end_or_more(page),
        Some(Value::String(text)) if text.is_empty() => end_or_more(page),
        Some(value) => follow(page, target, &value, strategy.clone()),
    }
}

fn page_number(
    page: &PageView<'_>,
    has_more: Option<bool>,
    target: &Target,
    strategy: &Strategy,
) -> Result<Next, Problem> {
    if page.item_count == 0 || has_more == Some(false) {
        return Ok(Next::End);
    }
    let current = match read(page.request, target) {
        Some(text) => text.trim().parse::<u64>().map_err(|_| {
            invalid(
                &Value::String(text.clone()),
                "page number is not an integer",
            )
        })?,
        None => shape::current_page(page.envelope).unwrap_or(1),
    };
    let last = shape::last_page(page.envelope, page.headers);
    let total = shape::total(page.envelope, page.headers);
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
    if page.item_count == 0 || has_more == Some(false) {
        return Ok(Next::End);
    }
    let current = match read(page.request, target) {
        Some(text) => text
            .trim()
            .parse::<u64>()
            .map_err(|_| invalid(&Value::String(text.clone()), "offset is not an integer"))?,
        None => 0,
    };
    let next = current.saturating_add(page.item_count as u64);
    if shape::total(page.envelope, page.headers).is_some_and(|total| next >= total) {
        return Ok(Next::End);
    }
    follow(
        page,
        target,
        &counter(page.request, target, next),
        strategy.clone(),
    )
}

fn auto(page: &PageView<'_>, has_more: Option<bool>) -> Result<Next, Problem> {
    if let Some(next) = link_next(page)? {
        return Ok(next);
    }
    if has_more == Some(false) {
        return Ok(Next::End);
    }
    for pointer in shape::NEXT_URL_POINTERS {
        if let Some(text) =
            shape::url_at(page.envelope, pointer).filter(|text| shape::looks_like_url(text))
        {
            return follow_url(page, text, Strategy::next_url(*pointer));
        }
    }
    for (pointer, param) in shape::CURSOR_POINTERS {
        match page.envelope.pointer(pointer) {
            Some(Value::String(text)) if text.is_empty() => {}
            Some(value @ (Value::String(_) | Value::Number(_))) => {
                let via = Strategy::cursor(*pointer, *param);
                return follow(page, &Target::query(*param), value, via);
            }
            _ => {}
        }
    }
    if page.envelope.get("object") == Some(&Value::String("list".into())) && has_more == Some(true)
    {
        let via = Strategy::keyset("starting_after", "/id");
        return keyset(page, has_more, &Target::query("starting_after"), "/id", via);
    }
    end_or_more(page)
}

/// The `Link` header's next page; `Some(End)` when Sentry marks it as having no results.
fn link_next(page: &PageView<'_>) -> Result<Option<Next>, Problem> {
    let Some(link) = find_rel(page.links, "next") else {
        return Ok(None);
    };
    if link
        .param("results")
        .is_some_and(|results| results.eq_ignore_ascii_case("false"))
    {
        return Ok(Some(Next::End));
    }
    follow_url(page, link.target(), Strategy::link_header()).map(Some)
}

fn keyset(
    page: &PageView<'_>,
    has_more: Option<bool>,
    target: &Target,
    field: &str,
    via: Strategy,
) -> Result<Next, Problem> {
    if page.item_count == 0 || has_more == Some(false) {
        return Ok(Next::End);
    }
    let last = (page.last_item)().unwrap_or(Value::Null);
    match last.pointer(field) {
        Some(value) if !value.is_null() => follow(page, target, value, via),
        _ => Err(Problem::Invalid {
            next: field.to_owned(),
            reason: format!("the last item has no value at {field}"),
        }),
    }
}

/// The next request to the URL `text`, resolved against where the page came
/// from; it keeps the request's method and body.
fn follow_url(page: &PageView<'_>, text: &str, via: Strategy) -> Result<Next, Problem> {
    match page.final_url.join(text) {
        Ok(url) => Ok(Next::Follow {
            request: page.request.clone().with_url(url),
            via,
        }),
        Err(error) => Err(Problem::Invalid {
            next: text.to_owned(),
            reason: error.to_string(),
        }),
    }
}

/// The next request: the one sent, with `value` written at `target`.
fn follow(
    page: &PageView<'_>,
    target: &Target,
    value: &Value,
    via: Strategy,
) -> Result<Next, Problem> {
    match write(page.request, target, value) {
        Ok(request) => Ok(Next::Follow { request, via }),
        Err(reason) => Err(invalid(value, &reason)),
    }
}

fn invalid(value: &Value, reason: &str) -> Problem {
    Problem::Invalid {
        next: value.to_string(),
        reason: reason.to_owned(),
    }
}

fn end_or_more(page: &PageView<'_>) -> Result<Next, Problem> {
    match shape::more_evidence(
        page.envelope,
        page.headers,
        page.item_count,
        page.items_seen,
    ) {
        None => Ok(Next::End),
        Some(evidence) => Err(Problem::MoreButNotFound {
            evidence,
            hint: hint(page.envelope),
        }),
    }
}

/// A strategy to suggest, from the names in the body.
fn hint(envelope: &Value) -> String {
    if shape::current_page(envelope).is_some() {
        return "try .strategy(Strategy::page_number(\"page\"))".into();
    }
    let promising = envelope.as_object().and_then(|object| {
        object.keys().find(|key| {
            let key = key.to_ascii_lowercase();
            ["cursor", "token", "after", "next"]
                .iter()
                .any(|word| key.contains(word))
        })
    });
    match promising {
        Some(key) => format!(
            "if \"{key}\" is a cursor, try .strategy(Strategy::cursor(\"/{key}\", \"cursor\"))"
        ),
        None => {
            "choose a Strategy explicitly: next_url, cursor, page_number, offset or keyset".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link_header::{self, Link};
    use http::HeaderMap;
    use serde_json::json;
    use url::Url;

    struct Response {
        url: Url,
        headers: HeaderMap,
        links: Vec<Link>,
        body: Value,
        items: Vec<Value>,
        seen: u64,
    }

    fn response(url: &str, body: Value) -> Response {
        let items = shape::find_items(&body)
            .ok()
            .and_then(|pointer| body.pointer(&pointer).and_then(Value::as_array).cloned())
            .unwrap_or_default();
        Response {
            url: Url::parse(url).expect("test URL"),
            headers: HeaderMap::new(),
            links: Vec::new(),
            seen: items.len() as u64,
            body,
            items,
        }
    }

    impl Response {
        fn link(mut self, value: &str) -> Self {
            self.links = link_header::parse([value]);
            self
        }
        fn header(mut self, name: &'static str, value: &'static str) -> Self {
            self.headers
                .append(name, value.parse().expect("test header"));
            self
        }
        fn seen(mut self, seen: u64) -> Self {
            self.seen = seen;
            self
        }
        fn step(&self, strategy: Strategy) -> Result<Next, Problem> {
            let last = || self.items.last().cloned();
            let request = Request::get(self.url.clone());
            let view = PageView {
                request: &request,
                final_url: &self.url,
                headers: &self.headers,
                links: &self.links,
                envelope: &self.body,
                item_count: self.items.len(),
                items_seen: self.seen,
                last_item: &last,
            };
            next_step(&strategy, &view)
        }
        fn next_url(&self, strategy: Strategy) -> String {
            match self.step(strategy) {
                Ok(Next::Follow { request, .. }) => request.url().to_string(),
                other => panic!("expected a next page, got {other:?}"),
            }
        }
    }

    #[test]
    fn auto_prefers_link_header_then_body_url_then_cursor() {
        let page = response(
            "http://h/x?page=1",
            json!({"data": [1], "next_page_url": "http://h/x?page=2"}),
        )
        .link("</x?page=9>; rel=\"next\"");
        assert_eq!(page.next_url(Strategy::auto()), "http://h/x?page=9");
        let page = response(
            "http://h/x",
            json!({"items": [1], "nextCursor": "c2", "nextPageUrl": "/x?cursor=c2"}),
        );
        assert_eq!(page.next_url(Strategy::auto()), "http://h/x?cursor=c2");
        let page = response(
            "http://h/x?limit=5&cursor=c1",
            json!({"channels": [1], "response_metadata": {"next_cursor": "c2"}}),
        );
        assert_eq!(
            page.next_url(Strategy::auto()),
            "http://h/x?limit=5&cursor=c2"
        );
        let page = response(
            "http://h/x?pageSize=2",
            json!({"things": [1], "nextPageToken": "t"}),
        );
        assert_eq!(
            page.next_url(Strategy::auto()),
            "http://h/x?pageSize=2&pageToken=t"
        );
    }

    #[test]
    fn auto_reads_hal_odata_and_stripe() {
        let hal = response(
            "http://h/orders",
            json!({"_links": {"next": {"href": "/orders?page=2"}}, "_embedded": {"orders": [1]}}),
        );
        assert_eq!(hal.next_url(Strategy::auto()), "http://h/orders?page=2");
        let odata = response(
            "http://h/People",
            json!({"value": [1], "@odata.nextLink": "http://h/People?$skiptoken=8"}),
        );
        assert_eq!(
            odata.next_url(Strategy::auto()),
            "http://h/People?$skiptoken=8"
        );
        let stripe = response(
            "http://h/v1/customers?limit=2&starting_after=cus_1",
            json!({"object": "list", "has_more": true, "data": [{"id": "cus_2"}, {"id": "cus_3"}]}),
        );
        assert_eq!(
            stripe.next_url(Strategy::auto()),
            "http://h/v1/customers?limit=2&starting_after=cus_3"
        );
    }

    #[test]
    fn ends_on_null_empty_or_has_more_false() {
        let ends = |body: Value| response("http://h/x", body).step(Strategy::auto());
        assert_eq!(
            ends(json!({"data": [1], "next_page_url": null})),
            Ok(Next::End)
        );
        assert_eq!(
            ends(json!({"channels": [1], "response_metadata": {"next_cursor": ""}})),
            Ok(Next::End)
        );
        assert_eq!(
            ends(json!({"items": [1], "hasMore": false, "nextCursor": "stale"})),
            Ok(Next::End)
        );
        let sentry = response("http://h/x", json!([1]))
            .link("<http://h/x?cursor=2>; rel=\"next\"; results=\"false\"");
        assert_eq!(sentry.step(Strategy::auto()), Ok(Next::End));
    }

    #[test]
    fn empty_page_with_a_cursor_is_followed() {
        let page = response("http://h/x", json!({"items": [], "nextCursor": "c9"}));
        assert_eq!(page.next_url(Strategy::auto()), "http://h/x?cursor=c9");
    }

    #[test]
    fn never_ends_silently_when_the_api_says_there_is_more() {
        let page = response(
            "http://h/x",
            json!({"data": [1], "current_page": 1, "last_page": 3}),
        );
        match page.step(Strategy::auto()) {
            Err(Problem::MoreButNotFound { evidence, hint }) => {
                assert_eq!(evidence, "current_page 1 < last_page 3");
                assert!(hint.contains("page_number"), "{hint}");
            }
            other => panic!("expected an error, got {other:?}"),
        }
        let page = response("http://h/x", json!([1])).header("X-Next-Page", "2");
        assert!(matches!(
            page.step(Strategy::link_header()),
            Err(Problem::MoreButNotFound { .. })
        ));
        let page = response(
            "http://h/x",
            json!({"data": [1], "has_more": true, "after": "z"}),
        );
        match page.step(Strategy::auto()) {
            Err(Problem::MoreButNotFound { hint, .. }) => {
                assert!(hint.contains("\"/after\""), "{hint}")
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }

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
            page.next_url(Strategy::offset("offset", "limit")),
            "http://h/x?limit=100&offset=13"
        );
        let last = response(
            "http://h/x?offset=18",
            json!({"results": [1, 2], "next": null, "count": 20}),
        );
        assert_eq!(
            last.step(Strategy::offset("offset", "limit")),
            Ok(Next::End)
        );
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
}
