//! What one response says about pagination: every fact, found by one scan of
//! the envelope (the body without its items), the headers and the `Link`
//! header, and understood by the words of its name. This is the only place
//! that names anything; every rule, the end check, the plan and `explain`
//! read these facts and nothing else.
//!
//! **Names by their words.** A field or header name is split into words
//! whatever its case style (`nextPageToken` → next, page, token;
//! `X-Next-Offset` → next, offset; `total_pages` → total, pages;
//! `x-ms-continuationtoken` → continuation, token), and meaning is given to
//! words and their combinations ([`meaning`]). A name means something when
//! every word of it (after a vendor prefix such as `X-`, `x-ms-`,
//! `@odata.`) is one of [`WORDS`], or when it has a word only paging names
//! have ([`STRONG`]: `hasMoreMessages`, `PaginationToken`); never with a
//! word of [`NEVER`]: `total_amount` is not a total, and `more_info` is not
//! a flag.
//!
//! **Values by what they mean.** A flag reads `true`/`false`, `"true"`,
//! `"yes"`, `1`/`0`, `"1"`; a count an integer, a float with no fraction or
//! a numeric string. A pagination-named value that cannot be read is kept
//! as [`Says::Unread`]: if it could mean more, it is evidence.
//!
//! **Where it looks.** Every object of the envelope down to [`MAX_DEPTH`]:
//! the path to the items (and so the items' siblings), containers (`meta`,
//! `paging`, `response.body.meta.page`), next-page and token objects, and
//! any other object, which may say more but never the end (an unrelated
//! object's `has_more: false` ends nothing; objects named with a leading
//! `_`, such as Elasticsearch's `_shards`, give no counts); arrays of link
//! objects, whatever the array is called (`links`, `link`, `_links`), whose
//! elements have a relation (`rel`, `relation`, `"next last"`) and a target
//! (`href`, `url`, `uri`); every response header, a JSON object in one
//! included; the `Link` header's `rel="next"`.

use std::borrow::Cow;

use http::HeaderMap;
use serde_json::{Map, Value};

use crate::json_pointer;
use crate::link_header::{Link, find_rel};
use crate::text::each_chunk;

/// How deep in the envelope facts are looked for (`/response/body/meta/page/next`
/// is five objects down).
pub(crate) const MAX_DEPTH: usize = 7;

/// Words that make a name mean nothing to pagination (`X-RateLimit-Limit`,
/// `Retry-After`, MediaWiki's `batchcomplete`, money).
const NEVER: &str = "rate ratelimit retry quota cache amount price time";

/// Words only paging names have: a name with one of them means something
/// even beside words pagewalk does not know.
const STRONG: &str = "next more cursor continuation continue pagination paging truncated \
    remaining total count bookmark marker eof incomplete exceeded";

/// Prefixes a vendor puts before a body name: `@odata.nextLink`.
const BODY_PREFIXES: &str = "x odata ms api";

/// Directions towards the next page.
const FORWARD: &str = "next following continue continuation";
/// Directions towards another page than the next.
const ELSEWHERE: &str = "prev previous prior before first self start current back backward";
/// What a next-page URL is called.
const URL_WORDS: &str = "url uri href link links";
/// What a token is called.
const TOKEN_WORDS: &str =
    "cursor token marker mark continuation continue scroll after key id bookmark";
/// Objects that hold a page's counts, besides those on the path to the items.
const CONTAINERS: &str = "meta metadata paging pagination page pages info response body message navigation nav \
    d additional search links link";

/// The words pagination names are made of, in groups. A name whose words
/// are not all here (after a vendor prefix) means nothing to pagewalk.
const WORDS: &[&str] = &[
    FORWARD,
    ELSEWHERE,
    URL_WORDS,
    TOKEN_WORDS,
    CONTAINERS,
    NEVER,
    // Flags.
    "more has is done complete completed finished final truncated end last of stream in collection \
     list reached available remaining eof incomplete partial exceeded at",
    // Counts, and what they count.
    "page pages count total size len length limit offset skip per rows number index num nb no \
     found hits hit results result items item records record elements entries at to from max \
     estimated matches value values position",
    // The rest of link objects and containers.
    "rel relation cursors starting data embedded",
];

/// `chunk` as a word of [`WORDS`]. Every key and header of every page is
/// asked, so the words are sorted once and searched by halves.
fn word(chunk: &str) -> Option<&'static str> {
    static SORTED: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let sorted = SORTED.get_or_init(|| {
        let mut words: Vec<&'static str> = WORDS
            .iter()
            .flat_map(|group| group.split_whitespace())
            .collect();
        words.sort_unstable();
        words.dedup();
        words
    });
    sorted.binary_search(&chunk).ok().map(|index| sorted[index])
}

/// A name split into words: the known ones, after any vendor prefix.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Words {
    list: [&'static str; 8],
    len: usize,
    /// Some word is not one of [`WORDS`]: the name means nothing.
    unknown: bool,
}

impl Words {
    /// The words of `name`; `header` allows any vendor prefix (`X-WP-`).
    pub(crate) fn of(name: &str, header: bool) -> Words {
        let mut words = Words::default();
        each_chunk(name, |chunk| {
            let mut buffer = [0u8; 40];
            let before = words.len;
            match lowered(chunk, &mut buffer) {
                Some(lower) if words.push_segmented(lower) => {}
                // A vendor's prefix (`X-`, `x-ms-`, `@odata.`) before any word.
                Some(lower)
                    if before == 0
                        && !words.unknown
                        && (header || BODY_PREFIXES.split_whitespace().any(|w| w == lower)) => {}
                _ => words.unknown = true,
            }
            true
        });
        words
    }

    fn push(&mut self, word: &'static str) -> bool {
        match self.list.get_mut(self.len) {
            Some(slot) => {
                *slot = word;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// Pushes `chunk` as one known word, or as known words glued together
    /// (`continuationtoken`, `nbhits`, `hasmore`); false when it is neither.
    fn push_segmented(&mut self, chunk: &str) -> bool {
        if let Some(word) = word(chunk) {
            return self.push(word);
        }
        // The longest known word first, then the rest, covering the chunk whole.
        for end in (2..chunk.len()).rev() {
            let Some(word) = word(&chunk[..end]) else {
                continue;
            };
            let mark = self.len;
            if self.push(word) && self.push_segmented(&chunk[end..]) {
                return true;
            }
            self.len = mark;
        }
        false
    }

    fn words(&self) -> &[&'static str] {
        &self.list[..self.len]
    }

    fn has(&self, word: &str) -> bool {
        self.words().contains(&word)
    }

    /// Whether some word is one of `words` (separated by spaces).
    fn any(&self, words: &str) -> bool {
        words.split_whitespace().any(|word| self.has(word))
    }

    /// Whether every word is one of `words`.
    fn only(&self, words: &str) -> bool {
        self.len > 0
            && self
                .words()
                .iter()
                .all(|word| words.split_whitespace().any(|known| known == *word))
    }

    /// Whether the name means anything at all.
    /// A name whose words are all known, or that has a word only paging
    /// names have (`hasMoreMessages`, `PaginationToken`, `more_topics_url`,
    /// `total_match_count`), and no word of [`NEVER`].
    fn known(&self) -> bool {
        self.len > 0 && (!self.unknown || self.any(STRONG)) && !self.any(NEVER)
    }
}

/// `chunk` in lower case, in `buffer`; `None` when too long.
fn lowered<'b>(chunk: &[u8], buffer: &'b mut [u8; 40]) -> Option<&'b str> {
    let target = buffer.get_mut(..chunk.len())?;
    target.copy_from_slice(chunk);
    target.make_ascii_lowercase();
    std::str::from_utf8(target).ok()
}

/// What a count counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Count {
    /// The collection's items.
    Total,
    /// At least this many items (Elasticsearch's `relation: "gte"`).
    TotalAtLeast,
    /// A `count` that may be the collection's size or the page's own.
    TotalOrPageSize,
    /// How many pages there are (or the last page's number).
    Pages,
    /// This page's number.
    Page,
    /// How many items make a page.
    PerPage,
    /// Where this page starts, in items.
    Position,
    /// Laravel's `from`: this page's first item, counted from 1.
    From,
    /// Laravel's `to`: this page's last item, counted from 1.
    To,
}

/// What one fact says.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Says<'a> {
    /// The next page's URL (absolute, host-relative or only a query string).
    NextUrl(Cow<'a, str>),
    /// A token for the next page (a string or a number).
    Token(Cow<'a, Value>),
    /// The next page's number or position (`X-Next-Page: 3`, `"next": 2`,
    /// `X-Next-Offset: 10`): `Count::Page` or `Count::Position`.
    NextNumber(Count, u64),
    /// A next URL or token that is `null`, `""`, `0` or `{}`: the API's
    /// way of saying there is none.
    NoNext,
    /// A flag: whether more pages follow.
    More(bool),
    /// A `continue` object: every member goes into the next query.
    Continue(&'a Map<String, Value>),
    /// A count.
    Count(Count, u64),
    /// A pagination-named value pagewalk cannot read.
    Unread(Cow<'a, Value>),
}

/// One fact: where it is, its name, and what it says.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fact<'a> {
    /// A JSON pointer into the body, `header NAME`, or `Link header`.
    pub place: String,
    /// The name as the API spells it (the last key, or the header's name).
    pub key: Cow<'a, str>,
    pub says: Says<'a>,
    /// How deep in the body (0 for headers): the shallowest of a kind wins.
    depth: usize,
    /// Found on the path to the items, in a container or a header; a fact
    /// elsewhere only says more, and is followed only when no trusted one
    /// names a way.
    pub trusted: bool,
}

impl Fact<'_> {
    /// Whether the fact came from a response header.
    pub(crate) fn in_header(&self) -> bool {
        self.place.starts_with("header ") || self.place == "Link header"
    }

    /// The fact's value, as a message shows it.
    pub(crate) fn shown(&self) -> String {
        match &self.says {
            Says::NextUrl(url) => format!("\"{url}\""),
            Says::Token(value) | Says::Unread(value) => value.to_string(),
            Says::NextNumber(_, n) | Says::Count(_, n) => n.to_string(),
            Says::NoNext => "empty".into(),
            Says::More(more) => more.to_string(),
            Says::Continue(members) => Value::Object((*members).clone()).to_string(),
        }
    }
}

/// A `Content-Range` header of a page (PostgREST).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ContentRange {
    /// The positions of the page's first and last items, when it has any.
    pub items: Option<(u64, u64)>,
    /// The collection's size, when the server counted it.
    pub total: Option<u64>,
}

/// Everything one response says about pagination.
#[derive(Debug, Default)]
pub(crate) struct Facts<'a> {
    pub all: Vec<Fact<'a>>,
    pub content_range: Option<ContentRange>,
}

impl<'a> Facts<'a> {
    /// Reads `envelope` (whose items were at `items_pointer`), `headers` and
    /// `links`; `item_count` tells a page's own size from a total.
    pub(crate) fn read(
        envelope: &'a Value,
        items_pointer: &str,
        headers: &'a HeaderMap,
        links: &'a [Link],
        item_count: usize,
    ) -> Facts<'a> {
        let mut facts = Facts::default();
        if let Some(link) = find_rel(links, "next") {
            let results = link.param("results");
            facts.all.push(Fact {
                place: "Link header".into(),
                key: "next".into(),
                // Sentry marks a next link with no page behind it.
                says: match results {
                    Some(results) if results.eq_ignore_ascii_case("false") => Says::NoNext,
                    _ => Says::NextUrl(Cow::Borrowed(link.target())),
                },
                depth: 0,
                trusted: true,
            });
        }
        let path = json_pointer::tokens(items_pointer).unwrap_or_default();
        if let Value::Object(object) = envelope {
            let mut scan = Scan {
                facts: &mut facts,
                path: &path,
            };
            scan.object(object, "", Context::root(), 0);
        }
        facts.read_headers(headers);
        facts.settle_counts(item_count);
        facts
    }

    fn read_headers(&mut self, headers: &'a HeaderMap) {
        for (name, value) in headers {
            let name = name.as_str();
            let Ok(text) = std::str::from_utf8(value.as_bytes()) else {
                continue;
            };
            if name.eq_ignore_ascii_case("content-range") {
                self.content_range = parse_content_range(text);
                continue;
            }
            if name.eq_ignore_ascii_case("link") {
                continue;
            }
            let words = Words::of(name, true);
            if !words.known() {
                continue;
            }
            // ASP.NET's `X-Pagination: {"TotalCount": 9, "HasNext": true}`.
            if let Ok(object @ Value::Object(_)) = serde_json::from_str::<Value>(text) {
                let none = HeaderMap::new();
                let inner = Facts::read(&object, "", &none, &[], 0);
                self.all.extend(inner.all.into_iter().map(|fact| Fact {
                    place: format!("header {name}{}", fact.place),
                    key: Cow::Owned(fact.key.into_owned()),
                    says: owned(fact.says),
                    ..fact
                }));
                continue;
            }
            let value = Value::String(text.trim().to_owned());
            if let Some(says) = meaning(&words, None, &value, false, true) {
                self.all.push(Fact {
                    place: format!("header {name}"),
                    key: Cow::Borrowed(name),
                    says: owned(says),
                    depth: 0,
                    trusted: true,
                });
            }
        }
    }

    /// A `count` is the collection's size only when it is not the page's
    /// own; a `to` counts only beside a `from` that agrees with the page.
    fn settle_counts(&mut self, item_count: usize) {
        let count = item_count as u64;
        let from = self.count(Count::From);
        self.all.retain(|fact| match fact.says {
            Says::Count(Count::TotalOrPageSize, n) => n != count,
            Says::Count(Count::To, to) => {
                from.is_some_and(|from| count > 0 && to + 1 == from + count)
            }
            _ => true,
        });
        for fact in &mut self.all {
            if let Says::Count(kind @ Count::TotalOrPageSize, _) = &mut fact.says {
                *kind = Count::Total;
            }
        }
    }

    /// The shallowest count of `kind`; a header's beats the body's.
    pub(crate) fn count(&self, kind: Count) -> Option<u64> {
        self.count_fact(kind).map(|(_, n)| n)
    }

    /// The fact of [`count`](Facts::count), with its value.
    pub(crate) fn count_fact(&self, kind: Count) -> Option<(&Fact<'a>, u64)> {
        self.all
            .iter()
            .filter_map(|fact| match fact.says {
                Says::Count(k, n) if k == kind => Some((fact, n)),
                _ => None,
            })
            .min_by_key(|(fact, _)| fact.depth)
    }

    /// The collection's size: a count, or a `Content-Range`'s.
    pub(crate) fn total(&self) -> Option<u64> {
        self.count(Count::Total)
            .or_else(|| self.content_range.and_then(|range| range.total))
    }

    /// How many pages there are: given, or the total over the page size.
    pub(crate) fn page_count(&self) -> Option<u64> {
        self.count(Count::Pages).or_else(|| {
            let per_page = self.count(Count::PerPage).filter(|&size| size > 0)?;
            Some(self.total()?.div_ceil(per_page))
        })
    }

    /// The flags, each with whether it says more.
    pub(crate) fn flags(&self) -> impl Iterator<Item = (&Fact<'a>, bool)> {
        self.all.iter().filter_map(|fact| match fact.says {
            Says::More(more) => Some((fact, more)),
            _ => None,
        })
    }

    /// The first flag that says this is the last page.
    pub(crate) fn says_last(&self) -> Option<&Fact<'a>> {
        self.flags().find(|(_, more)| !more).map(|(fact, _)| fact)
    }

    /// The first flag that says more pages follow.
    pub(crate) fn says_more_flag(&self) -> Option<&Fact<'a>> {
        self.flags().find(|(_, more)| *more).map(|(fact, _)| fact)
    }

    /// The next-page URLs, in the order found: the `Link` header's first.
    pub(crate) fn next_urls(&self) -> impl Iterator<Item = (&Fact<'a>, &str)> {
        self.all.iter().filter_map(|fact| match &fact.says {
            Says::NextUrl(url) => Some((fact, url.as_ref())),
            _ => None,
        })
    }

    /// The tokens of the body, in the order found.
    pub(crate) fn tokens(&self) -> impl Iterator<Item = (&Fact<'a>, &Value)> {
        self.all.iter().filter_map(|fact| match &fact.says {
            Says::Token(value) => Some((fact, value.as_ref())),
            _ => None,
        })
    }

    /// A `continue` object (MediaWiki).
    pub(crate) fn continuation(&self) -> Option<(&Fact<'a>, &'a Map<String, Value>)> {
        self.all.iter().find_map(|fact| match fact.says {
            Says::Continue(members) => Some((fact, members)),
            _ => None,
        })
    }

    /// The first fact at `place`, if any.
    pub(crate) fn at(&self, place: &str) -> Option<&Fact<'a>> {
        self.all.iter().find(|fact| fact.place == place)
    }
}

/// Where a value sits, as far as its meaning goes.
#[derive(Clone, Copy)]
struct Context {
    /// The words of the object that holds it.
    parent: Option<Words>,
    /// Inside a next-page object (`next_page: {uri, offset}`).
    under_next: bool,
    /// Counts are read here: on the path to the items, or in a container.
    counts: bool,
    /// Still on the path to the items.
    on_path: bool,
    /// On the path or in a container of paging facts: only here may a fact
    /// say the end (an unrelated object's `has_more: false` ends nothing).
    trusted: bool,
}

impl Context {
    fn root() -> Context {
        Context {
            parent: None,
            under_next: false,
            counts: true,
            on_path: true,
            trusted: true,
        }
    }
}

struct Scan<'f, 'a, 'p> {
    facts: &'f mut Facts<'a>,
    path: &'p [String],
}

impl<'a> Scan<'_, 'a, '_> {
    fn object(&mut self, object: &'a Map<String, Value>, pointer: &str, at: Context, depth: usize) {
        for (key, value) in object {
            let place = || format!("{pointer}/{}", json_pointer::escape(key));
            let on_path = at.on_path && self.path.get(depth) == Some(key);
            let words = Words::of(key, false);
            match value {
                Value::Array(elements) => {
                    if !on_path || self.path.len() > depth + 1 {
                        self.link_array(elements, &place(), at.trusted);
                    }
                    // A path through an array (`/edges/*/node`) ends the envelope's path.
                }
                Value::Object(inner) => {
                    if on_path {
                        let inside = Context {
                            parent: Some(words),
                            under_next: false,
                            counts: true,
                            on_path: true,
                            trusted: true,
                        };
                        self.object(inner, &place(), inside, depth + 1);
                        continue;
                    }
                    if !words.known() && !at.under_next {
                        // Any other object may say more (`status.next`,
                        // `pager.total_items`), but never the end; `_shards`
                        // and the like are the server's own bookkeeping.
                        if depth + 1 < MAX_DEPTH && !key.starts_with('_') {
                            let inside = Context {
                                parent: Some(words),
                                under_next: false,
                                counts: at.counts,
                                on_path: false,
                                trusted: false,
                            };
                            self.object(inner, &place(), inside, depth + 1);
                        }
                        continue;
                    }
                    self.named_object(key, words, inner, value, &place(), at, depth);
                }
                _ => {
                    if !words.known() {
                        continue;
                    }
                    if let Some(says) =
                        meaning(&words, at.parent.as_ref(), value, at.under_next, at.counts)
                    {
                        self.push(place(), key, says, depth, at);
                    }
                }
            }
        }
    }

    /// An object with a pagination-named key: a `continue` object, a next
    /// page object, `hits.total`, a container, or a page elsewhere.
    #[allow(clippy::too_many_arguments)]
    fn named_object(
        &mut self,
        key: &'a str,
        words: Words,
        inner: &'a Map<String, Value>,
        value: &'a Value,
        place: &str,
        at: Context,
        depth: usize,
    ) {
        let forward = words.any(FORWARD) || (words.has("after") && !words.any(ELSEWHERE));
        // MediaWiki's `continue`: values for the query. Members that are
        // objects are kept too, so that the rule fails on them by name.
        let no_arrays = !inner.values().any(Value::is_array);
        if words.only("continue") && (no_arrays || inner.values().any(Value::is_object)) {
            let says = match inner.is_empty() {
                true => Says::NoNext,
                false => Says::Continue(inner),
            };
            self.push(place.to_owned(), key, says, depth, at);
            return;
        }
        if words.has("total") && at.counts {
            // Elasticsearch's `hits.total: {value, relation}`.
            if let Some(total) = inner.get("value").and_then(as_count) {
                let kind = match inner.get("relation").and_then(Value::as_str) {
                    Some("gte") => Count::TotalAtLeast,
                    _ => Count::Total,
                };
                self.push(place.to_owned(), key, Says::Count(kind, total), depth, at);
                return;
            }
        }
        if inner.is_empty() {
            if forward || words.any(TOKEN_WORDS) {
                self.push(place.to_owned(), key, Says::NoNext, depth, at);
            }
            return;
        }
        // Facebook's `cursors: {before, after}` bookmark the page's own ends.
        if words.has("cursors") || words.any(ELSEWHERE) || words.has("last") && !forward {
            return;
        }
        if depth + 1 >= MAX_DEPTH {
            if forward {
                let says = Says::Unread(Cow::Borrowed(value));
                self.push(place.to_owned(), key, says, depth, at);
            }
            return;
        }
        let container = words.any(CONTAINERS);
        let inside = Context {
            parent: Some(words),
            under_next: at.under_next || forward,
            counts: at.counts && !key.starts_with('_') || key == "_links",
            on_path: false,
            trusted: at.trusted && (container || forward || words.any(TOKEN_WORDS)),
        };
        self.object(inner, place, inside, depth + 1);
    }

    /// `[{"rel": "next", "href": …}]`, whatever the array is called (HATEOAS,
    /// FHIR's `link: [{"relation": "next", "url": …}]`).
    fn link_array(&mut self, elements: &'a [Value], place: &str, trusted: bool) {
        for (index, element) in elements.iter().enumerate() {
            let Value::Object(link) = element else {
                continue;
            };
            let relation = ["rel", "relation", "rels", "type", "name"]
                .iter()
                .find_map(|name| link.get(*name));
            let target = ["href", "url", "uri", "link", "target"]
                .iter()
                .find_map(|name| Some((*name, link.get(*name)?.as_str()?)));
            let (Some(relation), Some((member, target))) = (relation, target) else {
                continue;
            };
            let is_next = match relation {
                Value::String(rels) => rels
                    .split_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next")),
                Value::Array(rels) => rels.iter().any(|rel| {
                    rel.as_str()
                        .is_some_and(|rel| rel.eq_ignore_ascii_case("next"))
                }),
                _ => false,
            };
            if is_next {
                let says = match target.trim() {
                    "" => Says::NoNext,
                    url => Says::NextUrl(Cow::Borrowed(url)),
                };
                self.facts.all.push(Fact {
                    place: format!("{place}/{index}/{member}"),
                    key: Cow::Borrowed(member),
                    says,
                    depth: 1,
                    trusted,
                });
            }
        }
    }

    fn push(&mut self, place: String, key: &'a str, says: Says<'a>, depth: usize, at: Context) {
        // Outside trusted places, only what says more counts.
        if !at.trusted && matches!(says, Says::More(false) | Says::NoNext | Says::Unread(_)) {
            return;
        }
        self.facts.all.push(Fact {
            place,
            key: Cow::Borrowed(key),
            says,
            depth,
            trusted: at.trusted,
        });
    }
}

/// What a value named by `words` says, if anything. `parent` names the
/// object that holds it; `under_next` is true inside a next-page object;
/// `counts` is false where a number is not read as a count.
fn meaning<'a>(
    words: &Words,
    parent: Option<&Words>,
    value: &'a Value,
    under_next: bool,
    counts: bool,
) -> Option<Says<'a>> {
    let forward = words.any(FORWARD) || under_next;
    let elsewhere = words.any(ELSEWHERE) && !words.any(FORWARD);
    // Airtable's `offset` is an opaque string.
    let opaque_offset = words.only("offset") && value.is_string() && as_count(value).is_none();
    let token_named = words.any("cursor marker scroll continuation continue bookmark")
        || words.has("mark") && words.has("cursor")
        || (words.any("token key id") && (forward || words.any("page pagination paging")))
        || words.has("after")
        || opaque_offset;
    let url_named = words.any(URL_WORDS);

    // Flags: whether more pages follow, in any JSON type.
    let more_named = words.any("more truncated remaining incomplete partial exceeded")
        || (words.has("has") && words.has("next") && !url_named && !token_named);
    let end_named = !more_named
        && words.any("done complete completed finished final end last eof")
        && !words.has("batch")
        && words.only("is at done complete completed finished final end last eof of records stream page results items data list reached");
    // `more_topics_url` (Discourse), `loadMoreUrl`: a next page's URL.
    if more_named && (url_named || words.only("more")) && value.as_str().is_some_and(looks_like_url)
    {
        return Some(Says::NextUrl(Cow::Borrowed(
            value.as_str().unwrap_or_default().trim(),
        )));
    }
    // `more_info` is a link to documentation, not a flag.
    if more_named && !url_named && !words.has("info") {
        return Some(match (as_flag(value), as_count(value)) {
            (Some(flag), _) => Says::More(flag),
            (None, Some(n)) => Says::More(n > 0),
            _ if value.is_null() => Says::NoNext,
            _ => Says::Unread(Cow::Borrowed(value)),
        });
    }
    // Twilio's `end: 1` is an index, `completed: 1` a count: never flags.
    let end_named = end_named
        && match value {
            Value::Number(_) => as_flag(value).is_some() && !words.only("end completed"),
            Value::String(text) => !looks_like_url(text),
            _ => true,
        };
    if end_named {
        // `last: 5` (json-server) and `last_page: 5` (Laravel) are page counts.
        let counts_pages = !words.has("is") && words.has("last") && !value.is_boolean();
        if !(counts_pages && as_flag_word(value).is_none()) {
            return Some(match as_flag(value) {
                Some(last) => Says::More(!last),
                None if value.is_null() => Says::NoNext,
                None => Says::Unread(Cow::Borrowed(value)),
            });
        }
    }

    // Ways forward.
    let empty = match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        _ => false,
    };
    if (forward || token_named) && !elsewhere {
        if empty {
            return Some(Says::NoNext);
        }
        if let Value::Bool(more) = value {
            return Some(Says::More(*more));
        }
        if let Value::String(text) = value {
            let text = text.trim();
            if looks_like_url(text) || (url_named && !token_named) {
                return Some(Says::NextUrl(Cow::Borrowed(text)));
            }
        }
        let position = words.any("offset skip start");
        if token_named && !(position && as_count(value).is_some()) {
            return Some(match value {
                Value::Number(n) if n.as_f64() == Some(0.0) => Says::NoNext,
                Value::String(_) | Value::Number(_) => Says::Token(Cow::Borrowed(value)),
                _ => Says::Unread(Cow::Borrowed(value)),
            });
        }
        if words.any(FORWARD) && !url_named {
            // `"next": 2` (json-server), `X-Next-Page: 3`, `X-Next-Offset: 10`.
            return Some(match as_count(value) {
                Some(0) => Says::NoNext,
                Some(n) if position => Says::NextNumber(Count::Position, n),
                Some(n) => Says::NextNumber(Count::Page, n),
                None if value.is_string() => Says::Token(Cow::Borrowed(value)),
                None => Says::Unread(Cow::Borrowed(value)),
            });
        }
        if under_next && url_named {
            return None;
        }
    }
    // A URL to another page (`last_page_url`, `links.first`) says nothing.
    if !counts || forward || url_named || value.as_str().is_some_and(looks_like_url) {
        return None;
    }
    let count = count_kind(words, parent)?;
    Some(match as_count(value) {
        Some(n) => Says::Count(count, n),
        None if value.is_null() || empty => return None,
        // `"total_pages": 5.5` or `"total": "many"`: named, not understood.
        None => Says::Unread(Cow::Borrowed(value)),
    })
}

/// What a count named by `words` counts.
fn count_kind(words: &Words, parent: Option<&Words>) -> Option<Count> {
    let in_pages = parent.is_some_and(|p| p.only("pages"));
    let in_page = parent.is_some_and(|p| p.only("page"));
    let size_named = words.any("per size len length limit rows")
        || words.has("max") && words.any("results items records");
    if words.only("to") {
        return Some(Count::To);
    }
    if words.only("from") {
        return Some(Count::From);
    }
    if words.any(ELSEWHERE) && !words.any("start current") {
        return None;
    }
    // `totalSize`, `total_rows`, `X-Total-Rows` count the collection.
    if words.has("total")
        && !words.has("pages")
        && !(words.has("page") && words.any("count last max"))
    {
        return Some(Count::Total);
    }
    // `resultSize`, `rowCount`: the collection's size, or the page's own.
    if words.any("results result items records rows") && words.any("size count") {
        return Some(Count::TotalOrPageSize);
    }
    if size_named {
        return Some(Count::PerPage);
    }
    if words.has("pages")
        || words.has("page")
            && words.any("count total last max num nb")
            && !words.any("number index")
        || words.only("last")
        || in_pages && words.any("total count last")
    {
        return Some(Count::Pages);
    }
    if words.has("page") && !words.any("items results records hits entries")
        || (in_page || in_pages) && words.only("number current index no num")
    {
        return Some(Count::Page);
    }
    if words.any("offset skip") || words.has("start") && words.only("start at index position") {
        return Some(Count::Position);
    }
    if words.has("total")
        || words.has("estimated")
        || words.only("found")
        || words.has("nb")
        || words.has("num") && words.has("found")
    {
        return Some(Count::Total);
    }
    if words.has("count") || words.any("num number") && words.any("results items records hits") {
        return Some(Count::TotalOrPageSize);
    }
    None
}

/// A flag: `true`, `"true"`, `"yes"`, `1`, `"1"` and their opposites.
pub(crate) fn as_flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::Number(n) => match n.as_f64() {
            Some(1.0) => Some(true),
            Some(0.0) => Some(false),
            _ => None,
        },
        Value::String(_) => as_flag_word(value).or_else(|| match as_count(value) {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        }),
        _ => None,
    }
}

/// A flag written as a word: `"true"`, `"false"`, `"yes"`, `"no"`.
fn as_flag_word(value: &Value) -> Option<bool> {
    let text = value.as_str()?.trim();
    if ["true", "yes"]
        .iter()
        .any(|word| text.eq_ignore_ascii_case(word))
    {
        Some(true)
    } else if ["false", "no"]
        .iter()
        .any(|word| text.eq_ignore_ascii_case(word))
    {
        Some(false)
    } else {
        None
    }
}

/// A count: a non-negative integer, a float with no fraction, or either as a string.
pub(crate) fn as_count(value: &Value) -> Option<u64> {
    let whole = |x: f64| (x >= 0.0 && x.fract() == 0.0 && x < 1.8e19).then_some(x as u64);
    match value {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().and_then(whole)),
        Value::String(text) => {
            let text = text.trim();
            text.parse().ok().or_else(|| {
                text.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .and_then(whole)
            })
        }
        _ => None,
    }
}

/// A string that looks like a URL rather than an opaque token.
pub(crate) fn looks_like_url(text: &str) -> bool {
    let text = text.trim();
    text.starts_with("http://")
        || text.starts_with("https://")
        || text.starts_with('/')
        || text.starts_with('?')
}

/// A header's fact, owning what it says (the header map outlives it anyway,
/// but a header's value had to be made into a `Value`).
fn owned(says: Says<'_>) -> Says<'static> {
    match says {
        Says::NextUrl(url) => Says::NextUrl(Cow::Owned(url.into_owned())),
        Says::Token(value) => Says::Token(Cow::Owned(value.into_owned())),
        Says::Unread(value) => Says::Unread(Cow::Owned(value.into_owned())),
        Says::NextNumber(kind, n) => Says::NextNumber(kind, n),
        Says::Count(kind, n) => Says::Count(kind, n),
        Says::More(more) => Says::More(more),
        Says::NoNext | Says::Continue(_) => Says::NoNext,
    }
}

/// `items 0-24/3573`, `0-24/*`, `*/3573` (RFC 9110's unit is optional here).
fn parse_content_range(text: &str) -> Option<ContentRange> {
    let text = text.trim();
    // The unit (`items`, react-admin's `posts`) is optional here.
    let text = text
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .trim();
    let (range, total) = text.split_once('/')?;
    let total = match total.trim() {
        "*" => None,
        digits => Some(digits.parse().ok()?),
    };
    let items = match range.trim() {
        "*" => None,
        range => {
            let (first, last) = range.split_once('-')?;
            Some((first.trim().parse().ok()?, last.trim().parse().ok()?))
        }
    };
    Some(ContentRange { items, total })
}

/// The query parameter a token named `key` goes back as: its name without a
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

/// Whether an array of the envelope called `key` may hold what a rule reads
/// (link objects, a failure's `errors`): such arrays are never skipped
/// unparsed.
pub(crate) fn may_hold_facts(key: &str) -> bool {
    key.eq_ignore_ascii_case("errors") || names_links(key)
}

/// Whether `key` names an array of links (`links`, `link`, `_links`, `navigation`).
pub(crate) fn names_links(key: &str) -> bool {
    Words::of(key, false).any("link links rel navigation nav paging pagination")
}

/// Whether two names are one name in another case style (`page_token`, `pageToken`).
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    squashed(a) == squashed(b)
}

/// `name` in lower case without separators: `page[number]` as `pagenumber`.
pub(crate) fn squashed(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests;
