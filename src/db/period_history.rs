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

/// The expenses of grant ?1 dated ?2 to ?3 written after audit entry ?4 (the first closing, made
/// at ?5): with the audit entry (its id and actor) that recorded each, and the one that voided
/// it, if those came after. An expense's own entries carry its id in their key (`#12 G V`); the
/// rows of an import are known by the import's entry, made at the time they were recorded.
/// Times are to the second, so only the ids tell what came after the closing.
const EXPENSES_CHANGED: &str = "
    SELECT e.recorded_at, e.voided_at, e.date, e.voucher, l.code, e.spend_minor,
        added.id, added.actor, voided.id, voided.actor
    FROM expense e JOIN budget_line l ON l.id = e.line_id
    LEFT JOIN audit_log added ON added.id = (
        SELECT min(a.id) FROM audit_log a
        WHERE a.entity = 'expense' AND a.id > ?4 AND a.action <> 'void'
          AND (a.entity_key LIKE '#' || CAST(e.id AS TEXT) || ' %'
               OR (a.action = 'import' AND a.at = e.recorded_at)))
    LEFT JOIN audit_log voided ON voided.id = (
        SELECT min(a.id) FROM audit_log a
        WHERE a.entity = 'expense' AND a.id > ?4 AND e.voided_at IS NOT NULL
          AND ((a.action = 'void' AND a.entity_key LIKE '#' || CAST(e.id AS TEXT) || ' %')
               OR (a.action = 'import' AND a.at = e.voided_at)))
    WHERE e.grant_id = ?1 AND e.date BETWEEN ?2 AND ?3
      AND (e.recorded_at >= ?5 OR e.voided_at >= ?5)
    ORDER BY e.id";

impl Ledger {
    /// `period`'s closings and reopenings, and the entries dated in it that were recorded or
    /// voided after its first closing, in the order they happened.
    pub fn period_history(&self, grant: &Grant, period: &Period) -> Result<PeriodHistory> {
        let key = format!("{} {}", grant.reference, period.code);
        let events = self.conn.query_map(
            "SELECT at, action, actor, after, id FROM audit_log
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
                    seq: r.get(4)?,
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
        // What came after the first closing is told by the audit log's order, not its
        // times, which are to the second: a test, or a quick hand, closes and reopens in one.
        // A period never reopened cannot have changed since it closed: nothing to look for.
        let first = history.first_closed().filter(|_| history.was_reopened());
        let Some((since, since_at)) = first.map(|e| (e.seq, e.at.clone())) else {
            return Ok(history);
        };
        let c = &grant.currency;
        let dated = params![grant.id, period.start, period.end, since, since_at];
        type Written = (Option<i64>, Option<String>);
        let expenses: Vec<(Written, Written, Option<String>, PeriodChange)> =
            self.conn.query_map(EXPENSES_CHANGED, dated, |r| {
                let change = PeriodChange {
                    seq: 0,
                    at: r.get(0)?,
                    actor: String::new(),
                    change: ChangeKind::ExpenseAdded,
                    date: r.get(2)?,
                    reference: r.get(3)?,
                    line: r.get(4)?,
                    amount: c.from_minor(r.get(5)?),
                };
                Ok((
                    (r.get(6)?, r.get(7)?),
                    (r.get(8)?, r.get(9)?),
                    r.get(1)?,
                    change,
                ))
            })?;
        for (added, voided, voided_at, change) in expenses {
            if let ((Some(seq), Some(actor)), Some(at)) = (voided, voided_at) {
                history.changes.push(PeriodChange {
                    seq,
                    at,
                    actor,
                    change: ChangeKind::ExpenseVoided,
                    ..change.clone()
                });
            }
            if let (Some(seq), Some(actor)) = added {
                history.changes.push(PeriodChange {
                    seq,
                    actor,
                    ..change
                });
            }
        }
        let receipts = self.conn.query_map(
            "SELECT a.at, a.actor, a.action, r.date, r.reference, r.amount_minor, a.id
             FROM audit_log a JOIN receipt r
                 ON a.entity = 'receipt' AND a.entity_key = CAST(r.id AS TEXT)
             WHERE r.grant_id = ?1 AND r.date BETWEEN ?2 AND ?3 AND a.id > ?4
               AND a.action IN ('add', 'void')
             ORDER BY a.id",
            params![grant.id, period.start, period.end, since],
            |r| {
                Ok(PeriodChange {
                    seq: r.get(6)?,
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
        history.changes.sort_by_key(|c| c.seq);
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
