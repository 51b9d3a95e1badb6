//! An SQLite insert whose texts are bound without SQLite's copy: the one unsafe corner of the
//! ledger, for the statement a million-row import runs once per row.
//!
//! rusqlite binds every text as `SQLITE_TRANSIENT`, so SQLite copies it into the statement,
//! and the copy is not marked as ending in a NUL: each text a CHECK constraint reads through a
//! function (`date`, `trim`, `GLOB`) was then copied a second time to end it with one. Here a
//! row's values are first laid end to end in one buffer the statement owns, each text followed
//! by a NUL, and bound as `SQLITE_STATIC` with `SQLITE_UTF8_ZT` (SQLite reads them where they
//! are, and knows they end in a NUL). On 50,000 rows the inserting thread ran 1.92 G instructions
//! before and 1.81 G with this (README, Performance).

use std::ffi::{CStr, c_char, c_int};
use std::marker::PhantomData;
use std::ptr;

use rusqlite::ffi;

use super::Value;

/// A prepared statement of `conn` that binds borrowed texts ([`Unshared::execute`]).
pub struct Unshared<'c> {
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
    /// The row being bound: its texts, each followed by a NUL, end to end.
    text: Vec<u8>,
    /// The row's values, in placeholder order; a text as its place in `text`.
    slots: Vec<Slot>,
    /// The statement must not outlive its connection.
    _conn: PhantomData<&'c rusqlite::Connection>,
}

#[derive(Clone, Copy)]
enum Slot {
    Null,
    Int(i64),
    /// Start and length (without its NUL) in `text`.
    Text(usize, usize),
}

impl<'c> Unshared<'c> {
    /// Prepare `sql` on `conn`, to be run many times (SQLite's persistent preparation).
    pub fn prepare(conn: &'c rusqlite::Connection, sql: &str) -> rusqlite::Result<Self> {
        let length = c_int::try_from(sql.len()).map_err(|_| rusqlite::Error::InvalidQuery)?;
        let mut stmt = ptr::null_mut();
        // SAFETY: the handle is `conn`'s own, alive for 'c, and used from this thread only
        // (rusqlite's Connection is not Sync); `sql` is valid for `length` bytes (SQLite reads
        // no further, and needs no NUL when the length is given); `stmt` is a valid out-pointer.
        let (db, rc) = unsafe {
            let db = conn.handle();
            let rc = ffi::sqlite3_prepare_v3(
                db,
                sql.as_ptr().cast::<c_char>(),
                length,
                ffi::SQLITE_PREPARE_PERSISTENT as _,
                &mut stmt,
                ptr::null_mut(),
            );
            (db, rc)
        };
        let unshared = Unshared {
            db,
            stmt,
            text: Vec::new(),
            slots: Vec::new(),
            _conn: PhantomData,
        };
        if rc != ffi::SQLITE_OK || stmt.is_null() {
            return Err(unshared.error(rc));
        }
        Ok(unshared)
    }

    /// Run the statement once with `values` bound to `?1`, `?2`… in order; the rowid it
    /// inserted.
    pub fn execute<'v>(
        &mut self,
        values: impl IntoIterator<Item = Value<'v>>,
    ) -> rusqlite::Result<i64> {
        self.text.clear();
        self.slots.clear();
        for value in values {
            let slot = match value {
                Value::Null => Slot::Null,
                Value::Int(n) => Slot::Int(n),
                Value::Text(t) => {
                    let start = self.text.len();
                    self.text.extend_from_slice(t.as_bytes());
                    self.text.push(0);
                    Slot::Text(start, t.len())
                }
            };
            self.slots.push(slot);
        }
        let bound = self.bind();
        // SAFETY: `stmt` is a live statement of `db` (finalized only in Drop). Every text
        // bound above points into `self.text`, which is not touched from `bind` until the
        // bindings are cleared below: SQLite reads those texts only inside this step, and
        // reset and clear_bindings leave the statement holding no pointer into the buffer.
        unsafe {
            let rc = match bound {
                ffi::SQLITE_OK => ffi::sqlite3_step(self.stmt),
                failed => failed,
            };
            // After a failed step, reset returns the same error; its message stays on `db`.
            let reset = ffi::sqlite3_reset(self.stmt);
            let failed = match rc {
                ffi::SQLITE_DONE => None,
                ffi::SQLITE_ROW => Some(Err(rusqlite::Error::ExecuteReturnedResults)),
                _ => Some(Err(self.error(if reset == ffi::SQLITE_OK {
                    rc
                } else {
                    reset
                }))),
            };
            ffi::sqlite3_clear_bindings(self.stmt);
            match failed {
                Some(e) => e,
                None => Ok(ffi::sqlite3_last_insert_rowid(self.db)),
            }
        }
    }

    /// Bind the row laid out in `slots` and `text`; SQLite's code of the first failure.
    fn bind(&self) -> c_int {
        let base = self.text.as_ptr();
        for (at, slot) in self.slots.iter().enumerate() {
            let Ok(index) = c_int::try_from(at + 1) else {
                return ffi::SQLITE_RANGE;
            };
            // SAFETY: `stmt` is live; `index` is a placeholder number SQLite checks itself
            // (SQLITE_RANGE); a text's start and length lie inside `self.text` with its NUL
            // right after them (laid out by `execute`), as SQLITE_UTF8_ZT requires, and the
            // buffer outlives the binding (see `execute`).
            let rc = unsafe {
                match *slot {
                    // Every placeholder is NULL already: the bindings were cleared after the
                    // last step (and are NULL in a new statement).
                    Slot::Null => ffi::SQLITE_OK,
                    Slot::Int(n) => ffi::sqlite3_bind_int64(self.stmt, index, n),
                    Slot::Text(start, len) => ffi::sqlite3_bind_text64(
                        self.stmt,
                        index,
                        base.add(start).cast::<c_char>(),
                        len as ffi::sqlite3_uint64,
                        ffi::SQLITE_STATIC(),
                        ffi::SQLITE_UTF8_ZT as u8,
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                return rc;
            }
        }
        ffi::SQLITE_OK
    }

    /// The connection's last error, as rusqlite reports it (extended code and message).
    fn error(&self, rc: c_int) -> rusqlite::Error {
        // SAFETY: `db` is the live connection; its message is a NUL-terminated string SQLite
        // owns until the next call on the connection, copied out at once.
        let (code, message) = unsafe {
            let message = ffi::sqlite3_errmsg(self.db);
            let message = (!message.is_null())
                .then(|| CStr::from_ptr(message).to_string_lossy().into_owned());
            (ffi::sqlite3_extended_errcode(self.db), message)
        };
        let code = if code == ffi::SQLITE_OK { rc } else { code };
        rusqlite::Error::SqliteFailure(ffi::Error::new(code), message)
    }
}

impl Drop for Unshared<'_> {
    fn drop(&mut self) {
        // SAFETY: `stmt` was prepared on `db`, which outlives it ('c), and is finalized once,
        // here; finalizing a null statement is a no-op.
        unsafe {
            ffi::sqlite3_finalize(self.stmt);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    fn table() -> rusqlite::Connection {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT UNIQUE,
                 d TEXT CHECK (d IS NULL OR date(d) IS d), p TEXT CHECK (length(trim(p)) > 0))",
        )
        .unwrap();
        conn
    }

    fn text(s: &str) -> Value<'_> {
        Value::Text(Cow::Borrowed(s))
    }

    #[test]
    fn rows_are_stored_as_bound_and_a_null_is_not_left_over_from_the_row_before() {
        let conn = table();
        let mut insert =
            Unshared::prepare(&conn, "INSERT INTO t (n, s, d, p) VALUES (?1, ?2, ?3, ?4)").unwrap();
        let long = "x".repeat(10_000);
        let rows = [
            (
                Value::Int(7),
                text("short"),
                text("2024-02-29"),
                text(" payee "),
            ),
            (Value::Null, text(&long), Value::Null, text("é")),
            (Value::Int(-1), text(""), text("2021-03-09"), text("p")),
        ];
        for (i, (n, s, d, p)) in rows.iter().enumerate() {
            let id = insert
                .execute([n.clone(), s.clone(), d.clone(), p.clone()])
                .unwrap();
            assert_eq!(id, i as i64 + 1);
        }
        drop(insert);
        let stored: Vec<(Option<i64>, String, Option<String>, String)> = conn
            .prepare("SELECT n, s, d, p FROM t ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            stored,
            [
                (
                    Some(7),
                    "short".into(),
                    Some("2024-02-29".into()),
                    " payee ".into()
                ),
                (None, long, None, "é".into()),
                (
                    Some(-1),
                    String::new(),
                    Some("2021-03-09".into()),
                    "p".into()
                ),
            ]
        );
    }

    #[test]
    fn a_refused_row_is_reported_as_rusqlite_reports_it_and_the_statement_runs_on() {
        let conn = table();
        let mut insert =
            Unshared::prepare(&conn, "INSERT INTO t (s, d, p) VALUES (?1, ?2, ?3)").unwrap();
        insert.execute([text("a"), Value::Null, text("p")]).unwrap();
        let code = |e: rusqlite::Error| match e {
            rusqlite::Error::SqliteFailure(f, Some(message)) => (f.extended_code, message),
            other => panic!("{other:?}"),
        };
        let (unique, message) = code(
            insert
                .execute([text("a"), Value::Null, text("p")])
                .unwrap_err(),
        );
        assert_eq!(unique, ffi::SQLITE_CONSTRAINT_UNIQUE);
        assert!(message.contains("t.s"), "{message}");
        let (check, _) = code(
            insert
                .execute([text("b"), text("2021-02-30"), text("p")])
                .unwrap_err(),
        );
        assert_eq!(check, ffi::SQLITE_CONSTRAINT_CHECK);
        let (blank, _) = code(
            insert
                .execute([text("b"), Value::Null, text("  ")])
                .unwrap_err(),
        );
        assert_eq!(blank, ffi::SQLITE_CONSTRAINT_CHECK);
        assert_eq!(
            insert.execute([text("b"), Value::Null, text("p")]).unwrap(),
            2
        );
    }

    #[test]
    fn bad_sql_is_an_error_not_a_statement() {
        let conn = table();
        let Err(e) = Unshared::prepare(&conn, "INSERT INTO nowhere VALUES (?1)") else {
            panic!("prepared");
        };
        assert!(e.to_string().contains("no such table"), "{e}");
    }
}
