//! How a page's items are kept while its body is parsed: deserialized into
//! `T`, or left as the text the server wrote (spans of the body).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, SeqAccess};
use serde_json::value::RawValue;

use super::BadItem;
use super::descend::Descend;

/// What a collector made of an items array.
pub(crate) struct Collected<B> {
    pub batch: B,
    /// A fingerprint of the first item's text: a cheap sign of a page served
    /// again (see `walk::guard`).
    pub first: Option<u64>,
    /// The last item's text, when asked for (keyset pagination reads it).
    pub last_raw: Option<String>,
}

/// The items of one page, as the iterators hand them out, and how they are
/// collected while the body is parsed.
pub(crate) trait Batch: Sized + Default + Send + 'static {
    fn len(&self) -> usize;
    /// Leaves out the first `n` items (delivered before a resume).
    fn skip_front(&mut self, n: usize);
    /// Keeps the first `n` items (a limit ends inside the page).
    fn truncate(&mut self, n: usize);

    /// Reads the items array `seq`, which is a part of `body`; with a path
    /// in `each`, each item is the value at that path in an element (the
    /// `node` of each edge of a GraphQL connection).
    fn collect<'de, A: SeqAccess<'de>>(
        seq: A,
        body: &'de [u8],
        want_last_item: bool,
        each: &[String],
    ) -> Result<Collected<Self>, A::Error>;

    /// The items from their own text (the slow path), from index `skip` on,
    /// up to the first one that does not fit.
    fn from_raw(items: &[&RawValue], body: &[u8], skip: usize) -> (Self, Option<BadItem>);

    /// Takes the body if it keeps it (raw items point into it); otherwise
    /// hands it back.
    fn adopt(&mut self, body: Vec<u8>) -> Option<Vec<u8>>;

    /// A fingerprint of every item, when the batch has their text at hand
    /// (raw items); typed items leave it to the body.
    fn fingerprint(&self) -> Option<u64> {
        None
    }

    /// The body, when the batch keeps it.
    fn kept_body(&self) -> Option<&[u8]> {
        None
    }
}

/// The fingerprint of one item's text.
pub(crate) fn fingerprint(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Items deserialized into `T`.
impl<T: DeserializeOwned + Send + 'static> Batch for Vec<T> {
    fn len(&self) -> usize {
        Vec::len(self)
    }

    fn skip_front(&mut self, n: usize) {
        self.drain(..n.min(Vec::len(self)));
    }

    fn truncate(&mut self, n: usize) {
        Vec::truncate(self, n);
    }

    fn collect<'de, A: SeqAccess<'de>>(
        mut seq: A,
        _body: &'de [u8],
        want_last_item: bool,
        each: &[String],
    ) -> Result<Collected<Vec<T>>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        let mut first = None;
        let mut last: Option<&'de RawValue> = None;
        // The first item goes through its raw text (borrowed, no copy) for
        // the page's fingerprint; with keyset pagination every item does, as
        // the last one's fields are needed whatever `T` keeps.
        while let Some(raw) = match (first.is_none(), want_last_item) {
            (false, false) => None,
            _ => seq.next_element_seed(raw_at(each))?,
        } {
            first.get_or_insert_with(|| fingerprint(raw.get()));
            items.push(serde_json::from_str(raw.get()).map_err(de::Error::custom)?);
            last = Some(raw);
        }
        if !want_last_item && first.is_some() {
            let typed = || Descend {
                path: each,
                seed: PhantomData::<T>,
            };
            while let Some(item) = seq.next_element_seed(typed())? {
                items.push(item);
            }
        }
        Ok(Collected {
            batch: items,
            first,
            last_raw: last
                .filter(|_| want_last_item)
                .map(|raw| raw.get().to_owned()),
        })
    }

    fn from_raw(items: &[&RawValue], _body: &[u8], skip: usize) -> (Vec<T>, Option<BadItem>) {
        let mut typed = Vec::with_capacity(items.len());
        for (index, raw) in items.iter().enumerate().skip(skip) {
            match serde_json::from_str::<T>(raw.get()) {
                Ok(item) => typed.push(item),
                Err(error) => {
                    let json = raw.get().to_owned();
                    return (typed, Some(BadItem { index, error, json }));
                }
            }
        }
        (typed, None)
    }

    fn adopt(&mut self, body: Vec<u8>) -> Option<Vec<u8>> {
        Some(body)
    }
}

/// The items of one page left as the server wrote them: the body and where
/// each item is in it. Eight bytes an item, whatever the item.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawItems {
    body: Vec<u8>,
    /// Start and length of each item in `body`.
    spans: Vec<(u32, u32)>,
}

impl RawItems {
    /// The text of each item, in order.
    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.spans.iter().map(|&(start, len)| {
            let (start, len) = (start as usize, len as usize);
            // Every span was cut from the body's text at an item's bounds.
            std::str::from_utf8(&self.body[start..start + len]).unwrap_or_default()
        })
    }
}

/// The raw text at `each` inside an element, borrowed from the body.
fn raw_at<'de>(each: &[String]) -> Descend<'_, PhantomData<&'de RawValue>> {
    Descend {
        path: each,
        seed: PhantomData,
    }
}

/// One step of a multiply-rotate hash (as in FxHash).
fn mix(hash: u64, word: u64) -> u64 {
    (hash.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95)
}

/// Where `raw`, a part of `body`, stands in it; `None` if it is not a part.
fn span(raw: &RawValue, body: &[u8]) -> Option<(u32, u32)> {
    let start = (raw.get().as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
    let len = raw.get().len();
    (start.checked_add(len)? <= body.len())
        .then(|| Some((u32::try_from(start).ok()?, u32::try_from(len).ok()?)))
        .flatten()
}

impl Batch for RawItems {
    fn len(&self) -> usize {
        self.spans.len()
    }

    fn skip_front(&mut self, n: usize) {
        self.spans.drain(..n.min(self.spans.len()));
    }

    fn truncate(&mut self, n: usize) {
        self.spans.truncate(n);
    }

    fn collect<'de, A: SeqAccess<'de>>(
        mut seq: A,
        body: &'de [u8],
        want_last_item: bool,
        each: &[String],
    ) -> Result<Collected<RawItems>, A::Error> {
        let mut spans = Vec::new();
        let mut first = None;
        let mut last: Option<&'de RawValue> = None;
        while let Some(raw) = seq.next_element_seed(raw_at(each))? {
            let span = span(raw, body).ok_or_else(|| {
                de::Error::custom("an item outside the body, or a body over 4 GiB")
            })?;
            first.get_or_insert_with(|| fingerprint(raw.get()));
            spans.push(span);
            last = Some(raw);
        }
        Ok(Collected {
            batch: RawItems {
                body: Vec::new(),
                spans,
            },
            first,
            last_raw: last
                .filter(|_| want_last_item)
                .map(|raw| raw.get().to_owned()),
        })
    }

    fn from_raw(items: &[&RawValue], body: &[u8], skip: usize) -> (RawItems, Option<BadItem>) {
        // Any JSON is a raw item: none is bad.
        let spans = items
            .iter()
            .skip(skip)
            .filter_map(|raw| span(raw, body))
            .collect();
        (
            RawItems {
                body: Vec::new(),
                spans,
            },
            None,
        )
    }

    fn adopt(&mut self, body: Vec<u8>) -> Option<Vec<u8>> {
        self.body = body;
        None
    }

    fn kept_body(&self) -> Option<&[u8]> {
        Some(&self.body)
    }

    fn fingerprint(&self) -> Option<u64> {
        // Fast (eight bytes a step): every raw page is fingerprinted whole.
        let mut hash = self.spans.len() as u64;
        for item in self.iter() {
            hash = mix(hash, item.len() as u64);
            let mut words = item.as_bytes().chunks_exact(8);
            for word in words.by_ref() {
                hash = mix(
                    hash,
                    u64::from_le_bytes(word.try_into().unwrap_or_default()),
                );
            }
            let mut tail = [0u8; 8];
            tail[..words.remainder().len()].copy_from_slice(words.remainder());
            hash = mix(hash, u64::from_le_bytes(tail));
        }
        Some(hash)
    }
}
