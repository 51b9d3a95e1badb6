//! The executor every query goes through: one SQL text, run on SQLite or on PostgreSQL.
//!
//! Queries are written once, in the SQL both dialects share, with `?N` placeholders; values
//! cross the seam as [`Value`]s and come back as [`Row`]s read by index into Rust types. The
//! PostgreSQL side rewrites `?N` to `$N` and leaves each parameter's type to the server, which
//! infers it from where the parameter stands, so an integer bound where a text column is compared
//! arrives as text, as SQLite's column affinity would have made it (see `pg.rs`).

use std::cell::RefCell;

use crate::error::{Error, Result};

pub use super::pg::PgClient;

mod unshared;
mod values;
pub use unshared::Unshared;
pub use values::*;

/// One row of a result.
pub enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a postgres::Row),
}

impl Row<'_> {
    pub fn get<I: ColumnIndex, T: FromColumn>(&self, index: I) -> Result<T> {
        let cell = self.cell(index.index())?;
        T::from_cell(cell).map_err(|why| {
            Error::runtime(format!("database error: column {index} of a result: {why}"))
        })
    }

    /// The column as the database holds it, for readers that take any type (an export).
    pub fn cell(&self, index: usize) -> Result<CellValue<'_>> {
        match self {
            Row::Sqlite(row) => {
                use rusqlite::types::ValueRef;
                Ok(match row.get_ref(index)? {
                    ValueRef::Null => CellValue::Null,
                    ValueRef::Integer(n) => CellValue::Int(n),
                    ValueRef::Real(_) => CellValue::Float,
                    ValueRef::Text(t) => CellValue::Text(std::str::from_utf8(t).map_err(|e| {
                        Error::runtime(format!("database error: text is not UTF-8: {e}"))
                    })?),
                    ValueRef::Blob(b) => CellValue::Blob(b),
                })
            }
            Row::Postgres(row) => super::pg::cell(row, index),
        }
    }

    pub fn column_count(&self) -> usize {
        match self {
            Row::Sqlite(row) => row.as_ref().column_count(),
            Row::Postgres(row) => row.len(),
        }
    }
}

/// The key of the advisory lock that PostgreSQL writers take ("GBK1", as SQLite's application id),
/// with the ledger's schema (one database may hold ledgers in several schemas).
const WRITE_LOCK: i64 = 0x4742_4B31;

/// Which SQL a connection speaks, for the few fragments that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A connection to the ledger's database, on either backend.
pub struct Conn {
    backend: Backend,
}

enum Backend {
    Sqlite(rusqlite::Connection),
    // Boxed: the client is three times the size of SQLite's connection.
    Postgres(Box<RefCell<PgClient>>),
}

impl Conn {
    pub fn sqlite(conn: rusqlite::Connection) -> Self {
        Conn {
            backend: Backend::Sqlite(conn),
        }
    }

    pub fn postgres(client: PgClient) -> Self {
        Conn {
            backend: Backend::Postgres(Box::new(RefCell::new(client))),
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// The SQLite connection, for what only SQLite has (its backup API, pragmas, the import's
    /// prepared statements); `None` on PostgreSQL.
    pub fn as_sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.backend {
            Backend::Sqlite(conn) => Some(conn),
            Backend::Postgres(_) => None,
        }
    }

    pub fn as_sqlite_mut(&mut self) -> Option<&mut rusqlite::Connection> {
        match &mut self.backend {
            Backend::Sqlite(conn) => Some(conn),
            Backend::Postgres(_) => None,
        }
    }

    /// The PostgreSQL client, for what only it has (COPY); `None` on SQLite.
    pub fn as_postgres(&self) -> Option<std::cell::RefMut<'_, PgClient>> {
        match &self.backend {
            Backend::Sqlite(_) => None,
            Backend::Postgres(client) => Some(client.borrow_mut()),
        }
    }

    /// Whether no transaction is open.
    pub fn is_autocommit(&self) -> bool {
        match &self.backend {
            Backend::Sqlite(conn) => conn.is_autocommit(),
            Backend::Postgres(client) => !client.borrow().in_transaction,
        }
    }

    /// Begin a transaction that writes: it holds the ledger's one write lock from its start, so
    /// writers queue as SQLite's do, and nothing they read can change under them. On PostgreSQL
    /// the lock is an advisory one held until the transaction ends; readers never wait for it.
    pub fn begin_write(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(conn) => conn.execute_batch("BEGIN IMMEDIATE")?,
            Backend::Postgres(client) => {
                let mut client = client.borrow_mut();
                client.batch(&format!(
                    "BEGIN ISOLATION LEVEL READ COMMITTED;
                     SELECT pg_advisory_xact_lock({WRITE_LOCK}, hashtext(current_schema()))"
                ))?;
                client.in_transaction = true;
            }
        }
        Ok(())
    }

    /// Begin a transaction that only reads, all of it from one snapshot.
    pub fn begin_read(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(conn) => conn.execute_batch("BEGIN DEFERRED")?,
            Backend::Postgres(client) => {
                let mut client = client.borrow_mut();
                client.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
                client.in_transaction = true;
            }
        }
        Ok(())
    }

    pub fn commit(&self) -> Result<()> {
        self.end("COMMIT")
    }

    pub fn rollback(&self) -> Result<()> {
        self.end("ROLLBACK")
    }

    fn end(&self, how: &str) -> Result<()> {
        let done = self.execute_batch(how);
        // PostgreSQL ends a transaction whose COMMIT failed; SQLite may keep it open (busy).
        if let Backend::Postgres(client) = &self.backend {
            client.borrow_mut().in_transaction = false;
        }
        done
    }

    /// Run `attempt`, which may fail, inside a transaction that must go on if it does: on
    /// PostgreSQL a failed statement ends the transaction unless it ran under a savepoint.
    pub fn attempt<T>(&self, attempt: impl FnOnce() -> Result<T>) -> Result<T> {
        if self.dialect() == Dialect::Sqlite || self.is_autocommit() {
            return attempt();
        }
        self.execute_batch("SAVEPOINT grantbook_attempt")?;
        let out = attempt();
        if out.is_err() {
            self.execute_batch("ROLLBACK TO SAVEPOINT grantbook_attempt")?;
        }
        self.execute_batch("RELEASE SAVEPOINT grantbook_attempt")?;
        out
    }

    /// Run statements without parameters, one after another.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(conn) => Ok(conn.execute_batch(sql)?),
            Backend::Postgres(client) => client.borrow_mut().batch(sql),
        }
    }

    /// Run one statement; the number of rows it changed.
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        let values = params.values();
        match &self.backend {
            Backend::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(values.iter()))?)
            }
            Backend::Postgres(client) => client.borrow_mut().execute(sql, &values),
        }
    }

    /// Run an `INSERT` into a table whose key is `id`; the new row's id.
    pub fn insert<P: Params>(&self, sql: &str, params: P) -> Result<i64> {
        match &self.backend {
            Backend::Sqlite(conn) => {
                self.execute(sql, params)?;
                Ok(conn.last_insert_rowid())
            }
            Backend::Postgres(_) => self.one(&format!("{sql} RETURNING id"), params),
        }
    }

    /// Every row `sql` returns, each read by `read`, streamed: the rows are never all in memory.
    pub fn for_each<P: Params>(
        &self,
        sql: &str,
        params: P,
        mut read: impl FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        let values = params.values();
        match &self.backend {
            Backend::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
                while let Some(row) = rows.next()? {
                    read(&Row::Sqlite(row))?;
                }
                Ok(())
            }
            Backend::Postgres(client) => {
                // PostgreSQL streams a result over the connection, which can run nothing else
                // meanwhile: a reader that queries again must collect its rows first.
                let mut client = client.try_borrow_mut().map_err(|_| {
                    Error::runtime("internal error: a query was run while another streamed")
                })?;
                client.for_each(sql, &values, |row| read(&Row::Postgres(row)))
            }
        }
    }

    /// Every row `sql` returns, each read by `read`.
    pub fn query_map<T, P: Params>(
        &self,
        sql: &str,
        params: P,
        mut read: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.for_each(sql, params, |row| {
            out.push(read(row)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row `sql` returns, or `None` if it returns none.
    pub fn query_opt<T, P: Params>(
        &self,
        sql: &str,
        params: P,
        read: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut read = Some(read);
        let mut out = None;
        self.for_each(sql, params, |row| {
            if let Some(read) = read.take() {
                out = Some(read(row)?);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row `sql` returns; an error if it returns none.
    pub fn query_row<T, P: Params>(
        &self,
        sql: &str,
        params: P,
        read: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<T> {
        self.query_opt(sql, params, read)?
            .ok_or_else(|| Error::runtime("database error: a query returned no rows"))
    }

    /// One value.
    pub fn one<T: FromColumn, P: Params>(&self, sql: &str, params: P) -> Result<T> {
        self.query_row(sql, params, |r| r.get(0))
    }
}
