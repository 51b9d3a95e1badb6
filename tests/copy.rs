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

#[test]
fn a_backup_of_either_backend_restores_onto_either_keeping_what_it_replaces() {
    let db = TestDb::demo();
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup.db");
    db.ok(&["backup", backup.to_str().unwrap()]);
    // The backup is the same self-contained file whichever backend wrote it.
    let as_file = file_ledger(&dir, "backup.db");
    assert_eq!(reports(&as_file), reports(&db));
    as_file.ok_sh("check");

    let target = TestDb::new();
    target.ok(&["restore", backup.to_str().unwrap()]);
    assert_eq!(reports(&target), reports(&db));
    assert!(target.ok_sh("audit verify").contains("intact"));

    // A ledger that holds records is replaced only with --force, and kept first.
    let before = target.dump();
    let err = target.fails(&["restore", backup.to_str().unwrap()], 2);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(target.dump(), before);
    let out = target.run(&["restore", backup.to_str().unwrap(), "--force"]);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("the ledger it replaced is kept in"), "{said}");
    assert_eq!(reports(&target), reports(&db));
}
