//! Issue 17, item 2: exports a spreadsheet opens without running a formula, read back exactly
//! by every import; a byte-order mark on request; every file grantbook writes private (0600).

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::{JAPAN as G, TestDb, japan_grant};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The Japan grant with text a spreadsheet would run: a formula payee, a DDE-like line name,
/// a description that already starts with a quote.
fn hostile_ledger() -> TestDb {
    let db = japan_grant();
    db.ok(&[
        "expense",
        "add",
        "--grant",
        G,
        "--line",
        "TRAIN",
        "--date",
        "2021-04-15",
        "--amount",
        "10.00",
        "--payee",
        "=HYPERLINK(\"http://x\",\"y\")",
        "--voucher",
        "V-1",
        "--description",
        "'=1+1 is how a spreadsheet shows a formula",
    ]);
    db.ok(&[
        "budget",
        "revise",
        "--grant",
        G,
        "--date",
        "2021-06-01",
        "--reason",
        "new line",
        "--new-line",
        "DDE:other:0.00:+cmd|' /C calc'!A0",
    ]);
    db
}

#[test]
fn an_export_runs_no_formula_and_imports_back_exactly() {
    let db = hostile_ledger();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    db.ok(&["export", "--all", "--out", out.to_str().unwrap()]);
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
        let mut reader = csv::Reader::from_path(&path).unwrap();
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                let runs = cell.starts_with(['=', '+', '@', '\t', '\r'])
                    || (cell.starts_with('-') && cell.parse::<rust_decimal::Decimal>().is_err());
                assert!(!runs, "{}: {cell:?} would run as a formula", path.display());
            }
        }
    }
    let expenses = std::fs::read_to_string(out.join("expenses.csv")).unwrap();
    assert!(expenses.contains("\"'=HYPERLINK"), "{expenses}");
    // Text that already began with ' before a formula gets one more, so it comes back as typed.
    assert!(expenses.contains("''=1+1"), "{expenses}");

    let copy = TestDb::new();
    copy.ok(&["import", out.to_str().unwrap()]);
    let list = format!("expense list --grant {G}");
    assert_eq!(copy.json_sh(&list), db.json_sh(&list));
    let lines = format!("budget list --grant {G}");
    assert_eq!(copy.json_sh(&lines), db.json_sh(&lines));
}

#[test]
fn a_byte_order_mark_on_request_and_every_written_file_private() {
    let db = hostile_ledger();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("with-bom");
    db.ok(&["export", "--all", "--bom", "--out", out.to_str().unwrap()]);
    let bytes = std::fs::read(out.join("donors.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFcode,"), "{:?}", &bytes[..8]);
    let copy = TestDb::new();
    copy.ok(&["import", out.to_str().unwrap()]);
    let stdout = db.ok(&["export", "--table", "donors", "--bom"]);
    assert!(stdout.starts_with('\u{feff}'));

    for (args, file) in [
        (
            vec!["report", "burn", "--format", "csv", "--out"],
            "burn.csv",
        ),
        (
            vec!["report", "burn", "--format", "html", "--out"],
            "burn.html",
        ),
        (vec!["export", "iati", "--grant", G, "--out"], "iati.xml"),
    ] {
        let target = dir.path().join(file);
        let mut args: Vec<&str> = args;
        args.push(target.to_str().unwrap());
        db.ok(&args);
        assert_eq!(mode(&target), 0o600, "{file}");
    }
}
