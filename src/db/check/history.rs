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

/// No expense dated in a period was recorded while that period was closed. When a period was
/// closed and reopened comes from the audit log (whose chain the last check verifies); times are
/// to the second, so an expense recorded in the very second of a closing is given the benefit
/// of the doubt.
pub(super) fn closed_periods(conn: &Conn) -> Result<CheckOutcome> {
    let mut out = CheckOutcome::new(
        "closed_periods",
        "no expense was added to a period after it was closed",
    );
    let mut closings: BTreeMap<String, Vec<(String, Option<String>)>> = BTreeMap::new();
    let history_sql = "SELECT entity_key, action, at FROM audit_log
         WHERE entity = 'period' AND action IN ('close', 'reopen') ORDER BY id";
    let history: Vec<(String, String, String)> =
        conn.query_map(history_sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    for (key, action, at) in history {
        let spans = closings.entry(key).or_default();
        match (action.as_str(), spans.last_mut()) {
            ("reopen", Some((_, reopened @ None))) => *reopened = Some(at),
            ("close", _) => spans.push((at, None)),
            _ => {}
        }
    }
    let periods_sql = "SELECT g.id, g.reference, p.code, p.start_date, p.end_date, p.status
         FROM period p JOIN grant_agreement g ON g.id = p.grant_id ORDER BY g.reference, p.start_date";
    let late_sql = "SELECT id, date, recorded_at FROM expense
         WHERE grant_id = ?1 AND date BETWEEN ?2 AND ?3 AND recorded_at > ?4
           AND (?5 IS NULL OR recorded_at < ?5) ORDER BY id";
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
        let closed_now = spans.last().is_some_and(|(_, reopened)| reopened.is_none());
        if (status == "closed") != closed_now {
            out.add(
                format!("period {key}"),
                format!(
                    "is {status}, but the audit log says it was last {}",
                    if closed_now { "closed" } else { "opened" }
                ),
            );
        }
        for (closed_at, reopened_at) in spans {
            let late = params![grant_id, start, end, closed_at, reopened_at];
            conn.for_each(late_sql, late, |e| {
                let (id, date, recorded_at): (i64, String, String) =
                    (e.get(0)?, e.get(1)?, e.get(2)?);
                out.add(
                    format!("expense #{id}"),
                    format!(
                        "dated {date} in period {key}, recorded {recorded_at}, after the period \
                         was closed at {closed_at}"
                    ),
                );
                Ok(())
            })?;
        }
    }
    Ok(out)
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
