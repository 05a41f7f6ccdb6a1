//! Knowing every remaining page after the first one, so they can be fetched
//! side by side.
//!
//! A plan exists only when the URLs of all remaining pages follow from the
//! first response with certainty: a page count or a total is given, and the
//! pages are addressed by a number or an offset. Cursor and next-link walks
//! stay sequential.

use url::Url;

use crate::link_header::find_rel;
use crate::next::{Next, PageView};
use crate::query::{get_param, with_param};
use crate::shape;
use crate::strategy::{Kind, Strategy};

/// The remaining pages: `count` URLs made from `base` by setting `param` to
/// `first`, `first + step`, ...
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub base: Url,
    pub param: String,
    pub first: u64,
    pub step: u64,
    pub count: u64,
    /// How each planned page leads to the next.
    pub via: Strategy,
}

impl Plan {
    /// The URL of the `index`-th remaining page (0-based).
    pub(crate) fn url(&self, index: u64) -> Url {
        let value = self.first.saturating_add(index.saturating_mul(self.step));
        with_param(&self.base, &self.param, &value.to_string())
    }
}

/// The plan for the pages after `page`, whose next step is `next`.
pub(crate) fn plan(strategy: &Strategy, page: &PageView<'_>, next: &Next) -> Option<Plan> {
    let Next::Follow { url: next_url, .. } = next else {
        return None;
    };
    match &strategy.kind {
        Kind::PageNumber { param } => {
            let first = number(next_url, param)?;
            let last = last_page(page, param)?;
            numbered(next_url, param, first, last)
        }
        Kind::Offset { offset_param, .. } => {
            let first = number(next_url, offset_param)?;
            let step = page.item_count as u64;
            let total = shape::total(page.envelope, page.headers)?;
            let count = total.checked_sub(first)?.div_ceil(step.max(1));
            let base = next_url.clone();
            (step > 0 && count > 0).then(|| Plan {
                base,
                param: offset_param.clone(),
                first,
                step,
                count,
                via: strategy.clone(),
            })
        }
        Kind::Auto => auto(page, next_url),
        _ => None,
    }
}

/// Auto-detected walks: the next and last URLs differ in exactly one
/// numeric query parameter, which is then the page number.
fn auto(page: &PageView<'_>, next_url: &Url) -> Option<Plan> {
    let last_url = last_url(page)?;
    let param = next_url.query_pairs().find_map(|(name, value)| {
        let last_value: u64 = get_param(&last_url, &name)?.parse().ok()?;
        value.parse::<u64>().ok()?;
        let same_otherwise = sorted_pairs(&with_param(next_url, &name, &last_value.to_string()))
            == sorted_pairs(&last_url)
            && next_url.path() == last_url.path();
        same_otherwise.then(|| name.into_owned())
    })?;
    // The next page must be the one after this page, or the plan would skip some.
    let first = number(next_url, &param)?;
    let current: u64 = get_param(page.request_url, &param)
        .and_then(|value| value.parse().ok())
        .unwrap_or(1);
    if Some(first) != current.checked_add(1) {
        return None;
    }
    numbered(next_url, &param, first, number(&last_url, &param)?)
}

fn numbered(base: &Url, param: &str, first: u64, last: u64) -> Option<Plan> {
    let count = last.checked_sub(first)?.checked_add(1)?;
    Some(Plan {
        base: base.clone(),
        param: param.to_owned(),
        first,
        step: 1,
        count,
        via: Strategy::page_number(param),
    })
}

fn number(url: &Url, param: &str) -> Option<u64> {
    get_param(url, param)?.trim().parse().ok()
}

/// The last page's number: given directly, by the `rel="last"` link, or as
/// the total divided by the page size.
fn last_page(page: &PageView<'_>, param: &str) -> Option<u64> {
    shape::last_page(page.envelope, page.headers)
        .or_else(|| last_url(page).and_then(|url| number(&url, param)))
        .or_else(|| {
            let total = shape::total(page.envelope, page.headers)?;
            let per_page = per_page(page)?;
            (per_page > 0).then(|| total.div_ceil(per_page))
        })
}

fn per_page(page: &PageView<'_>) -> Option<u64> {
    ["Per-Page", "X-Per-Page"]
        .iter()
        .find_map(|name| shape::header(page.headers, name))
        .or_else(|| shape::field(page.envelope, "/per_page"))
        .or_else(|| shape::field(page.envelope, "/meta/per_page"))
}

fn last_url(page: &PageView<'_>) -> Option<Url> {
    if let Some(link) = find_rel(page.links, "last") {
        return page.final_url.join(link.target()).ok();
    }
    ["/last_page_url", "/links/last"]
        .iter()
        .find_map(|pointer| shape::url_at(page.envelope, pointer))
        .and_then(|text| page.final_url.join(text).ok())
}

fn sorted_pairs(url: &Url) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link_header;
    use serde_json::Value;
    use ureq::http::HeaderMap;

    fn plan_for(
        strategy: Strategy,
        url: &str,
        link: &str,
        body: Value,
        headers: &[(&'static str, &'static str)],
    ) -> Option<Plan> {
        let url = Url::parse(url).expect("test URL");
        let links = link_header::parse([link]);
        let mut header_map = HeaderMap::new();
        for (name, value) in headers {
            header_map.append(*name, value.parse().expect("test header"));
        }
        let items = shape::find_items(&body)
            .ok()
            .and_then(|p| body.pointer(&p).and_then(Value::as_array).map(Vec::len))
            .unwrap_or(0);
        let none = || None;
        let view = PageView {
            request_url: &url,
            final_url: &url,
            headers: &header_map,
            links: &links,
            envelope: &body,
            item_count: items,
            items_seen: items as u64,
            last_item: &none,
        };
        let next = crate::next::next_step(&strategy, &view).expect("a next step");
        plan(&strategy, &view, &next)
    }

    fn urls(plan: &Plan) -> Vec<String> {
        (0..plan.count)
            .map(|index| plan.url(index).to_string())
            .collect()
    }

    #[test]
    fn auto_plans_from_next_and_last_links() {
        let link = "<http://h/items?per_page=5&page=2>; rel=\"next\", <http://h/items?per_page=5&page=4>; rel=\"last\"";
        let plan = plan_for(
            Strategy::auto(),
            "http://h/items?per_page=5",
            link,
            serde_json::json!([1, 2, 3, 4, 5]),
            &[],
        )
        .expect("a plan");
        assert_eq!(
            urls(&plan),
            [
                "http://h/items?per_page=5&page=2",
                "http://h/items?per_page=5&page=3",
                "http://h/items?per_page=5&page=4"
            ]
        );
    }

    #[test]
    fn auto_plans_from_laravel_body() {
        let body = serde_json::json!({
            "data": [1], "current_page": 1, "last_page": 3,
            "next_page_url": "http://h/p?page%5Bnumber%5D=2",
            "last_page_url": "http://h/p?page%5Bnumber%5D=3",
        });
        let plan = plan_for(Strategy::auto(), "http://h/p", "", body, &[]).expect("a plan");
        assert_eq!(
            (plan.param.as_str(), plan.first, plan.count),
            ("page[number]", 2, 2)
        );
    }

    #[test]
    fn no_plan_for_cursors_or_without_a_last_page() {
        let cursor = serde_json::json!({"items": [1], "nextCursor": "abc"});
        assert!(plan_for(Strategy::auto(), "http://h/t", "", cursor, &[]).is_none());
        let open_ended = "<http://h/items?page=2>; rel=\"next\"";
        assert!(
            plan_for(
                Strategy::auto(),
                "http://h/items",
                open_ended,
                serde_json::json!([1]),
                &[]
            )
            .is_none()
        );
    }

    #[test]
    fn page_number_plans_from_total_and_per_page() {
        let plan = plan_for(
            Strategy::page_number("page"),
            "http://h/x?page=1",
            "",
            serde_json::json!([1, 2]),
            &[("Total", "7"), ("Per-Page", "2")],
        )
        .expect("a plan");
        assert_eq!((plan.first, plan.count), (2, 3));
    }

    #[test]
    fn offset_plans_by_items_received() {
        let body = serde_json::json!({"results": [1, 2, 3], "next": null, "count": 10});
        let plan = plan_for(
            Strategy::offset("offset", "limit"),
            "http://h/x?limit=3",
            "",
            body,
            &[],
        )
        .expect("a plan");
        assert_eq!(
            urls(&plan),
            [
                "http://h/x?limit=3&offset=3",
                "http://h/x?limit=3&offset=6",
                "http://h/x?limit=3&offset=9"
            ]
        );
    }
}
