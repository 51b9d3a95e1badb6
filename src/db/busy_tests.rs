//! Trying again when another process holds the database: a write that SQLite refuses at once
//! (this connection waits 0 ms) goes through once the other process lets go, a COMMIT refused
//! while a reader holds the file is tried again, and giving up says why.

use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::locking::retry_busy_for;
use super::*;
use crate::domain::{Donor, DonorKind};
use crate::error::ErrorKind;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// A new ledger in its own directory, whose connection never waits itself for a lock: every
/// conflict comes back busy at once, so only [`retry_busy`] can see the write through.
fn impatient_ledger()
-> std::result::Result<(tempfile::TempDir, PathBuf, Ledger), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("busy.db");
    std::fs::write(&path, Ledger::new_file()?)?;
    let ledger = Ledger::open(&path)?;
    ledger.sqlite()?.busy_timeout(Duration::ZERO)?;
    Ok((dir, path, ledger))
}

fn donor(code: &str) -> Donor {
    Donor {
        code: code.to_string(),
        name: format!("Donor {code}"),
        kind: DonorKind::Foundation,
        country: None,
    }
}

/// Hold the database with `sql` (a transaction left open) from another connection in another
/// thread until this process has retried at least once (or 10 s have passed), then end it.
fn hold(path: &Path, sql: &'static str) -> thread::JoinHandle<rusqlite::Result<()>> {
    let path = path.to_path_buf();
    let (held, is_held) = mpsc::channel();
    let before = busy_retries();
    let holder = thread::spawn(move || {
        let other = Connection::open(&path)?;
        other.execute_batch(sql)?;
        held.send(()).expect("the test waits for the lock");
        let since = Instant::now();
        while busy_retries() == before && since.elapsed() < Duration::from_secs(10) {
            thread::sleep(Duration::from_millis(1));
        }
        other.execute_batch("COMMIT")
    });
    is_held.recv().expect("the other connection took the lock");
    holder
}

fn count(conn: &Connection, sql: &str) -> rusqlite::Result<i64> {
    conn.query_row(sql, [], |r| r.get(0))
}

#[test]
fn a_write_refused_as_busy_goes_through_once_the_other_process_lets_go() -> TestResult {
    let (_dir, path, mut ledger) = impatient_ledger()?;
    let before = busy_retries();
    let holder = hold(
        &path,
        "BEGIN IMMEDIATE; INSERT INTO donor (code, name, kind) VALUES ('OTHER', 'Other', 'other')",
    );
    ledger.add_donor(&donor("D1"))?;
    holder.join().expect("holder thread")?;
    assert!(
        busy_retries() > before,
        "the write never found the database busy"
    );
    assert_eq!(count(ledger.sqlite()?, "SELECT count(*) FROM donor")?, 2);
    assert_eq!(
        count(
            ledger.sqlite()?,
            "SELECT count(*) FROM audit_log WHERE entity = 'donor' AND action = 'add'"
        )?,
        1
    );
    Ok(())
}

#[test]
fn a_batch_refused_as_busy_goes_through_once_the_other_process_lets_go() -> TestResult {
    let (_dir, path, mut ledger) = impatient_ledger()?;
    let holder = hold(&path, "BEGIN EXCLUSIVE");
    ledger.all_or_nothing(|l| {
        l.add_donor(&donor("D1"))?;
        l.add_donor(&donor("D2"))
    })?;
    holder.join().expect("holder thread")?;
    assert_eq!(count(ledger.sqlite()?, "SELECT count(*) FROM donor")?, 2);
    Ok(())
}

#[test]
fn a_commit_refused_while_a_reader_holds_the_file_is_tried_again() -> TestResult {
    let (_dir, path, mut ledger) = impatient_ledger()?;
    // With a rollback journal, COMMIT needs every reader gone; WAL never makes a writer wait.
    ledger
        .sqlite()?
        .pragma_update(None, "journal_mode", "DELETE")?;
    let before = busy_retries();
    let holder = hold(&path, "BEGIN; SELECT count(*) FROM donor");
    ledger.add_donor(&donor("D1"))?;
    holder.join().expect("holder thread")?;
    assert!(
        busy_retries() > before,
        "the commit never found the database busy"
    );
    assert!(ledger.conn.is_autocommit(), "the transaction was left open");
    assert_eq!(count(ledger.sqlite()?, "SELECT count(*) FROM donor")?, 1);
    Ok(())
}

#[test]
fn gives_up_after_its_time_saying_the_database_is_busy() {
    let mut attempts = 0;
    let busy = || {
        Error::from(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(5),
            None,
        ))
    };
    let out: Result<()> = retry_busy_for(Duration::from_millis(20), || {
        attempts += 1;
        Err(busy())
    });
    let e = out.expect_err("still busy");
    assert_eq!(e.kind, ErrorKind::Runtime);
    assert_eq!(e.exit_code(), 1);
    assert!(
        e.message
            .starts_with("the database is busy: another process"),
        "{e}"
    );
    assert!(attempts > 1);
}

#[test]
fn other_errors_are_not_tried_again() {
    let mut attempts = 0;
    let out: Result<()> = retry_busy(|| {
        attempts += 1;
        Err(Error::runtime("disk I/O error"))
    });
    assert_eq!(out.expect_err("fails").message, "disk I/O error");
    assert_eq!(attempts, 1);
}
