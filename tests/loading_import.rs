//! An import that loads a ledger (a file at least as large as the ledger, and of 1 MiB or
//! more) writes through a rollback journal instead of the WAL, so that its new pages are
//! written once (src/db/expense_import/journal.rs). What that must not change: the ledger is
//! in WAL mode again afterwards, a command that opens the ledger meanwhile waits and then sees
//! the whole import, and an import while another connection has the ledger open stays in
//! WAL, where that connection, reading, keeps the ledger as it was. SQLite only: PostgreSQL has no
//! journal to choose. Crash safety of both paths is in tests/crash.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

use common::{JAPAN, TestDb, japan_grant};
use rusqlite::Connection;

/// Rows in each import, with descriptions padded by [`PADDING`] characters: a file of about
/// 1.9 MB, larger than the Japan grant's ledger.
const ROWS: usize = 6_000;
const PADDING: usize = 200;

fn journal(db: &Path) -> PathBuf {
    let mut path = db.as_os_str().to_owned();
    path.push("-journal");
    PathBuf::from(path)
}

/// The Japan grant's ledger and a file of [`ROWS`] expenses that loads it.
fn ledger_and_load() -> (TestDb, PathBuf) {
    let db = japan_grant();
    let file = common::vouchers::csv(db.dir.path(), ROWS, PADDING);
    let (file_bytes, ledger_bytes) = (size(&file), size(&db.path));
    assert!(
        file_bytes > ledger_bytes.max(1 << 20),
        "the file ({file_bytes} bytes) must be larger than the ledger ({ledger_bytes}) and 1 MiB"
    );
    (db, file)
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().len()
}

fn spawn_import(db: &TestDb, file: &Path) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("grantbook"))
        .env_remove("GRANTBOOK_DB")
        .env("USER", "tester")
        .arg("--db")
        .arg(&db.path)
        .args(["expense", "import"])
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start grantbook")
}

/// Wait for `child` to succeed, looking for the rollback journal meanwhile; whether one was
/// seen.
fn finish_watching_journal(mut child: Child, db: &Path) -> bool {
    let mut seen = false;
    loop {
        seen |= journal(db).exists();
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "the import failed: {status:?}");
            return seen;
        }
        sleep(Duration::from_micros(200));
    }
}

fn journal_mode(db: &Path) -> String {
    Connection::open(db)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap()
}

fn expenses(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM expense", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_load_writes_through_a_rollback_journal_and_leaves_the_ledger_in_wal() {
    let (db, file) = ledger_and_load();
    let child = spawn_import(&db, &file);
    assert!(
        finish_watching_journal(child, &db.path),
        "a file larger than the ledger loads it through a rollback journal"
    );
    assert!(!journal(&db.path).exists(), "no journal is left behind");
    assert_eq!(journal_mode(&db.path), "wal");
    assert_eq!(db.count("expense"), ROWS as i64);
    db.ok(&["check"]);
    // And an ordinary write afterwards goes through the WAL as before.
    db.ok_sh(&format!(
        "expense add --grant {JAPAN} --line STAFF --date 2021-06-01 --amount 10.00 \
         --payee 'After the load' --voucher AFTER-1"
    ));
    assert_eq!(journal_mode(&db.path), "wal");
}

#[test]
fn a_command_that_opens_the_ledger_during_a_load_waits_and_sees_all_of_it() {
    let (db, file) = ledger_and_load();
    let report = ["report", "budget", "--grant", JAPAN, "--format", "csv"];
    let before = db.ok(&report);
    let mut child = spawn_import(&db, &file);
    while !journal(&db.path).exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before its journal was seen"
        );
        sleep(Duration::from_micros(200));
    }
    // The import holds the ledger: this waits for it, then reads it whole.
    let during = db.ok(&report);
    assert!(child.wait().unwrap().success());
    let after = db.ok(&report);
    assert_ne!(before, after, "the import changed the budget report");
    assert_eq!(during, after, "the reader saw the import whole");
}

#[test]
fn an_import_while_another_connection_reads_goes_through_the_wal() {
    let (db, file) = ledger_and_load();
    let reader = Connection::open(&db.path).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    assert_eq!(expenses(&reader), 0);
    let child = spawn_import(&db, &file);
    assert!(
        !finish_watching_journal(child, &db.path),
        "with another connection reading, the import keeps the WAL"
    );
    // That connection still reads the ledger as it was when its transaction began.
    assert_eq!(expenses(&reader), 0);
    reader.execute_batch("COMMIT").unwrap();
    assert_eq!(expenses(&reader), ROWS as i64);
    drop(reader);
    assert_eq!(journal_mode(&db.path), "wal");
    db.ok(&["check"]);
}
