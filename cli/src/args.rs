//! The command line: what it accepts, and the walk it describes.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgGroup, Parser};
use pagewalk::{Paginator, Strategy};

const AFTER_HELP: &str = "Run with --help for examples.";

const AFTER_LONG_HELP: &str = "\
Examples:
  # Procore: per_page and page, next page from the Link header (detected)
  pagewalk -H \"Authorization: Bearer $TOKEN\" \\
    'https://api.procore.com/rest/v1.0/punch_items?project_id=14406&per_page=100'

  # Laravel paginator: page[size] and page[number], total shown with --progress
  pagewalk --page-param 'page[number]' --progress \\
    'https://classic-api.contractorscloud.com/api/v1/projects?page[size]=100'

  # Cursor API: items, hasMore and nextCursor, sent back as ?cursor=
  pagewalk --cursor /nextCursor 'https://api.procuros.io/v2/transactions?per_page=100'

  # links/meta API: limit, next page at links.next; resumable after a kill
  pagewalk --next /links/next --resume addresses.checkpoint \\
    'https://www.pelcro.com/api/v1/core/addresses?limit=100' > addresses.jsonl

Items are written exactly as the server sent them, one per line (only the
whitespace between tokens is left out).

Exit status: 0 when the last page was read (or a --max-items/--max-pages limit
was reached, or the reader of stdout went away), 1 on any error (after every
item read before it is written), a write error on stdout included, 2 on bad
usage.";

/// Walk every page of a paginated JSON API and print its items, one compact
/// JSON value per line.
#[derive(Debug, Parser)]
#[command(
    name = "pagewalk",
    version,
    after_help = AFTER_HELP,
    after_long_help = AFTER_LONG_HELP,
    group(ArgGroup::new("strategy").args(["next", "cursor", "page_param", "after_param"])),
)]
pub struct Cli {
    /// The first page's URL (http or https).
    #[arg(value_name = "URL", value_parser = parse_url)]
    pub url: String,

    /// Sends the header 'Name: value' to the start URL's origin only (repeatable).
    #[arg(short = 'H', long = "header", value_name = "'Name: value'", value_parser = parse_header)]
    pub headers: Vec<(String, String)>,

    /// JSON Pointer to the items array, e.g. /data [default: detected].
    #[arg(long = "items", value_name = "POINTER", value_parser = parse_pointer)]
    pub items_at: Option<String>,

    /// Follows the next-page URL found at this JSON Pointer in the body, e.g. /links/next.
    #[arg(long, value_name = "POINTER", value_parser = parse_pointer)]
    pub next: Option<String>,

    /// Sends back the cursor found at this JSON Pointer, e.g. /nextCursor.
    #[arg(long, value_name = "POINTER", value_parser = parse_pointer)]
    pub cursor: Option<String>,

    /// The query parameter that carries the cursor.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "cursor",
        requires = "cursor",
        value_parser = parse_param_name
    )]
    pub cursor_param: String,

    /// Counts pages in this query parameter, e.g. page or page[number].
    #[arg(long, value_name = "NAME", value_parser = parse_param_name)]
    pub page_param: Option<String>,

    /// Keyset pagination: sends the last item's --after-field as this
    /// parameter, e.g. starting_after.
    #[arg(long, value_name = "NAME", value_parser = parse_param_name)]
    pub after_param: Option<String>,

    /// JSON Pointer to the field of the last item that --after-param sends.
    #[arg(long, value_name = "POINTER", default_value = "/id", requires = "after_param", value_parser = parse_pointer)]
    pub after_field: String,

    /// Stops after N items, without requesting any page beyond the one holding the N-th.
    #[arg(long, value_name = "N")]
    pub max_items: Option<u64>,

    /// Stops after N pages.
    #[arg(long, value_name = "N")]
    pub max_pages: Option<u64>,

    /// Retries each failed request up to N times (connection errors, timeouts, 429, 5xx).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,

    /// Limits each phase of a request (sending it, waiting for the response,
    /// reading the body) to SECS seconds; fractions allowed, e.g. 0.5.
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = parse_timeout)]
    pub timeout: Duration,

    /// Fetches up to N pages ahead on a background thread while earlier ones are written.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub prefetch: usize,

    /// Sends up to N requests at a time when every page's URL is known in
    /// advance (numbered or offset pages with a page count); output order is kept.
    #[arg(long, value_name = "N", default_value = "1", value_parser = parse_concurrency)]
    pub concurrency: usize,

    /// Follows next pages to other origins, without sending them any --header.
    #[arg(long)]
    pub allow_cross_origin: bool,

    /// Starts from the checkpoint in FILE if it exists, updates it after every
    /// page written, and removes it once the last page is read.
    #[arg(long, value_name = "FILE")]
    pub resume: Option<PathBuf>,

    /// Prints one line per page, {"url":..,"status":..,"items":[..]}, instead of one per item.
    #[arg(long)]
    pub pages: bool,

    /// Shows progress on stderr [default: when stderr is a terminal].
    #[arg(long, overrides_with = "no_progress")]
    pub progress: bool,

    /// Never shows progress.
    #[arg(long, overrides_with = "progress")]
    pub no_progress: bool,
}

/// Whether to show progress: on request, else when stderr is a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressChoice {
    Forced,
    Auto,
    Off,
}

impl Cli {
    pub fn progress_choice(&self) -> ProgressChoice {
        match (self.progress, self.no_progress) {
            (true, _) => ProgressChoice::Forced,
            (_, true) => ProgressChoice::Off,
            _ => ProgressChoice::Auto,
        }
    }

    /// The walk these options describe (without any checkpoint).
    pub fn paginator(&self) -> Paginator {
        let mut paginator = Paginator::new(&self.url)
            .retries(self.retries)
            .timeout(self.timeout)
            .allow_cross_origin(self.allow_cross_origin)
            .prefetch(self.prefetch)
            .concurrency(self.concurrency);
        for (name, value) in &self.headers {
            paginator = paginator.header(name, value);
        }
        if let Some(pointer) = &self.items_at {
            paginator = paginator.items_at(pointer);
        }
        if let Some(strategy) = self.strategy() {
            paginator = paginator.strategy(strategy);
        }
        if let Some(n) = self.max_items {
            paginator = paginator.max_items(n);
        }
        if let Some(n) = self.max_pages {
            paginator = paginator.max_pages(n);
        }
        paginator
    }

    fn strategy(&self) -> Option<Strategy> {
        if let Some(pointer) = &self.next {
            Some(Strategy::next_url(pointer))
        } else if let Some(pointer) = &self.cursor {
            Some(Strategy::cursor(pointer, &self.cursor_param))
        } else if let Some(param) = &self.page_param {
            Some(Strategy::page_number(param))
        } else {
            self.after_param
                .as_ref()
                .map(|param| Strategy::keyset(param, &self.after_field))
        }
    }
}

fn parse_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|error| error.to_string())?;
    match url.scheme() {
        "http" | "https" => Ok(text.to_owned()),
        scheme => Err(format!(
            "unsupported scheme {scheme:?} (only http and https)"
        )),
    }
}

fn parse_header(text: &str) -> Result<(String, String), String> {
    let Some((name, value)) = text.split_once(':') else {
        return Err("expected 'Name: value'".to_owned());
    };
    let name = name.trim();
    let value = value.trim();
    ureq::http::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("invalid header name {name:?}"))?;
    ureq::http::HeaderValue::from_str(value)
        .map_err(|_| format!("invalid value for header {name:?}"))?;
    Ok((name.to_owned(), value.to_owned()))
}

fn parse_pointer(text: &str) -> Result<String, String> {
    if text.is_empty() || text.starts_with('/') {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "a JSON Pointer is empty or starts with '/', e.g. /{text}"
        ))
    }
}

fn parse_param_name(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        Err("a query parameter name cannot be empty".to_owned())
    } else {
        Ok(text.to_owned())
    }
}

fn parse_concurrency(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(n) => Ok(n),
        Err(error) => Err(error.to_string()),
    }
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
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
    use clap::CommandFactory;

    #[test]
    fn command_is_well_formed() {
        Cli::command().debug_assert();
    }

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

    #[test]
    fn strategies_are_mutually_exclusive() {
        let error = Cli::try_parse_from([
            "pagewalk",
            "--next",
            "/next",
            "--page-param",
            "page",
            "http://localhost/",
        ])
        .unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::ArgumentConflict);
    }

    #[test]
    fn each_strategy_option_selects_its_strategy() {
        let strategy = |args: &[&str]| {
            let mut argv = vec!["pagewalk"];
            argv.extend_from_slice(args);
            argv.push("http://localhost/");
            Cli::try_parse_from(argv).unwrap().strategy()
        };
        assert_eq!(strategy(&[]), None);
        assert_eq!(
            strategy(&["--next", "/links/next"]),
            Some(Strategy::next_url("/links/next"))
        );
        assert_eq!(
            strategy(&["--cursor", "/nextCursor"]),
            Some(Strategy::cursor("/nextCursor", "cursor"))
        );
        assert_eq!(
            strategy(&["--page-param", "page[number]"]),
            Some(Strategy::page_number("page[number]"))
        );
        assert_eq!(
            strategy(&["--after-param", "starting_after"]),
            Some(Strategy::keyset("starting_after", "/id"))
        );
    }
}
