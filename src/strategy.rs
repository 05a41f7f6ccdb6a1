//! How the next page is found.

use std::fmt;

/// How the next page is found after each response.
///
/// The default, [`Strategy::auto`], detects the API's style on every
/// response. Choose one explicitly when detection guesses wrong, or to make
/// the walk's behaviour independent of what the server happens to send.
///
/// ```
/// use pagewalk::{Paginator, Strategy};
///
/// // Slack-style cursors, sent back as `?cursor=`.
/// let walk = Paginator::new("https://slack.com/api/conversations.list?limit=200")
///     .strategy(Strategy::cursor("/response_metadata/next_cursor", "cursor"));
/// # let _ = walk;
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
        pointer: String,
        param: String,
    },
    PageNumber {
        param: String,
    },
    Offset {
        offset_param: String,
        limit_param: String,
    },
    Keyset {
        param: String,
        field: String,
    },
}

impl Strategy {
    /// Detects the style on every response, first match wins:
    ///
    /// 1. an RFC 8288 `Link` header with `rel="next"`;
    /// 2. a next-page URL in the body: `next_page_url`, `links.next`, `next`,
    ///    `nextPageUrl`, `_links.next.href`, `@odata.nextLink`, `nextLink`,
    ///    `paging.next`;
    /// 3. a cursor in the body: `nextCursor`, `next_cursor`,
    ///    `response_metadata.next_cursor`, `meta.next_cursor` (sent back as
    ///    `cursor`) or `nextPageToken` (sent back as `pageToken`);
    /// 4. a Stripe list (`"object": "list"`, `has_more`): the last item's `id`
    ///    sent back as `starting_after`.
    ///
    /// Otherwise the walk ends, unless the response says there is more
    /// (`has_more`, `current_page < last_page`, `X-Next-Page`, a total not yet
    /// reached): then the walk fails with [`Error::NextNotFound`](crate::Error::NextNotFound)
    /// rather than silently dropping data. `hasMore: false` ends a body-driven
    /// walk even when a cursor is present.
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

    /// Reads a cursor at the JSON pointer `pointer` and sends it back as the
    /// query parameter `param` of the previous request, every other parameter
    /// kept. Ends when the cursor is missing, `null` or `""`, or when
    /// `has_more`/`hasMore` is `false`.
    ///
    /// ```
    /// let google = pagewalk::Strategy::cursor("/nextPageToken", "pageToken");
    /// # let _ = google;
    /// ```
    pub fn cursor(pointer: impl Into<String>, param: impl Into<String>) -> Strategy {
        Strategy {
            kind: Kind::Cursor {
                pointer: pointer.into(),
                param: param.into(),
            },
        }
    }

    /// Increments the query parameter `param` (e.g. `page` or `page[number]`).
    ///
    /// The first page is the start URL's value of `param`, or else the body's
    /// `current_page`, or else 1; put `page=0` in the start URL for APIs that
    /// count from zero. Ends on an empty page, on the last page when the
    /// response gives a page count (`last_page`, `total_pages`,
    /// `X-Total-Pages`), when the total is reached, or when `has_more` is
    /// `false`.
    pub fn page_number(param: impl Into<String>) -> Strategy {
        Strategy {
            kind: Kind::PageNumber {
                param: param.into(),
            },
        }
    }

    /// Advances the query parameter `offset_param` by the number of items
    /// received (never by the requested limit, which servers may cap), and
    /// keeps `limit_param` as the start URL has it. Ends on an empty page, when
    /// the total is reached, or when `has_more` is `false`.
    pub fn offset(offset_param: impl Into<String>, limit_param: impl Into<String>) -> Strategy {
        Strategy {
            kind: Kind::Offset {
                offset_param: offset_param.into(),
                limit_param: limit_param.into(),
            },
        }
    }

    /// Keyset (Stripe) pagination: sends the last item's field at the JSON
    /// pointer `item_field` as the query parameter `param`, while `has_more`
    /// is true (or, without `has_more`, until an empty page).
    ///
    /// ```
    /// let stripe = pagewalk::Strategy::keyset("starting_after", "/id");
    /// # let _ = stripe;
    /// ```
    pub fn keyset(param: impl Into<String>, item_field: impl Into<String>) -> Strategy {
        Strategy {
            kind: Kind::Keyset {
                param: param.into(),
                field: item_field.into(),
            },
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Auto => write!(f, "auto"),
            Kind::LinkHeader => write!(f, "Link header"),
            Kind::NextUrl { pointer } => write!(f, "next URL at {pointer}"),
            Kind::Cursor { pointer, param } => write!(f, "cursor at {pointer} as ?{param}="),
            Kind::PageNumber { param } => write!(f, "page number ?{param}="),
            Kind::Offset {
                offset_param,
                limit_param,
            } => {
                write!(f, "offset ?{offset_param}= (limit ?{limit_param}=)")
            }
            Kind::Keyset { param, field } => write!(f, "keyset ?{param}= from item {field}"),
        }
    }
}
