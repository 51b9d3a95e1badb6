//! The shape of a CSV file as people save it: a byte-order mark or not, and which delimiter.

use super::Source;
use crate::error::Result;

pub fn parse_delimiter(text: &str) -> std::result::Result<u8, String> {
    match text {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\\t" | "\t" | "tab" => Ok(b'\t'),
        "|" | "pipe" => Ok(b'|'),
        _ => Err(format!(
            "{text:?} is not a delimiter grantbook reads; use , ; tab or |"
        )),
    }
}

/// The first line of `source` (all of it, however a pipe delivers it, up to 64 KiB), for the
/// byte-order mark and the delimiter to be found in; and the rest of `source`.
pub(super) fn header_line(mut source: Source) -> Result<(Vec<u8>, Source)> {
    let mut start = Vec::new();
    let mut chunk = [0u8; 8192];
    while !start.contains(&b'\n') && start.len() < 1 << 16 {
        match source.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => start.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok((start, source))
}

/// The delimiter of the header row: whichever of `,` `;` tab occurs most outside quotes.
pub(super) fn detect_delimiter(start: &[u8]) -> u8 {
    let start = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start);
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &byte in start {
        if byte == b'\n' && !quoted {
            break;
        }
        if byte == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(c) = counts.iter_mut().find(|(d, _)| *d == byte) {
            c.1 += 1;
        }
    }
    // Ties (a one-column file) go to the comma, the first in the list.
    counts
        .iter()
        .fold(
            (b',', 0),
            |best, &(d, n)| if n > best.1 { (d, n) } else { best },
        )
        .0
}
