//! What follows a page: its next request, worked out by the strategy's rule
//! (or taken from a plan), checked against the origin policy and the loop
//! guard.

use serde_json::Value;

use super::{Observer, Walk};
use crate::http::Response;
use crate::http::origin::{Outgoing, admit};
use crate::link_header::Link;
use crate::rules::PageView;
use crate::rules::decode;
use crate::rules::facts::Facts;
use crate::rules::next::{Next, Problem, next_step};
use crate::walk::guard::Sample;
use crate::walk::limits::Cut;
use crate::{Error, ErrorKind, Strategy};

/// One page as it arrived, for working out what follows it.
pub(super) struct Arrived<'a> {
    pub sent: &'a Outgoing,
    pub response: &'a Response,
    pub links: &'a [Link],
    pub envelope: &'a Value,
    pub pointer: &'a str,
    pub last_item: &'a Option<Value>,
    pub sample: &'a Sample,
    pub page_len: usize,
    /// The whole body, for a custom strategy.
    pub body: Option<&'a Value>,
    /// The body's bytes when the page's raw items keep them.
    pub kept_body: Option<&'a [u8]>,
    pub facts: &'a Facts<'a>,
}

/// What follows a page: the next request, or the error that ends the walk
/// after its items.
pub(super) struct Step {
    pub next: Option<(Outgoing, Strategy)>,
    pub error: Option<Error>,
    /// The next request could not be worked out, but no page after this one
    /// is wanted anyway.
    pub unresolved: bool,
}

impl Step {
    pub(super) fn failed(error: Error) -> Step {
        Step {
            next: None,
            error: Some(error),
            unresolved: false,
        }
    }
}

impl Walk {
    /// Works out what follows the page that `arrived`.
    pub(super) fn step(&mut self, arrived: &Arrived<'_>, cut: &Cut, observe: Observer<'_>) -> Step {
        let number = self.position.page;
        // A copy: the view must not hold the walk, which the step moves on.
        let start = self
            .start
            .clone()
            .unwrap_or_else(|| arrived.response.final_url.clone());
        let last = || {
            arrived.last_item.clone().or_else(|| {
                let body = arrived.sample.body().or(arrived.kept_body)?;
                decode::last_item(body, arrived.pointer)
            })
        };
        let view = PageView {
            request: &arrived.sent.request,
            final_url: &arrived.response.final_url,
            start: &start,
            page: number,
            status: arrived.response.status,
            headers: &arrived.response.headers,
            links: arrived.links,
            envelope: arrived.envelope,
            items_pointer: arrived.pointer,
            item_count: arrived.page_len,
            items_seen: self.position.items_seen + arrived.page_len as u64,
            last_item: &last,
            body: arrived.body,
            earlier_total: self.learned.total,
            facts: arrived.facts,
        };
        match self.next_after(&view, number, observe) {
            Ok(next) => Step {
                next,
                error: None,
                unresolved: false,
            },
            // A problem with a page the limits will never fetch is not reported,
            // but the checkpoint stays on this page so a resumed walk meets it.
            Err(_) if cut.limit_met => Step {
                next: None,
                error: None,
                unresolved: true,
            },
            Err(error) => Step::failed(error),
        }
    }

    /// The next request after the page seen through `view`, checked against
    /// the origin policy and the loop guard.
    fn next_after(
        &mut self,
        view: &PageView<'_>,
        number: u64,
        observe: Observer<'_>,
    ) -> Result<Option<(Outgoing, Strategy)>, Error> {
        // Every page's next request follows the strategy's rule, planned or
        // not: a plan is a guess, which the concurrent source checks against it.
        let step = next_step(&self.settings.strategy, view)
            .map_err(|problem| problem_error(problem).at(number, view.request.url().as_str()))?;
        observe(view, &step);
        let Next::Follow { request, via } = step else {
            return Ok(None);
        };
        // Checked from where the page really came from, after any redirect.
        let from = view.final_url;
        let start = self.start.as_ref().unwrap_or(from);
        let outgoing = admit(
            start,
            from,
            request,
            self.settings.allow_cross_origin,
            number,
        )?;
        self.guard
            .check(&outgoing.request, number, from, view.item_count == 0)?;
        Ok(Some((outgoing, via)))
    }
}

fn problem_error(problem: Problem) -> Error {
    match problem {
        Problem::Invalid { next, reason } => Error::new(ErrorKind::InvalidNext { next, reason }),
        Problem::MoreButNotFound { evidence, hint } => {
            Error::new(ErrorKind::NextNotFound { evidence, hint })
        }
        Problem::Custom(message) => Error::new(ErrorKind::CustomStrategy { message }),
    }
}
