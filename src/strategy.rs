//! How the next page is found, and where its token goes in the next request.

use std::fmt;
use std::sync::Arc;

use crate::Request;
use crate::custom::{CustomRule, PageResponse};

/// How the next page is found after each response.
///
/// The default, [`Strategy::auto`], detects the API's style on every
/// response. Choose one explicitly when detection guesses wrong, or to make
/// the walk's behaviour independent of what the server happens to send.
///
/// Strategies that write something into the next request (a cursor, a page
/// number, an offset, the last item's key) take a [`Target`]: a plain string
/// is a query parameter, [`Target::body`] a field of the JSON body and
/// [`Target::header`] a request header. Where a cursor is read from is a
/// [`Token`]: a plain string is a JSON pointer into the response body.
///
/// ```
/// use pagewalk::{Paginator, Strategy, Target, Token};
///
/// // Slack-style cursors, sent back as `?cursor=`.
/// let slack = Strategy::cursor("/response_metadata/next_cursor", "cursor");
/// // Notion's database query: the cursor goes back in the POST body.
/// let notion = Strategy::cursor("/next_cursor", Target::body("/start_cursor"));
/// // Azure DevOps: a response header, sent back as a query parameter.
/// let azure = Strategy::cursor(Token::header("x-ms-continuationtoken"), "continuationToken");
/// # let _ = (slack, notion, azure);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Strategy {
    pub(crate) kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Kind {
    #[default]
    Auto,
    LinkHeader,
    NextUrl {
        pointer: String,
    },
    Cursor {
        token: Token,
        target: Target,
    },
    PageNumber {
        target: Target,
    },
    Offset {
        target: Target,
    },
    Keyset {
        target: Target,
        field: String,
    },
    Graphql {
        variable: Option<String>,
    },
    Custom(CustomRule),
    Continuation {
        pointer: String,
    },
}

/// Where a strategy reads the next page's token from, in a response.
///
/// A string converts into [`Token::body`]: `Strategy::cursor("/next_cursor", ..)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token(pub(crate) TokenAt);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenAt {
    Body(String),
    Header(String),
    LinkParam { rel: String, param: String },
}

impl Token {
    /// The string or number at the JSON pointer `pointer` of the body.
    pub fn body(pointer: impl Into<String>) -> Token {
        Token(TokenAt::Body(pointer.into()))
    }

    /// The value of the response header `name` (Azure DevOps'
    /// `x-ms-continuationtoken`); compared without case.
    pub fn header(name: impl Into<String>) -> Token {
        Token(TokenAt::Header(name.into()))
    }

    /// The parameter `param` of the `Link` header's link with relation
    /// `rel` (Sentry's `cursor` on `rel="next"`).
    pub fn link(rel: impl Into<String>, param: impl Into<String>) -> Token {
        Token(TokenAt::LinkParam {
            rel: rel.into(),
            param: param.into(),
        })
    }
}

/// `From` every kind of string, through `constructor`.
macro_rules! from_strings {
    ($type:ty, $constructor:path) => {
        impl From<&str> for $type {
            fn from(text: &str) -> $type {
                $constructor(text)
            }
        }

        impl From<String> for $type {
            fn from(text: String) -> $type {
                $constructor(text)
            }
        }

        impl From<&String> for $type {
            fn from(text: &String) -> $type {
                $constructor(text.as_str())
            }
        }
    };
}

from_strings!(Token, Token::body);

/// Where a strategy writes into the next request: a query parameter, a field
/// of the JSON body, or a header.
///
/// A string converts into [`Target::query`]: `Strategy::page_number("page")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target(pub(crate) TargetAt);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TargetAt {
    Query(String),
    Body(String),
    Header(String),
}

impl Target {
    /// The query parameter `name` (e.g. `cursor` or `page[number]`), set in
    /// place in the previous request's URL; every other parameter stays byte
    /// for byte.
    pub fn query(name: impl Into<String>) -> Target {
        Target(TargetAt::Query(name.into()))
    }

    /// The field at the JSON pointer `pointer` of the request body (e.g.
    /// `"/start_cursor"` or `"/pagination/starting_after"`); objects on the
    /// way are created, every other field is sent as given.
    pub fn body(pointer: impl Into<String>) -> Target {
        Target(TargetAt::Body(pointer.into()))
    }

    /// The request header `name`.
    pub fn header(name: impl Into<String>) -> Target {
        Target(TargetAt::Header(name.into()))
    }
}

from_strings!(Target, Target::query);

impl Strategy {
    /// Detects the style on every response, by rules stated once; names are
    /// compared without case, `_`, `-`, `.`, `@` or `$`. First match wins:
    ///
    /// 1. a GraphQL connection, for a request with a `query`;
    /// 2. a flag that says this is the last page (`has_more: false`,
    ///    `isLast: true`, `done: true`, `endOfRecords: true`, ...) ends the
    ///    walk, whatever next link lingers;
    /// 3. an RFC 8288 `Link` header with `rel="next"`;
    /// 4. a next-page URL in the body (`next`, `next_page_url`,
    ///    `next_page_uri`, `@odata.nextLink`, `nextRecordsUrl`, or the
    ///    `href`/`uri`/`url`/`link` of such an object, at the top or in
    ///    `meta`, `links`, `paging`, ...): absolute, host-relative, or a
    ///    query string that changes the current URL's parameters;
    /// 5. a top-level `continue` object (MediaWiki), see [`Strategy::continuation`];
    /// 6. a token (`next_cursor`, `nextPageToken`, `next-cursor`,
    ///    `metadata.continue`, `after`, a string `offset`, ...) sent back
    ///    under its name without `next`; Notion's list object sends
    ///    `next_cursor` back as `start_cursor`;
    /// 7. a Stripe list (`"object": "list"`, `has_more`): the last item's `id`
    ///    sent back as `starting_after`;
    /// 8. a page number with a page count or total (`page`/`total_pages`,
    ///    `page`/`nbPages` counted from 0, `current_page`/`last_page`);
    /// 9. a position with a total, a flag or a range (`skip`/`total`,
    ///    `startAt`/`total`, `offset`/`endOfRecords`, `Content-Range`).
    ///
    /// Otherwise the walk ends, unless the response says there is more (a
    /// flag, a next link or token no rule read, a continuation header, a
    /// page count or total not reached): then the walk fails with
    /// [`ErrorKind::NextNotFound`](crate::ErrorKind::NextNotFound), naming
    /// the evidence and the strategy to pass, rather than silently dropping
    /// data.
    pub fn auto() -> Strategy {
        Strategy { kind: Kind::Auto }
    }

    /// Follows the `Link` header's `rel="next"` (GitHub, GitLab, Procore), and
    /// ends when there is none, or when it carries `results="false"` (Sentry).
    pub fn link_header() -> Strategy {
        Strategy {
            kind: Kind::LinkHeader,
        }
    }

    /// Follows the URL found in the body at the JSON pointer `pointer`: a
    /// string, absolute or relative, or an object with an `href`. Ends when it
    /// is missing, `null` or empty.
    ///
    /// ```
    /// let next = pagewalk::Strategy::next_url("/next_page_url");
    /// # let _ = next;
    /// ```
    pub fn next_url(pointer: impl Into<String>) -> Strategy {
        Strategy {
            kind: Kind::NextUrl {
                pointer: pointer.into(),
            },
        }
    }

    /// Reads a cursor at `token` (a JSON pointer into the body, or a
    /// [`Token`]) and writes it at `target` (a query parameter, or a
    /// [`Target`]) of the previous request, everything else kept. Ends when
    /// the cursor is missing, `null` or `""`, or when `has_more`/`hasMore` is
    /// `false`.
    ///
    /// ```
    /// let google = pagewalk::Strategy::cursor("/nextPageToken", "pageToken");
    /// # let _ = google;
    /// ```
    pub fn cursor(token: impl Into<Token>, target: impl Into<Target>) -> Strategy {
        Strategy {
            kind: Kind::Cursor {
                token: token.into(),
                target: target.into(),
            },
        }
    }

    /// Increments the page number at `target` (a query parameter such as
    /// `page` or `page[number]`, or a [`Target`]).
    ///
    /// The first page is the start request's value there, or else the body's
    /// `current_page`, or else 1; put `page=0` in the start URL for APIs that
    /// count from zero. Ends on an empty page, on the last page when the
    /// response gives a page count (`last_page`, `total_pages`,
    /// `X-Total-Pages`), when the total is reached, or when `has_more` is
    /// `false`.
    pub fn page_number(target: impl Into<Target>) -> Strategy {
        Strategy {
            kind: Kind::PageNumber {
                target: target.into(),
            },
        }
    }

    /// Advances the offset at `target` (a query parameter, or a [`Target`])
    /// by the number of items each page returned (never by the requested
    /// page size, which servers may cap), starting from the start request's
    /// value there, else 0. Ends on an empty page, when the total is reached,
    /// or when `has_more` is `false`.
    ///
    /// ```
    /// use pagewalk::{Strategy, Target};
    ///
    /// let contentful = Strategy::offset("skip");
    /// let elasticsearch = Strategy::offset(Target::body("/from"));
    /// # let _ = (contentful, elasticsearch);
    /// ```
    pub fn offset(target: impl Into<Target>) -> Strategy {
        Strategy {
            kind: Kind::Offset {
                target: target.into(),
            },
        }
    }

    /// Keyset (Stripe) pagination: writes the last item's field at the JSON
    /// pointer `item_field` at `target` (a query parameter, or a [`Target`]),
    /// while `has_more` is true (or, without `has_more`, until an empty page).
    ///
    /// ```
    /// let stripe = pagewalk::Strategy::keyset("starting_after", "/id");
    /// # let _ = stripe;
    /// ```
    pub fn keyset(target: impl Into<Target>, item_field: impl Into<String>) -> Strategy {
        Strategy {
            kind: Kind::Keyset {
                target: target.into(),
                field: item_field.into(),
            },
        }
    }
}

impl Strategy {
    /// A GraphQL connection (GitHub, Shopify, GitLab, Linear, ...): the
    /// request is a `POST` of `{"query": .., "variables": {..}}` (set it with
    /// [`Paginator::body`](crate::Paginator::body)); the answer's `data`
    /// holds a connection with `pageInfo { hasNextPage endCursor }` and
    /// `nodes`, or `edges` whose `node`s are the items. While `hasNextPage`
    /// is true, the next request writes `endCursor` into the variable the
    /// query passes as the connection's `after:` argument, found in the
    /// query text. An answer with `errors` is an error quoting them.
    ///
    /// With several connections in `data`, point
    /// [`items_at`](crate::Paginator::items_at) at the one to walk (its
    /// `nodes`, or `…/edges/*/node`). [`Strategy::auto`] takes this strategy
    /// by itself when the request has a `query` and the answer holds one
    /// connection.
    ///
    /// ```no_run
    /// use pagewalk::{Paginator, Strategy};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let query = "query($cursor: String) { viewer { repositories(first: 100, after: $cursor) {
    ///     nodes { nameWithOwner } pageInfo { hasNextPage endCursor } } } }";
    /// let repositories = Paginator::new("https://api.github.com/graphql")
    ///     .header("Authorization", "Bearer ghp_...")
    ///     .body(serde_json::json!({"query": query, "variables": {}}))
    ///     .strategy(Strategy::graphql())
    ///     .items::<serde_json::Value>();
    /// for repository in repositories {
    ///     println!("{}", repository?["nameWithOwner"]);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn graphql() -> Strategy {
        Strategy {
            kind: Kind::Graphql { variable: None },
        }
    }

    /// [`Strategy::graphql`] with the cursor in the query variable
    /// `variable` (without the `$`), when the query text does not make it
    /// clear (several `after:` arguments).
    pub fn graphql_variable(variable: impl Into<String>) -> Strategy {
        Strategy {
            kind: Kind::Graphql {
                variable: Some(variable.into()),
            },
        }
    }
}

impl Strategy {
    /// Continuation objects (MediaWiki's `continue`): every member of the
    /// object at the JSON pointer `pointer` becomes a query parameter of the
    /// next request, beside the original ones; the parameters the last
    /// object set (all named `…continue` in MediaWiki) are replaced. Ends
    /// when the object is absent or empty. [`Strategy::auto`] takes it for a
    /// top-level `continue` object by itself.
    ///
    /// ```
    /// let wiki = pagewalk::Strategy::continuation("/continue");
    /// # let _ = wiki;
    /// ```
    pub fn continuation(pointer: impl Into<String>) -> Strategy {
        Strategy {
            kind: Kind::Continuation {
                pointer: pointer.into(),
            },
        }
    }

    /// A rule you write, for an API no built-in rule knows. After every page,
    /// `rule` sees the [`PageResponse`] (the request sent, the status, the
    /// headers, the whole body as JSON, the number of items) and returns the
    /// next [`Request`] (`Ok(Some(..))`: a new URL with
    /// [`PageResponse::follow`], or the request sent with a changed query
    /// parameter or body field), the end (`Ok(None)`), or an error that ends
    /// the walk with its message (`Err(..)`).
    ///
    /// Everything else still holds around it: limits, the loop check,
    /// retries, rate limits, the origin policy, prefetch. A
    /// [`Checkpoint`](crate::Checkpoint) stores the request the rule
    /// returned, so a resumed walk goes on without calling the rule for the
    /// pages already seen. The rule decides the end alone: no evidence of
    /// more pages is second-guessed. It may run on a background thread (with
    /// [`prefetch`](crate::Paginator::prefetch)), hence `Send + Sync`.
    ///
    /// ```
    /// use pagewalk::{Paginator, Strategy};
    ///
    /// // An API that names its next page only in a header of its own,
    /// // `X-Acme-Continue: <token>`, sent back as `?from=<token>`.
    /// let acme = Strategy::custom(|page| {
    ///     let Some(token) = page.headers().get("X-Acme-Continue") else {
    ///         return Ok(None);
    ///     };
    ///     let token = token.to_str().map_err(|_| "X-Acme-Continue is not text".to_owned())?;
    ///     Ok(Some(page.request().clone().with_query("from", token)))
    /// });
    /// let items = Paginator::new("https://api.acme.example/v1/things")
    ///     .strategy(acme)
    ///     .items::<serde_json::Value>();
    /// # let _ = items;
    /// ```
    pub fn custom(
        rule: impl Fn(&PageResponse<'_>) -> Result<Option<Request>, String> + Send + Sync + 'static,
    ) -> Strategy {
        Strategy {
            kind: Kind::Custom(CustomRule(Arc::new(rule))),
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Auto => write!(f, "auto"),
            Kind::LinkHeader => write!(f, "Link header"),
            Kind::NextUrl { pointer } => write!(f, "next URL at {pointer}"),
            Kind::Cursor { token, target } => write!(f, "cursor at {token} as {target}"),
            Kind::PageNumber { target } => write!(f, "page number {target}"),
            Kind::Offset { target } => write!(f, "offset {target}"),
            Kind::Keyset { target, field } => write!(f, "keyset {target} from item {field}"),
            Kind::Graphql { variable: None } => write!(f, "GraphQL connection"),
            Kind::Graphql {
                variable: Some(variable),
            } => write!(f, "GraphQL connection (cursor in ${variable})"),
            Kind::Custom(_) => write!(f, "custom"),
            Kind::Continuation { pointer } => write!(f, "continuation object at {pointer}"),
        }
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            TokenAt::Body(pointer) => f.write_str(pointer),
            TokenAt::Header(name) => write!(f, "header {name}"),
            TokenAt::LinkParam { rel, param } => write!(f, "{param} of Link rel=\"{rel}\""),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            TargetAt::Query(name) => write!(f, "?{name}="),
            TargetAt::Body(pointer) => write!(f, "body {pointer}"),
            TargetAt::Header(name) => write!(f, "header {name}"),
        }
    }
}
