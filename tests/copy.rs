//! `copy --to`: a whole ledger moved to another place (a file, or a PostgreSQL server when the
//! suite runs there through tests/postgres.rs) keeps every row, every id and its audit chain,
//! and reads the same reports.

mod common;

use common::{JAPAN, TestDb, field};

/// What a manager reads of a ledger: the same on both sides of a copy.
fn reports(db: &TestDb) -> Vec<String> {
    [
        "report burn --as-of 2022-01-15".to_string(),
        format!("report donor --grant {JAPAN} --period 2021-Q3"),
        "expense list --format csv".to_string(),
        "receipt list --format csv".to_string(),
        "grant list --format csv".to_string(),
    ]
    .iter()
    .map(|line| db.ok_sh(line))
    .collect()
}

fn file_ledger(dir: &tempfile::TempDir, name: &str) -> TestDb {
    TestDb {
        dir: tempfile::tempdir().unwrap(),
        path: dir.path().join(name),
        server: None,
    }
}

fn audit_entries(db: &TestDb) -> i64 {
    let verified = db.csv_sh("audit verify");
    field(&verified[0], "entries").parse().unwrap()
}

#[test]
fn a_copy_there_and_back_keeps_every_row_the_chain_and_the_reports() {
    let db = TestDb::demo();
    let entries = audit_entries(&db);
    let dir = tempfile::tempdir().unwrap();
    let file = file_ledger(&dir, "copy.db");
    let out = db.ok(&["copy", "--to", file.path.to_str().unwrap()]);
    assert!(out.contains("Copied"), "{out}");
    assert_eq!(reports(&file), reports(&db));
    // The copy is recorded in the copy's own log, sealed onto the chain it brought along.
    assert_eq!(audit_entries(&file), entries + 1);
    assert!(file.ok_sh("audit verify").contains("intact"));
    let log = file.csv_sh("audit --limit 1");
    assert_eq!(field(&log[0], "action"), "copy");
    file.ok_sh("check");

    // A file is never written over without --force, and then whole.
    let err = db.fails(&["copy", "--to", file.path.to_str().unwrap()], 2);
    assert!(err.contains("already exists"), "{err}");
    db.ok(&["copy", "--to", file.path.to_str().unwrap(), "--force"]);
    assert_eq!(audit_entries(&file), entries + 1);

    // And back, into a new ledger of this suite's backend.
    let back = TestDb::uninitialised();
    file.ok(&["copy", "--to", back.target().to_str().unwrap()]);
    assert_eq!(reports(&back), reports(&db));
    assert_eq!(audit_entries(&back), entries + 2);
    // Numbering goes on after the copied ids.
    back.ok_sh(
        "expense add --grant REG-NA-2022 --line TRAV --date 2024-06-20 --amount 10.00 \
         --currency EUR --country MA --payee 'Taxi Rabat' --voucher LATE-1",
    );
    let listed = back.csv_sh("expense list --voucher LATE-1");
    let largest = db
        .csv_sh("expense list --include-void")
        .iter()
        .map(|e| field(e, "id").parse::<i64>().unwrap())
        .max()
        .unwrap();
    assert_eq!(field(&listed[0], "id"), (largest + 1).to_string());
    assert_eq!(audit_entries(&back), entries + 3);
    back.ok_sh("check");
}

#[test]
fn a_copy_onto_a_ledger_that_holds_records_is_refused_and_writes_nothing() {
    let db = TestDb::demo();
    let target = TestDb::demo();
    let before = target.dump();
    let err = db.fails(&["copy", "--to", target.target().to_str().unwrap()], 2);
    assert!(
        err.contains("already holds a ledger") || err.contains("already exists"),
        "{err}"
    );
    assert_eq!(target.dump(), before);
}
