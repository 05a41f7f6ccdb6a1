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
#[derive(Clone, PartialEq, Eq)]
pub struct Link {
    target: String,
    rels: Vec<String>,
    params: Vec<(String, String)>,
}

/// The target with its credentials hidden (next links may carry an
/// `access_token`).
impl fmt::Debug for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Link")
            .field("target", &crate::text::redact(&self.target))
            .field("rels", &self.rels)
            .field("params", &self.params)
            .finish()
    }
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
mod tests;
