//! What the csv crate does not tell about the bytes it reads, watched as they stream past:
//! the line a record starts on (its `Position::line` is one short after a `\r\n` line end and
//! after a blank line, rust-csv issues #395 and #208, and an error naming the wrong line of a
//! Windows file sends a finance officer to the wrong voucher), and whether the file ended
//! inside a quoted field (the crate takes the rest of the file as that field's value, so one
//! missing quote would swallow every row after it without a word).

use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Reads through to `inner`, noting where every `\r` and `\n` is and where quoted fields
/// open and close; [`Lines`] answers from that.
pub struct Counted<R> {
    inner: R,
    delimiter: u8,
    breaks: Arc<Mutex<Breaks>>,
}

/// Where the reader is in the CSV grammar, as far as quotes go (RFC 4180, read as the csv
/// crate reads it: a quote inside an unquoted field is an ordinary character).
#[derive(Clone, Copy, Default, PartialEq)]
enum Field {
    #[default]
    Start,
    Unquoted,
    /// In a quoted field that opened at this offset.
    Quoted(u64),
    /// Just after a quote inside a quoted field: the closing one, or the first of a pair.
    QuoteInQuoted(u64),
}

/// Asks [`Counted`] which line a byte offset is on.
/// Shared (the reader may run on a second thread), but only ever by that one reader's thread.
pub struct Lines(Arc<Mutex<Breaks>>);

#[derive(Default)]
struct Breaks {
    /// Bytes read so far: the offset of the next byte.
    read: u64,
    /// Offsets (and the byte) of the line-break bytes not yet passed by a question.
    ahead: VecDeque<(u64, u8)>,
    /// `\n` bytes already passed.
    newlines_before: u64,
    field: Field,
}

pub fn counted<R: Read>(inner: R, delimiter: u8) -> (Counted<R>, Lines) {
    let breaks = Arc::new(Mutex::new(Breaks::default()));
    let lines = Lines(Arc::clone(&breaks));
    (
        Counted {
            inner,
            delimiter,
            breaks,
        },
        lines,
    )
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut breaks = lock(&self.breaks);
        let start = breaks.read;
        for i in memchr::memchr2_iter(b'\r', b'\n', &buf[..n]) {
            breaks.ahead.push_back((start + i as u64, buf[i]));
        }
        breaks.field = follow_quotes(breaks.field, &buf[..n], start, self.delimiter);
        breaks.read += n as u64;
        Ok(n)
    }
}

fn lock(breaks: &Mutex<Breaks>) -> MutexGuard<'_, Breaks> {
    breaks.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The quote state after `bytes` (which start at offset `start`), from `field` before them.
fn follow_quotes(mut field: Field, bytes: &[u8], start: u64, delimiter: u8) -> Field {
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        field = match field {
            Field::Quoted(opened) => match memchr::memchr(b'"', &bytes[i..]) {
                // Nothing but the quote ends a quoted field: skip to it.
                Some(at) => {
                    i += at;
                    Field::QuoteInQuoted(opened)
                }
                None => return field,
            },
            Field::QuoteInQuoted(opened) if byte == b'"' => Field::Quoted(opened),
            Field::Start if byte == b'"' => Field::Quoted(start + i as u64),
            _ if byte == delimiter || byte == b'\n' || byte == b'\r' => Field::Start,
            _ => Field::Unquoted,
        };
        i += 1;
    }
    field
}

impl Lines {
    /// After the last record: the line of a quoted field the file opened and never closed.
    pub fn unclosed_quote(&self) -> Option<u64> {
        let opened = match lock(&self.0).field {
            Field::Quoted(opened) => opened,
            _ => return None,
        };
        Some(self.at(opened))
    }

    /// The line (from 1) of the first byte at or after `offset` that is not a line break:
    /// where a record reported at `offset` really starts. Offsets must be asked in order.
    pub fn at(&self, offset: u64) -> u64 {
        let mut breaks = lock(&self.0);
        while let Some(&(at, byte)) = breaks.ahead.front() {
            if at >= offset {
                break;
            }
            breaks.newlines_before += u64::from(byte == b'\n');
            breaks.ahead.pop_front();
        }
        let mut line = breaks.newlines_before + 1;
        for (expected, &(at, byte)) in (offset..).zip(&breaks.ahead) {
            if at != expected {
                break;
            }
            line += u64::from(byte == b'\n');
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The start line of every record, as grantbook reports it.
    fn starts(text: &str) -> Vec<u64> {
        let (source, lines) = counted(text.as_bytes(), b',');
        let mut reader = csv::Reader::from_reader(source);
        let mut record = csv::StringRecord::new();
        let mut found = Vec::new();
        while reader.read_record(&mut record).unwrap() {
            found.push(lines.at(record.position().unwrap().byte()));
        }
        found
    }

    #[test]
    fn records_start_on_the_line_an_editor_shows() {
        assert_eq!(starts("h1,h2\na,b\nc,d\n"), [2, 3]);
        assert_eq!(starts("h1,h2\r\na,b\r\nc,d\r\n"), [2, 3]);
        assert_eq!(starts("h1,h2\na,b\n\nc,d\n"), [2, 4]);
        assert_eq!(starts("h1,h2\r\na,b\r\n\r\n\r\nc,d"), [2, 5]);
        assert_eq!(starts("h1,h2\n\"a\nstill a\",b\nc,d\n"), [2, 4]);
        assert_eq!(starts("h1,h2\r\n\"a\r\nstill a\",b\r\nc,d\r\n"), [2, 4]);
        assert_eq!(starts("h1,h2\n,b\n"), [2]);
    }

    /// Where an unclosed quote opened, read `chunk` bytes at a time.
    fn unclosed(text: &str, chunk: usize) -> Option<u64> {
        let (mut source, lines) = counted(text.as_bytes(), b';');
        let mut buf = vec![0; chunk];
        while source.read(&mut buf).unwrap() > 0 {}
        lines.unclosed_quote()
    }

    #[test]
    fn a_quote_left_open_is_found_at_its_line() {
        for chunk in [1, 2, 3, 64] {
            assert_eq!(
                unclosed("a;b\n1;\"x\n2;y\n3;z\n", chunk),
                Some(2),
                "{chunk}"
            );
            assert_eq!(
                unclosed("a;b\n1;\"x;\"\"\"\n2;\"y\n", chunk),
                Some(3),
                "{chunk}"
            );
            // Closed quotes, doubled quotes, a quote inside an unquoted field: all fine.
            assert_eq!(
                unclosed("a;b\n1;\"x\n;\"\"y\"\n2;5\" screen\n", chunk),
                None
            );
            assert_eq!(unclosed("a;b\n\"\";\"\"\"\"\r\n", chunk), None);
        }
    }
}
