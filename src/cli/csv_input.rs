//! The one streaming CSV reader behind every import (`expense import`, `receipt import`,
//! `fx import`, `budget set --file`, `import DIR` and the demo): UTF-8 with or without a
//! byte-order mark, `,` `;` or tab delimiter (detected from the header row or given), columns
//! found by name in any order, and errors that give file, line, column, what is wrong and the
//! value. Rows are read one at a time, so memory does not grow with the file.

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::Path;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde::de::DeserializeOwned;

use super::line_numbers::{Lines, counted};
use crate::db::Ledger;
use crate::error::{Error, ErrorKind, Result};

/// How many refused rows an import lists before it only counts the rest.
pub const ERRORS_SHOWN: usize = 20;

/// Rows between two updates of the progress bar.
const PROGRESS_EVERY: u64 = 4096;

/// A row type an import reads: its columns by name.
pub trait CsvRow: DeserializeOwned {
    /// Columns the file must have.
    const REQUIRED: &'static [&'static str];
    /// Columns the file may have.
    const OPTIONAL: &'static [&'static str];
}

/// Where an import reads from, as every import command takes it.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// CSV file with a header row, or - for standard input
    #[arg(value_name = "FILE.csv")]
    pub file: String,
    /// Field delimiter [default: detected from the header row: , or ; or tab]
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
}

fn parse_delimiter(text: &str) -> std::result::Result<u8, String> {
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

/// Read every row of a small file into the ledger with `store` (the same call a single `add`
/// makes), in one transaction: every bad row is reported and none is stored.
pub fn import_all<T: CsvRow, S>(
    ledger: &mut Ledger,
    args: &ImportArgs,
    mut store: impl FnMut(&mut Ledger, T) -> Result<S>,
) -> Result<Vec<S>> {
    let mut input = CsvInput::open(args)?;
    ledger.all_or_nothing(|ledger| {
        let mut stored = Vec::new();
        input.rows(|row: T, _| {
            stored.push(store(ledger, row)?);
            Ok(())
        })?;
        Ok(stored)
    })
}

/// Where a row is: its first line in the file (header = line 1).
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub line: u64,
}

pub struct CsvInput {
    label: String,
    reader: csv::Reader<Box<dyn Read>>,
    lines: Lines,
    headers: csv::StringRecord,
    progress: Option<ProgressBar>,
}

impl CsvInput {
    /// Open a file, or standard input for `-`.
    pub fn open(args: &ImportArgs) -> Result<CsvInput> {
        if args.file == "-" {
            let stdin: Box<dyn Read> = Box::new(std::io::stdin().lock());
            return CsvInput::new("<stdin>", stdin, args.delimiter, Some(None));
        }
        let path = Path::new(&args.file);
        if path.is_dir() {
            return Err(Error::invalid(format!(
                "cannot read {}: it is a directory; give the path of a CSV file",
                path.display()
            )));
        }
        let file = File::open(path).map_err(|e| {
            Error::invalid(format!(
                "cannot read {}: {e}; check the path",
                path.display()
            ))
        })?;
        let size = file.metadata().ok().map(|m| m.len());
        CsvInput::new(&args.file, Box::new(file), args.delimiter, Some(size))
    }

    /// Read CSV text from `source`, reported as `label`; `progress` is Some(size, if known)
    /// to show a progress bar when stderr is a terminal.
    pub fn new(
        label: &str,
        source: Box<dyn Read>,
        delimiter: Option<u8>,
        progress: Option<Option<u64>>,
    ) -> Result<CsvInput> {
        let mut buffered = BufReader::with_capacity(1 << 16, source);
        let start = buffered.fill_buf()?;
        let bom = start.starts_with(b"\xEF\xBB\xBF");
        let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(start));
        if bom {
            buffered.consume(3);
        }
        let (counted, lines) = counted(buffered);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(Box::new(counted) as Box<dyn Read>);
        let raw = reader.headers().map_err(|e| at_line(label, &e, 1))?.clone();
        if raw.is_empty() || raw.iter().all(|h| h.trim().is_empty()) {
            return Err(Error::invalid(format!(
                "{label} is empty; it needs a header row naming its columns"
            )));
        }
        let headers: csv::StringRecord = raw
            .iter()
            .map(|h| h.trim().to_lowercase().replace([' ', '-'], "_"))
            .collect();
        reader.set_headers(headers.clone());
        let progress = progress.and_then(progress_bar);
        Ok(CsvInput {
            label: label.to_string(),
            reader,
            lines,
            headers,
            progress,
        })
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    /// Hand each row, read as `T`, to `each`. Rows that are wrong (bad CSV, a bad value, a
    /// rule of the ledger) are collected and reading goes on, so that one run names every bad
    /// row; the first [`ERRORS_SHOWN`] and the count are returned as one error at the end. A
    /// failure of the machine (disk, database) stops at once.
    pub fn rows<T: CsvRow>(&mut self, mut each: impl FnMut(T, Place) -> Result<()>) -> Result<u64> {
        self.check_columns(T::REQUIRED, T::OPTIONAL)?;
        let mut problems = Problems::default();
        let mut record = csv::StringRecord::new();
        let mut count = 0u64;
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, |p| self.lines.at(p.byte()));
                    let error = Error::from(e);
                    if error.kind != ErrorKind::Invalid {
                        return Err(self.at(line, None, &error));
                    }
                    problems.add(self.at(line, None, &error));
                    continue;
                }
            }
            count += 1;
            let place = Place {
                line: record.position().map_or(0, |p| self.lines.at(p.byte())),
            };
            let outcome = record
                .deserialize::<T>(Some(&self.headers))
                .map_err(|e| self.deserialize_error::<T>(&e))
                .and_then(|row| each(row, place));
            if let Err(e) = outcome {
                if e.kind != ErrorKind::Invalid {
                    return Err(e);
                }
                problems.add(self.at(place.line, Some(&record), &e));
            }
            if count.is_multiple_of(PROGRESS_EVERY)
                && let Some(bar) = &self.progress
            {
                bar.set_position(record.position().map_or(0, |p| p.byte()));
                bar.set_message(format!("{count} rows"));
            }
        }
        if let Some(bar) = self.progress.take() {
            bar.finish_and_clear();
        }
        problems.into_result(&self.label, count)
    }

    /// Refuse a file whose header lacks a required column or has one grantbook does not know
    /// (a misspelt column would otherwise be silently ignored).
    fn check_columns(&self, required: &[&str], optional: &[&str]) -> Result<()> {
        let known = || [required, optional].concat().join(", ");
        for (i, name) in self.headers.iter().enumerate() {
            if !required.contains(&name) && !optional.contains(&name) {
                return Err(Error::invalid(format!(
                    "{}:1:{}: unknown column {name:?}; the columns are {}",
                    self.label,
                    i + 1,
                    known()
                )));
            }
            if self.headers.iter().take(i).any(|h| h == name) {
                return Err(Error::invalid(format!(
                    "{}:1:{}: column {name:?} appears twice",
                    self.label,
                    i + 1
                )));
            }
        }
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !self.headers.iter().any(|h| h == *c))
            .collect();
        if !missing.is_empty() {
            return Err(Error::invalid(format!(
                "{}:1: missing column{} {}; the header must name {} (and may name {})",
                self.label,
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                required.join(", "),
                if optional.is_empty() {
                    "no others".to_string()
                } else {
                    optional.join(", ")
                }
            )));
        }
        Ok(())
    }

    /// A value serde could not read (a bad `true`/`false`, say), with the column it is in.
    fn deserialize_error<T: CsvRow>(&self, e: &csv::Error) -> Error {
        let csv::ErrorKind::Deserialize { err, .. } = e.kind() else {
            return Error::invalid(e.to_string());
        };
        let header = err.field().and_then(|i| self.headers.get(i as usize));
        let mut error = Error::invalid(err.kind().to_string());
        // Errors name fields by `'static` names: the row type's own column names.
        error.field = header.and_then(|h| {
            T::REQUIRED
                .iter()
                .chain(T::OPTIONAL)
                .copied()
                .find(|c| *c == h)
        });
        error
    }

    /// Put file, line, column and value in front of an error.
    fn at(&self, line: u64, record: Option<&csv::StringRecord>, e: &Error) -> Error {
        let column = e
            .field
            .and_then(|f| self.headers.iter().position(|h| h == f));
        let place = match (e.field, column) {
            (Some(name), Some(i)) => {
                let value = record.and_then(|r| r.get(i)).unwrap_or_default();
                format!(
                    "{}:{line}:{} ({name} = {})",
                    self.label,
                    i + 1,
                    shown_value(value)
                )
            }
            (Some(name), None) => format!("{}:{line} ({name}, not in the file)", self.label),
            (None, _) => format!("{}:{line}", self.label),
        };
        Error {
            kind: e.kind,
            message: format!("{place}: {}", e.message),
            field: e.field,
        }
    }
}

fn at_line(label: &str, e: &csv::Error, line: u64) -> Error {
    let error = match e.kind() {
        // A JSON table read as CSV reports its own errors as invalid data (json_input.rs).
        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
            Error::invalid(io.to_string())
        }
        csv::ErrorKind::Io(io) => Error::runtime(format!("cannot read {label}: {io}")),
        _ => Error::invalid(e.to_string()),
    };
    error.at(format!("{label}:{line}"))
}

/// A value as an error shows it: quoted, and cut short if long.
fn shown_value(value: &str) -> String {
    const MAX: usize = 60;
    if value.chars().count() <= MAX {
        format!("{value:?}")
    } else {
        let cut: String = value.chars().take(MAX).collect();
        format!("{cut:?}...")
    }
}

/// The delimiter of the header row: whichever of `,` `;` tab occurs most outside quotes.
fn detect_delimiter(start: &[u8]) -> u8 {
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

/// A progress bar on stderr, only when a person is watching it.
fn progress_bar(size: Option<u64>) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = match size {
        Some(bytes) => ProgressBar::new(bytes).with_style(
            ProgressStyle::with_template("{bar:40} {percent:>3}% {msg} ({eta} left)")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner(),
    };
    Some(bar.with_finish(indicatif::ProgressFinish::AndClear))
}

#[derive(Default)]
struct Problems {
    shown: Vec<String>,
    count: u64,
}

impl Problems {
    fn add(&mut self, e: Error) {
        self.count += 1;
        if self.shown.len() < ERRORS_SHOWN {
            self.shown.push(e.message);
        }
    }

    fn into_result(self, label: &str, rows: u64) -> Result<u64> {
        if self.count == 0 {
            return Ok(rows);
        }
        let mut message = format!(
            "{label}: {} of {rows} row{} refused, so nothing was written",
            self.count,
            if rows == 1 { "" } else { "s" }
        );
        for line in &self.shown {
            message.push_str("\n  ");
            message.push_str(line);
        }
        let more = self.count - self.shown.len() as u64;
        if more > 0 {
            message.push_str(&format!("\n  ... and {more} more"));
        }
        message.push_str("\nFix these rows and import the whole file again.");
        Err(Error::invalid(message))
    }
}

#[cfg(test)]
#[path = "csv_input_tests.rs"]
mod tests;
