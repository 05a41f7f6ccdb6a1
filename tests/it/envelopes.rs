//! The arrays beside the items that a rule reads are read on every page,
//! not only on the first, whose whole body detection reads.

use fixture::{Fixture, Item, Reply, expected_names, items_json, names, walk};
use serde_json::json;

#[test]
fn hateoas_links_beside_the_items_are_followed_on_every_page() {
    let server = Fixture::start();
    server.route("/orders", |request| {
        let page: u64 = request
            .param("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let mut links = vec![json!({"rel": "self", "href": format!("/orders?page={page}")})];
        if page < 3 {
            links.push(json!({"rel": "next", "href": format!("/orders?page={}", page + 1)}));
        }
        Reply::json(json!({"items": items_json((page - 1) * 2 + 1..=page * 2), "links": links}))
    });
    let (items, error) = walk::<Item>(server.paginator("/orders?page=1"));
    assert!(error.is_none(), "{error:?}");
    assert_eq!(names(&items), expected_names(6));
    assert_eq!(server.request_count(), 3);
}
