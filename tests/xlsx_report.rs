//! `--format xlsx`: the demo's donor and burn reports as workbooks, read back with calamine,
//! sheet by sheet and cell by cell against the same reports' CSV.

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::sheets::{printable, same_as_csv};
use common::{JAPAN, TestDb};

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
        "cost_share",
        "contributions",
        "refunds",
        "voids",
        "rate_changes",
    ];
    same_as_csv(&file, &csv, &sheets);
    printable(&file, "FINANCIAL REPORT");
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
    assert!(err.contains("--out FILE.xlsx"), "{err}");
    let err = db.fails(&["grant", "show", JAPAN, "--format", "xlsx"], 2);
    assert!(err.contains("--format csv"), "{err}");
    let err = db.fails(&["export", "--table", "expenses", "--format", "xlsx"], 2);
    assert!(err.contains("--out FILE.xlsx"), "{err}");
    let err = db.fails(&["export", "--table", "expenses", "--format", "html"], 2);
    assert!(err.contains("csv, json or xlsx"), "{err}");
}
