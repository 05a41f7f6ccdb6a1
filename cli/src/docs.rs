//! `--completions SHELL` and `--man`: a shell completion script or the man
//! page, generated from the same clap definition as `--help`, so the three
//! cannot disagree.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command, CommandFactory, value_parser};
use clap_complete::Shell;

use crate::args::Cli;

/// What the hidden options ask for instead of a walk.
#[derive(Debug, Clone, Copy)]
pub enum Doc {
    Completions(Shell),
    Man,
}

/// [`Cli`]'s command plus the two options that describe it. Each is
/// `exclusive`, so it needs no URL.
pub fn command() -> Command {
    Cli::command()
        .arg(
            Arg::new("completions")
                .long("completions")
                .value_name("SHELL")
                .value_parser(value_parser!(Shell))
                .exclusive(true)
                .help("Prints the completion script for SHELL, e.g. bash, and exits"),
        )
        .arg(
            Arg::new("man")
                .long("man")
                .action(ArgAction::SetTrue)
                .exclusive(true)
                .help("Prints the man page (roff), e.g. pagewalk --man > pagewalk.1, and exits"),
        )
}

pub fn requested(matches: &ArgMatches) -> Option<Doc> {
    if let Some(shell) = matches.get_one::<Shell>("completions") {
        return Some(Doc::Completions(*shell));
    }
    matches.get_flag("man").then_some(Doc::Man)
}

pub fn print(doc: Doc) -> ExitCode {
    let mut out = io::stdout().lock();
    let written = match doc {
        Doc::Completions(shell) => {
            clap_complete::generate(shell, &mut command(), "pagewalk", &mut out);
            out.flush()
        }
        Doc::Man => clap_mangen::Man::new(command())
            .render(&mut out)
            .and_then(|()| out.flush()),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pagewalk: cannot write to stdout: {error}");
            ExitCode::FAILURE
        }
    }
}
