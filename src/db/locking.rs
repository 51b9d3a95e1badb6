//! Waiting for other processes: a write takes the ledger's write lock up front and commits,
//! and an operation SQLite answers busy is tried again, pausing longer each time, for
//! [`BUSY_TIMEOUT`] in all. Counted for `GRANTBOOK_TRACE_BUSY` and the tests.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::sql::Conn;
use crate::error::{Error, ErrorKind, Result};

/// How long a command waits for another process's transaction before giving up: SQLite's own
/// busy handler waits this long for a lock, and [`retry_busy`] tries again for this long in all
/// when SQLite answers busy without waiting (see there); so at most about twice this in all.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The pause before the first retry of a busy operation; it doubles up to [`LONGEST_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(2);
const LONGEST_PAUSE: Duration = Duration::from_millis(100);

/// How many times this process has tried an operation again because the database was busy.
static BUSY_RETRIES: AtomicU64 = AtomicU64::new(0);

/// How many times this process has had to try an operation again because another process held
/// the database, for diagnostics (`GRANTBOOK_TRACE_BUSY`) and tests.
pub fn busy_retries() -> u64 {
    BUSY_RETRIES.load(Ordering::Relaxed)
}

/// Microseconds this process has spent waiting for the write lock (SQLite's busy handler and
/// [`retry_busy`] together), for the same diagnostics: how long a writer waited for others.
static LOCK_WAIT_MICROS: AtomicU64 = AtomicU64::new(0);

/// How long this process has waited for the write lock, in all.
pub fn lock_wait() -> Duration {
    Duration::from_micros(LOCK_WAIT_MICROS.load(Ordering::Relaxed))
}

/// Start a write transaction, holding the write lock from its first statement.
pub(super) fn begin_write(conn: &Conn) -> Result<()> {
    let asked = Instant::now();
    let begun = retry_busy(|| conn.begin_write());
    let waited = u64::try_from(asked.elapsed().as_micros()).unwrap_or(u64::MAX);
    LOCK_WAIT_MICROS.fetch_add(waited, Ordering::Relaxed);
    begun
}

/// End the transaction [`begin_write`] started: commit it if `out` is a success, else roll
/// it back. A COMMIT refused as busy leaves the transaction open and uncommitted, so it is
/// simply tried again.
pub(super) fn finish<T>(conn: &Conn, out: Result<T>) -> Result<T> {
    let out = out.and_then(|value| {
        retry_busy(|| conn.commit())?;
        Ok(value)
    });
    if out.is_err() && !conn.is_autocommit() {
        // The error that stopped the change is the one to report, not a failed rollback
        // (SQLite rolls back an unfinished transaction when the connection closes).
        let _ = conn.rollback();
    }
    out
}

/// Run `attempt` until SQLite stops answering that another process holds the database, for
/// [`BUSY_TIMEOUT`] in all, pausing a little longer each time; then give up with a message that
/// says so. SQLite's busy handler already waits for locks, but some answers come at once: WAL
/// recovery by another process (SQLITE_BUSY_RECOVERY), switching the journal to WAL, a
/// transaction that could only wait on a lock another waiter needs.
///
/// `attempt` runs again whole, so it must leave nothing behind when it fails busy: a BEGIN that
/// did not begin, a COMMIT that SQLite keeps open, an upgrade that rolled back.
pub(super) fn retry_busy<T>(attempt: impl FnMut() -> Result<T>) -> Result<T> {
    retry_busy_for(BUSY_TIMEOUT, attempt)
}

pub(super) fn retry_busy_for<T>(
    limit: Duration,
    mut attempt: impl FnMut() -> Result<T>,
) -> Result<T> {
    let started = Instant::now();
    let mut pause = FIRST_PAUSE;
    loop {
        match attempt() {
            Err(e) if e.kind == ErrorKind::Busy => {
                let waited = started.elapsed();
                if waited >= limit {
                    return Err(Error::runtime(format!(
                        "the database is busy: another process (grantbook, or a tool such as \
                         sqlite3) has held it for {} s; try again when it is done",
                        waited.as_secs().max(1)
                    )));
                }
                BUSY_RETRIES.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(pause.min(limit - waited));
                pause = (pause * 2).min(LONGEST_PAUSE);
            }
            done => return done,
        }
    }
}
