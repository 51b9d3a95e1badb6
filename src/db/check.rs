//! `check`: is the database sound, and do its books obey the ledger's rules, whatever was done to
//! the file behind grantbook's back (an edit in the sqlite3 shell, foreign keys left off, a copy
//! cut short)?

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::Ledger;
use crate::db::sql::Conn;
use crate::domain::check::{CheckOutcome, CheckReport};
use crate::domain::{Currency, Quote, fx};
use crate::error::Result;

impl Ledger {
    /// Run every check, in order from the file up to the books. `quick` runs SQLite's
    /// quick_check instead of integrity_check: every page and row is still read, but indexes
    /// are not matched against their tables, which is most of the time on a large ledger.
    pub fn check(&self, quick: bool) -> Result<CheckReport> {
        self.snapshot(|ledger| {
            let conn = &ledger.conn;
            // A check that cannot run (a table dropped behind grantbook's back, a page that
            // does not read) is itself a finding: the others still run and are shown.
            let runs = [
                ("integrity", conn.attempt(|| store::integrity(conn, quick))),
                ("foreign_keys", conn.attempt(|| store::foreign_keys(conn))),
                ("schema", conn.attempt(|| store::schema(conn))),
                ("grant_dates", conn.attempt(|| grant_dates(conn))),
                ("line_grants", conn.attempt(|| line_grants(conn))),
                ("conversion", conn.attempt(|| conversions(conn))),
                ("stored_rates", conn.attempt(|| rates::stored_rates(conn))),
                (
                    "receipt_references",
                    conn.attempt(|| receipts::receipt_references(conn)),
                ),
                (
                    "obligations",
                    conn.attempt(|| obligations::obligations(conn)),
                ),
                ("indirect_cap", conn.attempt(|| rules::indirect_cap(conn))),
                (
                    "contribution_conversion",
                    conn.attempt(|| cost_share::contribution_conversions(conn)),
                ),
                (
                    "closed_periods",
                    conn.attempt(|| history::closed_periods(conn)),
                ),
                ("audit_totals", conn.attempt(|| history::audit_totals(conn))),
                ("audit_chain", conn.attempt(|| history::audit_chain(ledger))),
            ];
            Ok(CheckReport {
                checks: runs
                    .into_iter()
                    .map(|(name, run)| run.unwrap_or_else(|e| could_not_run(name, &e.message)))
                    .collect(),
            })
        })
    }
}

fn could_not_run(name: &'static str, why: &str) -> CheckOutcome {
    let mut out = CheckOutcome::new(name, "could not be run on this database");
    out.add("database", format!("the check failed: {why}"));
    out
}

mod cost_share;
mod history;
mod obligations;
mod rates;
mod receipts;
mod rules;
mod store;

pub(super) fn count(conn: &Conn, sql: &str) -> Result<u64> {
    let n: i64 = conn.query_row(sql, [], |r| r.get(0))?;
    Ok(n.unsigned_abs())
}

fn grant_dates(conn: &Conn) -> Result<CheckOutcome> {
    let mut out = CheckOutcome::new("grant_dates", "every expense is dated within its grant");
    out.examined = count(conn, "SELECT count(*) FROM expense")?;
    let sql = "SELECT e.id, e.date, g.reference, g.start_date, g.end_date
         FROM expense e JOIN grant_agreement g ON g.id = e.grant_id
         WHERE e.date < g.start_date OR e.date > g.end_date ORDER BY e.id";
    conn.for_each(sql, [], |r| {
        let (id, date, grant, start, end): (i64, String, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        out.add(
            format!("expense #{id}"),
            format!("dated {date}, outside grant {grant} ({start} to {end})"),
        );
        Ok(())
    })?;
    Ok(out)
}

fn line_grants(conn: &Conn) -> Result<CheckOutcome> {
    let mut out = CheckOutcome::new("line_grants", "every expense is on a line of its own grant");
    out.examined = count(conn, "SELECT count(*) FROM expense")?;
    let sql = "SELECT e.id, g.reference, l.code, lg.reference
         FROM expense e JOIN grant_agreement g ON g.id = e.grant_id
         LEFT JOIN budget_line l ON l.id = e.line_id
         LEFT JOIN grant_agreement lg ON lg.id = l.grant_id
         WHERE l.grant_id IS DISTINCT FROM e.grant_id ORDER BY e.id";
    conn.for_each(sql, [], |r| {
        let (id, grant, line, line_grant): (i64, String, Option<String>, Option<String>) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let problem = match (line, line_grant) {
            (Some(line), Some(other)) => {
                format!("charged to grant {grant} but on line {line} of grant {other}")
            }
            _ => format!("charged to grant {grant} on a budget line that does not exist"),
        };
        out.add(format!("expense #{id}"), problem);
        Ok(())
    })?;
    Ok(out)
}

/// The amount in grant currency is the amount times the stored rate, rounded once to the grant
/// currency ([`fx::convert`], the same call that computed it). The one exception is the refund
/// that brings back the last of an expense in the money it was paid in: it takes back exactly
/// what is left in the grant's currency, so the expense nets to zero whatever the rounding of
/// the refunds before it.
fn conversions(conn: &Conn) -> Result<CheckOutcome> {
    let mut out = CheckOutcome::new(
        "conversion",
        "grant-currency amounts equal amount x stored rate, rounded",
    );
    let sql = "SELECT e.id, e.currency, ec.minor_units, e.amount_minor, e.fx_base, e.fx_quote,
                e.fx_rate, g.currency, gc.minor_units, e.grant_amount_minor,
                CASE WHEN e.refund_of IS NOT NULL AND e.voided_at IS NULL THEN
                  (SELECT o.grant_amount_minor - coalesce(sum(x.grant_amount_minor), 0)
                   FROM expense o LEFT JOIN expense x ON x.refund_of = o.id
                        AND x.voided_at IS NULL AND x.id <> e.id
                   WHERE o.id = e.refund_of AND o.currency = e.currency
                   GROUP BY o.id
                   HAVING o.amount_minor = e.amount_minor + coalesce(sum(x.amount_minor), 0))
                END
         FROM expense e JOIN grant_agreement g ON g.id = e.grant_id
         JOIN currency ec ON ec.code = e.currency JOIN currency gc ON gc.code = g.currency";
    let mut currencies: BTreeMap<(String, u32), Currency> = BTreeMap::new();
    let mut currency = |code: String, minor_units: u32| {
        currencies
            .entry((code.clone(), minor_units))
            .or_insert_with(|| Currency::new(&code, minor_units))
            .clone()
    };
    conn.for_each(sql, [], |r| {
        out.examined += 1;
        let id: i64 = r.get(0)?;
        let from = currency(r.get(1)?, r.get(2)?);
        let amount = from.from_minor(r.get(3)?);
        let to = currency(r.get(7)?, r.get(8)?);
        let stored = to.from_minor(r.get(9)?);
        let quote = (r.get(4)?, r.get(5)?, r.get(6)?);
        let expected = match recomputed(amount, &from, quote, &to) {
            Ok(expected) => expected,
            Err(problem) => {
                out.add(format!("expense #{id}"), problem);
                return Ok(());
            }
        };
        let remainder: Option<i64> = r.get(10)?;
        if expected != stored && remainder.map(|m| to.from_minor(m)) != Some(stored) {
            out.add(
                format!("expense #{id}"),
                format!(
                    "{} {} converts to {} {}, but {} {} is stored",
                    from.plain(amount),
                    from.code,
                    to.plain(expected),
                    to.code,
                    to.plain(stored),
                    to.code
                ),
            );
        }
        Ok(())
    })?;
    Ok(out)
}

/// `amount` of `from` in `to` at the stored quote (base, quote, rate), as [`fx::convert`]
/// computed it when the entry was recorded; or what is wrong with the stored quote.
pub(super) fn recomputed(
    amount: Decimal,
    from: &Currency,
    quote: (Option<String>, Option<String>, Option<String>),
    to: &Currency,
) -> std::result::Result<Decimal, String> {
    match quote {
        (Some(base), Some(quote), Some(rate)) => {
            let Ok(rate) = Decimal::from_str(&rate) else {
                return Err(format!("stored rate {rate:?} is not a number"));
            };
            fx::convert(amount, from, &Quote { base, quote, rate }, to).map_err(|e| e.message)
        }
        _ if from.code == to.code => Ok(amount),
        _ => Err(format!(
            "in {} against a {} grant, but no rate is stored with it",
            from.code, to.code
        )),
    }
}
