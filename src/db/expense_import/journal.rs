//! The journal a loading import writes through. In WAL mode every page an import writes goes
//! to the write-ahead log and then, at the checkpoint, to the database: twice. A rollback
//! journal keeps only the pages the ledger had before, so the new pages of a ledger being
//! loaded are written once. On a million rows into a new ledger that was a sixth of the
//! import's time (paired runs: 4.7, 4.9 and 4.7 s in WAL; 4.1, 3.9 and 4.0 s through a
//! rollback journal).
//!
//! The price is paid by readers: while a rollback journal is in use, a command that opens the
//! ledger waits for the import to end (up to the busy timeout, then says the ledger is busy),
//! where in WAL mode it would have read the ledger as it was. So only an import at least as
//! large as the ledger it goes into takes it (the ledger is being loaded, not added to), only
//! when no other connection has the ledger open (from its first read; SQLite refuses the
//! switch otherwise, and the import stays in WAL, where a reader keeps its snapshot), and only
//! for an import that is a transaction of its own.
//!
//! A crash mid-import leaves a hot journal, which the next connection to open the ledger
//! rolls back before it reads (SQLite's own recovery); every connection then sets WAL again.

use crate::db::retry_busy;
use crate::db::sql::Conn;
use crate::error::{ErrorKind, Result};

/// The smallest import (in bytes of its file) that switches the journal: below it the second
/// write saves a few milliseconds, not worth shutting readers out for.
const ROLLBACK_FROM_BYTES: u64 = 1 << 20;

/// Leave WAL for a rollback journal if an import of a `bytes`-long file loads the ledger (see
/// the module's comment); true if the journal was switched, so [`back_to_wal`] is owed.
pub(super) fn rollback_for_load(conn: &Conn, bytes: Option<u64>) -> Result<bool> {
    let Some(bytes) = bytes.filter(|&b| b >= ROLLBACK_FROM_BYTES) else {
        return Ok(false);
    };
    let ledger: i64 = conn.query_row(
        "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
        [],
        |r| r.get(0),
    )?;
    if i64::try_from(bytes).unwrap_or(i64::MAX) < ledger {
        return Ok(false);
    }
    // SQLite answers busy at once, without waiting, while another connection has the ledger
    // open.
    match conn.query_row("PRAGMA journal_mode = DELETE", [], |r| {
        r.get::<_, String>(0)
    }) {
        Ok(mode) => Ok(mode.eq_ignore_ascii_case("delete")),
        Err(e) if e.kind == ErrorKind::Busy => Ok(false),
        Err(e) => Err(e),
    }
}

/// Return the ledger to WAL once the import has committed or rolled back. A connection that
/// opened meanwhile and waits to set WAL itself may hold the lock for a moment: that is waited
/// for. If it still fails, the import's outcome stands and the next connection to open the
/// ledger sets WAL, as every connection does.
pub(super) fn back_to_wal(conn: &Conn) {
    let _ =
        retry_busy(|| conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)));
}
