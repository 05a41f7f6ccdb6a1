//! A step of the walk, and how one is built: following a URL, or writing a
//! token into the request that was sent.

use serde_json::{Map, Value};

use super::PageView;
use super::end::more_evidence;
use super::target::write;
use crate::link_header::find_rel;
use crate::request::{get_param, merge_link};
use crate::text::redact;
use crate::{Request, Strategy, Target};
use url::Url;

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
    Invalid {
        next: String,
        reason: String,
    },
    MoreButNotFound {
        evidence: String,
        hint: String,
    },
    /// A custom rule's own message.
    Custom(String),
}

/// The `Link` header's next page; `Some(End)` when Sentry marks it as having no results.
pub(crate) fn link_next(page: &PageView<'_>) -> Result<Option<Next>, Problem> {
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

pub(crate) fn keyset(
    page: &PageView<'_>,
    has_more: Option<bool>,
    target: &Target,
    field: &str,
    via: Strategy,
) -> Result<Next, Problem> {
    if has_more == Some(false) {
        return Ok(Next::End);
    }
    if page.item_count == 0 {
        return end_or_more(page);
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
pub(crate) fn follow_url(page: &PageView<'_>, text: &str, via: Strategy) -> Result<Next, Problem> {
    match resolve(page, text) {
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

/// Where the next-page reference `text` leads from this page. A reference
/// that is only a query string (`?after=NQ`, crates.io's and HubSpot's)
/// names the parameters that change: they replace those of the same name
/// in the page's URL, whose other parameters (the page size, the filters)
/// are kept.
pub(crate) fn resolve(page: &PageView<'_>, text: &str) -> Result<Url, url::ParseError> {
    merge_link(page.final_url, text)
}

/// The next request: the one sent, with `value` written at `target`.
pub(crate) fn follow(
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

pub(crate) fn invalid(value: &Value, reason: &str) -> Problem {
    Problem::Invalid {
        next: value.to_string(),
        reason: reason.to_owned(),
    }
}

/// The next request of a continuation walk (MediaWiki): the request sent,
/// without its parameters named `…continue` (the last page's continuation),
/// with every member of `object` as a query parameter. An empty object is
/// the end.
pub(crate) fn continue_with(
    page: &PageView<'_>,
    members: &Map<String, Value>,
    via: Strategy,
) -> Result<Next, Problem> {
    if members.is_empty() {
        return end_or_more(page);
    }
    // MediaWiki's rule: the original request, plus the latest members; the
    // start URL's query is kept byte for byte.
    let mut request = page.request.clone().with_url(page.start.clone());
    for (name, value) in members {
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Number(_) | Value::Bool(_) => value.to_string(),
            other => {
                return Err(invalid(
                    other,
                    &format!("continuation member {name} is not a value"),
                ));
            }
        };
        // A member may repeat the user's own parameter, never change it.
        if let Some(own) = get_param(page.start, name).filter(|own| *own != text) {
            return Err(invalid(
                value,
                &format!("continuation member {name} would replace the start URL's {name}={own}"),
            ));
        }
        request = request.with_query(name, &text);
    }
    Ok(Next::Follow { request, via })
}

/// An empty page before the end the response itself announces: items were
/// deleted during the walk, or the server ignores the parameter.
pub(crate) fn empty_too_soon(evidence: String) -> Problem {
    Problem::MoreButNotFound {
        evidence,
        hint: "the collection changed during the walk, or the API ignores the page \
               parameter: walk it again, or resume from the checkpoint"
            .into(),
    }
}

/// The end of the walk, unless something in the response says more: then
/// the error names it and what to pass.
pub(crate) fn end_or_more(page: &PageView<'_>) -> Result<Next, Problem> {
    match more_evidence(page) {
        None => Ok(Next::End),
        Some((evidence, hint)) => Err(Problem::MoreButNotFound { evidence, hint }),
    }
}

/// The end an explicit strategy's own signal gives (a null token, a flag it
/// reads): trusted, with a warning when other facts say more.
pub(crate) fn trusted_end(page: &PageView<'_>) -> Result<Next, Problem> {
    if let Some((evidence, _)) = more_evidence(page) {
        log::warn!(
            "page {} ({}): the strategy's end signal ends the walk, although {evidence}",
            page.page,
            redact(page.request.url().as_str())
        );
    }
    Ok(Next::End)
}
