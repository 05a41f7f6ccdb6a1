//! `pagewalk [OPTIONS] <URL>`: print every item of a paginated JSON API, one
//! compact JSON value per line.
//!
//! Pages are written and flushed one at a time, and only then recorded in the
//! `--resume` file, so a kill at any moment loses nothing and repeats at most
//! one page.

mod args;
mod output;
mod progress;
mod report;
mod resume;

use std::io;
use std::process::ExitCode;

use clap::Parser;
use pagewalk::ErrorKind;
use serde_json::Value;

use crate::args::Cli;
use crate::output::{Lines, Output, is_broken_pipe};
use crate::progress::Progress;

/// Exit status for an error while walking or writing.
const FAILED: u8 = 1;
/// Exit status for a command line that does not parse.
const BAD_USAGE: u8 = 2;

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => run(&cli),
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
    let mut paginator = cli.paginator();
    if let Some(path) = &cli.resume {
        match resume::load(path) {
            Ok(Some(checkpoint)) => paginator = paginator.resume_from(checkpoint),
            Ok(None) => {}
            Err(message) => return fail(&message, None),
        }
    }
    let mut pages = paginator.pages::<Value>();
    let progress = Progress::start(cli.progress_choice(), &pages.checkpoint(), cli.max_items);
    let lines = if cli.pages {
        Lines::Pages
    } else {
        Lines::Items
    };
    let mut output = Output::new(io::stdout().lock(), lines);

    while let Some(result) = pages.next() {
        let page = match result {
            Ok(page) => page,
            Err(error) => {
                progress.clear();
                return fail(&walk_error(cli, &error), std::error::Error::source(&error));
            }
        };
        match progress.suspend(|| output.write_page(&page)) {
            Ok(()) => {}
            Err(error) if is_broken_pipe(&error) => {
                progress.clear();
                return ExitCode::SUCCESS;
            }
            Err(error) => {
                progress.clear();
                return fail(&format!("cannot write to stdout: {error}"), None);
            }
        }
        progress.page(page.number(), page.items().len(), pages.total());
        if let Some(path) = &cli.resume {
            let checkpoint = pages.checkpoint();
            if !checkpoint.is_finished() {
                if let Err(message) = resume::save(path, &checkpoint) {
                    progress.clear();
                    return fail(&message, None);
                }
            }
        }
    }
    progress.clear();
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

/// The error's message, completed so that it names the URL (and the
/// checkpoint file, for a checkpoint that cannot be used).
fn walk_error(cli: &Cli, error: &pagewalk::Error) -> String {
    let mut message = match error.url() {
        Some(_) => error.to_string(),
        None => format!("{}: {error}", cli.url),
    };
    if let (ErrorKind::Checkpoint { .. }, Some(path)) = (error.kind(), &cli.resume) {
        message.push_str(&format!(" (in {})", path.display()));
    }
    message
}

fn fail(message: &str, source: Option<&(dyn std::error::Error + 'static)>) -> ExitCode {
    report::error(message, source);
    ExitCode::from(FAILED)
}
