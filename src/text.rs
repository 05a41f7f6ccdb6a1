//! Text that reaches people: URLs with their secrets hidden, and server text
//! made safe for a terminal.
//!
//! Error messages, `Debug` output and log records all end up in terminals and
//! log files, so a URL never shows its credentials there, and text a server
//! controls (a body, a header, a JSON key) never carries control characters.

use std::borrow::Cow;

use url::form_urlencoded;

/// What stands in for a hidden value.
pub(crate) const HIDDEN: &str = "***";

/// `url` with its userinfo and the values of secret-looking query (and
/// fragment) parameters replaced by `***`. Works on any text, parseable as a
/// URL or not, so that even an invalid URL is shown safely.
///
/// ```text
/// https://user:pw@h/x?api_key=s3cr3t&page=2  →  https://***@h/x?api_key=***&page=2
/// ```
pub(crate) fn redact(url: &str) -> Cow<'_, str> {
    if !url.contains(['@', '?', '#']) {
        return Cow::Borrowed(url);
    }
    let (rest, fragment) = match url.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (url, None),
    };
    let (head, query) = match rest.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (rest, None),
    };
    let mut out = redact_userinfo(head);
    for (separator, part) in [('?', query), ('#', fragment)] {
        if let Some(part) = part {
            out.push(separator);
            out.push_str(&redact_pairs(part));
        }
    }
    if out == url {
        Cow::Borrowed(url)
    } else {
        Cow::Owned(out)
    }
}

/// `scheme://user:password@host/path` with the userinfo hidden: user names
/// are often tokens too (`https://sk_live_...:@api.stripe.com`).
fn redact_userinfo(head: &str) -> String {
    let Some(scheme_end) = head.find("://").map(|at| at + 3) else {
        return head.to_owned();
    };
    let authority_end = head[scheme_end..]
        .find('/')
        .map_or(head.len(), |at| scheme_end + at);
    match head[scheme_end..authority_end].rfind('@') {
        Some(at) => format!(
            "{}{HIDDEN}{}",
            &head[..scheme_end],
            &head[scheme_end + at..]
        ),
        None => head.to_owned(),
    }
}

/// `a=1&api_key=x` with the secret values hidden, every other byte kept.
fn redact_pairs(pairs: &str) -> String {
    pairs
        .split('&')
        .map(|piece| match piece.split_once('=') {
            Some((name, value)) if !value.is_empty() && is_secret_name(name) => {
                Cow::Owned(format!("{name}={HIDDEN}"))
            }
            _ => Cow::Borrowed(piece),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A request body as a message shows it: the values of credential-named
/// fields hidden (by the same words as query parameters), URLs in strings
/// redacted, cut to a short excerpt.
pub(crate) fn shown_body(body: &serde_json::Value) -> String {
    use serde_json::Value;
    fn hide(value: &mut Value) {
        match value {
            Value::Object(members) => {
                for (name, member) in members.iter_mut() {
                    match is_secret_name(name) && !member.is_object() && !member.is_array() {
                        true => *member = Value::String(HIDDEN.into()),
                        false => hide(member),
                    }
                }
            }
            Value::Array(elements) => elements.iter_mut().for_each(hide),
            Value::String(text) => *text = redact(text).into_owned(),
            _ => {}
        }
    }
    let mut body = body.clone();
    hide(&mut body);
    excerpt(body.to_string().as_bytes(), 200)
}

/// Words that make a name a credential's, wherever they stand
/// (`X-Amz-Signature`, `client_secret`, `sessionId`, `my_passphrase`).
const SECRET_WORDS: &str = "secret password passwd pwd passphrase pass credential credentials \
    bearer signature sig jwt session sessionid auth authorization apikey hapikey private";

/// Words that make a name a credential's at its end (`access_token`,
/// `apiKey`, `X-Api-Key`), unless a pagination word is in it too
/// (`pageToken`, `continuationToken`, `cursor_key`).
const SECRET_ENDS: &str = "token key";

/// Words that mark a pagination parameter.
const PAGINATION_WORDS: &str = "page cursor continuation continue next offset after sync";

/// Whether a query parameter, header or body field called `name` (a query
/// name still percent-encoded) looks like a credential, by its words in
/// any case style. OAuth's `code` is one too.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let decoded: String = form_urlencoded::parse(name.as_bytes())
        .next()
        .map(|(key, _)| key.into_owned())
        .unwrap_or_default();
    let mut words = Vec::new();
    each_chunk(&decoded, |chunk| {
        words.push(String::from_utf8_lossy(chunk).to_ascii_lowercase());
        true
    });
    let has = |list: &str| {
        words
            .iter()
            .any(|word| list.split_whitespace().any(|w| w == word))
    };
    // `api_key`, `X-Api-Key`, `next_api_key` are keys whatever stands before.
    let api_key = words.concat().contains("apikey");
    if has(SECRET_WORDS) || api_key || decoded.eq_ignore_ascii_case("code") {
        return true;
    }
    let ends_secret = words
        .last()
        .is_some_and(|last| SECRET_ENDS.split_whitespace().any(|w| w == last));
    ends_secret && !has(PAGINATION_WORDS)
}

/// Calls `each` with `name` cut at separators, at lower-to-upper case
/// changes (`nextPage`) and before the last capital of a run (`XMLHttp` →
/// `XML`, `Http`), until it returns false. Only ASCII letters and digits
/// make chunks.
pub(crate) fn each_chunk(name: &str, mut each: impl FnMut(&[u8]) -> bool) {
    let bytes = name.as_bytes();
    let mut start = 0;
    for i in 0..=bytes.len() {
        let cut = match bytes.get(i) {
            None => true,
            Some(c) if !c.is_ascii_alphanumeric() => true,
            Some(&c) if i > start => {
                let prev = bytes[i - 1];
                let next_lower = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
                let camel = prev.is_ascii_lowercase() && c.is_ascii_uppercase();
                let run_end = prev.is_ascii_uppercase() && c.is_ascii_uppercase() && next_lower;
                let digits = prev.is_ascii_digit() != c.is_ascii_digit();
                if (camel || run_end || digits) && !each(&bytes[start..i]) {
                    return;
                }
                if camel || run_end || digits {
                    start = i;
                }
                false
            }
            Some(_) => false,
        };
        if cut {
            if i > start && !each(&bytes[start..i]) {
                return;
            }
            start = i + 1;
        }
    }
}

/// `text` with every control character (ESC, newlines, DEL, C1 codes)
/// written as an escape, so that a server's text cannot drive the terminal it
/// ends up on.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// A control character, or a bidirectional override that reorders what a
/// terminal shows.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// At most about `max` bytes of `body` as text, cut on a character boundary,
/// marked when cut, control characters escaped.
pub(crate) fn excerpt(body: &[u8], max: usize) -> String {
    let raw = String::from_utf8_lossy(&body[..body.len().min(max + 4)]);
    let text = escape(&raw);
    if text.len() <= max {
        return text.into_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_and_secret_parameters_are_hidden() {
        for (url, shown) in [
            (
                "https://user:pw@h.example/x?api_key=s3&page=2",
                "https://***@h.example/x?api_key=***&page=2",
            ),
            (
                "https://sk_live_1:@api.stripe.com/v1/charges",
                "https://***@api.stripe.com/v1/charges",
            ),
            (
                "http://h/x?Access-Token=a&client_secret=b&sig=c&x=1#access_token=d",
                "http://h/x?Access-Token=***&client_secret=***&sig=***&x=1#access_token=***",
            ),
            (
                "http://h/x?github_token=a&apiKey=b&API%5FKEY=c",
                "http://h/x?github_token=***&apiKey=***&API%5FKEY=***",
            ),
            (
                "http://h/x?accessToken=a&authToken=b&clientSecret=c&sessionToken=d&next_api_key=e",
                "http://h/x?accessToken=***&authToken=***&clientSecret=***&sessionToken=***&next_api_key=***",
            ),
            ("not a url?password=x", "not a url?password=***"),
            (
                "http://h/x?passphrase=a&code=b&bearer=c&credentials=d&pass=e&secret_key=f&private_key=g&session=h&X-Amz-Signature=i&api-key=j&refreshToken=k&country_code=us",
                "http://h/x?passphrase=***&code=***&bearer=***&credentials=***&pass=***&secret_key=***&private_key=***&session=***&X-Amz-Signature=***&api-key=***&refreshToken=***&country_code=us",
            ),
        ] {
            assert_eq!(redact(url), shown, "{url}");
        }
    }

    #[test]
    fn pagination_tokens_and_plain_urls_stay_as_they_are() {
        for url in [
            "http://h/x?pageToken=a&next_page_token=b&continuationToken=c&cursor=d",
            "http://h/x?page[after]=abc&key_count=&token=",
            "http://h/path/with@sign",
            "http://127.0.0.1:8080/x",
        ] {
            assert_eq!(redact(url), url);
        }
    }

    #[test]
    fn bodies_are_shown_without_their_secrets_and_short() {
        let body = serde_json::json!({
            "query": "q", "password": "hunter2", "auth": {"client_secret": "s", "apiKey": 7},
            "next": "https://h/x?access_token=t", "z": "x".repeat(500)});
        let shown = shown_body(&body);
        for secret in ["hunter2", "\"s\"", "7", "access_token=t"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("\"query\":\"q\""), "{shown}");
        assert!(shown.len() < 260, "{shown}");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("a\u{202e}b\u{2066}"), "a\\u{202e}b\\u{2066}");
        assert_eq!(
            escape("red \x1b[31m\nline\u{9b}"),
            "red \\u{1b}[31m\\nline\\u{9b}"
        );
        assert!(matches!(escape("plain é"), Cow::Borrowed(_)));
    }

    #[test]
    fn excerpt_cuts_on_a_char_boundary() {
        let body = "é".repeat(600);
        let cut = excerpt(body.as_bytes(), 1024);
        assert!(cut.ends_with('…'));
        assert_eq!(cut.chars().filter(|c| *c == 'é').count(), 512);
        assert_eq!(excerpt(b"short", 1024), "short");
    }
}
