//! The checks that read the audit log: the books must agree with the history of how they were
//! written, and that history with its seals.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::super::Ledger;
use crate::db::sql::{Conn, params};
use crate::domain::Currency;
use crate::domain::check::CheckOutcome;
use crate::error::Result;

/// While a period was closed (from its closing to its reopening, in the audit log), nothing
/// dated in it was recorded or voided: no expense, no contribution, no receipt. When a period
/// was closed and reopened comes from the audit log (whose chain the last check verifies).
/// Expenses and contributions carry the times they were recorded and voided, which are to the
/// second, so one recorded in the very second of a closing is given the benefit of the doubt;
/// a receipt's recording and voiding are told by its audit entries' places in the log.
pub(super) fn closed_periods(conn: &Conn) -> Result<CheckOutcome> {
    let mut out = CheckOutcome::new(
        "closed_periods",
        "nothing was recorded or voided in a period while it was closed",
    );
    let mut closings: BTreeMap<String, Vec<Closed>> = BTreeMap::new();
    let history_sql = "SELECT entity_key, action, at, id FROM audit_log
         WHERE entity = 'period' AND action IN ('close', 'reopen') ORDER BY id";
    let history: Vec<(String, String, String, i64)> = conn.query_map(history_sql, [], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    for (key, action, at, id) in history {
        let spans = closings.entry(key).or_default();
        match (action.as_str(), spans.last_mut()) {
            ("reopen", Some(span)) if span.reopened.is_none() => span.reopened = Some((at, id)),
            ("close", _) => spans.push(Closed {
                at,
                entry: id,
                reopened: None,
            }),
            _ => {}
        }
    }
    let periods_sql = "SELECT g.id, g.reference, p.code, p.start_date, p.end_date, p.status
         FROM period p JOIN grant_agreement g ON g.id = p.grant_id ORDER BY g.reference, p.start_date";
    let periods: Vec<(i64, String, String, String, String, String)> =
        conn.query_map(periods_sql, [], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
    for (grant_id, grant, code, start, end, status) in periods {
        out.examined += 1;
        let key = format!("{grant} {code}");
        let spans = closings.get(&key).map(Vec::as_slice).unwrap_or_default();
        let closed_now = spans.last().is_some_and(|span| span.reopened.is_none());
        if (status == "closed") != closed_now {
            out.add(
                format!("period {key}"),
                format!(
                    "is {status}, but the audit log says it was last {}",
                    if closed_now { "closed" } else { "opened" }
                ),
            );
        }
        let period = Dated {
            grant_id,
            grant: &grant,
            key: &key,
            start: &start,
            end: &end,
        };
        for span in spans {
            changed_while_closed(conn, &period, span, &mut out)?;
        }
    }
    Ok(out)
}

/// One closing of a period: its audit entry's time and id, and its reopening's, if any.
struct Closed {
    at: String,
    entry: i64,
    reopened: Option<(String, i64)>,
}

/// A period as the late-change queries need it.
struct Dated<'p> {
    grant_id: i64,
    grant: &'p str,
    key: &'p str,
    start: &'p str,
    end: &'p str,
}

/// Expenses and contributions dated in `period` and recorded or voided after the closing
/// `span` (before its reopening), and receipts voided then, told by their own times; then
/// receipts recorded then, told by their audit entries' places in the log (a receipt keeps no
/// time of its recording). Each query gives (what, its date, what happened, when).
const LATE_BY_TIME: &str = "
    SELECT 'expense #' || id, date, 'recorded', recorded_at FROM expense
     WHERE grant_id = ?1 AND date BETWEEN ?2 AND ?3 AND recorded_at > ?4
       AND (?5 IS NULL OR recorded_at < ?5)
    UNION ALL
    SELECT 'expense #' || id, date, 'voided', voided_at FROM expense
     WHERE grant_id = ?1 AND date BETWEEN ?2 AND ?3 AND voided_at > ?4
       AND (?5 IS NULL OR voided_at < ?5)
    UNION ALL
    SELECT 'contribution ' || reference, date, 'recorded', recorded_at FROM contribution
     WHERE grant_id = ?1 AND date BETWEEN ?2 AND ?3 AND recorded_at > ?4
       AND (?5 IS NULL OR recorded_at < ?5)
    UNION ALL
    SELECT 'contribution ' || reference, date, 'voided', voided_at FROM contribution
     WHERE grant_id = ?1 AND date BETWEEN ?2 AND ?3 AND voided_at > ?4
       AND (?5 IS NULL OR voided_at < ?5)
    UNION ALL
    SELECT 'receipt #' || id, date, 'voided', voided_at FROM receipt
     WHERE grant_id = ?1 AND date BETWEEN ?2 AND ?3 AND voided_at > ?4
       AND (?5 IS NULL OR voided_at < ?5)
    ORDER BY 4, 1";
const LATE_BY_LOG: &str = "
    SELECT 'receipt #' || entity_key, json_extract(after, '$.date'), 'recorded', at
      FROM audit_log
     WHERE entity = 'receipt' AND action = 'add'
       AND json_extract(after, '$.grant') = ?1
       AND json_extract(after, '$.date') BETWEEN ?2 AND ?3
       AND id > ?4 AND (?5 IS NULL OR id < ?5)
     ORDER BY id";

fn changed_while_closed(
    conn: &Conn,
    period: &Dated,
    span: &Closed,
    out: &mut CheckOutcome,
) -> Result<()> {
    let (reopened_at, reopened_entry) = span.reopened.clone().unzip();
    let mut late = |r: &crate::db::sql::Row| -> Result<()> {
        let (what, date, happened, when): (String, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        out.add(
            what,
            format!(
                "dated {date} in period {}, {happened} {when}, after the period was closed at {}",
                period.key, span.at
            ),
        );
        Ok(())
    };
    let (id, start, end) = (period.grant_id, period.start, period.end);
    conn.for_each(
        LATE_BY_TIME,
        params![id, start, end, &span.at, reopened_at],
        &mut late,
    )?;
    conn.for_each(
        LATE_BY_LOG,
        params![period.grant, start, end, span.entry, reopened_entry],
        &mut late,
    )
}

pub(super) fn audit_chain(ledger: &Ledger) -> Result<CheckOutcome> {
    let mut out = CheckOutcome::new("audit_chain", "every audit entry matches its seal");
    let report = ledger.verify_audit()?;
    out.examined = report.entries;
    for broken in report.breaks {
        out.add(format!("audit entry #{}", broken.id), broken.problem);
    }
    Ok(out)
}

/// Every grant's expenses, voided ones included (nothing is deleted), add up to what the audit
/// log recorded as added: one `add` entry per expense, and per import its control totals by
/// grant. An expense inserted, deleted or re-priced behind grantbook's back, even consistently
/// with its rate, makes them differ.
pub(super) fn audit_totals(conn: &Conn) -> Result<CheckOutcome> {
    let mut out = CheckOutcome::new(
        "audit_totals",
        "each grant's expenses add up to what the audit log recorded",
    );
    let mut logged: BTreeMap<String, (u64, Decimal)> = BTreeMap::new();
    let mut add = |grant: String, rows: u64, amount: &str, id: i64| -> Result<()> {
        let amount = Decimal::from_str(amount).map_err(|_| {
            crate::error::Error::runtime(format!(
                "audit entry #{id} records the amount {amount:?}, which is not a number"
            ))
        })?;
        let total = logged.entry(grant).or_insert((0, Decimal::ZERO));
        total.0 += rows;
        total.1 += amount;
        Ok(())
    };
    let added_sql = "SELECT id, json_extract(after, '$.grant'),
                CASE json_extract(after, '$.kind') WHEN 'refund' THEN '-' ELSE '' END
                || json_extract(after, '$.grant_amount')
         FROM audit_log WHERE entity = 'expense' AND action IN ('add', 'correct')";
    conn.for_each(added_sql, [], |r| {
        let (id, grant, amount): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        add(grant, 1, &amount, id)?;
        Ok(())
    })?;
    let imported_sql =
        "SELECT a.id, json_extract(g.value, '$.reference'), json_extract(g.value, '$.rows'),
                json_extract(g.value, '$.amount')
         FROM audit_log a, json_each(a.after, '$.grants') g
         WHERE a.entity = 'expense' AND a.action = 'import'";
    conn.for_each(imported_sql, [], |r| {
        let (id, grant, count, amount): (i64, String, i64, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        add(grant, count.unsigned_abs(), &amount, id)?;
        Ok(())
    })?;
    // One pass over the table (NOT INDEXED): through the voucher key, SQLite would look up
    // every row by grant, four times slower on a million expenses.
    let held_sql =
        "SELECT g.reference, g.currency, c.minor_units, coalesce(e.n, 0), coalesce(e.total, 0)
         FROM grant_agreement g JOIN currency c ON c.code = g.currency
         LEFT JOIN (SELECT grant_id, count(*) AS n, sum(spend_minor) AS total
                    FROM expense NOT INDEXED GROUP BY grant_id) e ON e.grant_id = g.id
         ORDER BY g.reference";
    conn.for_each(held_sql, [], |r| {
        out.examined += 1;
        let (grant, code, minor_units): (String, String, u32) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let currency = Currency::new(&code, minor_units);
        let count: i64 = r.get(3)?;
        let count = count.unsigned_abs();
        let total = currency.from_minor(r.get(4)?);
        let (logged_count, logged_total) = logged.remove(&grant).unwrap_or((0, Decimal::ZERO));
        if (count, total) != (logged_count, logged_total) {
            out.add(
                format!("grant {grant}"),
                format!(
                    "holds {count} expenses totalling {} {code}; the audit log recorded {logged_count} \
                     totalling {} {code}",
                    currency.plain(total),
                    currency.plain(logged_total)
                ),
            );
        }
        Ok(())
    })?;
    for (grant, (count, _)) in logged {
        out.add(
            format!("grant {grant}"),
            format!("the audit log recorded {count} expenses of this grant, which does not exist"),
        );
    }
    Ok(out)
}
