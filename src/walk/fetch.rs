//! One page: its request sent, its body decoded.

use std::sync::Arc;

use serde_json::Value;

use url::Url;

use super::settings::Settings;
use crate::http::Response;
use crate::http::origin::Outgoing;
use crate::rules::decode::{Batch, DecodeError, DecodeOptions, Decoded, ItemsAt, decode};
use crate::rules::failure::{Failure, ItemsFound, failure};
use crate::rules::graphql;
use crate::strategy::Kind;
use crate::text::{excerpt, redact};
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
            // No rule reads an envelope's other arrays (beside the ones
            // `facts::may_hold_facts` names); a user's pointer might.
            skip_unread_arrays: !matches!(
                settings.strategy.kind,
                Kind::NextUrl { .. } | Kind::Cursor { .. }
            ),
            skip,
        };
        let url = outgoing.request.url().as_str();
        let graphql = graphql::is_query(&outgoing.request);
        let decoded = match decode::<B>(body, options) {
            Ok(decoded) => decoded,
            Err((error, body)) => {
                // A body with no items may say why: the server's words beat ours.
                let said = serde_json::from_slice(&body)
                    .ok()
                    .and_then(|body| failure(&body, ItemsFound::Nowhere, graphql));
                return Err(match (said, error) {
                    (Some(said), DecodeError::ItemsNotFound(_) | DecodeError::Pointer { .. }) => {
                        api_error(said)
                    }
                    (_, error) => decode_error(error, &response, &body),
                }
                .at(page, url));
            }
        };
        if let Some(said) = self.failure_in(&decoded, graphql) {
            return Err(api_error(said).at(page, url));
        }
        Ok((response, decoded))
    }

    /// The failure a decoded page's body reports, if any (see `rules::failure`).
    fn failure_in<B: Batch>(&self, decoded: &Decoded<B>, graphql: bool) -> Option<Failure> {
        let envelope = decoded.envelope.as_object()?;
        if !["ok", "errors", "error", "message"]
            .iter()
            .any(|key| envelope.contains_key(*key))
        {
            return None;
        }
        let found = match self.settings.items_at {
            Some(_) => ItemsFound::User,
            None => ItemsFound::Detected(&decoded.pointer, decoded.page_len),
        };
        if decoded.pointer != "/errors" {
            return failure(&decoded.envelope, found, graphql);
        }
        // The errors were taken for items: their messages are in the body.
        let body: Value = serde_json::from_slice(decoded.body_bytes()?).ok()?;
        failure(&body, found, graphql)
    }
}

fn api_error(failure: Failure) -> Error {
    Error::new(ErrorKind::ApiError {
        message: failure.message,
    })
}

fn decode_error(error: DecodeError, response: &Response, body: &[u8]) -> Error {
    match error {
        DecodeError::Syntax(source) => match response.content_type() {
            Some(kind) if kind.contains("json") => Error::new(ErrorKind::Json),
            content_type => Error::new(ErrorKind::NotJson {
                content_type,
                body: redact(&excerpt(body, 200)).into_owned(),
            }),
        }
        .caused_by(source),
        DecodeError::ItemsNotFound(keys) => Error::new(ErrorKind::ItemsNotFound { keys }),
        DecodeError::Pointer { pointer, found } => {
            Error::new(ErrorKind::ItemsPointer { pointer, found })
        }
    }
}
