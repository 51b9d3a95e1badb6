//! Where `import DIR` and the demo read a ledger's tables from: the fixtures compiled into the
//! binary, or the files `export --all` wrote in a directory (CSV or JSON), each read through the
//! one CSV reader.

use std::path::{Path, PathBuf};

use super::super::csv_input::{CsvInput, CsvRow, ImportArgs, Source};
use super::super::fingerprint::Fingerprint;
use super::super::json_input::json_as_csv;
use crate::db::table_columns;
use crate::error::{Error, Result};

/// A fixture file compiled into the binary (so the demo runs from any directory).
macro_rules! fixture {
    ($name:literal) => {
        ($name, include_str!(concat!("../../../fixtures/", $name)))
    };
}

const FIXTURES: &[(&str, &str)] = &[
    fixture!("donors.csv"),
    fixture!("projects.csv"),
    fixture!("grants.csv"),
    fixture!("organisations.csv"),
    fixture!("donor_iati.csv"),
    fixture!("project_iati.csv"),
    fixture!("grant_iati.csv"),
    fixture!("extensions.csv"),
    fixture!("budget_lines.csv"),
    fixture!("donor_categories.csv"),
    fixture!("line_categories.csv"),
    fixture!("amendments.csv"),
    fixture!("periods.csv"),
    fixture!("fx_rates.csv"),
    fixture!("allocations.csv"),
    fixture!("advances.csv"),
    fixture!("commitments.csv"),
    fixture!("grant_matches.csv"),
    fixture!("contributions.csv"),
    fixture!("receipts.csv"),
    fixture!("expenses.csv"),
    fixture!("voids.csv"),
];

/// Where the tables come from.
pub enum Tables {
    /// The bundled fixtures (the demo).
    Fixtures,
    /// A directory of `TABLE.csv` (or `TABLE.json`) files, as `export --all` writes them.
    Dir(PathBuf),
}

impl Tables {
    /// The file of `table`, if there is one (a ledger without extensions has no extensions.csv).
    pub(super) fn open(&self, table: &str) -> Result<Option<CsvInput>> {
        let name = format!("{table}.csv");
        match self {
            Tables::Fixtures => FIXTURES
                .iter()
                .find(|(file, _)| *file == name)
                .map(|(file, text)| {
                    let source: Source = Box::new(text.as_bytes());
                    CsvInput::new(&format!("fixtures/{file}"), source, None, None)
                })
                .transpose(),
            Tables::Dir(dir) => match exported_file(dir, table)? {
                None => Ok(None),
                Some(path) if path.extension().is_some_and(|e| e == "json") => {
                    let fingerprint = Fingerprint::default();
                    let rows = json_as_csv(&path, table_columns(table)?, &fingerprint)?;
                    CsvInput::new(&path.display().to_string(), rows, Some(b','), None)
                        .map(|input| Some(input.numbered_by_object().fingerprinted_by(fingerprint)))
                }
                Some(path) => CsvInput::open(&ImportArgs {
                    file: path.display().to_string(),
                    delimiter: None,
                })
                .map(Some),
            },
        }
    }

    /// Hand each row of `table` to `each`; no file, no rows. Returns the file read from a
    /// directory (not the bundled fixtures), for the audit log.
    pub(super) fn each<T: CsvRow>(
        &self,
        table: &str,
        mut each: impl FnMut(T) -> Result<()>,
    ) -> Result<Option<FileRead>> {
        self.each_at(table, |row, _| each(row))
    }

    /// [`Tables::each`], with each row's place in its file (`donors.csv:3`) for errors found
    /// later.
    pub(super) fn each_at<T: CsvRow>(
        &self,
        table: &str,
        mut each: impl FnMut(T, String) -> Result<()>,
    ) -> Result<Option<FileRead>> {
        let Some(mut input) = self.open(table)? else {
            return Ok(None);
        };
        let label = input.label().to_string();
        let mut rows = 0;
        input.rows(|row: T, place| {
            rows += 1;
            each(row, format!("{label}:{}", place.line))
        })?;
        Ok(match self {
            Tables::Fixtures => None,
            Tables::Dir(_) => Some(FileRead {
                entity: entity_of(table),
                label,
                rows,
                sha256: input.sha256(),
            }),
        })
    }
}

/// A table file `import DIR` read: its audit entry says which file, how many rows, and the
/// file's SHA-256 (expenses have theirs from the expense import).
pub(super) struct FileRead {
    pub entity: &'static str,
    pub label: String,
    pub rows: u64,
    pub sha256: String,
}

/// The audit log's name for what a table holds.
fn entity_of(table: &str) -> &'static str {
    match table {
        "donors" => "donor",
        "projects" => "project",
        "grants" | "extensions" => "grant",
        "amendments" => "amendment",
        "budget_lines" | "budget_revisions" => "budget",
        "periods" => "period",
        "fx_rates" => "fx_rate",
        "receipts" | "receipt_voids" => "receipt",
        "period_notes" => "period_note",
        "rules" => "rules",
        "report_schedules" => "report_schedule",
        "report_submissions" => "report_submission",
        "donor_categories" => "donor_category",
        "line_categories" => "line_category",
        _ => "expense",
    }
}

/// The file `export --all` wrote for `table` in `dir`: TABLE.csv or TABLE.json, not both, and
/// a regular file (a named pipe would wait for a writer forever, a device never end).
pub(super) fn exported_file(dir: &Path, table: &str) -> Result<Option<PathBuf>> {
    let [csv, json] = ["csv", "json"].map(|ext| dir.join(format!("{table}.{ext}")));
    let found = match (csv.exists(), json.exists()) {
        (true, true) => {
            return Err(Error::invalid(format!(
                "{} holds both {table}.csv and {table}.json; keep the export you mean to load",
                dir.display()
            )));
        }
        (true, false) => csv,
        (false, true) => json,
        (false, false) => return Ok(None),
    };
    let kind = std::fs::metadata(&found)
        .map_err(|e| Error::invalid(format!("cannot read {}: {e}", found.display())))?
        .file_type();
    if !kind.is_file() {
        return Err(Error::invalid(format!(
            "{} is {}, not a regular file; an export writes plain files: copy the export's \
             {} file there, or load the directory `grantbook export --all --out DIR` wrote",
            found.display(),
            not_a_file(kind),
            found.file_name().unwrap_or_default().to_string_lossy()
        )));
    }
    Ok(Some(found))
}

/// What a directory entry is, when it is not a regular file.
fn not_a_file(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "something else"
    }
}
