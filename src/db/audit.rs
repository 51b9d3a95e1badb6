//! The audit log: every change with its time, its author and the values before and after, each
//! entry sealed into a hash chain ([`crate::domain::seal`]).

use serde::Serialize;

use super::{Ledger, Writer};
use crate::db::sql::{Conn, Row, params};
use crate::domain::AuditEntry;
use crate::domain::seal::{ChainReport, ChainWalk, GENESIS, Sealed};
use crate::error::{Error, Result};

pub(super) fn record(
    writer: &Writer,
    action: &str,
    entity: &str,
    key: &str,
    before: Option<&impl Serialize>,
    after: Option<&impl Serialize>,
) -> Result<i64> {
    let before = before.map(serde_json::to_string).transpose()?;
    let after = after.map(serde_json::to_string).transpose()?;
    let conn = writer.conn();
    // The writer holds the write lock (BEGIN IMMEDIATE), so no other process can append between
    // reading the head of the chain and sealing onto it.
    let (last_id, last_seal) = head(conn)?.unwrap_or((0, None));
    // Only an entry written behind grantbook's back can hold the largest number SQLite has.
    let id = last_id.checked_add(1).ok_or_else(|| {
        Error::runtime(format!(
            "the audit log's newest entry is numbered {last_id}, the largest number it can \
             hold: it was written behind grantbook's back, and no change can be recorded \
             after it. Run `grantbook check`, and restore the ledger from a backup"
        ))
    })?;
    let entry = Sealed {
        id,
        at: &writer.at,
        actor: writer.actor,
        action,
        entity,
        key,
        before: before.as_deref(),
        after: after.as_deref(),
    };
    let seal = entry.seal(last_seal.as_deref().unwrap_or(GENESIS));
    conn.execute(
        "INSERT INTO audit_log (id, at, actor, action, entity, entity_key, before, after, seal)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            entry.id,
            entry.at,
            entry.actor,
            action,
            entity,
            key,
            entry.before,
            entry.after,
            seal
        ],
    )?;
    Ok(id)
}

/// The newest entry's number and seal.
pub(super) fn head(conn: &Conn) -> Result<Option<(i64, Option<String>)>> {
    conn.query_opt(
        "SELECT id, seal FROM audit_log ORDER BY id DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Seal, in order, the entries written before the log had seals (schema migration 5).
pub(super) fn seal_unsealed(conn: &Conn) -> Result<()> {
    let mut previous = GENESIS.to_string();
    let entries = conn.query_map(
        &format!("SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY id"),
        [],
        entry_from_row,
    )?;
    let update_sql = "UPDATE audit_log SET seal = ?1 WHERE id = ?2";
    for entry in entries {
        let seal = match entry.seal.clone() {
            Some(seal) => seal,
            None => {
                let seal = entry.sealed().seal(&previous);
                conn.execute(update_sql, params![seal, entry.id])?;
                seal
            }
        };
        previous = seal;
    }
    Ok(())
}

const ENTRY_COLUMNS: &str = "id, at, actor, action, entity, entity_key, before, after, seal";

fn entry_from_row(r: &Row) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        entity: r.get(4)?,
        key: r.get(5)?,
        before: r.get(6)?,
        after: r.get(7)?,
        seal: r.get(8)?,
    })
}

impl Ledger {
    /// The newest `limit` entries, newest first, optionally for one entity kind.
    pub fn audit_log(&self, entity: Option<&str>, limit: i64) -> Result<Vec<AuditEntry>> {
        let sql = &format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log
             WHERE ?1 IS NULL OR entity = ?1 ORDER BY id DESC LIMIT ?2"
        );
        let rows = self
            .conn
            .query_map(sql, params![entity, limit], entry_from_row)?;
        Ok(rows)
    }

    /// Walk the whole log in order and check every entry against its seal.
    pub fn verify_audit(&self) -> Result<ChainReport> {
        let mut walk = ChainWalk::default();
        self.conn.for_each(
            &format!("SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY id"),
            [],
            |row| {
                walk.step(&entry_from_row(row)?);
                Ok(())
            },
        )?;
        Ok(walk.finish())
    }
}

impl Ledger {
    /// The seal stored on entry `id`, if the entry exists.
    pub fn audit_seal(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_opt("SELECT seal FROM audit_log WHERE id = ?1", [id], |r| {
                r.get::<_, Option<String>>(0)
            })?
            .flatten())
    }
}

impl Ledger {
    /// Record that `rows` records of `entity` came from the file `source` (whose SHA-256 is
    /// `sha256`), in the same transaction as the rows when called inside an import.
    pub fn record_import(
        &mut self,
        entity: &str,
        source: &str,
        rows: u64,
        sha256: &str,
    ) -> Result<()> {
        let details = serde_json::json!({ "rows": rows, "sha256": sha256 });
        self.write(|w| w.audit("import", entity, source, None::<&()>, Some(&details)))
    }
}
