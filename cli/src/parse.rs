//! The values of the command line's options: each parser says what is
//! wrong with a value in words clap prints as bad usage (exit 2).

use std::fs;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use pagewalk::Method;
use serde_json::Value;

/// The headers of one -H: a 'Name: value', or every line of an @FILE; or
/// why they are not. Never a parse error for clap: its message would quote
/// the value, a token perhaps; `main` reports it without.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers(pub Result<Vec<(String, String)>, String>);

pub(crate) fn parse_headers(text: &str) -> Result<Headers, String> {
    let Some(path) = text.strip_prefix('@') else {
        return Ok(Headers(parse_header(text).map(|header| vec![header])));
    };
    let headers = read_argument_file(path).and_then(|contents| {
        contents
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(i, line)| {
                parse_header(line).map_err(|error| format!("{path}, line {}: {error}", i + 1))
            })
            .collect::<Result<_, _>>()
    });
    Ok(Headers(headers))
}

/// Whether an `@-` argument has read stdin already: it can be read once.
static STDIN_READ: AtomicBool = AtomicBool::new(false);

/// The contents of `path` for an @FILE argument; `-` is stdin.
fn read_argument_file(path: &str) -> Result<String, String> {
    if path == "-" {
        if STDIN_READ.swap(true, Ordering::SeqCst) {
            return Err("stdin can be read by one @- only".to_owned());
        }
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .map_err(|error| format!("cannot read stdin: {error}"))?;
        return Ok(text);
    }
    fs::read_to_string(path).map_err(|error| format!("cannot read {path}: {error}"))
}

pub(crate) fn parse_data(text: &str) -> Result<Value, String> {
    let (json, origin) = match text.strip_prefix('@') {
        Some(path) => (read_argument_file(path)?, Some(path)),
        None => (text.to_owned(), None),
    };
    serde_json::from_str(&json).map_err(|error| match origin {
        Some("-") => format!("stdin is not JSON: {error}"),
        Some(path) => format!("{path} is not JSON: {error}"),
        None => format!("not JSON: {error}"),
    })
}

pub(crate) fn parse_method(text: &str) -> Result<Method, String> {
    Method::from_bytes(text.as_bytes()).map_err(|_| format!("invalid method {text:?}"))
}

pub(crate) fn parse_header_name(text: &str) -> Result<String, String> {
    pagewalk::HeaderName::from_bytes(text.as_bytes())
        .map(|_| text.to_owned())
        .map_err(|_| format!("invalid header name {text:?}"))
}

pub(crate) fn parse_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|error| error.to_string())?;
    match url.scheme() {
        "http" | "https" => Ok(text.to_owned()),
        scheme => Err(format!(
            "unsupported scheme {scheme:?} (only http and https)"
        )),
    }
}

pub(crate) fn parse_header(text: &str) -> Result<(String, String), String> {
    let Some((name, value)) = text.split_once(':') else {
        return Err("expected 'Name: value'".to_owned());
    };
    let name = name.trim();
    let value = value.trim();
    pagewalk::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("invalid header name {name:?}"))?;
    pagewalk::HeaderValue::from_str(value)
        .map_err(|_| format!("invalid value for header {name:?}"))?;
    Ok((name.to_owned(), value.to_owned()))
}

pub(crate) fn parse_pointer(text: &str) -> Result<String, String> {
    if text.is_empty() || text.starts_with('/') {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "a JSON Pointer is empty or starts with '/', e.g. /{text}"
        ))
    }
}

pub(crate) fn parse_param_name(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        Err("a query parameter name cannot be empty".to_owned())
    } else {
        Ok(text.to_owned())
    }
}

pub(crate) fn parse_concurrency(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(n) => Ok(n),
        Err(error) => Err(error.to_string()),
    }
}

pub(crate) fn parse_timeout(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| "expected a number of seconds, e.g. 30 or 0.5".to_owned())?;
    if seconds.is_nan() || seconds <= 0.0 {
        return Err("must be more than 0 seconds".to_owned());
    }
    Duration::try_from_secs_f64(seconds).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_split_at_the_first_colon_and_trimmed() {
        assert_eq!(
            parse_header("Authorization:  Bearer a:b ").unwrap(),
            ("Authorization".to_owned(), "Bearer a:b".to_owned())
        );
        assert!(parse_header("Authorization Bearer").is_err());
        assert!(parse_header(": value").is_err());
        assert!(parse_header("Bad Name: value").is_err());
    }

    #[test]
    fn parameter_names_cannot_be_empty() {
        assert_eq!(parse_param_name("page[number]").unwrap(), "page[number]");
        assert!(parse_param_name("").is_err());
        assert!(parse_param_name("  ").is_err());
    }

    #[test]
    fn timeout_accepts_fractions_and_rejects_nonsense() {
        assert_eq!(parse_timeout("0.5").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_timeout("30").unwrap(), Duration::from_secs(30));
        for bad in ["0", "-1", "NaN", "inf", "soon"] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
    }
}
