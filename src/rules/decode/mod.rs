//! Turning a page's body into typed items and the rest of the envelope.
//!
//! Every path parses a body once when it can:
//!
//! - [`fast`]: the items' pointer is known (given, or learned from an earlier
//!   page): the items array is deserialized straight into `Vec<T>`, never
//!   through `serde_json::Value`, while the small rest of the body becomes a
//!   `Value` for the pagination rules;
//! - [`named`]: the first page of an auto-detected walk whose items sit
//!   under one of the usual names (`data`, `items`, ...) is decoded the same
//!   way as the parser meets them;
//! - [`slow`]: everything else, and every page on which the fast paths fail:
//!   the body is read into a `Value` to find the items and to say exactly
//!   which item is wrong, while the items before it are still delivered.

mod collect;
mod descend;
mod fast;
mod named;
mod seeds;
mod skeleton;
mod slow;

use serde_json::Value;

pub(crate) use collect::{Batch, RawItems};

/// Where to look for the items.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ItemsAt<'a> {
    /// Given by the user with `items_at`: nothing else is tried.
    User(&'a str),
    /// Found on an earlier page: tried first, detection runs again if it fails.
    Learned(&'a str),
    Detect,
}

/// How to decode one page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DecodeOptions<'a> {
    pub at: ItemsAt<'a>,
    /// Keep the last item as JSON too (keyset pagination reads its fields).
    pub want_last_item: bool,
    /// Skip the envelope's other arrays unparsed (JSON:API's `included`,
    /// Laravel's page list): only a user's pointer might read them. The
    /// arrays a rule reads (`facts::may_hold_facts`) are kept.
    pub skip_unread_arrays: bool,
    /// How many items at the start of the page were delivered before a resume.
    pub skip: usize,
}

#[cfg(test)]
impl<'a> DecodeOptions<'a> {
    /// Items at `at`, nothing else asked for.
    pub(crate) fn new(at: ItemsAt<'a>) -> DecodeOptions<'a> {
        DecodeOptions {
            at,
            want_last_item: false,
            skip_unread_arrays: false,
            skip: 0,
        }
    }
}

pub(crate) struct Decoded<B> {
    /// The page's items from index `skip` on.
    pub items: B,
    /// The body without its items array.
    pub envelope: Value,
    /// Where the items were: `""` for a root array.
    pub pointer: String,
    /// The last item as JSON, when asked for or when it came for free.
    pub last_item: Option<Value>,
    /// The first item that did not deserialize; `items` holds the ones before it.
    pub item_error: Option<BadItem>,
    /// How many items the page has, bad ones and those after them included.
    pub page_len: usize,
    /// A fingerprint of the page's first item, if it has one.
    pub first: Option<u64>,
    /// The body, unless the items keep it.
    pub body: Option<Vec<u8>>,
}

impl<B: Batch> Decoded<B> {
    /// The page's body, wherever it is kept.
    pub(crate) fn body_bytes(&self) -> Option<&[u8]> {
        self.body.as_deref().or_else(|| self.items.kept_body())
    }
}

/// An item that does not deserialize into the requested type.
#[derive(Debug)]
pub(crate) struct BadItem {
    /// Its index in the page.
    pub index: usize,
    pub error: serde_json::Error,
    /// The item itself, so that reporting it loses nothing.
    pub json: String,
}

#[derive(Debug)]
pub(crate) enum DecodeError {
    Syntax(serde_json::Error),
    ItemsNotFound(Vec<String>),
    Pointer { pointer: String, found: String },
}

/// Whether the items at `pointer_a` in `body_a` are, text for text, those at
/// `pointer_b` in `body_b`.
pub(crate) fn same_items(body_a: &[u8], pointer_a: &str, body_b: &[u8], pointer_b: &str) -> bool {
    match (
        slow::raw_items(body_a, pointer_a),
        slow::raw_items(body_b, pointer_b),
    ) {
        (Ok(a), Ok(b)) => a
            .iter()
            .map(|raw| raw.get())
            .eq(b.iter().map(|raw| raw.get())),
        _ => false,
    }
}

/// The last item at `pointer` in `body`, as JSON (keyset pagination reads it
/// when the items were typed before the walk knew it would need it).
pub(crate) fn last_item(body: &[u8], pointer: &str) -> Option<Value> {
    let items = slow::raw_items(body, pointer).ok()?;
    serde_json::from_str(items.last()?.get()).ok()
}

/// The text of each item at `pointer` in `value` (for the rules' tests).
#[cfg(test)]
pub(crate) fn raw_texts(value: &Value, pointer: &str) -> Vec<String> {
    let body = value.to_string();
    slow::raw_items(body.as_bytes(), pointer)
        .map(|items| items.iter().map(|raw| raw.get().to_owned()).collect())
        .unwrap_or_default()
}

/// Decodes the items of `body` as `options` say; on failure, the body comes
/// back with the error (its excerpt may explain it).
pub(crate) fn decode<C: Batch>(
    body: Vec<u8>,
    options: DecodeOptions<'_>,
) -> Result<Decoded<C>, (DecodeError, Vec<u8>)> {
    match parse::<C>(&body, options) {
        Ok(mut decoded) => {
            decoded.body = decoded.items.adopt(body);
            Ok(decoded)
        }
        Err(error) => Err((error, body)),
    }
}

/// The items from index `options.skip` on: a fast path when one applies,
/// else the slow one (which also never reports an item before `skip` again).
fn parse<C: Batch>(body: &[u8], options: DecodeOptions<'_>) -> Result<Decoded<C>, DecodeError> {
    let known = match options.at {
        ItemsAt::User(pointer) | ItemsAt::Learned(pointer) => Some(pointer.to_owned()),
        ItemsAt::Detect => None,
    };
    let fast = match (&known, options.at) {
        (None, ItemsAt::Detect) => named::decode::<C>(body, options.want_last_item)
            .or_else(|| fast_at::<C>(body, skeleton::detect_pointer(body), &options)),
        _ => fast_at::<C>(body, known, &options),
    };
    match fast {
        Some(mut decoded) => {
            decoded.items.skip_front(options.skip);
            Ok(decoded)
        }
        None => slow::decode::<C>(body, options.at, options.skip),
    }
}

fn fast_at<C: Batch>(
    body: &[u8],
    pointer: Option<String>,
    options: &DecodeOptions<'_>,
) -> Option<Decoded<C>> {
    fast::decode::<C>(
        body,
        &pointer?,
        options.want_last_item,
        options.skip_unread_arrays,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        id: u64,
    }

    fn decode_items(
        body: &[u8],
        options: DecodeOptions<'_>,
    ) -> Result<Decoded<Vec<Item>>, DecodeError> {
        decode::<Vec<Item>>(body.to_vec(), options).map_err(|(error, _)| error)
    }

    fn ids(items: &[Item]) -> Vec<u64> {
        items.iter().map(|item| item.id).collect()
    }

    #[test]
    fn fast_path_reads_items_and_keeps_the_envelope() {
        let body = br#"{"meta":{"next":"x"},"data":[{"id":1},{"id":2}],"total":2}"#;
        let decoded = decode_items(
            body,
            DecodeOptions {
                want_last_item: true,
                ..DecodeOptions::new(ItemsAt::Learned("/data"))
            },
        )
        .expect("decodes");
        assert_eq!(ids(&decoded.items), [1, 2]);
        assert_eq!(
            decoded.envelope,
            json!({"meta": {"next": "x"}, "data": [], "total": 2})
        );
        assert_eq!(decoded.last_item, Some(json!({"id": 2})));
        let nested = br#"{"response":{"page":{"rows":[{"id":3}]},"after":"z"}}"#;
        let decoded = decode_items(
            nested,
            DecodeOptions::new(ItemsAt::User("/response/page/rows")),
        )
        .expect("decodes");
        assert_eq!(ids(&decoded.items), [3]);
        assert_eq!(
            decoded.envelope,
            json!({"response": {"page": {"rows": []}, "after": "z"}})
        );
    }

    #[test]
    fn unread_arrays_are_skipped_but_their_keys_stay() {
        let body = br#"{"included":[{"url":null,"label":"1"}],"data":[{"id":1}],"next_page_url":"/p2","meta":{"pages":[1,2]},"Links":[{"rel":"next","href":"/p2"}],"errors":[{"message":"partial"}]}"#;
        let decoded = decode_items(
            body,
            DecodeOptions {
                skip_unread_arrays: true,
                ..DecodeOptions::new(ItemsAt::Learned("/data"))
            },
        )
        .expect("decodes");
        assert_eq!(ids(&decoded.items), [1]);
        assert_eq!(
            decoded.envelope,
            json!({"included": [], "data": [], "next_page_url": "/p2", "meta": {"pages": [1, 2]},
                "Links": [{"rel": "next", "href": "/p2"}], "errors": [{"message": "partial"}]}),
            "the arrays a rule reads are kept"
        );
    }

    #[test]
    fn root_array_and_escaped_pointer() {
        let decoded = decode_items(br#"[{"id":5}]"#, DecodeOptions::new(ItemsAt::Learned("")))
            .expect("decodes");
        assert_eq!(
            (ids(&decoded.items), decoded.envelope),
            (vec![5], Value::Null)
        );
        let decoded = decode_items(
            br#"{"a/b":[{"id":6}]}"#,
            DecodeOptions::new(ItemsAt::User("/a~1b")),
        )
        .expect("decodes");
        assert_eq!(ids(&decoded.items), [6]);
    }

    #[test]
    fn detection_by_light_scan_finds_what_the_rules_say() {
        let cases: [(&[u8], &str); 5] = [
            (br#" [{"id":1}]"#, ""),
            (
                br#"{"links":[{"url":null}],"data":[{"id":1}],"total":1}"#,
                "/data",
            ),
            (
                br#"{"ok":true,"channels":[{"id":1}],"response_metadata":{"next_cursor":""}}"#,
                "/channels",
            ),
            (
                br#"{"_links":{"next":{"href":"/x"}},"_embedded":{"orders":[{"id":1}]}}"#,
                "/_embedded/orders",
            ),
            (br#"{"a/b":[{"id":1}]}"#, "/a~1b"),
        ];
        for (body, pointer) in cases {
            assert_eq!(skeleton::detect_pointer(body).as_deref(), Some(pointer));
            let decoded = decode_items(body, DecodeOptions::new(ItemsAt::Detect)).expect("decodes");
            assert_eq!(
                (decoded.pointer.as_str(), ids(&decoded.items)),
                (pointer, vec![1])
            );
        }
        assert_eq!(skeleton::detect_pointer(br#"{"a":[1],"b":[2]}"#), None);
        assert_eq!(skeleton::detect_pointer(b"<html>"), None);
    }

    #[test]
    fn one_pass_detection_follows_the_order_of_names() {
        let decoded = decode_items(
            br#"{"items":[{"id":2}],"data":[{"id":1}],"n":1.5}"#,
            DecodeOptions {
                want_last_item: true,
                ..DecodeOptions::new(ItemsAt::Detect)
            },
        )
        .expect("decodes");
        assert_eq!(
            (decoded.pointer.as_str(), ids(&decoded.items)),
            ("/data", vec![1])
        );
        assert_eq!(decoded.envelope, json!({"items": [], "data": [], "n": 1.5}));
        assert_eq!(decoded.last_item, Some(json!({"id": 1})));
        let decoded = decode_items(
            br#"{"data":{"x":[1]},"items":[{"id":3}]}"#,
            DecodeOptions::new(ItemsAt::Detect),
        )
        .expect("decodes");
        assert_eq!(
            (decoded.pointer.as_str(), ids(&decoded.items)),
            ("/items", vec![3])
        );
        assert_eq!(decoded.envelope, json!({"data": {"x": [1]}, "items": []}));
        // `data` wins even when its items do not fit: the slow path says which one.
        let decoded = decode_items(
            br#"{"data":["a"],"items":[{"id":1}]}"#,
            DecodeOptions::new(ItemsAt::Detect),
        )
        .expect("decodes");
        assert_eq!(decoded.pointer, "/data");
        assert_eq!(decoded.item_error.map(|bad| bad.index), Some(0));
    }

    #[test]
    fn detection_when_the_learned_pointer_is_gone() {
        let decoded = decode_items(
            br#"{"results":[{"id":7}],"next":null}"#,
            DecodeOptions::new(ItemsAt::Learned("/data")),
        )
        .expect("decodes");
        assert_eq!(
            (decoded.pointer.as_str(), ids(&decoded.items)),
            ("/results", vec![7])
        );
    }

    #[test]
    fn a_bad_item_keeps_the_ones_before_it() {
        let body = br#"{"data":[{"id":1},{"id":"two"},{"id":3}]}"#;
        let decoded =
            decode_items(body, DecodeOptions::new(ItemsAt::Learned("/data"))).expect("decodes");
        assert_eq!(ids(&decoded.items), [1]);
        let BadItem { index, error, json } = decoded.item_error.expect("an item error");
        assert_eq!((index, json.as_str()), (1, r#"{"id":"two"}"#));
        assert!(error.to_string().contains("invalid type"), "{error}");
    }

    #[test]
    fn skip_leaves_out_delivered_items_on_both_paths() {
        let good = br#"{"data":[{"id":1},{"id":2},{"id":3}]}"#;
        let decoded = decode_items(
            good,
            DecodeOptions {
                skip: 2,
                ..DecodeOptions::new(ItemsAt::Learned("/data"))
            },
        )
        .expect("decodes");
        assert_eq!((ids(&decoded.items), decoded.page_len), (vec![3], 3));
        // Resuming after a bad item that was reported goes on with the rest.
        let bad = br#"{"data":[{"id":1},{"id":"two"},{"id":3}]}"#;
        let decoded = decode_items(
            bad,
            DecodeOptions {
                skip: 2,
                ..DecodeOptions::new(ItemsAt::Learned("/data"))
            },
        )
        .expect("decodes");
        assert_eq!((ids(&decoded.items), decoded.page_len), (vec![3], 3));
        assert!(decoded.item_error.is_none());
    }

    #[test]
    fn errors_name_what_was_found() {
        assert!(matches!(
            decode_items(b"<html>", DecodeOptions::new(ItemsAt::Detect)),
            Err(DecodeError::Syntax(_))
        ));
        match decode_items(br#"{"a":1,"b":{}}"#, DecodeOptions::new(ItemsAt::Detect)) {
            Err(DecodeError::ItemsNotFound(keys)) => assert_eq!(keys, ["a", "b"]),
            other => panic!("unexpected {:?}", other.map(|d| d.pointer)),
        }
        match decode_items(
            br#"{"data":{"x":1}}"#,
            DecodeOptions::new(ItemsAt::User("/data")),
        ) {
            Err(DecodeError::Pointer { found, .. }) => {
                assert_eq!(found, "points to an object instead of an array")
            }
            other => panic!("unexpected {:?}", other.map(|d| d.pointer)),
        }
        match decode_items(br#"{"data":[]}"#, DecodeOptions::new(ItemsAt::User("data"))) {
            Err(DecodeError::Pointer { found, .. }) => {
                assert!(found.contains("\"/data\""), "{found}")
            }
            other => panic!("unexpected {:?}", other.map(|d| d.pointer)),
        }
        match decode_items(
            br#"{"data":[]}"#,
            DecodeOptions::new(ItemsAt::User("/rows")),
        ) {
            Err(DecodeError::Pointer { found, .. }) => assert_eq!(found, "points to nothing"),
            other => panic!("unexpected {:?}", other.map(|d| d.pointer)),
        }
    }

    #[test]
    fn trailing_garbage_is_a_syntax_error() {
        assert!(matches!(
            decode_items(
                br#"{"data":[]} x"#,
                DecodeOptions::new(ItemsAt::Learned("/data"))
            ),
            Err(DecodeError::Syntax(_))
        ));
    }

    fn raw(body: &[u8], options: DecodeOptions<'_>) -> Vec<String> {
        let decoded = decode::<RawItems>(body.to_vec(), options).expect("decodes");
        assert!(decoded.body.is_none(), "raw items keep the body");
        decoded.items.iter().map(str::to_owned).collect()
    }

    #[test]
    fn raw_items_are_the_exact_text_on_every_path() {
        let body = br#"{"data": [ 123456789012345678901234567890, {"b": 1,
            "a": "\u00e9\/"}, 16.990000000000002 ], "next": null}"#;
        let expected = [
            "123456789012345678901234567890",
            "{\"b\": 1,\n            \"a\": \"\\u00e9\\/\"}",
            "16.990000000000002",
        ];
        // Detected under a usual name, at a known pointer, and through the slow path.
        assert_eq!(raw(body, DecodeOptions::new(ItemsAt::Detect)), expected);
        assert_eq!(
            raw(body, DecodeOptions::new(ItemsAt::Learned("/data"))),
            expected
        );
        let odd = br#"{"rows": [1, 2.50], "n": {"x": [3]}}"#;
        assert_eq!(raw(odd, DecodeOptions::new(ItemsAt::Detect)), ["1", "2.50"]);
        assert_eq!(
            raw(b" [true,null] ", DecodeOptions::new(ItemsAt::User(""))),
            ["true", "null"]
        );
        let skipped = DecodeOptions {
            skip: 2,
            ..DecodeOptions::new(ItemsAt::Learned("/data"))
        };
        assert_eq!(raw(body, skipped), [expected[2]]);
    }

    #[test]
    fn the_first_item_is_fingerprinted_on_every_path() {
        let body = br#"{"data":[{"id":1},{"id":2}]}"#;
        let fast = decode_items(body, DecodeOptions::new(ItemsAt::Learned("/data"))).unwrap();
        let named = decode_items(body, DecodeOptions::new(ItemsAt::Detect)).unwrap();
        let keyset = DecodeOptions {
            want_last_item: true,
            ..DecodeOptions::new(ItemsAt::Learned("/data"))
        };
        let last = decode_items(body, keyset).unwrap();
        let bad = decode_items(
            br#"{"data":[{"id":1},{"id":"x"}]}"#,
            DecodeOptions::new(ItemsAt::Detect),
        )
        .unwrap();
        let first = Some(collect::fingerprint(r#"{"id":1}"#));
        assert_eq!([fast.first, named.first, last.first, bad.first], [first; 4]);
        let other = decode_items(
            br#"{"data":[{"id":3}]}"#,
            DecodeOptions::new(ItemsAt::Detect),
        )
        .unwrap();
        assert_ne!(other.first, first);
        assert_eq!(
            decode_items(br#"{"data":[]}"#, DecodeOptions::new(ItemsAt::Detect))
                .unwrap()
                .first,
            None
        );
        assert!(fast.body.is_some(), "typed items give the body back");
    }
}
