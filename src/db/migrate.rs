//! Versioned migrations cut from `schema.sql` (SQLite) and `schema.pg.sql` (PostgreSQL), the
//! same numbered sections in each (see the comment at the top of schema.sql).
//!
//! SQLite's `PRAGMA user_version`, or PostgreSQL's one-row table `grantbook_schema`, counts the
//! sections a database has run. Opening a database runs the missing ones in one transaction that
//! holds the write lock, so a crash mid-upgrade leaves the old version intact, and a database
//! from a newer grantbook is refused rather than misread.

use rusqlite::Connection;

use super::sql::{Conn, Dialect};
use crate::error::{Error, ErrorKind, Result};

const SCHEMA: &str = include_str!("../../schema.sql");
const PG_SCHEMA: &str = include_str!("../../schema.pg.sql");
const MARKER: &str = "-- migration ";

/// Marks a file as a grantbook database ("GBK1"), so `open` can tell it from another SQLite file.
pub const APPLICATION_ID: i32 = 0x4742_4B31;

/// The migration sections of schema.sql, in order: section N is at index N - 1. A section starts
/// at a line `-- migration N: ...` (N a number) and runs to the next one.
pub fn migrations() -> Vec<&'static str> {
    sections(SCHEMA)
}

/// The same sections, as PostgreSQL's schema file writes them.
pub fn pg_migrations() -> Vec<&'static str> {
    sections(PG_SCHEMA)
}

fn sections(schema: &'static str) -> Vec<&'static str> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in schema.split_inclusive('\n') {
        let is_marker = line
            .strip_prefix(MARKER)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
        if is_marker {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts
        .iter()
        .enumerate()
        .map(|(i, &start)| &schema[start..starts.get(i + 1).copied().unwrap_or(schema.len())])
        .collect()
}

pub fn latest_version() -> i64 {
    migrations().len() as i64
}

pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// The schema version of the ledger behind `conn`, on either backend: 0 for an empty database.
pub fn version_of(conn: &Conn) -> Result<i64> {
    match conn.as_sqlite() {
        Some(sqlite) => version(sqlite),
        None => {
            let known: bool = conn.one("SELECT to_regclass('grantbook_schema') IS NOT NULL", [])?;
            match known {
                true => conn.one("SELECT version FROM grantbook_schema", []),
                false => Ok(0),
            }
        }
    }
}

/// Run the sections between the database's version and `target`.
pub fn migrate_to(conn: &Conn, target: i64) -> Result<()> {
    let current = version_of(conn)?;
    if current > latest_version() {
        return Err(Error::runtime(format!(
            "this database has schema version {current}, newer than this grantbook knows ({}); \
             upgrade grantbook to open it",
            latest_version()
        )));
    }
    if current >= target {
        return Ok(());
    }
    match conn.dialect() {
        Dialect::Sqlite => conn.execute_batch("BEGIN EXCLUSIVE")?,
        Dialect::Postgres => conn.begin_write()?,
    }
    let upgraded = upgrade(conn, target);
    match upgraded {
        Ok(()) => conn.commit(),
        Err(e) => {
            let _ = conn.rollback();
            Err(e)
        }
    }
}

fn upgrade(conn: &Conn, target: i64) -> Result<()> {
    // Another process may have upgraded the database while this one waited for the lock.
    let current = version_of(conn)?;
    if current >= target {
        return Ok(());
    }
    let sections = match conn.dialect() {
        Dialect::Sqlite => migrations(),
        Dialect::Postgres => pg_migrations(),
    };
    for (index, section) in sections.iter().enumerate() {
        let number = index as i64 + 1;
        if number > current && number <= target {
            conn.execute_batch(section)
                .and_then(|()| finish_section(number, conn))
                .map_err(|e| match e.kind {
                    // The disk, not the migration, failed: said as every such failure is.
                    ErrorKind::Disk | ErrorKind::Damaged => e,
                    _ => Error::runtime(format!("migration {number} failed: {e}")),
                })?;
        }
    }
    match conn.as_sqlite() {
        Some(sqlite) => {
            sqlite.pragma_update(None, "application_id", APPLICATION_ID)?;
            sqlite.pragma_update(None, "user_version", target)?;
        }
        None => {
            conn.execute_batch(
                "CREATE TABLE IF NOT EXISTS grantbook_schema (version BIGINT NOT NULL);
                 DELETE FROM grantbook_schema;",
            )?;
            conn.execute(
                "INSERT INTO grantbook_schema (version) VALUES (?1)",
                [target],
            )?;
        }
    }
    Ok(())
}

/// What a section needs done that SQL alone cannot do.
fn finish_section(number: i64, conn: &Conn) -> Result<()> {
    match number {
        // SHA-256 is not an SQL function: the entries already in the log are sealed here.
        5 => super::audit::seal_unsealed(conn),
        _ => Ok(()),
    }
}

pub fn migrate(conn: &Conn) -> Result<()> {
    migrate_to(conn, latest_version())
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    /// The first column of every row `sql` returns.
    fn strings(conn: &Conn, sql: &str) -> Result<Vec<String>> {
        conn.query_map(sql, [], |r| r.get(0))
    }

    #[test]
    fn sections_are_numbered_in_order() -> TestResult {
        let sections = migrations();
        assert!(sections.len() >= 2);
        for (i, section) in sections.iter().enumerate() {
            assert!(
                section.starts_with(&format!("{MARKER}{}:", i + 1)),
                "section {} starts with {:?}",
                i + 1,
                &section[..40.min(section.len())]
            );
        }
        Ok(())
    }

    #[test]
    fn postgresql_has_the_same_sections_with_the_same_titles() {
        let title = |section: &str| section.lines().next().unwrap_or_default().to_string();
        let sqlite: Vec<String> = migrations().iter().map(|s| title(s)).collect();
        let postgres: Vec<String> = pg_migrations().iter().map(|s| title(s)).collect();
        assert_eq!(sqlite, postgres);
    }

    #[test]
    fn migrates_an_empty_database_and_twice_is_harmless() -> TestResult {
        let conn = Conn::sqlite(Connection::open_in_memory()?);
        migrate(&conn)?;
        migrate(&conn)?;
        assert_eq!(version_of(&conn)?, latest_version());
        let names = strings(
            &conn,
            "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name",
        )?;
        for t in [
            "audit_log",
            "budget_line",
            "currency",
            "expense",
            "fx_rate",
            "grant_agreement",
        ] {
            assert!(names.contains(&t.to_string()), "{t} missing from {names:?}");
        }
        let (usd, tnd, jpy): (i64, i64, i64) = conn.query_row(
            "SELECT (SELECT minor_units FROM currency WHERE code = 'USD'),
                        (SELECT minor_units FROM currency WHERE code = 'TND'),
                        (SELECT minor_units FROM currency WHERE code = 'JPY')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        assert_eq!((usd, tnd, jpy), (2, 3, 0));
        Ok(())
    }

    #[test]
    fn step_by_step_equals_all_at_once() -> TestResult {
        let stepwise = Conn::sqlite(Connection::open_in_memory()?);
        for v in 1..=latest_version() {
            migrate_to(&stepwise, v)?;
        }
        let direct = Conn::sqlite(Connection::open_in_memory()?);
        migrate(&direct)?;
        let schema = "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name";
        assert_eq!(strings(&stepwise, schema)?, strings(&direct, schema)?);
        Ok(())
    }

    #[test]
    fn an_older_log_is_sealed_in_order_and_then_refuses_changes() -> TestResult {
        use crate::domain::seal::{GENESIS, Sealed};
        let conn = Conn::sqlite(Connection::open_in_memory()?);
        migrate_to(&conn, 4)?;
        conn.execute_batch(
            "INSERT INTO audit_log (at, actor, action, entity, entity_key, before, after) VALUES
                ('2021-06-14T09:00:00Z', 'amina', 'add', 'expense', '42', NULL, '{}'),
                ('2021-06-15T10:30:00Z', 'amina', 'void', 'expense', '42', '{}', '{\"v\":1}');",
        )?;
        migrate(&conn)?;
        let seals = strings(&conn, "SELECT seal FROM audit_log ORDER BY id")?;
        let first = Sealed {
            id: 1,
            at: "2021-06-14T09:00:00Z",
            actor: "amina",
            action: "add",
            entity: "expense",
            key: "42",
            before: None,
            after: Some("{}"),
        }
        .seal(GENESIS);
        let second = Sealed {
            id: 2,
            at: "2021-06-15T10:30:00Z",
            actor: "amina",
            action: "void",
            entity: "expense",
            key: "42",
            before: Some("{}"),
            after: Some(r#"{"v":1}"#),
        }
        .seal(&first);
        assert_eq!(seals, vec![first, second]);
        for change in [
            "UPDATE audit_log SET actor = 'mallory' WHERE id = 1",
            "UPDATE audit_log SET seal = NULL WHERE id = 1",
            "DELETE FROM audit_log WHERE id = 2",
            "INSERT INTO audit_log (at, actor, action, entity, entity_key) \
             VALUES ('x', 'y', 'z', 'w', 'v')",
        ] {
            let err = conn.execute_batch(change).unwrap_err();
            assert!(err.to_string().contains("audit"), "{change}: {err}");
        }
        Ok(())
    }

    #[test]
    fn refuses_a_database_from_the_future() -> TestResult {
        let conn = Conn::sqlite(Connection::open_in_memory()?);
        conn.as_sqlite()
            .unwrap()
            .pragma_update(None, "user_version", latest_version() + 1)?;
        let err = migrate(&conn).unwrap_err();
        assert!(err.message.contains("newer"), "{}", err.message);
        Ok(())
    }
}
