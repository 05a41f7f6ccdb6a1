//! Auto-detection: which style a response speaks.

use serde_json::Value;

use super::step::{Next, Problem, end_or_more, follow, follow_url, keyset, link_next};
use super::{PageView, graphql, shape};
use crate::{Strategy, Target};

/// The next step of [`Strategy::auto`].
pub(super) fn next_step(page: &PageView<'_>, has_more: Option<bool>) -> Result<Next, Problem> {
    if graphql::is_query(page.request) && shape::connection_of(page.items_pointer).is_some() {
        return graphql::next_step(page, None, Strategy::graphql());
    }
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
            Some(Value::String(_) | Value::Number(_)) if page.request.body().is_some() => {
                return Err(cursor_for_a_body(page, pointer));
            }
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

/// A cursor in the answer to a request with a body: it may go back in the
/// body (Notion's `start_cursor`) or in the query, and guessing wrong would
/// fetch the first page again.
fn cursor_for_a_body(page: &PageView<'_>, pointer: &str) -> Problem {
    Problem::MoreButNotFound {
        evidence: format!(
            "a cursor at {pointer}, in the answer to a {} with a JSON body",
            page.request.method()
        ),
        hint: format!(
            "say where the cursor goes back: .strategy(Strategy::cursor(\"{pointer}\", \
             Target::body(\"/start_cursor\"))) for a body field such as Notion's, or \
             Strategy::cursor(\"{pointer}\", \"cursor\") for a query parameter \
             (CLI: --cursor {pointer} --cursor-body /start_cursor)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::Strategy;
    use crate::rules::next::{Next, Problem};
    use crate::rules::testing::response;
    use serde_json::{Value, json};

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
    fn a_cursor_for_a_request_with_a_body_is_not_guessed_into_the_query() {
        let url = url::Url::parse("http://h/v1/databases/d/query").unwrap();
        let query = crate::Request::new(http::Method::POST, url).with_body(json!({"page_size": 2}));
        let page = response(
            "http://h/v1/databases/d/query",
            json!({"object": "list", "results": [1], "next_cursor": "c2", "has_more": true}),
        )
        .to(query);
        match page.step(Strategy::auto()) {
            Err(Problem::MoreButNotFound { evidence, hint }) => {
                assert!(
                    evidence.contains("/next_cursor") && evidence.contains("POST"),
                    "{evidence}"
                );
                assert!(hint.contains("Target::body"), "{hint}");
            }
            other => panic!("expected an error, got {other:?}"),
        }
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
}
