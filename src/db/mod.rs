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
mod locking;
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

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use sql::Conn;

use crate::error::{Error, Result};

pub use allocations::{KeyVersion, check_allocatable};
pub use budget::{LineChange, Revised};
pub use expense_import::ExpenseImport;
pub use export::{ColumnKind, table_column_kinds, table_columns, table_names, table_optional};
pub use file::check_path_length;
use file::prepare;
pub use fx::RateGuard;
pub use grants::GrantFilter;
pub use pg::{describe as describe_pg_error, redact as redact_url};
pub use roles::Role;

use locking::{BUSY_TIMEOUT, begin_write, finish, retry_busy};
pub use locking::{busy_retries, lock_wait};

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
