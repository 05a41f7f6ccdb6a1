//! `pagewalk [OPTIONS] <URL>`: print every item of a paginated JSON API, one
//! compact JSON value per line.
//!
//! Pages are written and flushed one at a time, and only then recorded in the
//! `--resume` file, so a kill at any moment loses nothing and repeats at most
//! one page.

mod args;
mod docs;
mod logging;
mod output;
mod parse;
mod progress;
mod report;
mod resume;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::FromArgMatches;
use pagewalk::{ErrorKind, RawPages};

use crate::args::Cli;
use crate::output::{Lines, Output, is_broken_pipe};
use crate::progress::Progress;

/// Exit status for an error while walking or writing.
const FAILED: u8 = 1;
/// Exit status for a command line that does not parse.
const BAD_USAGE: u8 = 2;

fn main() -> ExitCode {
    let parsed =
        docs::command()
            .try_get_matches()
            .and_then(|matches| match docs::requested(&matches) {
                Some(doc) => Ok(Err(doc)),
                None => Cli::from_arg_matches(&matches).map(Ok),
            });
    match parsed {
        Ok(Ok(cli)) if cli.header_error().is_some() => {
            let error = cli.header_error().unwrap_or_default();
            eprintln!(
                "error: invalid value for '--header': {error}\n\nFor more information, try '--help'."
            );
            ExitCode::from(BAD_USAGE)
        }
        Ok(Ok(cli)) => run(&cli),
        Ok(Err(doc)) => docs::print(doc),
        Err(error) => {
            // `--help` and `--version` also land here, with exit code 0.
            let _ = error.print();
            match error.exit_code() {
                0 => ExitCode::SUCCESS,
                _ => ExitCode::from(BAD_USAGE),
            }
        }
    }
}

fn run(cli: &Cli) -> ExitCode {
    logging::start(cli.verbose);
    // Rust's stdout swallows writes to a closed descriptor (`>&-`): it would
    // report success for output that went nowhere.
    if let Err(message) = stdout_is_open() {
        return fail(&message, None);
    }
    let mut paginator = cli.paginator();
    if cli.explain {
        return explain(cli, paginator);
    }
    if let Some(path) = &cli.resume {
        match resume::load(path) {
            Ok(Some(checkpoint)) => paginator = paginator.resume_from(checkpoint),
            Ok(None) => {}
            Err(message) => return fail(&message, None),
        }
    }
    let mut pages = paginator.raw_pages();
    let progress = Progress::start(cli.progress_choice(), &pages.checkpoint(), cli.max_items);
    let lines = if cli.pages {
        Lines::Pages
    } else {
        Lines::Items
    };
    let mut output = Output::new(io::stdout().lock(), lines);
    let copied = copy(cli, &mut pages, &mut output, &progress);
    progress.clear();
    match copied {
        Ok(()) => finish(cli, &pages),
        Err(Stop::Quietly) => ExitCode::SUCCESS,
        Err(Stop::Failed(message)) => fail(&message, None),
        Err(Stop::Walk(error)) => fail(&walk_error(cli, &error), std::error::Error::source(&error)),
    }
}

/// Why the copy of pages to stdout stopped before the end.
enum Stop {
    /// The reader of stdout is gone: not an error.
    Quietly,
    Failed(String),
    Walk(pagewalk::Error),
}

/// Writes every page to `output`, then records it in the `--resume` file.
fn copy(
    cli: &Cli,
    pages: &mut RawPages,
    output: &mut Output<impl io::Write>,
    progress: &Progress,
) -> Result<(), Stop> {
    while let Some(page) = pages.next() {
        let page = page.map_err(Stop::Walk)?;
        progress
            .suspend(|| output.write_page(&page))
            .map_err(|error| match error {
                error if is_broken_pipe(&error) => Stop::Quietly,
                error => Stop::Failed(format!("cannot write to stdout: {error}")),
            })?;
        progress.page(page.number(), page.len(), pages.total());
        let checkpoint = pages.checkpoint();
        if let (Some(path), false) = (&cli.resume, checkpoint.is_finished()) {
            resume::save(path, &checkpoint).map_err(Stop::Failed)?;
        }
    }
    Ok(())
}

/// `--explain`: the first page only, and how the walk would go on.
fn explain(cli: &Cli, paginator: pagewalk::Paginator) -> ExitCode {
    match paginator.explain() {
        Ok(explanation) => {
            let mut stdout = io::stdout().lock();
            if let Err(error) = write!(stdout, "{explanation}").and_then(|()| stdout.flush()) {
                if !is_broken_pipe(&error) {
                    return fail(&format!("cannot write to stdout: {error}"), None);
                }
            }
            if explanation.would_succeed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(FAILED)
            }
        }
        Err(error) => fail(&walk_error(cli, &error), std::error::Error::source(&error)),
    }
}

/// The walk read its last page: a `--resume` file has nothing left to say.
fn finish(cli: &Cli, pages: &RawPages) -> ExitCode {
    if let Some(path) = &cli.resume {
        // A walk stopped by --max-items or --max-pages keeps its checkpoint,
        // so the same command continues it.
        if pages.checkpoint().is_finished() {
            if let Err(message) = resume::remove(path) {
                return fail(&message, None);
            }
        }
    }
    ExitCode::SUCCESS
}

/// Whether stdout leads anywhere. A descriptor closed before start (`>&-`)
/// is reopened on `/dev/null` by Rust's runtime, so writes to it succeed and
/// go nowhere; on Linux the reopened one shows (it is read-write, where a
/// shell's `> /dev/null` is write-only), and is refused.
fn stdout_is_open() -> Result<(), String> {
    #[cfg(target_os = "linux")]
    {
        let target = std::fs::read_link("/proc/self/fd/1").ok();
        let flags = std::fs::read_to_string("/proc/self/fdinfo/1")
            .ok()
            .and_then(|info| {
                let flags = info.lines().find_map(|line| line.strip_prefix("flags:"))?;
                u32::from_str_radix(flags.trim(), 8).ok()
            });
        const ACCESS_MODE: u32 = 0o3;
        const READ_WRITE: u32 = 0o2;
        let reopened = target.is_some_and(|target| target == std::path::Path::new("/dev/null"))
            && flags.is_some_and(|flags| flags & ACCESS_MODE == READ_WRITE);
        if reopened {
            return Err("stdout is closed, so nothing could be written".to_owned());
        }
    }
    Ok(())
}

/// The error's message, completed so that it names the URL (and the
/// checkpoint file, for a checkpoint that cannot be used).
fn walk_error(cli: &Cli, error: &pagewalk::Error) -> String {
    let mut message = match error.url() {
        Some(_) => error.to_string(),
        None => format!("{}: {error}", without_secrets(&cli.url)),
    };
    if let (ErrorKind::Checkpoint { .. }, Some(path)) = (error.kind(), &cli.resume) {
        message.push_str(&format!(" (in {})", path.display()));
    }
    message
}

/// The start URL as a message may show it: without userinfo, and with its
/// query's values left out (the library's own messages redact by name).
fn without_secrets(text: &str) -> String {
    let Ok(mut url) = url::Url::parse(text) else {
        return "the URL given".to_owned();
    };
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let names: Vec<String> = url
        .query_pairs()
        .map(|(name, _)| name.into_owned())
        .collect();
    if !names.is_empty() {
        let query: Vec<String> = names.iter().map(|name| format!("{name}=…")).collect();
        url.set_query(Some(&query.join("&")));
    }
    url.to_string()
}

fn fail(message: &str, source: Option<&(dyn std::error::Error + 'static)>) -> ExitCode {
    report::error(message, source);
    ExitCode::from(FAILED)
}
