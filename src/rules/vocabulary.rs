//! The names pagination fields go by, stated once: detection, the evidence
//! of more pages and `--explain` all read the body through these lists.
//!
//! Names are compared [`normalized`]: without case and without `_`, `-`,
//! `.`, `@` or `$`, so `next_page_url`, `nextPageUrl` and `next-page-url`
//! are one name, and so are `@odata.nextLink` and `odataNextLink`.

/// `key` as the lists below spell it: lower case, without `_ - . @ $`.
pub(crate) fn normalized(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | '@' | '$'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Room for a normalized name: longer than any in the lists below.
pub(crate) const NAME_CAPACITY: usize = 32;

/// `key` [`normalized`] into `buffer`, without allocating; `None` when it
/// is longer than the buffer (so no name of the lists) or not ASCII-cased.
pub(crate) fn normalized_into<'b>(
    key: &str,
    buffer: &'b mut [u8; NAME_CAPACITY],
) -> Option<&'b str> {
    let mut len = 0;
    for byte in key.bytes() {
        if matches!(byte, b'_' | b'-' | b'.' | b'@' | b'$') {
            continue;
        }
        *buffer.get_mut(len)? = byte.to_ascii_lowercase();
        len += 1;
    }
    std::str::from_utf8(&buffer[..len]).ok()
}

/// Fields whose value is the next page's URL (absolute, host-relative or
/// only a query string), or an object whose [`URL_MEMBERS`] is.
pub(crate) const NEXT_URL: &[&str] = &[
    "next",
    "nextpage",
    "nextpageurl",
    "nextpageuri",
    "nexturl",
    "nexturi",
    "nextlink",
    "odatanextlink",
    "nextrecordsurl",
    "nexthref",
    "afterurl",
];

/// Where the URL is in a next-page object (`_links.next.href`,
/// `next_page.uri`, `paging.next.link`).
pub(crate) const URL_MEMBERS: &[&str] = &["href", "uri", "url", "link"];

/// Fields whose value is a token for the next page. A token goes back as a
/// query parameter of the name without its `next` (`nextPageToken` as
/// `pageToken`, `next-cursor` as `cursor`, `nextCursorMark` as
/// `cursorMark`), or of its own name (`continue`, `after`, `offset`).
pub(crate) const CURSOR: &[&str] = &[
    "nextcursor",
    "nextpagetoken",
    "nexttoken",
    "nextcursormark",
    "nextkey",
    "nextmarker",
    "cursor",
    "after",
    "startingafter",
    "continue",
    "continuation",
    "continuationtoken",
    "offset",
    "scrollid",
    "endcursor",
    "aftercursor",
];

/// Subtrees about pages other than the next one, never read as a way forward.
pub(crate) const OTHER_PAGES: &[&str] = &[
    "prev", "previous", "prior", "before", "first", "last", "self", "current", "start", "cursors",
];

/// Flags that say whether more pages follow, and the value that means more.
pub(crate) const MORE_FLAGS: &[(&str, bool)] = &[
    ("hasmore", true),
    ("hasnext", true),
    ("hasnextpage", true),
    ("hasmoreitems", true),
    ("more", true),
    ("moreresults", true),
    ("done", false),
    ("islast", false),
    ("islastpage", false),
    ("last", false),
    ("lastpage", false),
    ("endofrecords", false),
    ("endofstream", false),
    ("moreitemsincollection", true),
];

/// Numbers that say which page this is.
pub(crate) const CURRENT_PAGE: &[&str] = &["currentpage", "page", "pagenumber", "pageindex"];

/// Numbers that say how many pages there are.
pub(crate) const PAGE_COUNT: &[&str] =
    &["lastpage", "totalpages", "nbpages", "pagecount", "numpages"];

/// Numbers that say how many items make a page.
pub(crate) const PER_PAGE: &[&str] = &[
    "perpage",
    "pagesize",
    "itemsperpage",
    "hitsperpage",
    "maxresults",
    "limit",
    "rows",
];

/// Numbers that say where this page starts, counted in items.
pub(crate) const POSITION: &[&str] = &["offset", "skip", "startat", "startindex", "start"];

/// Numbers that say how many items the whole collection has. `count` is one
/// only beside a position or an `endOfRecords` flag (GBIF) or in Django REST
/// framework's envelope: elsewhere it counts the page's own items.
pub(crate) const TOTAL: &[&str] = &[
    "total",
    "totalcount",
    "totalresults",
    "totalitems",
    "totalsize",
    "totalhits",
    "totalrecords",
    "nbhits",
    "hitcount",
    "numfound",
];

/// The array of HATEOAS links (`links: [{"rel": "next", "href": …}]`,
/// Spring, PayPal), read for a next link.
pub(crate) const LINKS: &str = "links";

/// Arrays beside the items that a rule reads: the [`LINKS`] and a
/// failure's `errors` (`rules::failure`). Every other array of an envelope
/// may be skipped unparsed once the items are known.
const READ_ARRAYS: &[&str] = &[LINKS, "errors"];

/// Whether the envelope's array at `key` is one a rule reads.
pub(crate) fn is_read_array(key: &str) -> bool {
    let mut buffer = [0; NAME_CAPACITY];
    normalized_into(key, &mut buffer).is_some_and(|name| READ_ARRAYS.contains(&name))
}

/// Response headers that carry a total.
pub(crate) const TOTAL_HEADERS: &[&str] = &["Total", "X-Total", "X-Total-Count"];

/// Whether a response header's name says it carries a way to the next page
/// (`x-ms-continuationtoken`, `X-Next-Cursor`, `Next-Page-Token`).
pub(crate) fn is_continuation_header(name: &str) -> bool {
    // Every header of every page is asked: a long name alone allocates.
    let mut buffer = [0; NAME_CAPACITY];
    let long;
    let name = match normalized_into(name, &mut buffer) {
        Some(name) => name,
        None => {
            long = normalized(name);
            &long
        }
    };
    name.contains("continuation")
        || name.contains("nextcursor")
        || name.contains("nexttoken")
        || name.contains("nextpagetoken")
}

/// The query parameter a token at `key` goes back as: its name without a
/// leading `next` (and separator), first letter lowered; or its own name.
pub(crate) fn parameter_for(key: &str) -> String {
    let Some(rest) = key
        .strip_prefix("next")
        .or_else(|| key.strip_prefix("Next"))
        .filter(|rest| !rest.is_empty())
    else {
        return key.to_owned();
    };
    let rest = rest.trim_start_matches(['_', '-', '.']);
    let mut chars = rest.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => key.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalize_into_a_buffer_as_into_a_string() {
        let mut buffer = [0; NAME_CAPACITY];
        for key in [
            "@odata.nextLink",
            "next-cursor",
            "total-results",
            "Page[Number]",
        ] {
            assert_eq!(
                normalized_into(key, &mut buffer),
                Some(normalized(key).as_str())
            );
        }
        assert_eq!(normalized_into(&"x".repeat(40), &mut buffer), None);
    }

    #[test]
    fn names_are_compared_without_case_or_separators() {
        assert_eq!(normalized("@odata.nextLink"), "odatanextlink");
        assert_eq!(normalized("next-cursor"), "nextcursor");
        assert_eq!(normalized("$skip"), "skip");
        assert_eq!(normalized("total-results"), "totalresults");
    }

    #[test]
    fn a_token_goes_back_under_its_name_without_next() {
        assert_eq!(parameter_for("nextPageToken"), "pageToken");
        assert_eq!(parameter_for("next_cursor"), "cursor");
        assert_eq!(parameter_for("next-cursor"), "cursor");
        assert_eq!(parameter_for("nextCursorMark"), "cursorMark");
        assert_eq!(parameter_for("continue"), "continue");
        assert_eq!(parameter_for("after"), "after");
        assert_eq!(parameter_for("next"), "next");
    }

    #[test]
    fn continuation_headers() {
        assert!(is_continuation_header("x-ms-continuationtoken"));
        assert!(is_continuation_header("X-Next-Cursor"));
        assert!(!is_continuation_header("X-Next-Page"));
        assert!(!is_continuation_header("Content-Type"));
        // Longer than the buffer for names, still read.
        assert!(is_continuation_header(
            "X-Vendor-Specific-Long-Continuation-Token"
        ));
        assert!(!is_continuation_header(
            "Access-Control-Allow-Credentials-Extra"
        ));
    }
}
