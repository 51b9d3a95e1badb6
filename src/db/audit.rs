//! The audit log: every change with its time, its author and the values before and after.

use rusqlite::params;
use serde::Serialize;

use super::{Ledger, Writer};
use crate::domain::AuditEntry;
use crate::error::Result;

pub(super) fn record(
    writer: &Writer,
    action: &str,
    entity: &str,
    key: &str,
    before: Option<&impl Serialize>,
    after: Option<&impl Serialize>,
) -> Result<()> {
    let before = before.map(serde_json::to_string).transpose()?;
    let after = after.map(serde_json::to_string).transpose()?;
    writer
        .conn()
        .prepare_cached(
            "INSERT INTO audit_log (at, actor, action, entity, entity_key, before, after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            writer.at,
            writer.actor,
            action,
            entity,
            key,
            before,
            after
        ])?;
    Ok(())
}

impl Ledger {
    /// The newest `limit` entries, newest first, optionally for one entity kind.
    pub fn audit_log(&self, entity: Option<&str>, limit: i64) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, actor, action, entity, entity_key, before, after FROM audit_log
             WHERE ?1 IS NULL OR entity = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![entity, limit], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                entity: r.get(4)?,
                key: r.get(5)?,
                before: r.get(6)?,
                after: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
