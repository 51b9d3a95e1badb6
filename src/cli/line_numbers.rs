//! The line a CSV record starts on, counted from the bytes themselves. The csv crate's own
//! `Position::line` is one short after a `\r\n` line end and after a blank line (rust-csv
//! issues #395 and #208), and an error that names the wrong line of a Windows file sends a
//! finance officer to the wrong voucher.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Read};
use std::rc::Rc;

/// Reads through to `inner`, noting where every `\r` and `\n` is; [`Lines`] answers from that.
pub struct Counted<R> {
    inner: R,
    breaks: Rc<RefCell<Breaks>>,
}

/// Asks [`Counted`] which line a byte offset is on.
pub struct Lines(Rc<RefCell<Breaks>>);

#[derive(Default)]
struct Breaks {
    /// Bytes read so far: the offset of the next byte.
    read: u64,
    /// Offsets (and the byte) of the line-break bytes not yet passed by a question.
    ahead: VecDeque<(u64, u8)>,
    /// `\n` bytes already passed.
    newlines_before: u64,
}

pub fn counted<R: Read>(inner: R) -> (Counted<R>, Lines) {
    let breaks = Rc::new(RefCell::new(Breaks::default()));
    let lines = Lines(Rc::clone(&breaks));
    (Counted { inner, breaks }, lines)
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut breaks = self.breaks.borrow_mut();
        let start = breaks.read;
        for i in memchr::memchr2_iter(b'\r', b'\n', &buf[..n]) {
            breaks.ahead.push_back((start + i as u64, buf[i]));
        }
        breaks.read += n as u64;
        Ok(n)
    }
}

impl Lines {
    /// The line (from 1) of the first byte at or after `offset` that is not a line break:
    /// where a record reported at `offset` really starts. Offsets must be asked in order.
    pub fn at(&self, offset: u64) -> u64 {
        let mut breaks = self.0.borrow_mut();
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
        let (source, lines) = counted(text.as_bytes());
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
}
