//! The checks of the store itself, below the books: that it reads back whole, that every
//! reference holds, and that its tables, indexes and triggers are the ones grantbook made. Each
//! backend answers these in its own terms.

use std::collections::BTreeMap;

use super::count;
use crate::db::migrate;
use crate::db::sql::{Conn, Dialect};
use crate::domain::check::CheckOutcome;
use crate::error::Result;

pub(super) fn integrity(conn: &Conn, quick: bool) -> Result<CheckOutcome> {
    match conn.dialect() {
        Dialect::Sqlite => sqlite_integrity(conn, quick),
        Dialect::Postgres => postgres_integrity(conn),
    }
}

pub(super) fn foreign_keys(conn: &Conn) -> Result<CheckOutcome> {
    match conn.dialect() {
        Dialect::Sqlite => sqlite_foreign_keys(conn),
        Dialect::Postgres => postgres_foreign_keys(conn),
    }
}

/// Every row of every table read (a damaged page fails the read), and every B-tree index
/// matched against its own structure by amcheck where the server has it.
fn postgres_integrity(conn: &Conn) -> Result<CheckOutcome> {
    let amcheck: bool = conn.one(
        "SELECT count(*) > 0 FROM pg_extension WHERE extname = 'amcheck'",
        [],
    )?;
    let mut out = CheckOutcome::new(
        "integrity",
        match amcheck {
            true => "PostgreSQL: every table read whole, every index checked by amcheck",
            false => "PostgreSQL: every table read whole (amcheck is not installed)",
        },
    );
    // One statement reads every table: a page that does not read fails it, naming it.
    out.examined = count(
        conn,
        "SELECT (SELECT count(*) FROM currency) + (SELECT count(*) FROM country)
              + (SELECT count(*) FROM donor) + (SELECT count(*) FROM project)
              + (SELECT count(*) FROM project_country) + (SELECT count(*) FROM grant_agreement)
              + (SELECT count(*) FROM grant_extension) + (SELECT count(*) FROM budget_line)
              + (SELECT count(*) FROM budget_revision) + (SELECT count(*) FROM budget_amount)
              + (SELECT count(*) FROM period) + (SELECT count(*) FROM fx_rate)
              + (SELECT count(*) FROM receipt) + (SELECT count(*) FROM expense)
              + (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM amendment)
              + (SELECT count(*) FROM office) + (SELECT count(*) FROM organisation)
              + (SELECT count(*) FROM donor_publishing) + (SELECT count(*) FROM project_sector)
              + (SELECT count(*) FROM project_publishing)
              + (SELECT count(*) FROM grant_publishing)
              + (SELECT count(*) FROM donor_category) + (SELECT count(*) FROM line_category)",
    )?;
    if amcheck {
        let sql = "SELECT c.relname::text FROM pg_index i
             JOIN pg_class c ON c.oid = i.indexrelid
             JOIN pg_am a ON a.oid = c.relam AND a.amname = 'btree'
             JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
             WHERE NOT bt_index_check(c.oid::regclass, true)";
        conn.for_each(sql, [], |row| {
            let index: String = row.get(0)?;
            out.add(format!("index {index}"), "does not match its table");
            Ok(())
        })?;
    }
    Ok(out)
}

/// PostgreSQL refuses a row that breaks a foreign key, unless the key was added unchecked
/// (NOT VALID) or its triggers were switched off: either would let a reference dangle.
fn postgres_foreign_keys(conn: &Conn) -> Result<CheckOutcome> {
    let mut out = CheckOutcome::new(
        "foreign_keys",
        "every reference is enforced by PostgreSQL (no key unchecked or switched off)",
    );
    out.examined = count(
        conn,
        "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
         WHERE c.contype = 'f' AND n.nspname = current_schema()",
    )?;
    let sql = "SELECT c.conrelid::regclass::text, c.conname::text, NOT c.convalidated
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
         WHERE c.contype = 'f' AND n.nspname = current_schema()
           AND (NOT c.convalidated OR EXISTS (
                SELECT 1 FROM pg_trigger t WHERE t.tgconstraint = c.oid AND t.tgenabled = 'D'))
         ORDER BY 1, 2";
    conn.for_each(sql, [], |row| {
        let (table, key, unchecked): (String, String, bool) =
            (row.get(0)?, row.get(1)?, row.get(2)?);
        out.add(
            format!("{table} {key}"),
            match unchecked {
                true => "was added without checking the rows already there (NOT VALID)",
                false => "is switched off (its triggers are disabled)",
            },
        );
        Ok(())
    })?;
    Ok(out)
}

/// PostgreSQL's tables, indexes (but those behind a primary or unique key, which SQLite names
/// its own way; a foreign key that refers to an index does not make it one) and triggers, by
/// name.
fn postgres_schema_objects(conn: &Conn) -> Result<SchemaObjects> {
    let sql = "SELECT 'table', table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_name <> 'grantbook_schema'
         UNION SELECT 'index', c.relname::text FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
         WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                           AND k.contype IN ('p', 'u', 'x'))
         UNION SELECT 'trigger', t.tgname::text FROM pg_trigger t
         JOIN pg_class c ON c.oid = t.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
         WHERE NOT t.tgisinternal";
    let rows = conn.query_map(sql, [], |r| Ok(((r.get(0)?, r.get(1)?), None)))?;
    Ok(rows.into_iter().collect())
}

fn sqlite_integrity(conn: &Conn, quick: bool) -> Result<CheckOutcome> {
    let mut out = match quick {
        false => CheckOutcome::new("integrity", "SQLite's integrity check of every page"),
        true => CheckOutcome::new("integrity", "SQLite's quick check (indexes not matched)"),
    };
    out.examined = count(conn, "PRAGMA page_count")?;
    let sql = match quick {
        false => "PRAGMA integrity_check",
        true => "PRAGMA quick_check",
    };
    conn.for_each(sql, [], |row| {
        let message: String = row.get(0)?;
        if message != "ok" {
            out.add("database file", message);
        }
        Ok(())
    })?;
    Ok(out)
}

fn sqlite_foreign_keys(conn: &Conn) -> Result<CheckOutcome> {
    let mut out = CheckOutcome::new(
        "foreign_keys",
        "every reference points at a row that exists",
    );
    let sql = "PRAGMA foreign_key_check";
    conn.for_each(sql, [], |row| {
        let table: String = row.get(0)?;
        let rowid: Option<i64> = row.get(1)?;
        let parent: String = row.get(2)?;
        let place = match rowid {
            Some(id) => format!("{table} #{id}"),
            None => table,
        };
        out.add(
            place,
            format!("refers to a {parent} row that does not exist"),
        );
        Ok(())
    })?;
    out.examined = count(
        conn,
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )?;
    Ok(out)
}

/// Tables, indexes and triggers exactly as grantbook's migrations made them: a dropped trigger
/// would let an expense into a closed period or an edit into the audit log.
pub(super) fn schema(conn: &Conn) -> Result<CheckOutcome> {
    let mut out = CheckOutcome::new(
        "schema",
        "tables, indexes and triggers as grantbook made them",
    );
    let expected_db = Conn::sqlite(rusqlite::Connection::open_in_memory()?);
    migrate::migrate_to(&expected_db, migrate::version_of(conn)?)?;
    let mut expected = schema_objects(&expected_db)?;
    let actual = schema_objects(conn)?;
    if conn.dialect() == Dialect::Postgres {
        // Its definitions are PostgreSQL's own text: the names are what can be compared.
        expected.values_mut().for_each(|sql| *sql = None);
    }
    out.examined = expected.len() as u64;
    for ((kind, name), sql) in &expected {
        match actual.get(&(kind.clone(), name.clone())) {
            None => out.add(format!("{kind} {name}"), "is missing"),
            Some(found) if found != sql => out.add(
                format!("{kind} {name}"),
                "differs from the definition grantbook made",
            ),
            Some(_) => {}
        }
    }
    for (kind, name) in actual.keys() {
        if !expected.contains_key(&(kind.clone(), name.clone())) {
            out.add(format!("{kind} {name}"), "was not made by grantbook");
        }
    }
    Ok(out)
}

type SchemaObjects = BTreeMap<(String, String), Option<String>>;

fn schema_objects(conn: &Conn) -> Result<SchemaObjects> {
    if conn.dialect() == Dialect::Postgres {
        return postgres_schema_objects(conn);
    }
    let sql =
        "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name";
    let rows = conn.query_map(sql, [], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
    Ok(rows.into_iter().collect())
}
