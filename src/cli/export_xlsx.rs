//! `export --format xlsx`: the tables as an xlsx workbook for reading in a spreadsheet, each
//! table a sheet (`--all`: one workbook, `ledger.xlsx`, holding them all), in the same columns
//! as the CSV with every value typed: amounts as numbers in their currency's decimals, days as
//! dates, codes, vouchers and references as text (a voucher `000123` keeps its zeros). It is
//! not a backup: `import DIR` reads the CSV or JSON export, never a workbook.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use std::io::{BufWriter, Write};

use super::output::create_atomically;
use crate::db::{ColumnKind, Ledger, table_column_kinds, table_columns};
use crate::domain::parse_date;
use crate::error::{Error, Result};
use crate::render::{Cell, XlsxBook};

/// The workbook `--out` names: FILE.xlsx itself, or in a directory `ledger.xlsx` for every
/// table and `TABLE.xlsx` for one.
pub fn target(out: &Path, tables: &[&str]) -> PathBuf {
    let is_file = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    match tables {
        _ if is_file => out.to_path_buf(),
        [one] => out.join(format!("{one}.xlsx")),
        _ => out.join("ledger.xlsx"),
    }
}

/// Write `tables` into one workbook at `target`, whole or not at all; the rows of each.
pub fn write(
    ledger: &Ledger,
    tables: &[&str],
    target: &Path,
    force: bool,
) -> Result<Vec<(String, u64)>> {
    create_atomically(target, force, |_, file| {
        let mut book = XlsxBook::new("grantbook export");
        let mut counts = Vec::new();
        for table in tables {
            let columns = table_columns(table)?;
            let kinds = table_column_kinds(table)?;
            book.sheet(table, &format!("grantbook export: {table}"), columns, true)?;
            let mut cells = Vec::with_capacity(columns.len());
            let rows = ledger.export_rows(table, |row| {
                cells.clear();
                for ((value, kind), column) in row.iter().zip(&kinds).zip(columns) {
                    cells.push(typed(value, *kind).map_err(|e| {
                        Error::runtime(format!("{table}, column {column}: {}", e.message))
                    })?);
                }
                book.row(&cells)
            })?;
            counts.push((table.to_string(), rows));
        }
        let mut out = BufWriter::new(file);
        book.save(&mut out)?;
        out.flush()?;
        Ok(counts)
    })
}

/// An exported value as the cell of its kind; empty is an empty cell.
fn typed(value: &str, kind: ColumnKind) -> Result<Cell> {
    if value.is_empty() {
        return Ok(Cell::Empty);
    }
    let decimal = || {
        value
            .parse::<Decimal>()
            .map_err(|_| Error::runtime(format!("{value:?} is not a number")))
    };
    Ok(match kind {
        ColumnKind::Text => Cell::text(value),
        ColumnKind::Money => {
            let value = decimal()?;
            Cell::Amount {
                value,
                decimals: value.scale(),
            }
        }
        ColumnKind::Decimal => Cell::Number(decimal()?),
        ColumnKind::Count => Cell::Int(
            value
                .parse()
                .map_err(|_| Error::runtime(format!("{value:?} is not a whole number")))?,
        ),
        ColumnKind::Date => Cell::Date(parse_date("date", value)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_take_their_column_s_kind() -> Result<()> {
        assert_eq!(typed("000123", ColumnKind::Text)?, Cell::text("000123"));
        assert_eq!(typed("=1+1", ColumnKind::Text)?, Cell::text("=1+1"));
        assert_eq!(
            typed("1250.500", ColumnKind::Money)?,
            Cell::Amount {
                value: Decimal::new(1_250_500, 3),
                decimals: 3
            }
        );
        assert_eq!(typed("", ColumnKind::Date)?, Cell::Empty);
        assert_eq!(typed("7", ColumnKind::Count)?, Cell::Int(7));
        assert!(matches!(
            typed("2021-03-18", ColumnKind::Date)?,
            Cell::Date(_)
        ));
        assert!(typed("12,5", ColumnKind::Money).is_err());
        Ok(())
    }

    #[test]
    fn one_workbook_for_all_tables_or_one_per_table() {
        let dir = Path::new("out");
        assert_eq!(target(dir, &["a", "b"]), dir.join("ledger.xlsx"));
        assert_eq!(target(dir, &["expenses"]), dir.join("expenses.xlsx"));
        assert_eq!(
            target(Path::new("x/Q1.XLSX"), &["a", "b"]),
            Path::new("x/Q1.XLSX")
        );
    }
}
