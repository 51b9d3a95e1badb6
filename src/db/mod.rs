//! The database: connection settings, migrations and every query. Nothing here prints.
//!
//! The rest of the program talks to a [`Ledger`] through methods that say what they do (record
//! an expense, sum spend per grant...). All SQL lives in this module, and sums are done by SQL
//! over integer minor units, so that moving to a server database later touches only `db/`.

mod advances;
mod allocations;
mod amendments;
mod audit;
mod backup;
mod budget;
mod calendar;
mod categories;
mod check;
mod commitments;
mod copy;
mod corrections;
mod cost_share;
mod expense_book;
mod expense_import;
mod expenses;
mod export;
mod file;
mod fx;
mod grants;
mod iati;
mod lookup;
pub mod migrate;
mod offices;
mod parties;
mod period_history;
mod periods;
mod pg;
mod publishing;
mod receipts;
mod reports;
mod roles;
pub mod rules;
pub mod sql;

use std::cell::RefCell;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OpenFlags};
use serde::Serialize;
use sql::Conn;

use crate::error::{Error, ErrorKind, Result};

pub use allocations::{KeyVersion, check_allocatable};
pub use budget::{LineChange, Revised};
pub use expense_import::ExpenseImport;
pub use export::{ColumnKind, table_column_kinds, table_columns, table_names, table_optional};
pub use file::check_path_length;
pub use fx::RateGuard;
pub use grants::GrantFilter;
pub use pg::{describe as describe_pg_error, redact as redact_url};
pub use roles::Role;

/// How long a command waits for another process's transaction before giving up: SQLite's own
/// busy handler waits this long for a lock, and [`retry_busy`] tries again for this long in all
/// when SQLite answers busy without waiting (see there); so at most about twice this in all.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

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

pub struct Ledger {
    conn: Conn,
    /// The PostgreSQL URL the ledger was opened at; None for a file.
    server: Option<String>,
    /// The office whoever opened it records in (GRANTBOOK_OFFICE), if they set one.
    office: Option<String>,
    /// Reports count only the spend this office recorded (`report --office`).
    spend_office: Option<String>,
    /// Whether entries are being replayed from an export, each keeping the office it had
    /// (none, for one recorded before its project had offices).
    replaying: bool,
    actor: String,
    /// The changes this process has committed, as the audit log names them.
    recorded: Vec<Recorded>,
    /// Changes made inside [`Ledger::all_or_nothing`], recorded once its transaction commits.
    pending: Vec<Recorded>,
}

/// A change committed to the ledger, as its audit entry names it: for a command to say what
/// it recorded when it cannot print its confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub audit_id: i64,
    pub action: String,
    pub entity: String,
    pub key: String,
}

impl Ledger {
    /// The database file, for commands that must not write over it.
    pub fn file(&self) -> Option<&Path> {
        self.conn
            .as_sqlite()?
            .path()
            .filter(|p| !p.is_empty())
            .map(Path::new)
    }

    /// The SQLite connection, for what only SQLite does (its backup API); on PostgreSQL, an
    /// error that says so.
    fn sqlite(&self) -> Result<&Connection> {
        self.conn.as_sqlite().ok_or_else(not_on_postgres)
    }

    fn sqlite_mut(&mut self) -> Result<&mut Connection> {
        self.conn.as_sqlite_mut().ok_or_else(not_on_postgres)
    }

    /// The changes committed through this ledger since it was opened, oldest first.
    pub fn recorded(&self) -> &[Recorded] {
        &self.recorded
    }

    /// Open an existing grantbook database, upgrading its schema if it is older.
    pub fn open(path: &Path) -> Result<Ledger> {
        if !path.exists() {
            return Err(Error::invalid(format!(
                "no database at {}; create one with `grantbook --db {} init`, or point --db or \
                 GRANTBOOK_DB at an existing one",
                path.display(),
                path.display()
            )));
        }
        if path.is_dir() {
            return Err(Error::invalid(format!(
                "{} is a directory, not a database; give --db the database file, e.g. {}",
                path.display(),
                path.join("grantbook.db").display()
            )));
        }
        if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
            return Err(Error::invalid(format!(
                "{} is an empty file, not a grantbook database; create a database with \
                 `grantbook --db PATH init` on a path that does not exist yet",
                path.display()
            )));
        }
        Self::connect(path)
    }

    fn connect(path: &Path) -> Result<Ledger> {
        check_path_length(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| {
            Error::runtime(format!(
                "cannot open {}: {e}; check that you may read and write it",
                path.display()
            ))
        })?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let conn = Conn::sqlite(conn);
        // Processes started together on one file race to switch it to WAL and to upgrade its
        // schema; the losers may be told busy at once, without SQLite's busy handler waiting.
        retry_busy(|| prepare(&conn, path))?;
        Ok(Ledger {
            conn,
            server: None,
            office: None,
            spend_office: None,
            replaying: false,
            actor: os_user(),
            recorded: Vec::new(),
            pending: Vec::new(),
        })
    }

    /// Open the ledger held by a PostgreSQL database (`postgres://user@host/dbname`),
    /// upgrading its schema if it is older. The audit log names the database role.
    pub fn open_server(url: &str) -> Result<Ledger> {
        let conn = Conn::postgres(pg::PgClient::connect(url)?);
        if migrate::version_of(&conn)? == 0 {
            return Err(Error::invalid(format!(
                "the PostgreSQL database {} holds no grantbook ledger; create one with \
                 `grantbook --db URL init`, or move a ledger file there with \
                 `grantbook --db FILE copy --to URL`",
                pg::redact(url)
            )));
        }
        Self::serve(conn, url)
    }

    /// Make a new, empty ledger in a PostgreSQL database that holds no tables yet.
    pub fn create_on_server(url: &str) -> Result<Ledger> {
        let conn = Conn::postgres(pg::PgClient::connect(url)?);
        let tables: i64 = conn.one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
            [],
        )?;
        if tables > 0 {
            return Err(Error::invalid(format!(
                "the PostgreSQL database {} already holds {tables} tables; grantbook makes its \
                 ledger only in an empty database (createdb a new one for it)",
                pg::redact(url)
            )));
        }
        Self::serve(conn, url)
    }

    /// The ledger a PostgreSQL database holds, or a new one made there if it holds no tables.
    pub fn open_or_create_on_server(url: &str) -> Result<Ledger> {
        let conn = Conn::postgres(pg::PgClient::connect(url)?);
        match migrate::version_of(&conn)? {
            0 => Self::create_on_server(url),
            _ => Self::serve(conn, url),
        }
    }

    /// The office new entries take when they name none: the officer's, unless replaying.
    fn recording_office(&self) -> Recording<'_> {
        match (self.replaying, &self.office) {
            (true, _) => Recording::AsGiven,
            (false, office) => Recording::By(office.as_deref()),
        }
    }

    /// Record what follows as made in `office` (a code of the projects' offices, checked on
    /// each entry against its grant's project).
    pub fn set_office(&mut self, office: Option<String>) {
        self.office = office;
    }

    /// Replay entries from an export (`import DIR`, the demo's fixtures): each keeps the office
    /// its row gives, none included, instead of taking the recording officer's.
    pub fn set_replaying(&mut self, replaying: bool) {
        self.replaying = replaying;
    }

    /// Where this ledger is, for people: its file, or its server without the password.
    pub fn place(&self) -> String {
        match (&self.server, self.file()) {
            (Some(url), _) => pg::redact(url),
            (None, Some(file)) => file.display().to_string(),
            (None, None) => "an in-memory ledger".to_string(),
        }
    }

    fn serve(conn: Conn, url: &str) -> Result<Ledger> {
        migrate::migrate(&conn)?;
        let actor = conn.one("SELECT current_user", [])?;
        Ok(Ledger {
            conn,
            server: Some(url.to_string()),
            office: None,
            spend_office: None,
            replaying: false,
            actor,
            recorded: Vec::new(),
            pending: Vec::new(),
        })
    }

    /// Run `change` in one immediate transaction: all of it is stored, with its audit rows,
    /// or none of it. Inside [`Ledger::all_or_nothing`] it is a savepoint of that transaction,
    /// so a refused change leaves the others of the batch in place until the batch ends.
    ///
    /// The transaction takes the write lock at its start (`BEGIN IMMEDIATE`), never by upgrading
    /// a read: a deferred transaction that read and then wrote could be refused as busy while
    /// another process committed in between (SQLITE_BUSY_SNAPSHOT), which no waiting cures.
    fn write<T>(&mut self, change: impl FnOnce(&Writer) -> Result<T>) -> Result<T> {
        let actor = self.actor.as_str();
        if self.conn.is_autocommit() {
            begin_write(&self.conn)?;
            // Timed once the lock is held, so the audit log's times follow its order.
            let writer = Writer::new(&self.conn, actor, self.recording_office());
            let out = finish(&self.conn, change(&writer))?;
            self.recorded.extend(writer.entries.into_inner());
            Ok(out)
        } else {
            self.conn.execute_batch("SAVEPOINT change")?;
            let writer = Writer::new(&self.conn, actor, self.recording_office());
            let out = change(&writer).and_then(|out| {
                self.conn.execute_batch("RELEASE change")?;
                Ok(out)
            });
            match out {
                Ok(out) => {
                    self.pending.extend(writer.entries.into_inner());
                    Ok(out)
                }
                Err(e) => {
                    // The refused change's own error is the one to report.
                    let _ = self
                        .conn
                        .execute_batch("ROLLBACK TO change; RELEASE change");
                    Err(e)
                }
            }
        }
    }

    /// Run `read` on one snapshot of the ledger: every query it makes sees the database as it
    /// was when the first one ran, whatever other processes write meanwhile (WAL readers do
    /// not block writers). A whole-ledger export reads this way, so it is consistent.
    pub fn snapshot<T>(&self, read: impl FnOnce(&Ledger) -> Result<T>) -> Result<T> {
        self.conn.begin_read()?;
        let out = read(self);
        // A read transaction has nothing to keep: end it the same way on success or failure.
        let ended = self.conn.commit();
        let out = out?;
        ended?;
        Ok(out)
    }

    /// Run `batch`, which may make many changes, as one transaction: if it fails, none of its
    /// changes is stored. Imports use it so that a bad row anywhere leaves the ledger as it was.
    pub fn all_or_nothing<T>(&mut self, batch: impl FnOnce(&mut Ledger) -> Result<T>) -> Result<T> {
        begin_write(&self.conn)?;
        let out = batch(self);
        let out = finish(&self.conn, out);
        let entries = std::mem::take(&mut self.pending);
        if out.is_ok() {
            self.recorded.extend(entries);
        }
        out
    }
}

/// The page size of a new ledger; a ledger keeps the size it was made with. A million-row
/// import into a new ledger took 6 % less time than with SQLite's default of 4,096 bytes
/// (fewer pages to find, fill, split and write for the same rows), and 16 KiB no less than
/// 8, while SQLite's integrity check, the longest part of `check`, took 11 % more with 8 KiB
/// pages and 46 % more with 16.
const PAGE_SIZE: i64 = 8192;

/// Check that `conn` holds a grantbook database (or nothing yet), set the pragmas and upgrade
/// the schema. It may run again whole when SQLite says busy: the checks only read, the pragmas
/// can be repeated, and an upgrade is one transaction that commits all or nothing.
fn prepare(ledger: &Conn, path: &Path) -> Result<()> {
    let Some(conn) = ledger.as_sqlite() else {
        return migrate::migrate(ledger);
    };
    // Only a file SQLite does not recognise is the wrong file; a full disk, an I/O error or a
    // damaged ledger is a failure of the machine, said as such (error.rs).
    let not_ours = |e: rusqlite::Error| {
        if e.sqlite_error_code() != Some(ErrorCode::NotADatabase) {
            return Error::from(e);
        }
        Error::invalid(format!(
            "{} is not a grantbook database ({e}); check the --db path",
            path.display()
        ))
    };
    let application_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(not_ours)?;
    let has_tables: bool = conn
        .query_row("SELECT count(*) > 0 FROM sqlite_schema", [], |r| r.get(0))
        .map_err(not_ours)?;
    if has_tables && application_id != migrate::APPLICATION_ID {
        return Err(Error::invalid(format!(
            "{} is an SQLite database but not a grantbook one; check the --db path",
            path.display()
        )));
    }
    if !has_tables {
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    }
    // WAL lets readers work while an officer writes; FULL sync because a committed expense
    // must survive a power cut, and the cost is one fsync per command.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Statement journals and sorts stay off the disk. Set here, before any transaction: SQLite
    // refuses to change it once a transaction has used temporary storage.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    migrate::migrate(ledger)
}

/// Start a write transaction, holding the write lock from its first statement.
fn begin_write(conn: &Conn) -> Result<()> {
    let asked = Instant::now();
    let begun = retry_busy(|| conn.begin_write());
    let waited = u64::try_from(asked.elapsed().as_micros()).unwrap_or(u64::MAX);
    LOCK_WAIT_MICROS.fetch_add(waited, Ordering::Relaxed);
    begun
}

/// End the transaction [`begin_write`] started: commit it if `out` is a success, else roll
/// it back. A COMMIT refused as busy leaves the transaction open and uncommitted, so it is
/// simply tried again.
fn finish<T>(conn: &Conn, out: Result<T>) -> Result<T> {
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
fn retry_busy<T>(attempt: impl FnMut() -> Result<T>) -> Result<T> {
    retry_busy_for(BUSY_TIMEOUT, attempt)
}

fn retry_busy_for<T>(limit: Duration, mut attempt: impl FnMut() -> Result<T>) -> Result<T> {
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

/// What became of one row of an import that keys its rows (an expense's voucher, a receipt's
/// reference): recorded as `T`, or skipped (with `--skip-duplicates`) because an entry recorded
/// before the import holds its key; `differs` says how that entry differs from the row, if it
/// does.
#[derive(Debug, PartialEq, Eq)]
pub enum Added<T = ()> {
    Recorded(T),
    Skipped { differs: Option<String> },
}

/// Which office new entries are recorded in.
#[derive(Debug, Clone, Copy)]
enum Recording<'a> {
    /// This one (GRANTBOOK_OFFICE), or none if the user set none.
    By(Option<&'a str>),
    /// The one each entry names, or none: entries replayed from an export.
    AsGiven,
}

/// A change in progress inside a transaction, who is making it, and the audit entries it made.
struct Writer<'a> {
    conn: &'a Conn,
    actor: &'a str,
    /// The office the change is recorded in.
    office: Recording<'a>,
    at: String,
    entries: RefCell<Vec<Recorded>>,
}

impl<'a> Writer<'a> {
    fn new(conn: &'a Conn, actor: &'a str, office: Recording<'a>) -> Self {
        Writer {
            conn,
            actor,
            office,
            at: now(),
            entries: RefCell::default(),
        }
    }

    fn conn(&self) -> &Conn {
        self.conn
    }

    /// Record one change in the audit log, in the same transaction as the change itself.
    fn audit(
        &self,
        action: &str,
        entity: &str,
        key: &str,
        before: Option<&impl Serialize>,
        after: Option<&impl Serialize>,
    ) -> Result<()> {
        let audit_id = audit::record(self, action, entity, key, before, after)?;
        self.entries.borrow_mut().push(Recorded {
            audit_id,
            action: action.to_string(),
            entity: entity.to_string(),
            key: key.to_string(),
        });
        Ok(())
    }
}

fn not_on_postgres() -> Error {
    Error::invalid(
        "this works on a ledger file only; for a PostgreSQL ledger use `grantbook copy --to FILE`",
    )
}

/// The operating-system user, as the audit log's "who": the login name the session gives, or
/// else the account the process runs as.
fn os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .or_else(|| whoami::username().ok())
        .unwrap_or_else(|| "unknown".to_string())
}

/// UTC time to the second, ISO 8601, as recorded on every change.
fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod busy_tests;
#[cfg(test)]
mod disk_tests;
