//! The auto-detection rules, each on literal responses.

use crate::Strategy;
use crate::rules::next::{Next, Problem};
use crate::rules::testing::response;
use serde_json::{Value, json};

#[test]
fn auto_prefers_link_header_then_body_url_then_cursor() {
    // A Link header and a body URL that lead to different pages: an error,
    // never one of them silently.
    let page = response(
        "http://h/x?page=1",
        json!({"data": [1], "next_page_url": "http://h/x?page=2"}),
    )
    .link("</x?page=9>; rel=\"next\"");
    assert!(matches!(
        page.step(Strategy::auto()),
        Err(Problem::MoreButNotFound { .. })
    ));
    let agreeing = response(
        "http://h/x?page=1",
        json!({"data": [1], "next_page_url": "http://h/x?page=2"}),
    )
    .link("</x?page=2>; rel=\"next\"");
    assert_eq!(agreeing.next_url(Strategy::auto()), "http://h/x?page=2");
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

fn post(url: &str, body: Value) -> crate::Request {
    crate::Request::new(http::Method::POST, url::Url::parse(url).unwrap()).with_body(body)
}

#[test]
fn a_cursor_for_a_request_with_a_body_is_not_guessed_into_the_query() {
    let url = "http://h/search";
    let page = response(url, json!({"results": [1], "nextCursor": "c2"}))
        .to(post(url, json!({"page_size": 2})));
    match page.step(Strategy::auto()) {
        Err(Problem::MoreButNotFound { evidence, hint }) => {
            assert!(
                evidence.contains("/nextCursor") && evidence.contains("POST"),
                "{evidence}"
            );
            assert!(hint.contains("Target::body(\"/cursor\")"), "{hint}");
        }
        other => panic!("expected an error, got {other:?}"),
    }
    // Notion's list object says where its cursor goes: `start_cursor`, in
    // the body of a query, in the query string of a list.
    let url = "http://h/v1/databases/d/query";
    let notion = json!({"object": "list", "results": [1], "next_cursor": "c2", "has_more": true});
    let query = response(url, notion.clone()).to(post(url, json!({"page_size": 2})));
    assert_eq!(
        query.next(Strategy::auto()).body(),
        Some(&json!({"page_size": 2, "start_cursor": "c2"}))
    );
    let list = response("http://h/v1/users?page_size=2", notion);
    assert_eq!(
        list.next_url(Strategy::auto()),
        "http://h/v1/users?page_size=2&start_cursor=c2"
    );
}

#[test]
fn empty_page_with_a_cursor_is_followed() {
    let page = response("http://h/x", json!({"items": [], "nextCursor": "c9"}));
    assert_eq!(page.next_url(Strategy::auto()), "http://h/x?cursor=c9");
}

#[test]
fn never_ends_silently_when_the_api_says_there_is_more() {
    let page = response("http://h/x", json!([1])).header("X-Next-Page", "2");
    assert!(matches!(
        page.step(Strategy::link_header()),
        Err(Problem::MoreButNotFound { .. })
    ));
    let page = response("http://h/x", json!({"data": [1], "has_more": true}));
    match page.step(Strategy::auto()) {
        Err(Problem::MoreButNotFound { evidence, hint }) => {
            assert_eq!(evidence, "/has_more is true");
            assert!(hint.contains("Strategy explicitly"), "{hint}");
        }
        other => panic!("expected an error, got {other:?}"),
    }
    let azure = response("http://h/x", json!({"count": 1, "value": [1]}))
        .header("x-ms-continuationtoken", "t");
    assert!(matches!(
        azure.step(Strategy::auto()),
        Err(Problem::MoreButNotFound { .. })
    ));
}

/// The next URL auto-detection makes of `body`, the answer to a GET of `url`.
fn next_of(url: &str, body: Value) -> String {
    response(url, body).next_url(Strategy::auto())
}

#[test]
fn next_urls_absolute_host_relative_query_only_and_nested() {
    assert_eq!(
        next_of(
            "http://h/2010-04-01/M.json?PageSize=5",
            json!({"messages": [1], "next_page_uri": "/2010-04-01/M.json?PageSize=5&Page=1&PageToken=PA5"})
        ),
        "http://h/2010-04-01/M.json?PageSize=5&Page=1&PageToken=PA5"
    );
    assert_eq!(
        next_of(
            "http://h/services/data/v65.0/query?q=S",
            json!({"records": [1], "done": false, "nextRecordsUrl": "/services/data/v65.0/query/01g-200"})
        ),
        "http://h/services/data/v65.0/query/01g-200"
    );
    // A query-string-only link changes its parameters and keeps the others.
    assert_eq!(
        next_of(
            "http://h/crm/v3/objects/contacts?limit=5&properties=email",
            json!({"results": [1], "paging": {"next": {"after": "NQ", "link": "?after=NQ"}}})
        ),
        "http://h/crm/v3/objects/contacts?limit=5&properties=email&after=NQ"
    );
    assert_eq!(
        next_of(
            "http://h/api/v1/crates?q=serde&per_page=5&seek=A",
            json!({"crates": [1], "meta": {"next_page": "?q=serde&per_page=5&seek=B"}})
        ),
        "http://h/api/v1/crates?q=serde&per_page=5&seek=B"
    );
    assert_eq!(
        next_of(
            "http://h/api/1.0/tasks?limit=5",
            json!({"data": [1], "next_page": {"offset": "eyJ", "path": "/tasks?limit=5&offset=eyJ", "uri": "http://h/api/1.0/tasks?limit=5&offset=eyJ"}})
        ),
        "http://h/api/1.0/tasks?limit=5&offset=eyJ"
    );
    assert_eq!(
        next_of(
            "http://h/v2/droplets",
            json!({"droplets": [1], "links": {"pages": {"next": "http://h/v2/droplets?page=2"}}})
        ),
        "http://h/v2/droplets?page=2"
    );
}

#[test]
fn end_flags_beat_lingering_links_and_contradictions_are_errors() {
    let zendesk = json!({"tickets": [1], "meta": {"has_more": false, "after_cursor": "x"}, "links": {"next": "http://h/t?page[after]=x"}});
    assert_eq!(
        response("http://h/t", zendesk).step(Strategy::auto()),
        Ok(Next::End)
    );
    let salesforce = json!({"records": [1], "done": true, "totalSize": 1});
    assert_eq!(
        response("http://h/q", salesforce).step(Strategy::auto()),
        Ok(Next::End)
    );
    let facebook = json!({"data": [1], "paging": {"cursors": {"before": "QQ", "after": "QR"}}});
    assert_eq!(
        response("http://h/albums", facebook).step(Strategy::auto()),
        Ok(Next::End)
    );
    let torn = json!({"data": [1], "has_more": true, "isLast": true});
    assert!(matches!(
        response("http://h/x", torn).step(Strategy::auto()),
        Err(Problem::MoreButNotFound { .. })
    ));
    let two =
        json!({"data": [1], "next": "http://h/x?page=2", "links": {"next": "http://h/x?page=3"}});
    match response("http://h/x", two).step(Strategy::auto()) {
        Err(Problem::MoreButNotFound { evidence, .. }) => {
            assert!(evidence.contains("different next pages"), "{evidence}")
        }
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn tokens_go_back_under_their_names() {
    assert_eq!(
        next_of(
            "http://h/api/v1/pods?limit=5",
            json!({"kind": "PodList", "metadata": {"continue": "eyJ", "resourceVersion": "1"}, "items": [1]})
        ),
        "http://h/api/v1/pods?limit=5&continue=eyJ"
    );
    assert_eq!(
        next_of(
            "http://h/works?rows=5&cursor=*",
            json!({"message": {"next-cursor": "DnF+/+/5", "total-results": 23, "items": [1]}})
        ),
        "http://h/works?rows=5&cursor=DnF%2B%2F%2B%2F5"
    );
    assert_eq!(
        next_of(
            "http://h/v0/app/Table?pageSize=5",
            json!({"records": [1], "offset": "itrA/recB"})
        ),
        "http://h/v0/app/Table?pageSize=5&offset=itrA%2FrecB"
    );
    assert_eq!(
        next_of(
            "http://h/2/users/1/tweets",
            json!({"data": [1], "meta": {"result_count": 1, "next_token": "7140"}})
        ),
        "http://h/2/users/1/tweets?token=7140"
    );
    // The cursor just sent, on an empty page: the end (Crossref, Europe PMC).
    let done = response(
        "http://h/works?cursor=C5",
        json!({"message": {"next-cursor": "C5", "items": []}}),
    );
    assert_eq!(done.step(Strategy::auto()), Ok(Next::End));
}

#[test]
fn numbers_plan_the_rest() {
    // Algolia counts pages from 0, up to nbPages - 1.
    let algolia = |page: u64, seen: u64| {
        let hits = if page < 4 {
            json!([1, 2, 3, 4, 5])
        } else {
            json!([1, 2, 3])
        };
        response(
            &format!("http://h/api/v1/search?query=q&page={page}"),
            json!({"hits": hits, "page": page, "nbPages": 5, "hitsPerPage": 5, "nbHits": 23}),
        )
        .seen(seen)
        .step(Strategy::auto())
    };
    match algolia(0, 5) {
        Ok(Next::Follow { request, .. }) => assert_eq!(
            request.url().as_str(),
            "http://h/api/v1/search?query=q&page=1"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(algolia(4, 23), Ok(Next::End));
    assert_eq!(
        next_of(
            "http://h/3/search/movie?query=alien",
            json!({"page": 1, "results": [1], "total_pages": 2, "total_results": 23})
        ),
        "http://h/3/search/movie?query=alien&page=2"
    );
    assert_eq!(
        next_of(
            "http://h/entries?limit=5",
            json!({"sys": {"type": "Array"}, "skip": 0, "limit": 5, "total": 23, "items": [1, 2, 3, 4, 5]})
        ),
        "http://h/entries?limit=5&skip=5"
    );
    let gbif_last =
        json!({"offset": 20, "limit": 5, "endOfRecords": true, "count": 23, "results": [1, 2, 3]});
    assert_eq!(
        response("http://h/o?offset=20", gbif_last).step(Strategy::auto()),
        Ok(Next::End)
    );
    let postgrest = response("http://h/people?limit=5", json!([1, 2, 3, 4, 5]))
        .header("Content-Range", "0-4/23");
    assert_eq!(
        postgrest.next_url(Strategy::auto()),
        "http://h/people?limit=5&offset=5"
    );
    let last = response("http://h/people?limit=5&offset=20", json!([1, 2, 3]))
        .header("Content-Range", "20-22/23");
    assert_eq!(last.step(Strategy::auto()), Ok(Next::End));
}

#[test]
fn mediawiki_continue_members_go_into_the_query() {
    let first = response(
        "http://h/w/api.php?action=query&list=allcategories&format=json",
        json!({"batchcomplete": "", "continue": {"accontinue": "B", "continue": "-||"}, "query": {"allcategories": [1]}}),
    );
    let second = first.next_url(Strategy::auto());
    assert_eq!(
        second,
        "http://h/w/api.php?action=query&list=allcategories&format=json&accontinue=B&continue=-%7C%7C"
    );
    let later = response(
        &second,
        json!({"continue": {"gcmcontinue": "C", "continue": "gcm||"}, "query": {"allcategories": [1]}}),
    )
    .started_at("http://h/w/api.php?action=query&list=allcategories&format=json");
    assert_eq!(
        later.next_url(Strategy::continuation("/continue")),
        "http://h/w/api.php?action=query&list=allcategories&format=json&continue=gcm%7C%7C&gcmcontinue=C"
    );
}

#[test]
fn the_page_parameter_is_the_one_named_so_never_the_page_size() {
    // `per_page=2` carries the current page's number too: it is not the page.
    let page = response(
        "http://h/x?per_page=2&page=2",
        json!({"page": 2, "total_pages": 5, "results": [3, 4]}),
    );
    assert_eq!(
        page.next_url(Strategy::auto()),
        "http://h/x?per_page=2&page=3"
    );
}

#[test]
fn an_empty_page_before_the_announced_end_is_an_error() {
    let offset = response(
        "http://h/x?skip=20&limit=10",
        json!({"skip": 20, "limit": 10, "total": 50, "items": []}),
    );
    assert!(matches!(
        offset.step(Strategy::auto()),
        Err(Problem::MoreButNotFound { .. })
    ));
    let page = response(
        "http://h/x?page=3",
        json!({"page": 3, "total_pages": 5, "results": []}),
    );
    assert!(matches!(
        page.step(Strategy::auto()),
        Err(Problem::MoreButNotFound { .. })
    ));
    let range = response("http://h/x?offset=20", json!([])).header("Content-Range", "*/50");
    assert!(matches!(
        range.step(Strategy::auto()),
        Err(Problem::MoreButNotFound { .. })
    ));
}

#[test]
fn a_walk_started_in_the_middle_ends_at_its_total() {
    let last = response(
        "http://h/x?offset=40&limit=10",
        json!({"offset": 40, "total": 50, "items": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}),
    );
    assert_eq!(last.step(Strategy::auto()), Ok(Next::End));
}

#[test]
fn an_echoed_cursor_on_a_full_page_is_followed_never_a_quiet_end() {
    // The same request again: the walk's loop guard then refuses it, loudly.
    let page = response(
        "http://h/x?cursor=c1",
        json!({"data": [1, 2], "cursor": "c1"}),
    );
    assert_eq!(page.next_url(Strategy::auto()), "http://h/x?cursor=c1");
    // Beside a fresh token, the echo is only a position.
    let both = response(
        "http://h/x?cursor=c1",
        json!({"data": [1], "cursor": "c1", "next_cursor": "c2"}),
    );
    assert_eq!(both.next_url(Strategy::auto()), "http://h/x?cursor=c2");
}

#[test]
fn contradicting_flags_are_an_error_for_explicit_strategies_too() {
    let torn = response(
        "http://h/x",
        json!({"data": [1], "done": true, "has_more": true, "nextCursor": "c"}),
    );
    assert!(matches!(
        torn.step(Strategy::cursor("/nextCursor", "cursor")),
        Err(Problem::MoreButNotFound { .. })
    ));
}

#[test]
fn pagination_no_rule_knows_is_still_evidence() {
    for body in [
        json!({"data": [1], "additional_data": {"pagination": {"more_items_in_collection": true, "next_start": 100}}}),
        json!({"d": {"results": [1], "__next": "https://h/odata/People?$skiptoken=5"}}),
        json!({"tickets": [1], "after_cursor": "x", "end_of_stream": false}),
        json!({"data": [1], "next_page": 2}),
    ] {
        let page = response("http://h/x", body.clone());
        match page.step(Strategy::auto()) {
            Err(Problem::MoreButNotFound { .. }) | Ok(Next::Follow { .. }) => {}
            other => panic!("{body}: {other:?}"),
        }
    }
    // HATEOAS link arrays are followed.
    let hateoas = response(
        "http://h/x",
        json!({"content": [1], "links": [{"rel": "self", "href": "http://h/x"}, {"rel": "next", "href": "http://h/x?page=1"}]}),
    );
    assert_eq!(hateoas.next_url(Strategy::auto()), "http://h/x?page=1");
}

#[test]
fn a_continuation_header_on_an_empty_page_is_evidence() {
    let cosmos =
        response("http://h/docs", json!({"Documents": []})).header("x-ms-continuation", "t2");
    assert!(matches!(
        cosmos.step(Strategy::auto()),
        Err(Problem::MoreButNotFound { .. })
    ));
}

#[test]
fn a_query_only_link_replaces_its_names_as_groups_and_drops_its_fragment() {
    assert_eq!(
        next_of(
            "http://h/x?tag=a&tag=b&limit=5",
            json!({"data": [1], "meta": {"next_page": "?page=2&tag=a&tag=b#top"}})
        ),
        "http://h/x?limit=5&page=2&tag=a&tag=b"
    );
}
