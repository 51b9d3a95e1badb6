//! Reading what users give: optional flags and small CSV files, with errors that say where.

use std::io::Read;

use serde::de::DeserializeOwned;

use crate::domain::dates::{not_after, parse_date};
use crate::error::{Error, Result};

/// The value of an optional field, treating an empty CSV cell like an absent flag.
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A date that has already happened (money paid or received).
pub fn past_date(what: &str, text: &str) -> Result<chrono::NaiveDate> {
    let date = parse_date(what, text)?;
    not_after(what, date, chrono::Local::now().date_naive())?;
    Ok(date)
}

/// Read every row of a CSV file with a header row into `T` and hand it to `each`. An error in
/// row N is reported as `LABEL:N: ...` (N counts lines of the file, header included).
pub fn read_csv<T: DeserializeOwned>(
    label: &str,
    reader: impl Read,
    mut each: impl FnMut(T) -> Result<()>,
) -> Result<()> {
    let mut csv = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .from_reader(reader);
    let mut record = csv::StringRecord::new();
    let headers = csv.headers()?.clone();
    loop {
        let more = csv.read_record(&mut record).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::from(e).at(format!("{label}:{line}"))
        })?;
        if !more {
            return Ok(());
        }
        let line = record.position().map_or(0, |p| p.line());
        let row: T = record
            .deserialize(Some(&headers))
            .map_err(|e| Error::invalid(describe(&e, &headers)).at(format!("{label}:{line}")))?;
        each(row).map_err(|e| e.at(format!("{label}:{line}")))?;
    }
}

fn describe(e: &csv::Error, headers: &csv::StringRecord) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => {
            let column = err
                .field()
                .and_then(|i| headers.get(i as usize))
                .map(|h| format!("column {h:?}: "))
                .unwrap_or_default();
            format!(
                "{column}{} (expected columns: see the file's README or `--help`)",
                err.kind()
            )
        }
        _ => e.to_string(),
    }
}
