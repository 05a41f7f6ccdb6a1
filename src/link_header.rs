//! A tolerant parser for the HTTP `Link` header (RFC 8288), as pure functions.
//!
//! GitHub, GitLab, Procore, Sentry and many others put the next page's URL in
//! `Link`. Splitting on `,` and `;` is the classic bug: both may appear inside
//! a target (`<https://x/a?q=1,2;3>`) and inside quoted values, so this module
//! scans the value instead.
//!
//! Servers are not always tidy, so the parser accepts several field values,
//! empty elements (`, ,`), any whitespace (including values folded over
//! several lines), unquoted values, `rel*` and other RFC 8187 `name*`
//! parameters, and skips a broken element (a missing `>`, stray text) while
//! keeping the valid links after it. It never panics, whatever the input.

use std::fmt;

/// One link of a `Link` header: a target and its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    target: String,
    rels: Vec<String>,
    params: Vec<(String, String)>,
}

impl Link {
    /// A link to `target` with the relation types `rels` (lowercased here, as
    /// they compare case-insensitively) and other parameters `params`, which
    /// should not include `rel`.
    pub fn new(
        target: impl Into<String>,
        rels: Vec<String>,
        params: Vec<(String, String)>,
    ) -> Link {
        let rels = rels.iter().map(|rel| rel.to_lowercase()).collect();
        Link {
            target: target.into(),
            rels,
            params,
        }
    }

    /// The URI-Reference exactly as written between `<` and `>`, trimmed; it may
    /// be relative: see [`Link::resolve`].
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The relation types, lowercased, in order; empty if there are none.
    ///
    /// They come from the first `rel` parameter only, as RFC 8288 §3.3 asks,
    /// or else from a decodable `rel*`.
    pub fn rels(&self) -> &[String] {
        &self.rels
    }

    /// Whether `rel` is one of the relation types, compared case-insensitively.
    pub fn has_rel(&self, rel: &str) -> bool {
        self.rels.contains(&rel.to_lowercase())
    }

    /// The value of the first parameter called `name` (case-insensitive), other
    /// than `rel`: unquoted and unescaped, `""` when it has no value. `name*`
    /// values are given as written (`UTF-8''%E2%82%AC`), not decoded.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(own, _)| own.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Every parameter other than `rel`, in order, names as written.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// The target resolved against `base`, the URL of the response that carried
    /// the header, since servers may send `/items?page=2` or `?page=2`.
    pub fn resolve(&self, base: &url::Url) -> Result<url::Url, url::ParseError> {
        base.join(&self.target)
    }
}

/// Formats as `<target>; rel="a b"; name="value"`, which [`parse`] reads back
/// into an equal `Link`.
impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}>", self.target)?;
        if !self.rels.is_empty() {
            f.write_str("; rel=")?;
            write_quoted(f, &self.rels.join(" "))?;
        }
        for (name, value) in &self.params {
            write!(f, "; {name}=")?;
            // RFC 8187 values must be tokens; quoting them would hide them from strict readers.
            if name.ends_with('*') && !value.is_empty() && value.chars().all(is_tchar) {
                f.write_str(value)?;
            } else {
                write_quoted(f, value)?;
            }
        }
        Ok(())
    }
}

fn write_quoted(f: &mut fmt::Formatter<'_>, value: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in value.chars() {
        if c == '"' || c == '\\' {
            f.write_str("\\")?;
        }
        write!(f, "{c}")?;
    }
    f.write_str("\"")
}

/// A character allowed in an RFC 9110 token.
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Parses every link of one or more `Link` field values (several header
/// fields, each possibly comma-joined).
///
/// Broken elements are skipped, never reported: a page whose `Link` cannot be
/// read simply has no next link. Header values that are not valid UTF-8 are
/// the caller's to skip or convert (`String::from_utf8_lossy`).
///
/// ```
/// use pagewalk::link_header::{find_rel, parse};
///
/// let links = parse([
///     r#"<https://api.example.com/items?page=2>; rel="next","#,
///     r#"<https://api.example.com/items?page=9>; rel="last""#,
/// ]);
/// let next = find_rel(&links, "next").map(|link| link.target());
/// assert_eq!(next, Some("https://api.example.com/items?page=2"));
/// assert!(find_rel(&links, "prev").is_none());
/// ```
pub fn parse<'a>(field_values: impl IntoIterator<Item = &'a str>) -> Vec<Link> {
    let mut links = Vec::new();
    for value in field_values {
        let mut scanner = Scanner { rest: value };
        loop {
            scanner.rest = scanner
                .rest
                .trim_start_matches(|c: char| c == ',' || c.is_whitespace());
            if scanner.rest.is_empty() {
                break;
            }
            links.extend(scanner.link());
        }
    }
    links
}

/// The first link whose rel contains `rel` (case-insensitive) across all values.
pub fn find_rel<'a>(links: &'a [Link], rel: &str) -> Option<&'a Link> {
    links.iter().find(|link| link.has_rel(rel))
}

/// What is left of one field value. Every index used to cut `rest` comes from
/// `find` or `char_indices`, so no cut can fall inside a multi-byte character.
struct Scanner<'a> {
    rest: &'a str,
}

impl Scanner<'_> {
    /// Reads one element, leaving `rest` at the `,` that ends it (or at the end).
    fn link(&mut self) -> Option<Link> {
        let Some(after_open) = self.rest.strip_prefix('<') else {
            self.skip_to(&[',']);
            return None;
        };
        // A URI never holds `<`: meeting one means this element's `>` is missing.
        let Some(close) = after_open
            .find(['<', '>'])
            .filter(|&i| after_open[i..].starts_with('>'))
        else {
            self.rest = after_open;
            self.skip_to(&[',']);
            return None;
        };
        let target = after_open[..close].trim();
        self.rest = &after_open[close + 1..];

        let mut first_rel: Option<String> = None;
        let mut rel_ext: Option<String> = None;
        let mut params = Vec::new();
        loop {
            self.skip_to(&[';', ',']);
            if !self.eat(';') {
                break;
            }
            let Some((name, value)) = self.param() else {
                continue;
            };
            if name.eq_ignore_ascii_case("rel") {
                first_rel.get_or_insert(value); // later `rel`s are ignored (RFC 8288 §3.3)
                continue;
            }
            if name.eq_ignore_ascii_case("rel*") && rel_ext.is_none() {
                rel_ext = decode_ext_value(&value);
            }
            params.push((name, value));
        }
        // An empty `rel` names no relation, so it does not hide `rel*`.
        let rel = first_rel
            .filter(|rel| !rel.trim().is_empty())
            .or(rel_ext)
            .unwrap_or_default();
        let rels = rel.split_whitespace().map(str::to_owned).collect();
        Some(Link::new(target, rels, params))
    }

    /// Reads `name`, `name=token` or `name="quoted"` after a `;`.
    fn param(&mut self) -> Option<(String, String)> {
        self.rest = self.rest.trim_start();
        let name_end = self
            .rest
            .find(|c: char| matches!(c, '=' | ';' | ',' | '"') || c.is_whitespace())
            .unwrap_or(self.rest.len());
        let (name, rest) = self.rest.split_at(name_end);
        self.rest = rest.trim_start();
        let value = if self.eat('=') {
            self.rest = self.rest.trim_start();
            if self.eat('"') {
                self.quoted()
            } else {
                let end = self.rest.find([';', ',']).unwrap_or(self.rest.len());
                let (value, rest) = self.rest.split_at(end);
                self.rest = rest;
                value.trim_end().to_owned()
            }
        } else {
            String::new()
        };
        (!name.is_empty()).then(|| (name.to_owned(), value))
    }

    /// Reads the rest of a quoted string, its opening `"` already eaten. An
    /// unterminated one runs to the end of the value.
    fn quoted(&mut self) -> String {
        let mut value = String::new();
        let mut chars = self.rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.rest = &self.rest[i + 1..];
                    return value;
                }
                '\\' => value.extend(chars.next().map(|(_, escaped)| escaped)),
                _ => value.push(c),
            }
        }
        self.rest = "";
        value
    }

    /// Moves to the next of `stops` outside a quoted string, or to the end.
    fn skip_to(&mut self, stops: &[char]) {
        let mut chars = self.rest.char_indices();
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => _ = chars.next(),
                        '"' => break,
                        _ => {}
                    }
                }
            } else if stops.contains(&c) {
                self.rest = &self.rest[i..];
                return;
            }
        }
        self.rest = "";
    }

    fn eat(&mut self, expected: char) -> bool {
        let rest = self.rest.strip_prefix(expected);
        self.rest = rest.unwrap_or(self.rest);
        rest.is_some()
    }
}

/// Decodes an RFC 8187 `charset'language'percent-encoded` value.
fn decode_ext_value(value: &str) -> Option<String> {
    let mut parts = value.splitn(3, '\'');
    let (charset, _language, encoded) = (parts.next()?, parts.next()?, parts.next()?);
    let mut bytes = Vec::new();
    let mut input = encoded.bytes();
    while let Some(byte) = input.next() {
        if byte == b'%' {
            let mut hex_digit = || char::from(input.next()?).to_digit(16);
            let (high, low) = (hex_digit()?, hex_digit()?);
            bytes.push(u8::try_from(high * 16 + low).ok()?);
        } else {
            bytes.push(byte);
        }
    }
    if charset.eq_ignore_ascii_case("UTF-8") {
        String::from_utf8(bytes).ok()
    } else if charset.eq_ignore_ascii_case("ISO-8859-1") {
        Some(bytes.into_iter().map(char::from).collect())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn targets(links: &[Link]) -> Vec<&str> {
        links.iter().map(Link::target).collect()
    }

    fn rels(links: &[Link]) -> Vec<String> {
        links.iter().map(|link| link.rels().join(" ")).collect()
    }

    #[test]
    fn github() {
        let links = parse([concat!(
            r#"<https://api.github.com/repositories/1300192/issues?page=2>; rel="prev", "#,
            r#"<https://api.github.com/repositories/1300192/issues?page=4>; rel="next", "#,
            r#"<https://api.github.com/repositories/1300192/issues?page=515>; rel="last", "#,
            r#"<https://api.github.com/repositories/1300192/issues?page=1>; rel="first""#,
        )]);
        assert_eq!(rels(&links), ["prev", "next", "last", "first"]);
        let next = find_rel(&links, "next").map(Link::target);
        assert_eq!(
            next,
            Some("https://api.github.com/repositories/1300192/issues?page=4")
        );
    }

    #[test]
    fn procore_value_over_several_lines() {
        let value = "<https://api.procore.com/rest/v1.0/punch_items?page=1&per_page=5>; rel=\"first\",\n      \
                     <https://api.procore.com/rest/v1.0/punch_items?page=2&per_page=5>; rel=\"prev\",\n      \
                     <https://api.procore.com/rest/v1.0/punch_items?page=30&per_page=5>; rel=\"last\",\n      \
                     <https://api.procore.com/rest/v1.0/punch_items?page=4&per_page=5>; rel=\"next\",\n";
        let links = parse([value]);
        assert_eq!(rels(&links), ["first", "prev", "last", "next"]);
        let next = find_rel(&links, "next").map(Link::target);
        assert_eq!(
            next,
            Some("https://api.procore.com/rest/v1.0/punch_items?page=4&per_page=5")
        );
    }

    #[test]
    fn gitlab() {
        let links = parse([concat!(
            r#"<https://gitlab.example.com/api/v4/projects/8/issues/8/notes?page=1&per_page=3>; rel="prev", "#,
            r#"<https://gitlab.example.com/api/v4/projects/8/issues/8/notes?page=3&per_page=3>; rel="next", "#,
            r#"<https://gitlab.example.com/api/v4/projects/8/issues/8/notes?page=1&per_page=3>; rel="first", "#,
            r#"<https://gitlab.example.com/api/v4/projects/8/issues/8/notes?page=3&per_page=3>; rel="last""#,
        )]);
        assert_eq!(rels(&links), ["prev", "next", "first", "last"]);
        assert!(links[1].target().ends_with("notes?page=3&per_page=3"));
    }

    #[test]
    fn sentry_cursor_and_results() {
        let links = parse([concat!(
            r#"<https://sentry.io/api/0/projects/?&cursor=1:0:1>; rel="previous"; results="false"; cursor="1:0:1", "#,
            r#"<https://sentry.io/api/0/projects/?&cursor=1:100:0>; rel="next"; results="true"; cursor="1:100:0""#,
        )]);
        let next = find_rel(&links, "next").expect("a next link");
        assert_eq!(
            next.target(),
            "https://sentry.io/api/0/projects/?&cursor=1:100:0"
        );
        assert_eq!(next.param("results"), Some("true"));
        assert_eq!(next.param("CURSOR"), Some("1:100:0"));
        assert_eq!(links[0].param("results"), Some("false"));
        assert_eq!(next.params().len(), 2);
    }

    #[test]
    fn several_field_values() {
        let links = parse(["<a>; rel=prev, <b>; rel=self", "<c>; rel=next"]);
        assert_eq!(targets(&links), ["a", "b", "c"]);
        assert_eq!(find_rel(&links, "next").map(Link::target), Some("c"));
    }

    #[test]
    fn relative_targets_resolve_against_the_base() -> Result<(), url::ParseError> {
        let base = url::Url::parse("https://api.example.com/v1/items?page=1")?;
        let links =
            parse([r#"</v2/items?page=2>; rel="next", <?page=3>; rel=last, <page2>; rel=alt"#]);
        let resolved: Vec<String> = links
            .iter()
            .map(|link| link.resolve(&base).map(String::from))
            .collect::<Result<_, _>>()?;
        assert_eq!(
            resolved,
            [
                "https://api.example.com/v2/items?page=2",
                "https://api.example.com/v1/items?page=3",
                "https://api.example.com/v1/page2",
            ]
        );
        Ok(())
    }

    #[test]
    fn commas_and_semicolons_inside_a_target() {
        let links = parse(["<https://x/a?q=1,2;3>; rel=next, <https://x/b>; rel=last"]);
        assert_eq!(targets(&links), ["https://x/a?q=1,2;3", "https://x/b"]);
        assert_eq!(rels(&links), ["next", "last"]);
    }

    #[test]
    fn quoted_value_with_separators_and_escapes() {
        let links = parse([r#"<a>; title="one, two; \"three\" \\ four"; rel=next, <b>; rel=last"#]);
        assert_eq!(links[0].param("title"), Some(r#"one, two; "three" \ four"#));
        assert_eq!(rels(&links), ["next", "last"]);
    }

    #[test]
    fn several_rel_types_in_any_case() {
        let links = parse([r#"<a>; REL="Next  LAST", <b>; Rel=Prev"#]);
        assert_eq!(links[0].rels(), ["next", "last"]);
        assert!(links[0].has_rel("NEXT") && links[0].has_rel("last"));
        assert_eq!(find_rel(&links, "prev").map(Link::target), Some("b"));
        assert!(find_rel(&links, "first").is_none());
    }

    #[test]
    fn only_the_first_rel_counts() {
        let links = parse([r#"<a>; rel="prev"; rel="next""#]);
        assert_eq!(links[0].rels(), ["prev"]);
        assert!(links[0].params().is_empty());
    }

    #[test]
    fn extended_notation() {
        let links = parse([
            "<a>; rel*=UTF-8''Next; title*=UTF-8''%E2%82%AC, <b>; rel=last; rel*=UTF-8''next",
        ]);
        assert_eq!(rels(&links), ["next", "last"]);
        assert_eq!(links[0].param("title*"), Some("UTF-8''%E2%82%AC"));
        assert_eq!(decode_ext_value("UTF-8''%E2%82%AC").as_deref(), Some("€"));
        assert_eq!(decode_ext_value("iso-8859-1'en'%A3"), Some("£".to_owned()));
        assert_eq!(decode_ext_value("UTF-8''%E2%8"), None);
        assert_eq!(parse(["<a>; rel*=garbage"])[0].rels(), [] as [String; 0]);
    }

    #[test]
    fn unquoted_params_and_params_without_value() {
        let links = parse(["<a>; rel=next; per_page = 5 ;hreflang=en; crossorigin; hreflang=fr"]);
        assert_eq!(links[0].param("per_page"), Some("5"));
        assert_eq!(links[0].param("HrefLang"), Some("en"));
        assert_eq!(links[0].param("crossorigin"), Some(""));
        assert_eq!(links[0].param("missing"), None);
    }

    #[test]
    fn empty_elements_and_stray_whitespace() {
        let links = parse([
            "",
            " , ,\t",
            ",\r\n <a> ;\trel = next ,, , \n\t<b>;rel=last,",
        ]);
        assert_eq!(targets(&links), ["a", "b"]);
        assert_eq!(rels(&links), ["next", "last"]);
        assert_eq!(parse(["< spaced >"])[0].target(), "spaced");
        assert_eq!(parse(["<>; rel=next"])[0].target(), "");
    }

    #[test]
    fn missing_close_bracket_skips_only_that_element() {
        let links = parse([r#"<https://x/a; rel=prev, <https://x/b>; rel=next"#]);
        assert_eq!(targets(&links), ["https://x/b"]);
        let links =
            parse([r#"<https://x/a?q=1,2; title="p, q", <https://x/b>; rel=next, <https://x/c"#]);
        assert_eq!(targets(&links), ["https://x/b"]);
    }

    #[test]
    fn stray_text_is_skipped() {
        let links = parse([r#"junk "quoted, still junk", <a> extra; rel=next; =5; ;"#]);
        assert_eq!(targets(&links), ["a"]);
        assert_eq!(links[0].rels(), ["next"]);
        assert!(links[0].params().is_empty());
    }

    #[test]
    fn unterminated_quote_runs_to_the_end() {
        let links = parse([r#"<a>; rel=next; title="never closed, <b>; rel=last"#]);
        assert_eq!(targets(&links), ["a"]);
        assert_eq!(links[0].param("title"), Some("never closed, <b>; rel=last"));
    }

    #[test]
    fn multibyte_garbage_does_not_panic() {
        for value in [
            "<é",
            "é>",
            "<€>;€=€;rel=\"€",
            "<a>;\\\u{1F600}",
            "\"\\",
            "<a>; x*=UTF-8''%\u{e9}",
            "<<>>",
        ] {
            let _ = parse([value]);
        }
    }

    #[test]
    fn display_quotes_and_escapes() {
        let link = Link::new(
            "https://x/a?q=1,2",
            vec!["Next".into(), "last".into()],
            vec![
                ("title".into(), r#"a "b" \c"#.into()),
                ("title*".into(), "UTF-8''%E2%82%AC".into()),
            ],
        );
        let shown = link.to_string();
        assert_eq!(
            shown,
            r#"<https://x/a?q=1,2>; rel="next last"; title="a \"b\" \\c"; title*=UTF-8''%E2%82%AC"#
        );
        assert_eq!(parse([shown.as_str()]), [link]);
    }

    #[test]
    fn public_types_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Link>();
    }

    fn token() -> impl Strategy<Value = String> {
        "[-!#$%&'*+.^_`|~0-9A-Za-z]{1,10}"
    }

    fn link() -> impl Strategy<Value = Link> {
        let target = prop_oneof!["[!-~&&[^<>]]{0,40}", "[^<>\\s\\p{C}]{0,20}"];
        let rel = "[a-zA-Z0-9.:/_-]{1,12}";
        // `rel` and `rel*` are not plain parameters: `parse` reads them as the relation types.
        let name = token().prop_filter("not rel", |name| {
            !["rel", "rel*"].iter().any(|r| name.eq_ignore_ascii_case(r))
        });
        let value = prop_oneof!["[ -~]{0,20}", "\\PC{0,10}", token()];
        let params = prop::collection::vec((name, value), 0..4);
        (target, prop::collection::vec(rel, 0..4), params).prop_map(|(t, r, p)| Link::new(t, r, p))
    }

    fn join(links: &[Link], separator: &str) -> String {
        links
            .iter()
            .map(Link::to_string)
            .collect::<Vec<_>>()
            .join(separator)
    }

    proptest! {
        #[test]
        fn display_round_trips(
            links in prop::collection::vec(link(), 0..6),
            per_field in 1usize..4,
            separator in prop_oneof![Just(", "), Just(","), Just(",\n      "), Just(" , ,\t")],
        ) {
            prop_assert_eq!(&parse([join(&links, separator).as_str()]), &links);
            let fields: Vec<String> = links.chunks(per_field).map(|chunk| join(chunk, separator)).collect();
            prop_assert_eq!(&parse(fields.iter().map(String::as_str)), &links);
        }

        #[test]
        fn never_panics_and_reads_back_what_it_accepts(
            value in prop_oneof![any::<String>(), "[<>\";,=*' \\\\a-cé\u{1F600}]{0,60}"],
            bytes in prop::collection::vec(any::<u8>(), 0..100),
        ) {
            for value in [value.as_str(), &String::from_utf8_lossy(&bytes)] {
                let links = parse([value]);
                prop_assert_eq!(&parse([join(&links, ", ").as_str()]), &links);
            }
        }
    }
}
