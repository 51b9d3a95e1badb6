//! A ledger that cannot grow (SQLite's `max_page_count`, as a full disk would stop it): the
//! write that needs another page fails as a disk failure, exit code 1, saying that nothing was
//! written; the ledger keeps every earlier change and nothing of the failed one, and a
//! ledger's record of what it committed holds the earlier changes only.

use super::*;
use crate::domain::{Donor, DonorKind};
use crate::error::ErrorKind;

fn donor(n: usize) -> Donor {
    Donor {
        code: format!("D{n:04}"),
        name: format!("Donor number {n}, with a name long enough to fill pages quickly"),
        kind: DonorKind::Foundation,
        country: None,
    }
}

/// A new ledger that may grow by two pages only, as on a disk about to be full.
fn nearly_full(dir: &tempfile::TempDir) -> (std::path::PathBuf, Ledger) {
    let path = dir.path().join("small.db");
    std::fs::write(&path, Ledger::new_file().unwrap()).unwrap();
    let ledger = Ledger::open(&path).unwrap();
    let pages: i64 = ledger
        .conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    ledger
        .sqlite()
        .unwrap()
        .pragma_update(None, "max_page_count", pages + 2)
        .unwrap();
    (path, ledger)
}

#[test]
fn a_write_past_the_last_page_is_a_disk_failure_that_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut ledger) = nearly_full(&dir);

    let mut added = 0;
    let failure = loop {
        match ledger.add_donor(&donor(added)) {
            Ok(_) => added += 1,
            Err(e) => break e,
        }
        assert!(added < 1000, "two more pages never filled up");
    };
    assert!(added > 0, "not even one donor fitted: {failure}");
    assert_eq!(failure.kind, ErrorKind::Disk);
    assert_eq!(failure.exit_code(), 1);
    assert!(
        failure
            .message
            .starts_with("the disk is full (database or disk is full). Nothing was written"),
        "{failure}"
    );
    let named = failure.in_file(&path);
    assert!(
        named
            .message
            .starts_with(&format!("{}: the disk is full", path.display())),
        "{named}"
    );

    assert!(ledger.conn.is_autocommit(), "the transaction was left open");
    assert_eq!(ledger.donors().unwrap().len(), added);
    let logged: i64 = ledger
        .conn
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        logged as usize, added,
        "no audit entry for the failed change"
    );
    let recorded = ledger.recorded();
    assert_eq!(recorded.len(), added);
    assert_eq!(recorded[0].entity, "donor");
    assert_eq!(recorded[0].key, "D0000");
    assert_eq!(recorded[added - 1].audit_id, logged);
}

#[test]
fn a_batch_that_fills_the_ledger_records_none_of_its_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut ledger) = nearly_full(&dir);
    let e = ledger
        .all_or_nothing(|l| (0..1000).try_for_each(|n| l.add_donor(&donor(n)).map(drop)))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Disk, "{e}");
    assert!(ledger.donors().unwrap().is_empty());
    assert!(ledger.recorded().is_empty());
}
