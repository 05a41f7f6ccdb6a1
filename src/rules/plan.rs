//! Knowing every remaining page after the first one, so they can be fetched
//! side by side.
//!
//! A plan exists only when the requests of all remaining pages follow from
//! the first response with certainty: a page count or a total is given, and
//! the pages are addressed by a number or an offset. Cursor and next-link
//! walks stay sequential. A plan is only ever a guess made early: the walk
//! still works out each page's next request by its rule, and drops the plan
//! at the first page where the two differ.

use url::Url;

use super::PageView;
use super::facts::Count;
use super::next::Next;
use super::next::url_at;
use super::target::{counter, read, write};
use crate::Request;
use crate::link_header::find_rel;
use crate::request::{get_param, sorted_pairs, with_param};
use crate::strategy::{Kind, Strategy, Target};

/// The remaining pages: `count` requests made from `base` by writing
/// `first`, `first + step`, ... at `target`.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub base: Request,
    pub target: Target,
    pub first: u64,
    pub step: u64,
    pub count: u64,
}

impl Plan {
    /// The request of the `index`-th remaining page (0-based).
    pub(crate) fn request(&self, index: u64) -> Request {
        let value = self.first.saturating_add(index.saturating_mul(self.step));
        let value = counter(&self.base, &self.target, value);
        // The base already carries a value of this kind at `target`: the rule wrote it there.
        write(&self.base, &self.target, &value).unwrap_or_else(|_| self.base.clone())
    }
}

/// The plan for the pages after `page`, whose next step is `next`.
pub(crate) fn plan(strategy: &Strategy, page: &PageView<'_>, next: &Next) -> Option<Plan> {
    let Next::Follow { request: next, .. } = next else {
        return None;
    };
    match &strategy.kind {
        Kind::PageNumber { target } => {
            let first = number(next, target)?;
            let last = last_page(page, target)?;
            numbered(next, target, first, last)
        }
        Kind::Offset { target } => {
            let first = number(next, target)?;
            let step = page.item_count as u64;
            let total = page.facts.total()?;
            let count = total.checked_sub(first)?.div_ceil(step.max(1));
            (step > 0 && count > 0).then(|| Plan {
                base: next.clone(),
                target: target.clone(),
                first,
                step,
                count,
            })
        }
        Kind::Auto => auto(page, next),
        _ => None,
    }
}

/// Auto-detected walks: the next and last URLs differ in exactly one
/// numeric query parameter, which is then the page number.
fn auto(page: &PageView<'_>, next: &Request) -> Option<Plan> {
    let next_url = next.url();
    let last_url = last_url(page)?;
    let param = next_url.query_pairs().find_map(|(name, value)| {
        let last_value: u64 = get_param(&last_url, &name)?.parse().ok()?;
        value.parse::<u64>().ok()?;
        let same_otherwise = sorted_pairs(&with_param(next_url, &name, &last_value.to_string()))
            == sorted_pairs(&last_url)
            && next_url.path() == last_url.path();
        same_otherwise.then(|| name.into_owned())
    })?;
    let target = Target::query(param.as_str());
    // The next page must be the one after this page, or the plan would skip some.
    let first = number(next, &target)?;
    let current: u64 = get_param(page.request.url(), &param)
        .and_then(|value| value.parse().ok())
        .unwrap_or(1);
    if Some(first) != current.checked_add(1) {
        return None;
    }
    let last = number(&Request::get(last_url), &target)?;
    numbered(next, &target, first, last)
}

fn numbered(base: &Request, target: &Target, first: u64, last: u64) -> Option<Plan> {
    let count = last.checked_sub(first)?.checked_add(1)?;
    Some(Plan {
        base: base.clone(),
        target: target.clone(),
        first,
        step: 1,
        count,
    })
}

fn number(request: &Request, target: &Target) -> Option<u64> {
    read(request, target)?.trim().parse().ok()
}

/// The last page's number: given directly, by the `rel="last"` link, or as
/// the total divided by the page size.
fn last_page(page: &PageView<'_>, target: &Target) -> Option<u64> {
    page.facts
        .count(Count::Pages)
        .or_else(|| last_url(page).and_then(|url| number(&Request::get(url), target)))
        .or_else(|| page.facts.page_count())
}

fn last_url(page: &PageView<'_>) -> Option<Url> {
    if let Some(link) = find_rel(page.links, "last") {
        return page.final_url.join(link.target()).ok();
    }
    ["/last_page_url", "/links/last"]
        .iter()
        .find_map(|pointer| url_at(page.envelope, pointer))
        .and_then(|text| page.final_url.join(text).ok())
}

/// Whether two requests ask the same: the same method, body and headers, and
/// URLs that differ at most in the order of their query parameters (a
/// server's links may order them otherwise than a plan does).
pub(crate) fn same_request(a: &Request, b: &Request) -> bool {
    let (x, y) = (a.url(), b.url());
    a.method() == b.method()
        && a.body() == b.body()
        && a.headers() == b.headers()
        && x.origin() == y.origin()
        && x.path() == y.path()
        && sorted_pairs(x) == sorted_pairs(y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::response;
    use serde_json::Value;

    fn plan_for(
        strategy: Strategy,
        url: &str,
        link: &str,
        body: Value,
        headers: &[(&'static str, &'static str)],
    ) -> Option<Plan> {
        let page = headers
            .iter()
            .fold(response(url, body).link(link), |page, (name, value)| {
                page.header(name, value)
            });
        let next = page.step(strategy.clone()).expect("a next step");
        page.with_view(|view| plan(&strategy, view, &next))
    }

    fn urls(plan: &Plan) -> Vec<String> {
        (0..plan.count)
            .map(|index| plan.request(index).url().to_string())
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
            (plan.target, plan.first, plan.count),
            (Target::query("page[number]"), 2, 2)
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
            Strategy::offset("offset"),
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
