//! The command line: what it accepts, and the walk it describes.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgGroup, Parser};
use pagewalk::{Method, Paginator, Strategy, Target, Token};
use serde_json::Value;

use crate::parse::{
    Headers, parse_concurrency, parse_data, parse_header_name, parse_headers, parse_method,
    parse_param_name, parse_pointer, parse_timeout, parse_url,
};

/// `pagewalk VERSION` and a line `tls: ...`.
macro_rules! long_version {
    ($tls:literal) => {
        concat!(env!("CARGO_PKG_VERSION"), "\ntls: ", $tls)
    };
}

/// What `--version` prints (`-V` prints the version alone): the TLS stack
/// that the features chose, in the order pagewalk's default agent picks it.
const LONG_VERSION: &str = if cfg!(feature = "native-tls") {
    long_version!("native-tls, the system's roots")
} else if cfg!(feature = "platform-verifier") {
    long_version!("rustls, the platform's verifier")
} else if cfg!(feature = "rustls") {
    long_version!("rustls, bundled Mozilla roots")
} else {
    long_version!("none (http:// only)")
};

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

  # Notion database query: POST body, cursor sent back at /start_cursor;
  # headers read from a file, one 'Name: value' a line
  pagewalk -H @notion.headers -d '{\"page_size\": 100}' \\
    --cursor /next_cursor --cursor-body /start_cursor \\
    \"https://api.notion.com/v1/databases/$DATABASE_ID/query\"

  # Azure DevOps: the token is a response header, sent back in the query
  pagewalk --cursor-header x-ms-continuationtoken --cursor-param continuationToken \\
    'https://dev.azure.com/org/_apis/graph/users?api-version=7.1-preview.1'

  # GraphQL connection (detected; --graphql insists), query and variables from a file
  pagewalk -H \"Authorization: Bearer $TOKEN\" -d @repos.json https://api.github.com/graphql

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
    long_version = LONG_VERSION,
    after_help = AFTER_HELP,
    after_long_help = AFTER_LONG_HELP,
    group(ArgGroup::new("cursor_source").args(["cursor", "cursor_header"])),
    group(ArgGroup::new("strategy").args([
        "next", "cursor", "cursor_header", "page_param", "page_body", "offset_param",
        "offset_body", "after_param", "graphql", "continue_at",
    ])),
)]
pub struct Cli {
    /// The first page's URL (http or https).
    #[arg(value_name = "URL", value_parser = parse_url)]
    pub url: String,

    /// Sends the header 'Name: value' to the start URL's origin only
    /// (repeatable); @FILE reads them from FILE, one a line, so that tokens
    /// stay out of the process list.
    #[arg(short = 'H', long = "header", value_name = "'Name: value'|@FILE", value_parser = parse_headers)]
    pub headers: Vec<Headers>,

    /// The method of every page's request [default: GET, or POST with --data].
    #[arg(short = 'X', long, value_name = "METHOD", value_parser = parse_method)]
    pub method: Option<Method>,

    /// The JSON body sent with every page's request; @FILE reads it from
    /// FILE, @- from stdin.
    #[arg(short = 'd', long, value_name = "JSON", value_parser = parse_data)]
    pub data: Option<Value>,

    /// JSON Pointer to the items array, e.g. /data [default: detected].
    #[arg(long = "items", value_name = "POINTER", value_parser = parse_pointer)]
    pub items_at: Option<String>,

    /// Follows the next-page URL found at this JSON Pointer in the body, e.g. /links/next.
    #[arg(long, value_name = "POINTER", value_parser = parse_pointer)]
    pub next: Option<String>,

    /// Sends back the cursor found at this JSON Pointer, e.g. /nextCursor.
    #[arg(long, value_name = "POINTER", value_parser = parse_pointer)]
    pub cursor: Option<String>,

    /// Sends back the cursor found in this response header, e.g.
    /// x-ms-continuationtoken; absent or empty ends the walk.
    #[arg(long, value_name = "NAME", value_parser = parse_header_name)]
    pub cursor_header: Option<String>,

    /// The query parameter that carries the cursor back.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "cursor",
        requires = "cursor_source",
        value_parser = parse_param_name
    )]
    pub cursor_param: String,

    /// Writes the cursor at this JSON Pointer of the request body instead of
    /// a query parameter, e.g. /start_cursor; the first request's body is
    /// sent as given.
    #[arg(
        long,
        value_name = "POINTER",
        requires_all = ["cursor_source", "data"],
        conflicts_with = "cursor_param",
        value_parser = parse_pointer
    )]
    pub cursor_body: Option<String>,

    /// Counts pages in this query parameter, e.g. page or page[number],
    /// from its value in the URL, else 1.
    #[arg(long, value_name = "NAME", value_parser = parse_param_name)]
    pub page_param: Option<String>,

    /// Counts pages in the request body at this JSON Pointer, e.g. /page,
    /// from its value in --data, else 1.
    #[arg(long, value_name = "POINTER", requires = "data", value_parser = parse_pointer)]
    pub page_body: Option<String>,

    /// Offset pagination: this query parameter counts the items received,
    /// from its value in the URL, else 0, e.g. offset or skip.
    #[arg(long, value_name = "NAME", value_parser = parse_param_name)]
    pub offset_param: Option<String>,

    /// Offset pagination in the request body at this JSON Pointer, e.g.
    /// /from, from its value in --data, else 0.
    #[arg(long, value_name = "POINTER", requires = "data", value_parser = parse_pointer)]
    pub offset_body: Option<String>,

    /// Keyset pagination: sends the last item's --after-field as this
    /// parameter, e.g. starting_after.
    #[arg(long, value_name = "NAME", value_parser = parse_param_name)]
    pub after_param: Option<String>,

    /// JSON Pointer to the field of the last item that --after-param sends.
    #[arg(long, value_name = "POINTER", default_value = "/id", requires = "after_param", value_parser = parse_pointer)]
    pub after_field: String,

    /// Continuation objects (MediaWiki): every member of the object at this
    /// JSON Pointer, e.g. /continue, becomes a query parameter of the next
    /// request.
    #[arg(long = "continue", value_name = "POINTER", value_parser = parse_pointer)]
    pub continue_at: Option<String>,

    /// A GraphQL connection: --data holds the query and its variables; the
    /// next page sends pageInfo.endCursor in the variable the query passes
    /// to after:.
    #[arg(long, requires = "data")]
    pub graphql: bool,

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

    /// Fetches the first page only and prints how the walk would go on: the
    /// strategy and what chose it, the items, the total, the next request;
    /// exits 1 when the walk would fail.
    #[arg(long, conflicts_with_all = ["resume", "pages"])]
    pub explain: bool,

    /// Prints one line per page, {"url":..,"status":..,"items":[..]}, instead of one per item.
    #[arg(long)]
    pub pages: bool,

    /// Logs retries, waits and warnings on stderr; -vv also every request
    /// (URLs with their secrets hidden).
    #[arg(short = 'v', long, action = clap::ArgAction::Count)]
    pub verbose: u8,

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
        let valid = self
            .headers
            .iter()
            .filter_map(|headers| headers.0.as_ref().ok());
        for (name, value) in valid.flatten() {
            paginator = paginator.header(name, value);
        }
        if let Some(method) = &self.method {
            paginator = paginator.method(method.clone());
        }
        if let Some(data) = &self.data {
            paginator = paginator.body(data.clone());
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

    /// Why a -H is unusable, if one is (its value not shown: it may hold a token).
    pub fn header_error(&self) -> Option<&str> {
        self.headers
            .iter()
            .find_map(|headers| headers.0.as_ref().err())
            .map(String::as_str)
    }

    fn strategy(&self) -> Option<Strategy> {
        let cursor_target = || match &self.cursor_body {
            Some(pointer) => Target::body(pointer),
            None => Target::query(&self.cursor_param),
        };
        if let Some(pointer) = &self.next {
            Some(Strategy::next_url(pointer))
        } else if let Some(pointer) = &self.cursor {
            Some(Strategy::cursor(pointer, cursor_target()))
        } else if let Some(name) = &self.cursor_header {
            Some(Strategy::cursor(Token::header(name), cursor_target()))
        } else if let Some(param) = &self.page_param {
            Some(Strategy::page_number(param))
        } else if let Some(pointer) = &self.page_body {
            Some(Strategy::page_number(Target::body(pointer)))
        } else if let Some(param) = &self.offset_param {
            Some(Strategy::offset(param))
        } else if let Some(pointer) = &self.offset_body {
            Some(Strategy::offset(Target::body(pointer)))
        } else if self.graphql {
            Some(Strategy::graphql())
        } else if let Some(pointer) = &self.continue_at {
            Some(Strategy::continuation(pointer))
        } else {
            self.after_param
                .as_ref()
                .map(|param| Strategy::keyset(param, &self.after_field))
        }
    }
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
        assert_eq!(
            strategy(&[
                "-d",
                "{}",
                "--cursor",
                "/next_cursor",
                "--cursor-body",
                "/start_cursor"
            ]),
            Some(Strategy::cursor(
                "/next_cursor",
                Target::body("/start_cursor")
            ))
        );
        assert_eq!(
            strategy(&[
                "--cursor-header",
                "x-ms-continuationtoken",
                "--cursor-param",
                "continuationToken"
            ]),
            Some(Strategy::cursor(
                Token::header("x-ms-continuationtoken"),
                "continuationToken"
            ))
        );
        assert_eq!(
            strategy(&["--offset-param", "skip"]),
            Some(Strategy::offset("skip"))
        );
        let with_data = |flag: &str, value: &str| strategy(&["-d", "{}", flag, value]);
        assert_eq!(
            with_data("--offset-body", "/from"),
            Some(Strategy::offset(Target::body("/from")))
        );
        assert_eq!(
            with_data("--page-body", "/page"),
            Some(Strategy::page_number(Target::body("/page")))
        );
        assert_eq!(
            strategy(&["-d", "{}", "--graphql"]),
            Some(Strategy::graphql())
        );
    }

    #[test]
    fn cursor_targets_need_a_cursor_and_exclude_each_other() {
        let parse = |args: &[&str]| {
            let mut argv = vec!["pagewalk"];
            argv.extend_from_slice(args);
            argv.push("http://localhost/");
            Cli::try_parse_from(argv).map_err(|error| error.kind())
        };
        use clap::error::ErrorKind;
        assert_eq!(
            parse(&["--cursor-body", "/start_cursor"]).err(),
            Some(ErrorKind::MissingRequiredArgument)
        );
        assert_eq!(
            parse(&[
                "--cursor",
                "/c",
                "--cursor-body",
                "/c",
                "--cursor-param",
                "c"
            ])
            .err(),
            Some(ErrorKind::ArgumentConflict)
        );
        assert_eq!(
            parse(&["--graphql"]).err(),
            Some(ErrorKind::MissingRequiredArgument)
        );
        assert_eq!(
            parse(&["--cursor", "/c", "--cursor-header", "X-Next"]).err(),
            Some(ErrorKind::ArgumentConflict)
        );
    }

    #[test]
    fn method_defaults_to_post_with_data_and_data_must_be_json() {
        let cli =
            Cli::try_parse_from(["pagewalk", "-d", r#"{"page_size": 5}"#, "http://h/"]).unwrap();
        assert_eq!(cli.data, Some(serde_json::json!({"page_size": 5})));
        assert_eq!(cli.method, None);
        let cli = Cli::try_parse_from(["pagewalk", "-X", "PUT", "http://h/"]).unwrap();
        assert_eq!(cli.method, Some(Method::PUT));
        let error =
            Cli::try_parse_from(["pagewalk", "-d", "{page_size: 5}", "http://h/"]).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::ValueValidation);
        assert!(error.to_string().contains("not JSON"), "{error}");
        assert!(parse_method("GE T").is_err());
    }
}
