//! Which URLs a walk may follow, and whether the user's credentials go along.

use url::Url;

/// Why a hop from one URL to another is refused.
#[derive(Debug, PartialEq)]
pub(crate) enum Refusal {
    UnsupportedScheme,
    Downgrade,
    CrossOrigin,
}

/// Whether following `from` → `to` is allowed; `Ok(true)` when the user's
/// headers may be sent to `to`, which is only ever to the start URL's origin.
pub(crate) fn check_hop(
    start: &Url,
    from: &Url,
    to: &Url,
    allow_cross_origin: bool,
) -> Result<bool, Refusal> {
    if !matches!(to.scheme(), "http" | "https") {
        return Err(Refusal::UnsupportedScheme);
    }
    if from.scheme() == "https" && to.scheme() == "http" {
        return Err(Refusal::Downgrade);
    }
    if to.origin() == start.origin() {
        Ok(true)
    } else if allow_cross_origin {
        Ok(false)
    } else {
        Err(Refusal::CrossOrigin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(from: &str, to: &str, allow: bool) -> Result<bool, Refusal> {
        let from = Url::parse(from).expect("test URL");
        let to = Url::parse(to).expect("test URL");
        check_hop(&from, &from, &to, allow)
    }

    #[test]
    fn same_origin_keeps_credentials() {
        assert_eq!(
            hop("http://127.0.0.1:80/a", "http://127.0.0.1/b?x=1", false),
            Ok(true)
        );
        assert_eq!(hop("https://h/a", "https://h:443/b", false), Ok(true));
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
            Ok(false)
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
