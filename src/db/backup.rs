//! Copies of the whole database through SQLite's online backup API: safe while other grantbook
//! processes write, because the copy is read in one read transaction (a WAL reader blocks no
//! writer), so it is the ledger as of one instant.

use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::sql::{Conn, Dialect};
use super::{BUSY_TIMEOUT, Ledger, check_path_length, migrate};
use crate::domain::check::CopySummary;
use crate::error::{Error, Result};

/// Copy every page of `from` into `to`, all in one step so that the copy is one snapshot.
fn copy_pages(from: &Connection, to: &mut Connection) -> Result<()> {
    let started = Instant::now();
    let backup = Backup::new(from, to)?;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            // Another connection holds a lock the copy needs (a checkpoint, a writer of the
            // destination): wait as a writer would.
            StepResult::Busy | StepResult::Locked | StepResult::More
                if started.elapsed() < BUSY_TIMEOUT =>
            {
                thread::sleep(Duration::from_millis(20));
            }
            _ => {
                return Err(Error::runtime(format!(
                    "the database stayed busy for {} s while being copied; try again",
                    BUSY_TIMEOUT.as_secs()
                )));
            }
        }
    }
}

fn page_size(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA page_size", [], |r| r.get(0))?)
}

/// SQLite's backup copies pages of another size (a backup of a ledger made with 4 KiB pages,
/// new ledgers have 8) only into a database out of WAL mode, and leaves WAL only while no other
/// connection has the database open (from its first read): say so if one has. The restored ledger takes the
/// backup's page size.
fn leave_wal_to_resize(ledger: &Connection, (backup, ours): (i64, i64)) -> Result<()> {
    match ledger.pragma_update(None, "journal_mode", "DELETE") {
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {
            Err(Error::runtime(format!(
                "the backup's pages are {backup} bytes and the ledger's {ours}: SQLite restores \
                 pages of another size only while no other process has the ledger open; close \
                 them (grantbook commands, sqlite3) and run restore again"
            )))
        }
        out => Ok(out?),
    }
}

/// Leave the copy as one self-contained file (no -wal beside it), fit to be carried away.
fn settle(copy: &Connection) -> Result<()> {
    copy.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(())
}

pub(super) fn summary(conn: &Conn) -> Result<CopySummary> {
    // The ledger's size in pages, not the file's: after a restore the pages may still be in
    // the -wal beside it, and the file alone would show a few kilobytes.
    let bytes: i64 = conn.one(
        match conn.dialect() {
            Dialect::Sqlite => {
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            }
            Dialect::Postgres => "SELECT pg_database_size(current_database())",
        },
        [],
    )?;
    let (expenses, audit_entries): (i64, i64) = conn.query_row(
        "SELECT (SELECT count(*) FROM expense), (SELECT count(*) FROM audit_log)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let audit_head = super::audit::head(conn)?.map(|(id, seal)| (id, seal.unwrap_or_default()));
    Ok(CopySummary {
        bytes: bytes.unsigned_abs(),
        expenses,
        audit_entries,
        audit_head,
    })
}

impl Ledger {
    /// Copy the ledger into `file`, a new file the caller has created (readable by its owner
    /// only), then check the copy's pages.
    pub fn backup_into(&self, file: &Path) -> Result<CopySummary> {
        check_path_length(file)?;
        let mut copy = Connection::open(file)?;
        copy_pages(self.sqlite()?, &mut copy)?;
        settle(&copy)?;
        let verdict: String = copy.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if verdict != "ok" {
            return Err(Error::runtime(format!(
                "the copy in {} does not read back whole ({verdict}); the disk may be failing",
                file.display()
            )));
        }
        summary(&Conn::sqlite(copy))
    }

    /// Replace this ledger's content with the grantbook database in `file`, page by page inside
    /// SQLite's locking, so that other processes with the ledger open see the restored ledger
    /// and never a half-written file; then record the restore in the restored ledger's own log
    /// (`source` and its `sha256`, and where the ledger it replaced was `kept`). The caller has
    /// checked `file` ([`Ledger::open_copy`]).
    pub fn restore_from(
        &mut self,
        file: &Path,
        source: &str,
        sha256: &str,
        kept: Option<&Path>,
    ) -> Result<CopySummary> {
        // Read-write, so that closing it, the last connection to the scratch copy, removes
        // its -wal and -shm files.
        let scratch = Connection::open(file)?;
        let ledger = self.sqlite_mut()?;
        let sizes = (page_size(&scratch)?, page_size(ledger)?);
        if sizes.0 != sizes.1 {
            leave_wal_to_resize(ledger, sizes)?;
        }
        copy_pages(&scratch, ledger)?;
        drop(scratch);
        if sizes.0 != sizes.1 {
            ledger.pragma_update(None, "journal_mode", "WAL")?;
        }
        // The restored pages may be an older schema: bring it up to this grantbook's.
        migrate::migrate(&self.conn)?;
        let details = serde_json::json!({
            "file": source,
            "sha256": sha256,
            "replaced_ledger_kept_in": kept.map(|k| k.display().to_string()),
        });
        self.write(|w| w.audit("restore", "ledger", source, None::<&()>, Some(&details)))?;
        summary(&self.conn)
    }

    /// Open a copy of `file` (for `restore`, to check it) without writing to `file` itself: the
    /// pages are copied into `scratch` first, which is then opened and upgraded like any ledger.
    pub fn open_copy(file: &Path, scratch: &Path) -> Result<Ledger> {
        let not_ours = |why: String| {
            Error::invalid(format!(
                "{} is not a grantbook database ({why}); give a file `grantbook backup` wrote",
                file.display()
            ))
        };
        let source = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| not_ours(e.to_string()))?;
        let application_id: i32 = source
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| not_ours(e.to_string()))?;
        if application_id != migrate::APPLICATION_ID {
            return Err(not_ours(
                "it is not an SQLite database made by grantbook".into(),
            ));
        }
        check_path_length(scratch)?;
        let mut copy = Connection::open(scratch)?;
        copy_pages(&source, &mut copy)?;
        drop(copy);
        Ledger::open(scratch)
    }
}

impl Ledger {
    /// Whether the ledger holds nothing a restore would lose (no change was ever recorded).
    pub fn is_empty(&self) -> Result<bool> {
        self.conn
            .query_row("SELECT NOT EXISTS (SELECT 1 FROM audit_log)", [], |r| {
                r.get(0)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_not_resized_under_a_reader() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("ledger.db");
        let ledger = Connection::open(&path)?;
        ledger.pragma_update(None, "journal_mode", "WAL")?;
        ledger.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")?;
        let reader = Connection::open(&path)?;
        reader.execute_batch("BEGIN")?;
        reader.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0))?;
        let refused = leave_wal_to_resize(&ledger, (4096, 8192)).unwrap_err();
        assert!(
            refused.message.contains(
                "the backup's pages are 4096 bytes and the ledger's 8192: SQLite restores pages \
                 of another size only while no other process has the ledger open"
            ),
            "{}",
            refused.message
        );
        // Even idle, a connection that has read the ledger holds it.
        reader.execute_batch("COMMIT")?;
        assert!(leave_wal_to_resize(&ledger, (4096, 8192)).is_err());
        drop(reader);
        leave_wal_to_resize(&ledger, (4096, 8192))?;
        let mode: String = ledger.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        assert_eq!(mode, "delete");
        Ok(())
    }
}
