//! Reading and replacing one query parameter while every other one stays byte for byte.
//!
//! Cursor, page, offset and keyset pagination all rewrite a single parameter of
//! the previous URL. Rebuilding the whole query would re-encode the user's
//! filters (`a,b` becomes `a%2Cb`) and appending would send the parameter twice;
//! both are classic sources of wrong second pages.

use url::Url;
use url::form_urlencoded;

/// The decoded value of the first `name` parameter of `url`'s query.
pub(crate) fn get_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// `url` with parameter `name` set to `value`: the first occurrence is replaced in place,
/// later duplicates are removed, and it is appended when absent.
pub(crate) fn with_param(url: &Url, name: &str, value: &str) -> Url {
    let encoded_value: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
    let mut pieces = Vec::new();
    let mut replaced = false;
    for piece in url.query().unwrap_or("").split('&') {
        if piece.is_empty() {
            continue;
        }
        let raw_name = piece.split('=').next().unwrap_or(piece);
        if decoded_name(raw_name) != name {
            pieces.push(piece.to_owned());
        } else if !replaced {
            // Keep the name as the user spelled it (`page[number]` or `page%5Bnumber%5D`).
            pieces.push(format!("{raw_name}={encoded_value}"));
            replaced = true;
        }
    }
    if !replaced {
        let encoded_name: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
        pieces.push(format!("{encoded_name}={encoded_value}"));
    }
    let mut next = url.clone();
    next.set_query(Some(&pieces.join("&")));
    next
}

fn decoded_name(raw: &str) -> String {
    form_urlencoded::parse(raw.as_bytes())
        .next()
        .map(|(key, _)| key.into_owned())
        .unwrap_or_default()
}

/// `text` resolved against `base`; a query-string-only reference replaces
/// the parameters it names (all of each name, as a group, in its order) and
/// keeps every other one byte for byte. Fragments are never sent.
pub(crate) fn merge_link(base: &Url, text: &str) -> Result<Url, url::ParseError> {
    let text = text.trim();
    let Some(reference) = text.strip_prefix('?') else {
        return base.join(text);
    };
    let query = reference
        .split_once('#')
        .map_or(reference, |(query, _)| query);
    let named: Vec<String> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(name, _)| name.into_owned())
        .collect();
    let kept = base.query().unwrap_or("").split('&').filter(|piece| {
        let name = piece.split('=').next().unwrap_or(piece);
        let name: String = url::form_urlencoded::parse(name.as_bytes())
            .next()
            .map(|(name, _)| name.into_owned())
            .unwrap_or_default();
        !piece.is_empty() && !named.contains(&name)
    });
    let pieces: Vec<&str> = kept
        .chain(query.split('&').filter(|piece| !piece.is_empty()))
        .collect();
    let mut url = base.clone();
    url.set_fragment(None);
    url.set_query((!pieces.is_empty()).then(|| pieces.join("&")).as_deref());
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("test URL")
    }

    #[test]
    fn replaces_in_place_and_keeps_other_params_verbatim() {
        let start = url("http://h/x?filter=a,b&cursor=old&sort=-id");
        let next = with_param(&start, "cursor", "n/x y");
        assert_eq!(
            next.as_str(),
            "http://h/x?filter=a,b&cursor=n%2Fx+y&sort=-id"
        );
    }

    #[test]
    fn removes_duplicates_and_appends_when_absent() {
        let start = url("http://h/x?cursor=1&a=1&cursor=2");
        assert_eq!(
            with_param(&start, "cursor", "3").as_str(),
            "http://h/x?cursor=3&a=1"
        );
        let bare = url("http://h/x");
        assert_eq!(with_param(&bare, "page", "2").as_str(), "http://h/x?page=2");
    }

    #[test]
    fn matches_encoded_names() {
        let start = url("http://h/x?page%5Bsize%5D=5&page%5Bnumber%5D=1");
        let next = with_param(&start, "page[number]", "2");
        assert_eq!(
            next.as_str(),
            "http://h/x?page%5Bsize%5D=5&page%5Bnumber%5D=2"
        );
        assert_eq!(get_param(&next, "page[number]").as_deref(), Some("2"));
        let fresh = with_param(&url("http://h/x?page[size]=5"), "page[number]", "2");
        assert_eq!(get_param(&fresh, "page[number]").as_deref(), Some("2"));
        assert_eq!(get_param(&fresh, "page[size]").as_deref(), Some("5"));
    }

    #[test]
    fn keeps_the_fragment_out_of_the_way() {
        let next = with_param(&url("http://h/x?a=1#frag"), "page", "2");
        assert_eq!(next.as_str(), "http://h/x?a=1&page=2#frag");
    }
}
