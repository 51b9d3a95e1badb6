//! `--format xlsx` for every listing and for `export` (issue 17): each workbook read back with
//! calamine equals the same command's CSV cell for cell, figures typed as numbers and days as
//! dates, identifiers as text that keeps its zeros, no formula anywhere; every sheet set up to
//! print on A4; every file readable by its owner only.

mod common;

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::sheets::{printable, same_as_csv};
use common::{JAPAN, TestDb};

/// Each listing, and the sheet its workbook holds.
const LISTINGS: &[(&str, &str)] = &[
    ("donor list", "donors"),
    ("project list", "projects"),
    ("office list", "offices"),
    ("grant list", "grants"),
    ("budget list --grant JP-MA-MHPSS-2021", "budget"),
    ("budget list --grant REG-NA-2022 --revisions", "revisions"),
    ("period list", "periods"),
    ("fx list", "rates"),
    ("receipt list --include-void", "receipts"),
    ("expense list --include-void", "expenses"),
    ("expense list --grant REG-NA-2022 --payee hotel", "expenses"),
    ("audit --limit 500", "audit"),
];

#[cfg(unix)]
fn owner_only(file: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(file)
        .expect("the file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{} is {mode:o}", file.display());
}

#[cfg(not(unix))]
fn owner_only(_: &Path) {}

#[test]
fn every_listing_as_a_workbook_equals_its_csv() {
    let db = TestDb::demo();
    for (n, (line, sheet)) in LISTINGS.iter().enumerate() {
        let file = db.dir.path().join(format!("listing{n}.xlsx"));
        let out = db.ok_sh(&format!(
            "{line} --format xlsx --out {}",
            file.to_str().unwrap()
        ));
        assert!(out.is_empty(), "`{line}` printed {out}");
        owner_only(&file);
        same_as_csv(&file, &db.ok_sh(&format!("{line} --format csv")), &[sheet]);
        printable(&file, "");
    }
    // A listing to a file in CSV too, and never over a file without --force.
    let csv = db.dir.path().join("grants.csv");
    let line = format!("grant list --format csv --out {}", csv.to_str().unwrap());
    db.ok_sh(&line);
    owner_only(&csv);
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        db.ok_sh("grant list --format csv")
    );
    let err = db.fails_sh(&line, 2);
    assert!(err.contains("--force"), "{err}");
    db.ok_sh(&format!("{line} --force"));
}

/// A ledger holding what a spreadsheet would mangle: a voucher of leading zeros, a reference of
/// twenty digits, and a payee, a description and a budget line name that are formulas.
fn mangled() -> TestDb {
    let db = common::japan_grant();
    // The whole grant came as tranche T1; entered again with the bank's long reference.
    db.ok_sh("receipt void 1 --reason 'Entered again with the bank reference'");
    db.ok_sh(&format!(
        "receipt add --grant {JAPAN} --date 2021-03-15 --amount 123762.00 \
         --reference 12345678901234567890"
    ));
    db.ok_sh(&format!(
        "expense add --grant {JAPAN} --line TRAIN --date 2021-03-18 --amount 12500.00 \
         --currency MAD --payee '=HYPERLINK(\"http://x\",\"y\")' --voucher 000123 \
         --description '+cmd|calc!A0'"
    ));
    db.ok_sh(&format!(
        "expense add --grant {JAPAN} --line MON --date 2021-03-19 --amount 99.50 \
         --payee '@SUM(A1)' --voucher 1E5 --description=-2+3"
    ));
    db
}

/// The cells of `sheet` in `file`, header first.
fn cells(file: &Path, sheet: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook(file).expect("a workbook");
    let range = book.worksheet_range(sheet).expect("the sheet");
    range.rows().map(<[Data]>::to_vec).collect()
}

fn column<'a>(rows: &'a [Vec<Data>], key: &str) -> Vec<&'a Data> {
    let at = rows[0]
        .iter()
        .position(|h| h == &Data::String(key.into()))
        .unwrap_or_else(|| panic!("no column {key} in {:?}", rows[0]));
    rows[1..].iter().map(|r| &r[at]).collect()
}

fn text(s: &str) -> Data {
    Data::String(s.into())
}

#[test]
fn identifiers_stay_text_and_formulas_stay_words() {
    let db = mangled();
    let listing = db.dir.path().join("expenses.xlsx");
    db.ok_sh(&format!(
        "expense list --format xlsx --out {}",
        listing.to_str().unwrap()
    ));
    let export = db.dir.path().join("export");
    db.ok_sh(&format!(
        "export --table expenses --format xlsx --out {}",
        export.to_str().unwrap()
    ));
    let exported = export.join("expenses.xlsx");
    owner_only(&exported);
    for file in [&listing, &exported] {
        let rows = cells(file, "expenses");
        assert_eq!(column(&rows, "voucher"), [&text("000123"), &text("1E5")]);
        assert_eq!(
            column(&rows, "payee"),
            [&text("=HYPERLINK(\"http://x\",\"y\")"), &text("@SUM(A1)")]
        );
        assert_eq!(
            column(&rows, "description"),
            [&text("+cmd|calc!A0"), &text("-2+3")]
        );
        // The amount a number in its currency's decimals, the day a date.
        assert_eq!(column(&rows, "amount")[1], &Data::Float(99.5));
        assert!(matches!(column(&rows, "date")[0], Data::DateTime(_)));
    }
    let receipts = db.dir.path().join("receipts.xlsx");
    db.ok_sh(&format!(
        "receipt list --format xlsx --out {}",
        receipts.to_str().unwrap()
    ));
    let rows = cells(&receipts, "receipts");
    assert!(column(&rows, "reference").contains(&&text("12345678901234567890")));
}

#[test]
fn export_all_is_one_workbook_a_sheet_per_table_equal_to_the_csv() {
    let db = mangled();
    let dir = db.dir.path().join("xlsx");
    db.ok_sh(&format!(
        "export --all --format xlsx --out {}",
        dir.to_str().unwrap()
    ));
    let file = dir.join("ledger.xlsx");
    owner_only(&file);
    let tables = [
        "donors",
        "projects",
        "offices",
        "grants",
        "extensions",
        "budget_lines",
        "budget_revisions",
        "amendments",
        "periods",
        "fx_rates",
        "allocations",
        "advances",
        "commitments",
        "receipts",
        "receipt_voids",
        "expenses",
        "voids",
        "advance_returns",
        "organisations",
        "donor_iati",
        "project_iati",
        "grant_iati",
        "grant_matches",
        "contributions",
    ];
    let csv: Vec<String> = tables
        .iter()
        .map(|t| db.ok_sh(&format!("export --table {t}")))
        .collect();
    same_as_csv(&file, &csv.join("\n"), &tables);
    printable(&file, "grantbook export: donors");
    // Named as a file, the workbook is that file; never over one without --force.
    let named = db.dir.path().join("Q1.xlsx");
    let line = format!(
        "export --all --format xlsx --out {}",
        named.to_str().unwrap()
    );
    db.ok_sh(&line);
    same_as_csv(&named, &csv.join("\n"), &tables);
    assert!(db.fails_sh(&line, 2).contains("--force"));
    // A workbook is for reading, not a backup: import says so.
    let copy = TestDb::new();
    let err = copy.fails_sh(&format!("import {}", dir.to_str().unwrap()), 2);
    assert!(err.contains("xlsx") && err.contains("CSV or JSON"), "{err}");
    let err = db.fails_sh(
        "export --table expenses --format xlsx --bom --out x.xlsx",
        2,
    );
    assert!(err.contains("--bom"), "{err}");
}
