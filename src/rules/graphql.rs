//! GraphQL connections: `pageInfo { hasNextPage endCursor }` beside `nodes`
//! or `edges { node }`, and the query variable the next page's cursor goes in.
//!
//! The request is `POST {"query": .., "variables": {..}}`; the next one is the
//! same with `endCursor` in the variable the query passes as the
//! connection's `after:` argument (found in the query text, or named).

use serde_json::Value;

use super::facts::{Fact, Says};
use super::step::{Next, Problem, follow, invalid};
use super::step::{end_or_more, trusted_end};
use super::{PageView, shape};
use crate::{Request, Strategy, Target};

/// Whether `request` is a GraphQL query: its body has a `query` string.
pub(crate) fn is_query(request: &Request) -> bool {
    request.body_field("/query").is_some_and(Value::is_string)
}

/// The next step after a page of the connection the items came from.
/// `variable` names the cursor's variable; by default it is found in the query.
pub(crate) fn next_step(
    page: &PageView<'_>,
    variable: Option<&str>,
    via: Strategy,
) -> Result<Next, Problem> {
    let Some(connection) = shape::connection_of(page.items_pointer) else {
        return Err(Problem::Invalid {
            next: page.items_pointer.to_owned(),
            reason: "the items are not the nodes or edges of a GraphQL connection \
                     (an object with pageInfo under data); point items_at at one"
                .into(),
        });
    };
    let info = page.envelope.pointer(&format!("{connection}/pageInfo"));
    // Read as every flag is: `"true"` and `1` say more too.
    let has_next = match page.facts.at(&format!("{connection}/pageInfo/hasNextPage")) {
        Some(Fact {
            says: Says::More(more),
            ..
        }) => Some(*more),
        Some(fact) => {
            return Err(invalid(
                &Value::String(fact.shown()),
                "hasNextPage is not a flag",
            ));
        }
        None => None,
    };
    let cursor = info.and_then(|info| info.get("endCursor"));
    match (has_next, cursor) {
        (Some(false), _) => trusted_end(page),
        (Some(true), Some(cursor @ Value::String(text))) if !text.is_empty() => {
            let variable = match variable {
                Some(variable) => variable.to_owned(),
                None => after_variable(page.request, connection)?,
            };
            follow(
                page,
                &Target::body(format!("/variables/{variable}")),
                cursor,
                via,
            )
        }
        (Some(true), _) => Err(Problem::MoreButNotFound {
            evidence: format!("{connection}/pageInfo/hasNextPage is true"),
            hint: "ask for pageInfo { hasNextPage endCursor } in the query".into(),
        }),
        (None, _) => end_or_more(page),
    }
}

/// The variable the query passes as the `after:` argument of the field
/// whose result is at `connection` (its last key, an alias or the field).
fn after_variable(request: &Request, connection: &str) -> Result<String, Problem> {
    let query = request
        .body_field("/query")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let field = connection.rsplit('/').next().unwrap_or_default();
    let of_field = arguments_of(query, field).and_then(after_in);
    let anywhere: Vec<&str> = query
        .match_indices("after")
        .filter_map(|(at, _)| after_in(&query[at..]))
        .collect();
    match (of_field, anywhere.as_slice()) {
        (Some(variable), _) | (None, &[variable]) => Ok(variable.to_owned()),
        _ => Err(Problem::Invalid {
            next: field.to_owned(),
            reason: format!(
                "cannot tell which variable of the query takes the cursor of {field}: \
                 pass Strategy::graphql_variable(\"name\")"
            ),
        }),
    }
}

/// The text between the parentheses after `field` (or `field: realField`)
/// in `query`, if the field has arguments.
fn arguments_of<'q>(query: &'q str, field: &str) -> Option<&'q str> {
    query.match_indices(field).find_map(|(at, _)| {
        let before = query[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let mut rest = query[at + field.len()..].trim_start();
        if let Some(aliased) = rest.strip_prefix(':') {
            let aliased = aliased.trim_start();
            let name_end = aliased.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
            rest = aliased[name_end..].trim_start();
        }
        let inside = rest.strip_prefix('(')?;
        Some(&inside[..inside.find(')')?])
    })
}

/// `$name` in `after: $name` at the start of `text` (or anywhere in an
/// argument list).
fn after_in(text: &str) -> Option<&str> {
    let at = text.find("after")?;
    let rest = text[at + "after".len()..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    let name = rest.strip_prefix('$')?;
    let end = name
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    (end > 0).then(|| &name[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::response;
    use crate::{Method, Url};
    use serde_json::json;

    fn query(text: &str, variables: Value) -> Request {
        Request::new(Method::POST, Url::parse("http://h/graphql").unwrap())
            .with_body(json!({"query": text, "variables": variables}))
    }

    const ISSUES: &str = "query($owner: String!, $cursor: String) { repository(owner: $owner) { \
                          issues(first: 2, after: $cursor) { nodes { number } pageInfo { hasNextPage endCursor } } } }";

    fn page(has_next: impl Into<Value>, cursor: Value) -> Value {
        let has_next = has_next.into();
        json!({"data": {"repository": {"issues": {
            "nodes": [{"number": 1}, {"number": 2}],
            "pageInfo": {"hasNextPage": has_next, "endCursor": cursor}}}}})
    }

    #[test]
    fn the_cursor_goes_in_the_variable_the_connection_takes_after() {
        let first = response("http://h/graphql", page(true, json!("Y3Vyc29yOjI=")))
            .to(query(ISSUES, json!({"owner": "octo"})));
        let next = first.next(Strategy::graphql());
        assert_eq!(
            next.body(),
            Some(
                &json!({"query": ISSUES, "variables": {"owner": "octo", "cursor": "Y3Vyc29yOjI="}})
            )
        );
        let last = response("http://h/graphql", page(false, json!("Y3Vyc29yOjQ=")))
            .to(query(ISSUES, json!({})));
        assert_eq!(last.step(Strategy::graphql()), Ok(Next::End));
        // Auto-detected from the query and the one pageInfo.
        assert_eq!(first.next(Strategy::auto()), next);
        // A flag in another JSON type is read as every flag is.
        for more in [json!("true"), json!(1)] {
            let page = response("http://h/graphql", page(more, json!("Y3Vyc29yOjI=")))
                .to(query(ISSUES, json!({"owner": "octo"})));
            assert_eq!(page.next(Strategy::auto()), next);
        }
    }

    #[test]
    fn aliases_edges_and_a_named_variable() {
        let aliased = "query($endCursor: String, $other: String) { shop { items: products(first: 5, after: $endCursor) \
                       { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }";
        let body = json!({"data": {"shop": {"items": {
            "edges": [{"cursor": "a", "node": {"id": 1}}],
            "pageInfo": {"hasNextPage": true, "endCursor": "a"}}}}});
        let first = response("http://h/graphql", body.clone()).to(query(aliased, json!({})));
        assert_eq!(
            first
                .next(Strategy::graphql())
                .body_field("/variables/endCursor"),
            Some(&json!("a"))
        );
        let unclear = "query($a: String, $b: String) { x(after: $a) { id } y(after: $b) { id } }";
        let page = response("http://h/graphql", body).to(query(unclear, json!({})));
        assert!(matches!(
            page.step(Strategy::graphql()),
            Err(Problem::Invalid { .. })
        ));
        assert_eq!(
            page.next(Strategy::graphql_variable("b"))
                .body_field("/variables/b"),
            Some(&json!("a"))
        );
    }

    #[test]
    fn more_without_a_cursor_is_an_error_naming_it() {
        let page =
            response("http://h/graphql", page(true, Value::Null)).to(query(ISSUES, json!({})));
        assert!(matches!(
            page.step(Strategy::graphql()),
            Err(Problem::MoreButNotFound { .. })
        ));
    }
}
