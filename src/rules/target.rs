//! Reading a token from a response, and reading or writing a value at a
//! [`Target`] of a request.

use serde_json::Value;

use super::PageView;
use crate::Request;
use crate::link_header::find_rel;
use crate::request::get_param;
use crate::strategy::{Target, TargetAt, Token, TokenAt};

/// The token at `token` in the response: `None` when absent or `null`.
/// A header's token that is not UTF-8 is an `Err` naming the header.
pub(crate) fn read_token(page: &PageView<'_>, token: &Token) -> Option<Result<Value, String>> {
    match &token.0 {
        TokenAt::Body(pointer) => page
            .envelope
            .pointer(pointer)
            .filter(|v| !v.is_null())
            .cloned()
            .map(Ok),
        TokenAt::Header(name) => {
            let value = page.headers.get(name.as_str())?;
            // Bytes that are not UTF-8 are refused, never sent back changed.
            let text = std::str::from_utf8(value.as_bytes()).map_err(|_| name.clone());
            Some(text.map(|text| Value::String(text.trim().to_owned())))
        }
        TokenAt::LinkParam { rel, param } => find_rel(page.links, rel)?
            .param(param)
            .map(|value| Ok(Value::String(value.to_owned()))),
    }
}

/// The request with `value` written at `target`; `Err` says why it cannot be.
pub(crate) fn write(request: &Request, target: &Target, value: &Value) -> Result<Request, String> {
    match &target.0 {
        TargetAt::Query(name) => Ok(request.clone().with_query(name, &as_text(value)?)),
        TargetAt::Header(name) => Ok(request.clone().with_header(name, &as_text(value)?)),
        TargetAt::Body(pointer) => request
            .clone()
            .with_body_field(pointer, value.clone())
            .map_err(|error| error.to_string()),
    }
}

/// The value at `target` in `request`, as text when it is a string or a number.
pub(crate) fn read(request: &Request, target: &Target) -> Option<String> {
    match &target.0 {
        TargetAt::Query(name) => get_param(request.url(), name),
        TargetAt::Header(name) => request.header(name).map(str::to_owned),
        TargetAt::Body(pointer) => match request.body_field(pointer)? {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        },
    }
}

/// A page number or offset as `request` carries it at `target`: a body field
/// keeps its type (a number, or a numeric string).
pub(crate) fn counter(request: &Request, target: &Target, n: u64) -> Value {
    match &target.0 {
        TargetAt::Body(pointer) if request.body_field(pointer).is_some_and(Value::is_string) => {
            Value::String(n.to_string())
        }
        _ => Value::from(n),
    }
}

/// A string or a number as the text a query parameter or header carries.
fn as_text(value: &Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        _ => Err("not a string or a number".to_owned()),
    }
}
