//! `-v` and `-vv`: pagewalk's log records on stderr, never on stdout, out of
//! the progress bar's way. Only pagewalk's own records: ureq's trace
//! records dump request headers, credentials included.

use std::io::{self, Write};
use std::sync::{Mutex, PoisonError};

use indicatif::ProgressBar;
use log::{Level, LevelFilter, Log, Metadata, Record};

/// The progress bar on screen, if any: log lines are printed above it.
static BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Writes the library's records of `level` and above to stderr.
struct Stderr {
    level: LevelFilter,
}

impl Log for Stderr {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= self.level && metadata.target().starts_with("pagewalk")
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let level = match record.level() {
            Level::Error => "error",
            Level::Warn => "warning",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
        };
        // Server text in a record (a key, a link) never drives the terminal.
        let text: String = record
            .args()
            .to_string()
            .chars()
            .flat_map(|c| {
                let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
                let escaped: Vec<char> = match c.is_control() || bidi {
                    true => c.escape_default().collect(),
                    false => vec![c],
                };
                escaped
            })
            .collect();
        let line = format!("pagewalk: {level}: {text}\n");
        let write = || {
            // Nothing sensible is left to do if stderr itself is gone.
            let _ = io::stderr().lock().write_all(line.as_bytes());
        };
        match BAR.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    fn flush(&self) {
        let _ = io::stderr().flush();
    }
}

/// Turns logging on: `verbose` 1 for info (retries, waits, warnings), 2
/// and more for debug (every request).
pub fn start(verbose: u8) {
    let level = match verbose {
        0 => return,
        1 => LevelFilter::Info,
        _ => LevelFilter::Debug,
    };
    // Set once, for the life of the process.
    let logger: &'static Stderr = Box::leak(Box::new(Stderr { level }));
    if log::set_logger(logger).is_ok() {
        log::set_max_level(level);
    }
}

/// Prints log lines above `bar` while it is on screen (`None` once it is gone).
pub fn above(bar: Option<ProgressBar>) {
    *BAR.lock().unwrap_or_else(PoisonError::into_inner) = bar;
}
