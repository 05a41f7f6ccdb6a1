//! Writing pages to stdout as JSON lines, each item exactly as the server
//! wrote it.

use std::io::{self, Write};

use pagewalk::RawPage;

/// What one line of output holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One item per line.
    Items,
    /// One page per line: `{"url":..,"status":..,"items":[..]}`.
    Pages,
}

/// How many bytes of whole lines are gathered before they are written.
const BATCH: usize = 64 * 1024;

/// JSON-lines output. Lines are gathered and written whole, so that every
/// write ends at the end of a line (a line longer than the batch is one write
/// of its own); everything is written before a page counts as written, so
/// that what a checkpoint says was written really was.
pub struct Output<W: Write> {
    out: W,
    lines: Lines,
    batch: Vec<u8>,
}

impl<W: Write> Output<W> {
    pub fn new(out: W, lines: Lines) -> Output<W> {
        Output {
            out,
            lines,
            batch: Vec::with_capacity(BATCH),
        }
    }

    /// Writes the page's items (or the page) and flushes them.
    pub fn write_page(&mut self, page: &RawPage) -> io::Result<()> {
        match self.lines {
            Lines::Items => {
                for item in page.items() {
                    self.line(|line| compact(item, line))?;
                }
            }
            Lines::Pages => self.line(|line| {
                line.extend_from_slice(b"{\"url\":");
                // A URL as a JSON string: serde_json escapes what must be.
                let url = serde_json::to_string(page.url()).unwrap_or_else(|_| "null".into());
                line.extend_from_slice(url.as_bytes());
                line.extend_from_slice(
                    format!(",\"status\":{},\"items\":[", page.status()).as_bytes(),
                );
                for (index, item) in page.items().enumerate() {
                    if index > 0 {
                        line.push(b',');
                    }
                    compact(item, line);
                }
                line.extend_from_slice(b"]}");
            })?,
        }
        self.write_batch()?;
        self.out.flush()
    }

    /// Adds one line made by `make`, writing the batch first if the line
    /// would not fit in it.
    fn line(&mut self, make: impl FnOnce(&mut Vec<u8>)) -> io::Result<()> {
        let start = self.batch.len();
        make(&mut self.batch);
        self.batch.push(b'\n');
        if self.batch.len() > BATCH && start > 0 {
            // The new line goes out in the next write, whole.
            let line = self.batch.split_off(start);
            self.write_batch()?;
            self.batch = line;
        }
        Ok(())
    }

    fn write_batch(&mut self) -> io::Result<()> {
        if !self.batch.is_empty() {
            self.out.write_all(&self.batch)?;
            self.batch.clear();
        }
        Ok(())
    }
}

/// `json`, one value as the server wrote it, with the whitespace between its
/// tokens left out: one line, every other byte as it was (numbers keep every
/// digit, strings their escapes, keys their order).
pub fn compact(json: &str, out: &mut Vec<u8>) {
    if !json
        .bytes()
        .any(|byte| matches!(byte, b' ' | b'\n' | b'\r' | b'\t'))
    {
        out.extend_from_slice(json.as_bytes());
        return;
    }
    let (mut in_string, mut escaped) = (false, false);
    for &byte in json.as_bytes() {
        if in_string {
            out.push(byte);
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if !matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
            in_string = byte == b'"';
            out.push(byte);
        }
    }
}

/// True when the reader of stdout has gone away (`pagewalk URL | head`):
/// not an error, just the end.
pub fn is_broken_pipe(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::BrokenPipe
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compacted(json: &str) -> String {
        let mut out = Vec::new();
        compact(json, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn whitespace_between_tokens_goes_and_everything_else_stays() {
        assert_eq!(
            compacted("{ \"a b\" : [ 1 ,\n\t2.50 ] , \"c\":\"x\\\" y\" }"),
            r#"{"a b":[1,2.50],"c":"x\" y"}"#
        );
        assert_eq!(
            compacted("123456789012345678901234567890"),
            "123456789012345678901234567890"
        );
        assert_eq!(compacted(r#""\\" "#), r#""\\""#);
        assert_eq!(compacted(r#"{"é":"\u00e9\/"}"#), r#"{"é":"\u00e9\/"}"#);
    }

    /// Records the size of every write.
    struct Writes(Vec<usize>, Vec<u8>);

    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.push(buf.len());
            self.1.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_write_ends_at_the_end_of_a_line() {
        let mut output = Output::new(Writes(Vec::new(), Vec::new()), Lines::Items);
        let line = "x".repeat(1000);
        for _ in 0..200 {
            output
                .line(|out| out.extend_from_slice(line.as_bytes()))
                .unwrap();
        }
        output.write_batch().unwrap();
        let Writes(sizes, bytes) = output.out;
        assert!(sizes.len() > 1, "{sizes:?}");
        let mut written = 0;
        for size in sizes {
            written += size;
            assert_eq!(bytes[written - 1], b'\n', "a write ended inside a line");
        }
        assert_eq!(written, 200 * 1001);
    }
}
