//! Writing pages to stdout as JSON lines.

use std::io::{self, BufWriter, Write};

use pagewalk::Page;
use serde::Serialize;
use serde_json::Value;

/// What one line of output holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One item per line.
    Items,
    /// One page per line: `{"url":..,"status":..,"items":[..]}`.
    Pages,
}

/// A page as printed with `--pages`.
#[derive(Serialize)]
struct PageLine<'a> {
    url: &'a str,
    status: u16,
    items: &'a [Value],
}

/// Buffered JSON-lines output, flushed at every page boundary so that what a
/// checkpoint says was written really was.
pub struct Output<W: Write> {
    out: BufWriter<W>,
    lines: Lines,
}

impl<W: Write> Output<W> {
    pub fn new(out: W, lines: Lines) -> Output<W> {
        Output {
            out: BufWriter::new(out),
            lines,
        }
    }

    /// Writes the page's items (or the page) and flushes them.
    pub fn write_page(&mut self, page: &Page<Value>) -> io::Result<()> {
        match self.lines {
            Lines::Items => {
                for item in page.items() {
                    self.write_line(item)?;
                }
            }
            Lines::Pages => self.write_line(&PageLine {
                url: page.url(),
                status: page.status(),
                items: page.items(),
            })?,
        }
        self.out.flush()
    }

    fn write_line(&mut self, value: &impl Serialize) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, value).map_err(io::Error::from)?;
        self.out.write_all(b"\n")
    }
}

/// True when the reader of stdout has gone away (`pagewalk URL | head`):
/// not an error, just the end.
pub fn is_broken_pipe(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::BrokenPipe
}
