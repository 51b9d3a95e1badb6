//! What an import says about the rows it refuses: where each is (file, line or JSON object,
//! column), the value, and the first few of many.

use super::{CsvInput, CsvRow, ERRORS_SHOWN};
use crate::error::{Error, Result};

impl CsvInput {
    /// A value serde could not read (a bad `true`/`false`, say), with the column it is in.
    pub(super) fn deserialize_error<T: CsvRow>(&self, e: &csv::Error) -> Error {
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

    /// A value in a column whose header is empty: it would be dropped without a word.
    pub(super) fn value_without_header(
        &self,
        record: &csv::StringRecord,
        line: u64,
    ) -> Option<Error> {
        if !self.has_unnamed_columns {
            return None;
        }
        let (i, value) = record.iter().enumerate().find(|(i, v)| {
            !v.trim().is_empty() && self.headers.get(*i) == Some("") && !self.left_out.contains(i)
        })?;
        Some(Error::invalid(format!(
            "{} (= {}): the column has no name in the header row; name it, or leave it empty",
            self.place(line, &format!(":{}", i + 1)),
            shown_value(value)
        )))
    }

    /// Where a row is: the line it starts on, or for a JSON table (whose rows are objects,
    /// not lines) its number in the array.
    pub(super) fn place_of(&self, position: Option<&csv::Position>, count: u64) -> u64 {
        match (self.objects, position) {
            (true, _) => count,
            (false, Some(p)) => self.lines.at(p.byte()),
            (false, None) => 0,
        }
    }

    /// A row the csv reader itself refused, said in the file's terms.
    pub(super) fn csv_problem(&self, e: &csv::Error, line: u64) -> Error {
        let column = |index: Option<u64>| {
            let column = index.map_or(String::new(), |i| format!(":{}", i + 1));
            self.place(line, &column)
        };
        match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => Error::invalid(format!(
                "{}: the row has {len} values where the header has {expected_len} columns; a \
                 value holding the delimiter must be in double quotes",
                self.place(line, "")
            )),
            csv::ErrorKind::Utf8 { err, .. } => Error::invalid(format!(
                "{}: not UTF-8 text; save the file as UTF-8 (in Excel: \"CSV UTF-8\")",
                column(Some(err.field() as u64))
            )),
            // The JSON reader's own message names the file and where in it (json_input.rs).
            csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
                Error::invalid(io.to_string())
            }
            csv::ErrorKind::Io(io) => Error::runtime(format!("cannot read {}: {io}", self.label)),
            _ => Error::invalid(format!("{}: {e}", self.place(line, ""))),
        }
    }

    /// `FILE:LINE` and a `:COLUMN` suffix, or `FILE, object N` for a JSON table.
    pub(super) fn place(&self, line: u64, column: &str) -> String {
        if self.objects {
            format!("{}, object {line}", self.label)
        } else {
            format!("{}:{line}{column}", self.label)
        }
    }

    /// Put file, line, column and value in front of an error.
    pub(super) fn at(&self, line: u64, record: Option<&csv::StringRecord>, e: &Error) -> Error {
        // The row's bad fields in the order of their columns, each on a line of its own.
        let mut problems: Vec<&Error> = std::iter::once(e).chain(&e.also).collect();
        problems.sort_by_key(|p| self.column_of(p).unwrap_or(usize::MAX));
        let placed: Vec<String> = problems
            .iter()
            .map(|p| self.one_at(line, record, p))
            .collect();
        Error {
            kind: e.kind,
            message: placed.join("\n    "),
            field: e.field,
            also: Vec::new(),
        }
    }

    fn column_of(&self, e: &Error) -> Option<usize> {
        e.field
            .and_then(|f| self.headers.iter().position(|h| h == f))
    }

    /// One problem of a row, placed in the file: line, column, field and value.
    fn one_at(&self, line: u64, record: Option<&csv::StringRecord>, e: &Error) -> String {
        let place = match (e.field, self.column_of(e)) {
            (Some(name), Some(i)) => {
                let value = record.and_then(|r| r.get(i)).unwrap_or_default();
                format!(
                    "{} ({name} = {})",
                    self.place(line, &format!(":{}", i + 1)),
                    shown_value(value)
                )
            }
            (Some(name), None) => format!("{} ({name}, not in the file)", self.place(line, "")),
            (None, _) => self.place(line, ""),
        };
        format!("{place}: {}", e.message)
    }
}

pub(super) fn at_line(label: &str, e: &csv::Error, line: u64) -> Error {
    match e.kind() {
        // The JSON reader's own message names the file and where in it (json_input.rs).
        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
            Error::invalid(io.to_string())
        }
        csv::ErrorKind::Io(io) => Error::runtime(format!("cannot read {label}: {io}")),
        _ => Error::invalid(e.to_string()).at(format!("{label}:{line}")),
    }
}

/// A value as an error shows it: quoted, and cut short if long.
pub(super) fn shown_value(value: &str) -> String {
    const MAX: usize = 60;
    if value.chars().count() <= MAX {
        format!("{value:?}")
    } else {
        let cut: String = value.chars().take(MAX).collect();
        format!("{cut:?}...")
    }
}

#[derive(Default)]
pub(super) struct Problems {
    shown: Vec<String>,
    count: u64,
    /// Whether the row read last was refused: a quote it left open is that row's fault too.
    last_refused: bool,
}

impl Problems {
    pub(super) fn add(&mut self, e: Error) {
        self.count += 1;
        self.last_refused = true;
        if self.shown.len() < ERRORS_SHOWN {
            self.shown.push(e.message);
        }
    }

    /// A row was taken whole.
    pub(super) fn row_taken(&mut self) {
        self.last_refused = false;
    }

    /// The open quote swallowed the rest of the file into the last row: it is that row's
    /// fault, and whatever else was wrong with the row follows from it.
    pub(super) fn unclosed(&mut self, e: Error) {
        match self.last_refused {
            true => self.replace_last(e),
            false => self.add(e),
        }
    }

    /// The row refused last is refused for `e` instead, a cause found only once the file
    /// ended: it stays one refused row, shown with `e` even past the first few.
    fn replace_last(&mut self, e: Error) {
        let last_shown = self.count == self.shown.len() as u64;
        match self.shown.last_mut() {
            Some(last) if last_shown => *last = e.message,
            _ => self.shown.push(e.message),
        }
    }

    pub(super) fn into_result(self, label: &str, rows: u64) -> Result<u64> {
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
