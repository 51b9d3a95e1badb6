//! The one streaming CSV reader behind every import (`expense import`, `receipt import`,
//! `fx import`, `budget set --file`, `import DIR` and the demo): UTF-8 with or without a
//! byte-order mark, `,` `;` or tab delimiter (detected from the header row or given), columns
//! found by name in any order, and errors that give file, line, column, what is wrong and the
//! value. Rows are read one at a time, so memory does not grow with the file.

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Cursor, IsTerminal, Read};
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde::de::DeserializeOwned;

pub use self::columns::normalized_header;
pub use self::dialect::parse_delimiter;
use self::dialect::{detect_delimiter, header_line};
pub use self::once::Once;
use self::problems::{Problems, at_line};
use super::fingerprint::Fingerprint;
use super::line_numbers::{Lines, counted};
use crate::db::Ledger;
use crate::error::{Error, ErrorKind, Result};
use crate::render::from_spreadsheet_safe;

/// How many refused rows an import lists before it only counts the rest.
pub const ERRORS_SHOWN: usize = 20;

/// Rows between two updates of the progress bar.
const PROGRESS_EVERY: u64 = 4096;

/// What an import reads from: `Send`, so that rows can be read on a second thread.
pub type Source = Box<dyn Read + Send>;

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

/// Read every row of a small file into the ledger with `store` (the same call a single `add`
/// makes), in one transaction: every bad row is reported and none is stored. The import of
/// `entity` rows is audited with the file's row count and SHA-256.
pub fn import_all<T: CsvRow, S>(
    ledger: &mut Ledger,
    args: &ImportArgs,
    entity: &str,
    mut store: impl FnMut(&mut Ledger, T, Place) -> Result<S>,
) -> Result<Vec<S>> {
    let mut input = CsvInput::open(args)?;
    ledger.all_or_nothing(|ledger| {
        let mut stored = Vec::new();
        input.rows(|row: T, place| {
            stored.push(store(ledger, row, place)?);
            Ok(())
        })?;
        // Each row has its own audit entry; this one says which file brought them.
        ledger.record_import(entity, input.label(), stored.len() as u64, &input.sha256())?;
        Ok(stored)
    })
}

/// Where a row is: its first line in the file (header = line 1), or its number in a JSON
/// table's array.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub line: u64,
    object: bool,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.object {
            true => write!(f, "object {}", self.line),
            false => write!(f, "line {}", self.line),
        }
    }
}

pub struct CsvInput {
    label: String,
    /// Locked by whichever thread reads the rows, for as long as it reads them.
    reader: Mutex<csv::Reader<Source>>,
    lines: Lines,
    /// The rows are a JSON table's objects: places are object numbers, not lines.
    objects: bool,
    has_unnamed_columns: bool,
    headers: csv::StringRecord,
    /// Columns an import profile leaves out (by index): read, never used.
    left_out: Vec<usize>,
    progress: Option<ProgressBar>,
    /// The SHA-256 of the bytes read, for the audit log.
    fingerprint: Fingerprint,
    /// The file's size in bytes; None for standard input.
    size: Option<u64>,
}

impl CsvInput {
    /// Open a file, or standard input for `-`.
    pub fn open(args: &ImportArgs) -> Result<CsvInput> {
        if args.file == "-" {
            let stdin: Source = Box::new(std::io::stdin());
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
        let mut input = CsvInput::new(&args.file, Box::new(file), args.delimiter, Some(size))?;
        input.size = size;
        Ok(input)
    }

    /// Read CSV text from `source`, reported as `label`; `progress` is Some(size, if known)
    /// to show a progress bar when stderr is a terminal.
    pub fn new(
        label: &str,
        source: Source,
        delimiter: Option<u8>,
        progress: Option<Option<u64>>,
    ) -> Result<CsvInput> {
        let fingerprint = Fingerprint::default();
        let source: Source = Box::new(fingerprint.reader(source));
        let (start, rest) = header_line(source)?;
        let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(&start));
        let start = match start.strip_prefix(b"\xEF\xBB\xBF") {
            Some(after_bom) => after_bom.to_vec(),
            None => start,
        };
        let buffered = BufReader::with_capacity(1 << 16, Cursor::new(start).chain(rest));
        let (counted, lines) = counted(buffered, delimiter);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(Box::new(counted) as Source);
        let raw = reader.headers().map_err(|e| at_line(label, &e, 1))?.clone();
        if raw.is_empty() || raw.iter().all(|h| h.trim().is_empty()) {
            return Err(Error::invalid(format!(
                "{label} is empty; it needs a header row naming its columns"
            )));
        }
        let headers: csv::StringRecord = raw.iter().map(normalized_header).collect();
        reader.set_headers(headers.clone());
        let progress = progress.and_then(progress_bar);
        Ok(CsvInput {
            label: label.to_string(),
            reader: Mutex::new(reader),
            lines,
            objects: false,
            has_unnamed_columns: headers.iter().any(str::is_empty),
            headers,
            left_out: Vec::new(),
            progress,
            fingerprint,
            size: None,
        })
    }

    /// The file's SHA-256, once [`CsvInput::rows`] has read it to the end.
    pub fn sha256(&self) -> String {
        self.fingerprint.sha256()
    }

    /// The rows come from a file converted on the way (JSON): the SHA-256 to record is the
    /// file's, which `fingerprint` hashes as it is read.
    pub fn fingerprinted_by(mut self, fingerprint: Fingerprint) -> CsvInput {
        self.fingerprint = fingerprint;
        self
    }

    /// Rows are the objects of an exported JSON table (read as CSV): name them by number.
    pub fn numbered_by_object(mut self) -> CsvInput {
        self.objects = true;
        self
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    /// The size of the file read, in bytes; None when it is not a file.
    pub fn size(&self) -> Option<u64> {
        self.size
    }

    /// Hand each row, read as `T`, to `each`. Rows that are wrong (bad CSV, a bad value, a
    /// rule of the ledger) are collected and reading goes on, so that one run names every bad
    /// row; the first [`ERRORS_SHOWN`] and the count are returned as one error at the end. A
    /// failure of the machine (disk, database) stops at once.
    pub fn rows<T: CsvRow>(&mut self, mut each: impl FnMut(T, Place) -> Result<()>) -> Result<u64> {
        self.check_columns(T::REQUIRED, T::OPTIONAL)?;
        let mut problems = Problems::default();
        let count = self.read_rows(|read: RowRead<T>| match read {
            RowRead::Refused(e) => {
                problems.add(e);
                Ok(())
            }
            RowRead::Unclosed(e) => {
                problems.unclosed(e);
                Ok(())
            }
            RowRead::Row(place, record, value) => {
                let outcome = value.and_then(|value| each(value, place));
                self.settle(&mut problems, place, record, outcome)
            }
        })?;
        self.finish(problems, count)
    }

    /// Count a row's failure among the problems, placed in the file; a failure of the
    /// machine is returned, to stop the import.
    fn settle(
        &self,
        problems: &mut Problems,
        place: Place,
        record: &csv::StringRecord,
        outcome: Result<()>,
    ) -> Result<()> {
        match outcome {
            Err(e) if e.kind != ErrorKind::Invalid => Err(e),
            Err(e) => {
                problems.add(self.at(place.line, Some(record), &e));
                Ok(())
            }
            Ok(()) => {
                problems.row_taken();
                Ok(())
            }
        }
    }

    /// After the last row: every problem found, or the number of rows.
    fn finish(&mut self, problems: Problems, count: u64) -> Result<u64> {
        if let Some(bar) = self.progress.take() {
            bar.finish_and_clear();
        }
        problems.into_result(&self.label, count)
    }

    /// Read the rows in order, handing `each` every one with its place, its cells and its
    /// values read as `T` (or why they are not one), or a row refused before its values could
    /// be read; `each` failing stops the reading. Returns how many rows there were.
    fn read_rows<T: CsvRow>(&self, mut each: impl FnMut(RowRead<T>) -> Result<()>) -> Result<u64> {
        let mut reader = self.reader.lock().unwrap_or_else(PoisonError::into_inner);
        let mut record = csv::StringRecord::new();
        let mut count = 0u64;
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => {
                    if let Some(line) = self.lines.unclosed_quote() {
                        each(RowRead::Unclosed(Error::invalid(format!(
                            "{}:{line}: a quoted value opens here and is never closed, so \
                             every line after it would be read as part of it; close the quote \
                             (a quote inside a quoted value is written twice: \"\")",
                            self.label
                        ))))?;
                    }
                    return Ok(count);
                }
                Ok(true) => {}
                Err(e) => {
                    count += 1;
                    let line = self.place_of(e.position(), count);
                    let error = self.csv_problem(&e, line);
                    if error.kind != ErrorKind::Invalid {
                        return Err(error);
                    }
                    each(RowRead::Refused(error))?;
                    continue;
                }
            }
            count += 1;
            let place = Place {
                line: self.place_of(record.position(), count),
                object: self.objects,
            };
            match self.value_without_header(&record, place.line) {
                Some(unnamed) => each(RowRead::Refused(unnamed))?,
                None => {
                    // A CSV cell a spreadsheet would run as a formula was written with a
                    // leading ' (by grantbook's exports and listings, or a careful user): read
                    // the text it stands for. A JSON table's values are as they were.
                    if !self.objects && record.iter().any(|f| f.starts_with('\'')) {
                        let position = record.position().cloned();
                        record = record.iter().map(from_spreadsheet_safe).collect();
                        record.set_position(position);
                    }
                    let value = record
                        .deserialize::<T>(Some(&self.headers))
                        .map_err(|e| self.deserialize_error::<T>(&e));
                    each(RowRead::Row(place, &record, value))?;
                }
            }
            if count.is_multiple_of(PROGRESS_EVERY)
                && let Some(bar) = &self.progress
            {
                bar.set_position(record.position().map_or(0, |p| p.byte()));
                bar.set_message(format!("{count} rows"));
            }
        }
    }
}

/// A row as [`CsvInput::read_rows`] hands it over.
enum RowRead<'r, T> {
    /// A row, its cells, and its values as `T` or what kept them from being one (an error
    /// that names its field, not yet its place).
    Row(Place, &'r csv::StringRecord, Result<T>),
    /// A row refused before its values could be read, its place in the message.
    Refused(Error),
    /// A quote left open at the end of the file: the fault of the row it swallowed the rest
    /// of the file into, the last one.
    Unclosed(Error),
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

mod columns;
mod dialect;
mod once;
mod parallel;
mod problems;
#[cfg(test)]
mod tests;
