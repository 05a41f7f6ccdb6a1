//! One page: its request sent, its body decoded.

use std::sync::Arc;

use url::Url;

use super::settings::Settings;
use crate::http::Response;
use crate::http::origin::Outgoing;
use crate::rules::decode::{Batch, DecodeError, DecodeOptions, Decoded, ItemsAt, decode};
use crate::strategy::Kind;
use crate::{Error, ErrorKind};

/// How to fetch and decode one page; cheap to clone into worker threads.
#[derive(Clone)]
pub(crate) struct PageRequest {
    pub settings: Arc<Settings>,
    pub start: Url,
    /// Where the items were found so far, if known.
    pub items_pointer: Option<String>,
    pub want_last_item: bool,
}

impl PageRequest {
    /// Sends `outgoing` as page `page` and decodes its body, leaving out the
    /// first `skip` items (delivered before a resume).
    pub(crate) fn fetch<B: Batch>(
        &self,
        outgoing: &Outgoing,
        page: u64,
        skip: usize,
    ) -> Result<(Response, Decoded<B>), Error> {
        let settings = &self.settings;
        let mut response = settings.transport.fetch(&self.start, outgoing, page)?;
        // The body moves into the page's items (raw ones keep it).
        let body = std::mem::take(&mut response.body);
        let at = match (&settings.items_at, &self.items_pointer) {
            (Some(pointer), _) => ItemsAt::User(pointer),
            (None, Some(pointer)) => ItemsAt::Learned(pointer),
            (None, None) => ItemsAt::Detect,
        };
        let options = DecodeOptions {
            at,
            want_last_item: self.want_last_item,
            // No rule reads an envelope's other arrays; a user's pointer might.
            skip_unread_arrays: !matches!(
                settings.strategy.kind,
                Kind::NextUrl { .. } | Kind::Cursor { .. }
            ),
            skip,
        };
        let decoded = decode::<B>(body, options).map_err(|(error, _)| {
            decode_error(error, &response).at(page, outgoing.request.url().as_str())
        })?;
        Ok((response, decoded))
    }
}

fn decode_error(error: DecodeError, response: &Response) -> Error {
    match error {
        DecodeError::Syntax(source) => match response.content_type() {
            Some(kind) if kind.contains("json") => Error::new(ErrorKind::Json),
            content_type => Error::new(ErrorKind::NotJson { content_type }),
        }
        .caused_by(source),
        DecodeError::ItemsNotFound(keys) => Error::new(ErrorKind::ItemsNotFound { keys }),
        DecodeError::Pointer { pointer, found } => {
            Error::new(ErrorKind::ItemsPointer { pointer, found })
        }
    }
}
