//! Progress on stderr: pages, items, items/s, and a bar with an ETA when the
//! API gives a total. Never touches stdout.

use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle, TermLike};

use pagewalk::Checkpoint;

use crate::args::ProgressChoice;

const COUNTING: &str = "{spinner} {msg} · {human_pos} items · {rate}";
const BAR: &str = "{spinner} [{bar:30}] {human_pos}/{human_len} items · {msg} · {rate} · ETA {eta}";

/// The progress display, or nothing when it is off.
pub struct Progress {
    bar: Option<ProgressBar>,
    /// Whether stdout shares the screen, so the bar must step aside while items are printed.
    stdout_is_terminal: bool,
    /// The position at which `--max-items` stops the walk.
    stop_at: Option<u64>,
}

impl Progress {
    /// Starts the display where `from` stands (later than the start when
    /// resuming); `max_items` caps the bar.
    pub fn start(choice: ProgressChoice, from: &Checkpoint, max_items: Option<u64>) -> Progress {
        let items_seen = from.items_seen().saturating_add(from.skip() as u64);
        let stderr_is_terminal = io::stderr().is_terminal();
        let target = match choice {
            ProgressChoice::Off => None,
            ProgressChoice::Auto if !stderr_is_terminal => None,
            ProgressChoice::Auto => Some(ProgressDrawTarget::stderr()),
            // Asked for explicitly: draw even where indicatif would hide
            // itself (stderr redirected to a file or a pipe).
            ProgressChoice::Forced if stderr_is_terminal => Some(ProgressDrawTarget::stderr()),
            ProgressChoice::Forced => Some(ProgressDrawTarget::term_like_with_hz(
                Box::new(PlainStderr),
                5,
            )),
        };
        let bar = target.map(|target| {
            let bar = ProgressBar::with_draw_target(None, target)
                .with_style(style(COUNTING))
                .with_message(format!("page {}", from.page()))
                .with_position(items_seen);
            bar.reset_eta();
            if stderr_is_terminal {
                bar.enable_steady_tick(Duration::from_millis(100));
            }
            bar
        });
        crate::logging::above(bar.clone());
        Progress {
            bar,
            stdout_is_terminal: io::stdout().is_terminal(),
            stop_at: max_items.map(|n| items_seen.saturating_add(n)),
        }
    }

    /// Runs `write` (which prints to stdout) with the bar out of the way.
    pub fn suspend<R>(&self, write: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) if self.stdout_is_terminal => bar.suspend(write),
            _ => write(),
        }
    }

    /// Counts a page of `items` items; `total` is the collection's size, when known.
    pub fn page(&self, number: u64, items: usize, total: Option<u64>) {
        let Some(bar) = &self.bar else { return };
        bar.set_message(format!("page {number}"));
        bar.inc(items as u64);
        if let Some(total) = total {
            if bar.length().is_none() {
                bar.set_style(style(BAR));
            }
            let end = self.stop_at.map_or(total, |stop_at| total.min(stop_at));
            bar.set_length(end.max(bar.position()));
        }
    }

    /// Removes the display, before the last words on stderr or at the end.
    pub fn clear(&self) {
        if let Some(bar) = &self.bar {
            crate::logging::above(None);
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
        .progress_chars("=> ")
        .with_key("rate", |state: &ProgressState, out: &mut dyn fmt::Write| {
            let _ = write!(out, "{:.0} items/s", state.per_sec());
        })
}

/// stderr as a terminal of fixed width, for `--progress` when stderr is not
/// one: each redraw clears the line with ANSI codes, as a terminal expects.
#[derive(Debug)]
struct PlainStderr;

impl PlainStderr {
    fn write(&self, text: &str) -> io::Result<()> {
        io::stderr().lock().write_all(text.as_bytes())
    }

    /// `ESC [ n X`; nothing for 0, which terminals would read as 1.
    fn move_cursor(&self, n: usize, direction: char) -> io::Result<()> {
        match n {
            0 => Ok(()),
            n => self.write(&format!("\x1b[{n}{direction}")),
        }
    }
}

impl TermLike for PlainStderr {
    fn width(&self) -> u16 {
        100
    }

    fn move_cursor_up(&self, n: usize) -> io::Result<()> {
        self.move_cursor(n, 'A')
    }

    fn move_cursor_down(&self, n: usize) -> io::Result<()> {
        self.move_cursor(n, 'B')
    }

    fn move_cursor_right(&self, n: usize) -> io::Result<()> {
        self.move_cursor(n, 'C')
    }

    fn move_cursor_left(&self, n: usize) -> io::Result<()> {
        self.move_cursor(n, 'D')
    }

    fn write_line(&self, s: &str) -> io::Result<()> {
        self.write(&format!("{s}\n"))
    }

    fn write_str(&self, s: &str) -> io::Result<()> {
        self.write(s)
    }

    fn clear_line(&self) -> io::Result<()> {
        self.write("\r\x1b[2K")
    }

    fn flush(&self) -> io::Result<()> {
        io::stderr().flush()
    }
}
