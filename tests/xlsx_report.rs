//! `--format xlsx`: the demo's donor and burn reports as workbooks, read back with calamine,
//! sheet by sheet and cell by cell against the same reports' CSV.

mod common;

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::{Days, NaiveDate};
use common::{JAPAN, TestDb};

/// Each section of a multi-section CSV output as rows of cells, header first.
fn csv_sections(text: &str) -> Vec<Vec<Vec<String>>> {
    text.split("\n\n")
        .map(|section| {
            csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(section.as_bytes())
                .records()
                .map(|r| r.expect("CSV row").iter().map(String::from).collect())
                .collect()
        })
        .collect()
}

/// A sheet cell as CSV would print it; a number with the decimals the CSV cell has.
fn as_csv(cell: &Data, csv: &str) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => {
            let decimals = csv.split_once('.').map_or(0, |(_, frac)| frac.len());
            format!("{f:.decimals$}")
        }
        Data::Int(i) => i.to_string(),
        Data::DateTime(d) => {
            // Excel counts days from 1899-12-30.
            let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("epoch");
            let days = u64::try_from(d.as_f64() as i64).expect("a date after 1900");
            epoch
                .checked_add_days(Days::new(days))
                .expect("a date")
                .to_string()
        }
        other => panic!("unexpected cell {other:?}"),
    }
}

/// Every sheet of `file` equals the CSV sections of the same report, cell for cell, with the
/// sheets named by the JSON keys; figures are numbers and dates are dates.
fn same_as_csv(file: &Path, csv: &str, sheets: &[&str]) {
    let mut book: Xlsx<_> = open_workbook(file).expect("a workbook calamine reads");
    assert_eq!(book.sheet_names(), sheets);
    let sections = csv_sections(csv);
    assert_eq!(sections.len(), sheets.len());
    for (name, section) in sheets.iter().zip(&sections) {
        let range = book.worksheet_range(name).expect("the sheet");
        let rows: Vec<&[Data]> = range.rows().collect();
        // A section with no rows is a header alone in both.
        assert_eq!(rows.len(), section.len(), "rows of sheet {name}");
        for (r, (row, csv_row)) in rows.iter().zip(section).enumerate() {
            assert_eq!(row.len(), csv_row.len(), "{name} row {r}");
            for (c, (cell, text)) in row.iter().zip(csv_row).enumerate() {
                assert_eq!(&as_csv(cell, text), text, "sheet {name} row {r} column {c}");
                let numeric = !text.is_empty() && text.parse::<f64>().is_ok();
                let date = text.len() == 10 && NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok();
                if r > 0 && numeric && !matches!(cell, Data::String(_)) {
                    assert!(matches!(cell, Data::Float(_)), "{name} {r},{c}: {cell:?}");
                }
                if r > 0 && date {
                    assert!(
                        matches!(cell, Data::DateTime(_)),
                        "{name} {r},{c}: a date as {cell:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn donor_report_workbook_equals_its_csv() {
    let db = TestDb::demo();
    let report = ["report", "donor", "--grant", JAPAN, "--period", "2021-Q3"];
    let file = db.dir.path().join("q3.xlsx");
    let mut args = report.to_vec();
    args.extend(["--format", "xlsx", "--out", file.to_str().unwrap()]);
    assert!(db.ok(&args).is_empty());
    let mut csv_args = report.to_vec();
    csv_args.extend(["--format", "csv"]);
    let csv = db.ok(&csv_args);
    let sheets = [
        "report",
        "receipts",
        "lines",
        "indirect",
        "cash",
        "refunds",
        "voids",
        "rate_changes",
    ];
    same_as_csv(&file, &csv, &sheets);
    // Figures are numbers: the budget's total, not a string of it.
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    let lines = book.worksheet_range("lines").unwrap();
    let total = lines
        .rows()
        .find(|r| r[0] == Data::String("TOTAL".into()))
        .expect("TOTAL row");
    assert_eq!(total[3], Data::Float(123_762.0));
}

#[test]
fn burn_report_workbooks_equal_their_csv() {
    let db = TestDb::demo();
    for (extra, sheets) in [
        (vec![], vec!["burn"]),
        (vec!["--in", "USD"], vec!["burn", "converted"]),
    ] {
        let mut report = vec!["report", "burn", "--as-of", "2023-06-30"];
        report.extend(extra);
        let file = db.dir.path().join(format!("burn{}.xlsx", sheets.len()));
        let mut args = report.clone();
        args.extend(["--format", "xlsx", "--out", file.to_str().unwrap()]);
        db.ok(&args);
        let mut csv_args = report.clone();
        csv_args.extend(["--format", "csv"]);
        same_as_csv(&file, &db.ok(&csv_args), &sheets);
    }
}

#[test]
fn a_workbook_is_never_written_to_a_terminal() {
    let db = TestDb::demo();
    let err = db.fails(&["report", "burn", "--format", "xlsx"], 2);
    assert!(err.contains("--out FILE.xlsx"), "{err}");
    let err = db.fails(&["grant", "list", "--format", "xlsx"], 2);
    assert!(err.contains("--format csv"), "{err}");
    let err = db.fails(&["export", "--table", "expenses", "--format", "html"], 2);
    assert!(err.contains("csv or json"), "{err}");
}
