//! What the report for a period tells the donor beside its figures. Variance notes (`period
//! note`): why a line's spend differs from plan, one per line and period, replaced whole and
//! audited; a closed period takes notes too, as they change none of its figures and the report
//! is usually written after the books are closed. And the period's history: when it was closed
//! and reopened, by whom and why, and what was recorded or voided in it after it was first
//! closed, read from the audit log and the entries' own times.

use super::lookup;
use super::periods::find_period;
use super::{Ledger, Writer};
use crate::db::sql::params;
use crate::domain::{
    ChangeKind, Grant, Period, PeriodChange, PeriodEvent, PeriodHistory, PeriodNote,
};
use crate::error::Result;

impl Ledger {
    /// Set (`Some`) or remove (`None`) the note on `line` for `period`; returns the note as it
    /// was before, if there was one, so the caller can say what it replaced.
    pub fn set_period_note(
        &mut self,
        reference: &str,
        period: &str,
        line: &str,
        note: Option<&str>,
    ) -> Result<Option<PeriodNote>> {
        self.write(|w| {
            let conn = w.conn();
            let grant = lookup::grant(conn, reference)?;
            let period = find_period(conn, &grant, period)?;
            let line_id = lookup::line_id(conn, &grant, line)?;
            let period_id: i64 = conn.one(
                "SELECT id FROM period WHERE grant_id = ?1 AND code = ?2",
                params![grant.id, period.code],
            )?;
            let before = stored(w, &grant, &period.code, period_id, line, line_id)?;
            conn.execute(
                "DELETE FROM period_note WHERE period_id = ?1 AND line_id = ?2",
                params![period_id, line_id],
            )?;
            let after = note.map(|text| PeriodNote {
                grant: grant.reference.clone(),
                period: period.code.clone(),
                line: line.to_string(),
                note: text.to_string(),
            });
            if let Some(after) = &after {
                conn.execute(
                    "INSERT INTO period_note (period_id, line_id, note, recorded_at)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![period_id, line_id, after.note, w.at],
                )?;
            }
            let action = match (&before, &after) {
                (None, None) => return Ok(None),
                (None, Some(_)) => "add",
                (Some(_), Some(_)) => "set",
                (Some(_), None) => "remove",
            };
            let key = format!("{} {} {}", grant.reference, period.code, line);
            w.audit(action, "period_note", &key, before.as_ref(), after.as_ref())?;
            Ok(before)
        })
    }

    /// A period's notes, by line code, in the order of the grant's lines.
    pub fn period_notes(&self, reference: &str, period: &str) -> Result<Vec<PeriodNote>> {
        let grant = lookup::grant(&self.conn, reference)?;
        let period = find_period(&self.conn, &grant, period)?;
        self.conn.query_map(
            "SELECT l.code, n.note FROM period_note n
             JOIN period p ON p.id = n.period_id JOIN budget_line l ON l.id = n.line_id
             WHERE p.grant_id = ?1 AND p.code = ?2 ORDER BY l.id",
            params![grant.id, period.code],
            |r| {
                Ok(PeriodNote {
                    grant: grant.reference.clone(),
                    period: period.code.clone(),
                    line: r.get(0)?,
                    note: r.get(1)?,
                })
            },
        )
    }
}

impl Ledger {
    /// `period`'s closings and reopenings, and the entries dated in it that were recorded or
    /// voided after its first closing, in the order they happened.
    pub fn period_history(&self, grant: &Grant, period: &Period) -> Result<PeriodHistory> {
        let key = format!("{} {}", grant.reference, period.code);
        let events = self.conn.query_map(
            "SELECT at, action, actor, after FROM audit_log
             WHERE entity = 'period' AND entity_key = ?1 AND action IN ('close', 'reopen')
             ORDER BY id",
            [&key],
            |r| {
                let after: Option<String> = r.get(3)?;
                let reason = after
                    .and_then(|a| serde_json::from_str::<serde_json::Value>(&a).ok())
                    .and_then(|a| a.get("reason")?.as_str().map(String::from))
                    .unwrap_or_default();
                Ok(PeriodEvent {
                    at: r.get(0)?,
                    reopened: r.get::<_, String>(1)? == "reopen",
                    actor: r.get(2)?,
                    reason,
                })
            },
        )?;
        let mut history = PeriodHistory {
            events,
            changes: Vec::new(),
        };
        let Some(since) = history.first_closed().map(|e| e.at.clone()) else {
            return Ok(history);
        };
        let c = &grant.currency;
        let dated = params![grant.id, period.start, period.end, since];
        // Who wrote an expense is the actor of the audit entry its transaction made (an import
        // audits the file once, at the time every row of it was recorded).
        let expenses: Vec<(String, Option<String>, PeriodChange, String)> = self.conn.query_map(
            "SELECT e.recorded_at, e.voided_at, e.date, e.voucher, l.code, e.spend_minor,
                 coalesce((SELECT min(a.actor) FROM audit_log a
                           WHERE a.entity = 'expense' AND a.at = e.recorded_at), ''),
                 coalesce((SELECT min(a.actor) FROM audit_log a
                           WHERE a.entity = 'expense' AND a.at = e.voided_at), '')
             FROM expense e JOIN budget_line l ON l.id = e.line_id
             WHERE e.grant_id = ?1 AND e.date BETWEEN ?2 AND ?3
               AND (e.recorded_at > ?4 OR e.voided_at > ?4)
             ORDER BY e.id",
            dated,
            |r| {
                let change = PeriodChange {
                    at: r.get(0)?,
                    actor: r.get(6)?,
                    change: ChangeKind::ExpenseAdded,
                    date: r.get(2)?,
                    reference: r.get(3)?,
                    line: r.get(4)?,
                    amount: c.from_minor(r.get(5)?),
                };
                Ok((r.get(0)?, r.get(1)?, change, r.get(7)?))
            },
        )?;
        for (recorded, voided, change, void_actor) in expenses {
            if let Some(voided) = voided.filter(|v| *v > since) {
                history.changes.push(PeriodChange {
                    at: voided,
                    actor: void_actor,
                    change: ChangeKind::ExpenseVoided,
                    ..change.clone()
                });
            }
            if recorded > since {
                history.changes.push(change);
            }
        }
        let receipts = self.conn.query_map(
            "SELECT a.at, a.actor, a.action, r.date, r.reference, r.amount_minor
             FROM audit_log a JOIN receipt r
                 ON a.entity = 'receipt' AND a.entity_key = CAST(r.id AS TEXT)
             WHERE r.grant_id = ?1 AND r.date BETWEEN ?2 AND ?3 AND a.at > ?4
               AND a.action IN ('add', 'void')
             ORDER BY a.id",
            dated,
            |r| {
                Ok(PeriodChange {
                    at: r.get(0)?,
                    actor: r.get(1)?,
                    change: match r.get::<_, String>(2)?.as_str() {
                        "add" => ChangeKind::ReceiptAdded,
                        _ => ChangeKind::ReceiptVoided,
                    },
                    date: r.get(3)?,
                    reference: r.get(4)?,
                    line: String::new(),
                    amount: c.from_minor(r.get(5)?),
                })
            },
        )?;
        history.changes.extend(receipts);
        history.changes.sort_by(|a, b| a.at.cmp(&b.at));
        Ok(history)
    }
}

fn stored(
    w: &Writer,
    grant: &Grant,
    period: &str,
    period_id: i64,
    line: &str,
    line_id: i64,
) -> Result<Option<PeriodNote>> {
    let note: Option<String> = w.conn().query_opt(
        "SELECT note FROM period_note WHERE period_id = ?1 AND line_id = ?2",
        params![period_id, line_id],
        |r| r.get(0),
    )?;
    Ok(note.map(|note| PeriodNote {
        grant: grant.reference.clone(),
        period: period.to_string(),
        line: line.to_string(),
        note,
    }))
}
