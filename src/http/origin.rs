//! Which URLs a walk may follow, and whether the user's credentials go along.

use url::Url;

use crate::{Error, ErrorKind, Request};

/// Whether the user's headers go with a request: only ever to the start
/// URL's origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Credentials {
    Sent,
    Withheld,
}

/// A request ready to send, with the origin policy's verdict on it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outgoing {
    pub request: Request,
    pub credentials: Credentials,
}

/// Why a hop from one URL to another is refused.
#[derive(Debug, PartialEq)]
pub(crate) enum Refusal {
    UnsupportedScheme,
    Downgrade,
    CrossOrigin,
}

/// Whether following `from` → `to` is allowed, and with which credentials.
pub(crate) fn check_hop(
    start: &Url,
    from: &Url,
    to: &Url,
    allow_cross_origin: bool,
) -> Result<Credentials, Refusal> {
    if !matches!(to.scheme(), "http" | "https") {
        return Err(Refusal::UnsupportedScheme);
    }
    if from.scheme() == "https" && to.scheme() == "http" {
        return Err(Refusal::Downgrade);
    }
    if to.origin() == start.origin() {
        Ok(Credentials::Sent)
    } else if allow_cross_origin {
        Ok(Credentials::Withheld)
    } else {
        Err(Refusal::CrossOrigin)
    }
}

/// `request`, reached from `from`, checked against the policy: ready to send,
/// or the error that says why not (about page `page`).
pub(crate) fn admit(
    start: &Url,
    from: &Url,
    request: Request,
    allow_cross_origin: bool,
    page: u64,
) -> Result<Outgoing, Error> {
    match check_hop(start, from, request.url(), allow_cross_origin) {
        Ok(credentials) => {
            if credentials == Credentials::Withheld {
                withheld(page, request.url());
            }
            Ok(Outgoing {
                request,
                credentials,
            })
        }
        Err(refusal) => Err(refusal_error(refusal, from, request.url(), page)),
    }
}

/// Says that the user's headers stay home for a request to `to`.
pub(crate) fn withheld(page: u64, to: &Url) {
    log::warn!(
        "page {page}: {} is on another origin: the headers you set are not sent there",
        crate::text::redact(to.as_str())
    );
}

/// The error for a refused hop from `from` to `to`.
pub(crate) fn refusal_error(refusal: Refusal, from: &Url, to: &Url, page: u64) -> Error {
    let target = crate::text::redact(to.as_str()).into_owned();
    match refusal {
        Refusal::UnsupportedScheme => Error::new(ErrorKind::UnsupportedScheme {
            scheme: to.scheme().to_owned(),
        })
        .at(page, to.as_str()),
        Refusal::Downgrade => Error::new(ErrorKind::Downgrade { target }).at(page, from.as_str()),
        Refusal::CrossOrigin => {
            Error::new(ErrorKind::CrossOrigin { target }).at(page, from.as_str())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(from: &str, to: &str, allow: bool) -> Result<Credentials, Refusal> {
        let from = Url::parse(from).expect("test URL");
        let to = Url::parse(to).expect("test URL");
        check_hop(&from, &from, &to, allow)
    }

    #[test]
    fn same_origin_keeps_credentials() {
        assert_eq!(
            hop("http://127.0.0.1:80/a", "http://127.0.0.1/b?x=1", false),
            Ok(Credentials::Sent)
        );
        assert_eq!(
            hop("https://h/a", "https://h:443/b", false),
            Ok(Credentials::Sent)
        );
    }

    #[test]
    fn another_host_or_port_is_another_origin() {
        assert_eq!(
            hop("http://127.0.0.1:8000/a", "http://127.0.0.1:8001/a", false),
            Err(Refusal::CrossOrigin)
        );
        assert_eq!(
            hop("http://127.0.0.1:8000/a", "http://127.0.0.2:8000/a", false),
            Err(Refusal::CrossOrigin)
        );
        assert_eq!(
            hop("http://127.0.0.1:8000/a", "http://127.0.0.2:8000/a", true),
            Ok(Credentials::Withheld)
        );
    }

    #[test]
    fn downgrade_and_odd_schemes_are_refused_even_when_cross_origin_is_allowed() {
        assert_eq!(
            hop("https://h/a", "http://h/a", true),
            Err(Refusal::Downgrade)
        );
        assert_eq!(
            hop("https://h/a", "file:///etc/passwd", true),
            Err(Refusal::UnsupportedScheme)
        );
    }
}
