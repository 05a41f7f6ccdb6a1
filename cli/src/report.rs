//! The last words on stderr when something fails.

use std::error::Error;
use std::io::{self, Write};

/// Prints `pagewalk: error: {message}`, then one `caused by:` line for each
/// underlying error whose text the lines above do not already include.
pub fn error(message: &str, source: Option<&(dyn Error + 'static)>) {
    // Nothing sensible is left to do if stderr itself is gone.
    let _ = io::stderr()
        .lock()
        .write_all(render(message, source).as_bytes());
}

fn render(message: &str, source: Option<&(dyn Error + 'static)>) -> String {
    let mut text = format!("pagewalk: error: {message}\n");
    let mut cause = source;
    while let Some(error) = cause {
        let line = error.to_string();
        if !line.is_empty() && !text.contains(&line) {
            text.push_str(&format!("  caused by: {line}\n"));
        }
        cause = error.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt;

    /// An error whose message includes its source's, as pagewalk's do.
    #[derive(Debug)]
    struct Outer(Middle);

    #[derive(Debug)]
    struct Middle(io::Error);

    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "page 1 at http://127.0.0.1:1/: {}", self.0)
        }
    }

    impl fmt::Display for Middle {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "connection failed")
        }
    }

    impl Error for Outer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    impl Error for Middle {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn causes_are_listed_once_each() {
        let error = Outer(Middle(io::Error::other(
            "Connection refused (os error 111)",
        )));
        assert_eq!(
            render(&error.to_string(), error.source()),
            "pagewalk: error: page 1 at http://127.0.0.1:1/: connection failed\n  \
             caused by: Connection refused (os error 111)\n"
        );
    }

    #[test]
    fn a_message_without_source_is_one_line() {
        assert_eq!(render("boom", None), "pagewalk: error: boom\n");
    }
}
