//! Signed contracts and purchase orders on budget lines: recorded (refused beyond what the line
//! has available unless a reason is given), drawn down by the expenses that name them, closed
//! when nothing more is due. Reports subtract what is open from what a line has available.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Ledger;
use super::advances::{EVER, Priced};
use super::lookup;
use super::lookup::quote_at;
use super::periods::{check_record_date, reference_taken, refuse_closed_period};
use super::sql::{Conn, Row, params};
use crate::domain::{Commitment, Currency, Grant, NewCommitment};
use crate::error::{Error, Result, field};

/// Every commitment with what was paid of it up to ?1 (a date), and its closing if it came by
/// then; payments are live expenses naming it, net of their refunds.
const COMMITMENT_SELECT: &str = "SELECT c.id, g.reference, l.code, c.vendor, c.reference,
        c.date, c.currency, cc.minor_units, c.amount_minor, c.fx_base, c.fx_quote, c.fx_rate,
        g.currency, gc.minor_units, c.grant_amount_minor, c.description, c.over_commit_reason,
        c.office, c.recorded_at,
        CASE WHEN c.closed_on <= ?1 THEN c.closed_on END,
        CASE WHEN c.closed_on <= ?1 THEN c.close_reason END,
        (SELECT coalesce(sum(CASE e.kind WHEN 'refund' THEN -e.amount_minor
                             ELSE e.amount_minor END), 0)
         FROM expense e WHERE e.commitment_id = c.id AND e.voided_at IS NULL AND e.date <= ?1),
        (SELECT coalesce(sum(e.spend_minor), 0)
         FROM expense e WHERE e.commitment_id = c.id AND e.voided_at IS NULL AND e.date <= ?1)
    FROM commitment c JOIN grant_agreement g ON g.id = c.grant_id
    JOIN budget_line l ON l.id = c.line_id
    JOIN currency cc ON cc.code = c.currency
    JOIN currency gc ON gc.code = g.currency";

impl Ledger {
    /// Record a commitment on a line. One that takes more than the line has available (its
    /// budget less what it spent and what other commitments hold open) is refused unless
    /// `over_commit` gives the reason, which is kept with it and audited.
    pub fn add_commitment(&mut self, new: &NewCommitment) -> Result<Commitment> {
        self.write(|w| {
            let conn = w.conn();
            let grant = lookup::grant(conn, &new.grant).map_err(field("grant"))?;
            let line_id = lookup::line_id(conn, &grant, &new.line).map_err(field("line"))?;
            let recording = "record a commitment dated";
            check_record_date(conn, &grant, "commitment", recording, new.date)?;
            let taken: bool = conn.one(
                "SELECT EXISTS (SELECT 1 FROM commitment WHERE grant_id = ?1 AND reference = ?2)",
                params![grant.id, new.reference.trim()],
            )?;
            if taken {
                let listing = "commitment list";
                return Err(reference_taken(
                    "commitment",
                    &new.reference,
                    &grant,
                    listing,
                ));
            }
            let given = (new.currency.as_deref(), new.rate, new.rate_base.as_deref());
            let (priced, grant_amount) = Priced::amount(
                conn,
                &grant,
                given,
                new.date,
                new.amount,
                "commitment amount",
            )?;
            let available = line_available(conn, &grant, line_id)?;
            let reason = new.over_commit.as_deref().map(str::trim);
            if grant_amount > available && reason.is_none_or(str::is_empty) {
                let c = &grant.currency;
                return Err(Error::invalid(format!(
                    "line {} of grant {} has {} {} available (budget less spent and open \
                     commitments), and this commitment takes {} {}; check the amount, or \
                     accept it with --over-commit \"REASON\" (kept with it and audited)",
                    new.line,
                    grant.reference,
                    c.plain(available),
                    c.code,
                    c.plain(grant_amount),
                    c.code
                ))
                .in_field("amount"));
            }
            let office = w.entry_office(&grant, new.office.as_deref())?;
            let id = conn.insert(
                "INSERT INTO commitment (grant_id, line_id, vendor, reference, date, currency,
                     amount_minor, fx_base, fx_quote, fx_rate, grant_amount_minor, description,
                     over_commit_reason, office, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                params![
                    grant.id,
                    line_id,
                    new.vendor.trim(),
                    new.reference.trim(),
                    new.date,
                    priced.currency.code,
                    priced.currency.to_minor(new.amount)?,
                    priced.quote.as_ref().map(|q| &q.base),
                    priced.quote.as_ref().map(|q| &q.quote),
                    priced.quote.as_ref().map(|q| q.rate.to_string()),
                    grant.currency.to_minor(grant_amount)?,
                    new.description,
                    reason.filter(|r| !r.is_empty() && grant_amount > available),
                    office,
                    w.at,
                ],
            )?;
            let after = find(conn, id)?;
            w.audit(
                "add",
                "commitment",
                &key(&after),
                None::<&Commitment>,
                Some(&after),
            )?;
            Ok(after)
        })
    }

    /// Close a commitment: nothing more is due on it from `date` on.
    pub fn close_commitment(
        &mut self,
        grant: &str,
        reference: &str,
        date: NaiveDate,
        reason: &str,
    ) -> Result<Commitment> {
        self.write(|w| {
            let conn = w.conn();
            let grant = lookup::grant(conn, grant).map_err(field("grant"))?;
            let before = commitment_named(conn, &grant, reference)?;
            if let Some(on) = before.closed_on {
                return Err(Error::invalid(format!(
                    "commitment {} was already closed on {on}",
                    before.reference
                )));
            }
            if date < before.date {
                return Err(Error::invalid(format!(
                    "commitment {} was signed on {}; it cannot close before, on {date}",
                    before.reference, before.date
                ))
                .in_field("date"));
            }
            refuse_closed_period(conn, &grant, date, "close a commitment on")
                .map_err(field("date"))?;
            conn.execute(
                "UPDATE commitment SET closed_on = ?1, close_reason = ?2 WHERE id = ?3",
                params![date, reason, before.id],
            )?;
            let after = find(conn, before.id)?;
            w.audit(
                "close",
                "commitment",
                &key(&after),
                Some(&before),
                Some(&after),
            )?;
            Ok(after)
        })
    }

    /// Commitments of one grant or all, as they stood on `as_of` (signed by then), by grant,
    /// line and date.
    pub fn commitments(&self, grant: Option<&str>, as_of: NaiveDate) -> Result<Vec<Commitment>> {
        if let Some(g) = grant {
            lookup::grant(&self.conn, g)?;
        }
        commitments_where(
            &self.conn,
            "(?2 IS NULL OR g.reference = ?2) AND c.date <= ?1",
            params![as_of, grant],
        )
    }

    /// What `grant`'s commitments held open on `as_of`, by line code, in the grant's currency.
    pub fn open_commitments(
        &self,
        grant: &Grant,
        as_of: NaiveDate,
    ) -> Result<Vec<(String, Decimal)>> {
        let mut by_line: Vec<(String, Decimal)> = Vec::new();
        let list = commitments_where(
            &self.conn,
            "c.grant_id = ?2 AND c.date <= ?1",
            params![as_of, grant.id],
        )?;
        for c in list {
            let open = c.open_in_grant()?;
            match by_line.iter_mut().find(|(line, _)| *line == c.line) {
                Some((_, sum)) => *sum += open,
                None => by_line.push((c.line.clone(), open)),
            }
        }
        Ok(by_line)
    }
}

fn key(c: &Commitment) -> String {
    format!("{}/{}", c.grant, c.reference)
}

/// What a line has available now: its latest budget, less every live expense on it and what
/// its commitments hold open.
fn line_available(conn: &Conn, grant: &Grant, line_id: i64) -> Result<Decimal> {
    let (budget, spent): (i64, i64) = conn.query_row(
        "SELECT coalesce((SELECT a.amount_minor FROM budget_amount a
                 JOIN budget_revision r ON r.id = a.revision_id
                 WHERE a.line_id = ?1 ORDER BY r.number DESC LIMIT 1), 0),
             (SELECT coalesce(sum(spend_minor), 0) FROM expense
                 WHERE line_id = ?1 AND voided_at IS NULL)",
        [line_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut open = Decimal::ZERO;
    for c in commitments_where(conn, "c.line_id = ?2", params![EVER, line_id])? {
        open += c.open_in_grant()?;
    }
    let c = &grant.currency;
    Ok(c.from_minor(budget) - c.from_minor(spent) - open)
}

/// The commitment of `grant` holding `reference`, with everything paid of it.
pub(super) fn commitment_named(conn: &Conn, grant: &Grant, reference: &str) -> Result<Commitment> {
    commitments_where(
        conn,
        "c.grant_id = ?2 AND c.reference = ?3",
        params![EVER, grant.id, reference.trim()],
    )?
    .pop()
    .ok_or_else(|| {
        Error::invalid(format!(
            "no commitment {reference:?} on grant {}; see `grantbook commitment list --grant {}`",
            grant.reference, grant.reference
        ))
        .in_field("commitment")
    })
}

fn find(conn: &Conn, id: i64) -> Result<Commitment> {
    commitments_where(conn, "c.id = ?2", params![EVER, id])?
        .pop()
        .ok_or_else(|| Error::runtime("a commitment just written cannot be read back"))
}

/// The commitments meeting `condition`, one of this module's own constant conditions (never
/// text from outside: values go in as parameters ?2 and on).
fn commitments_where(
    conn: &Conn,
    condition: &'static str,
    values: impl crate::db::sql::Params,
) -> Result<Vec<Commitment>> {
    conn.query_map(
        &format!(
            "{COMMITMENT_SELECT} WHERE {condition} ORDER BY g.reference, l.code, c.date, c.id"
        ),
        values,
        commitment_from_row,
    )
}

fn commitment_from_row(r: &Row) -> Result<Commitment> {
    let currency = Currency::new(&r.get::<_, String>(6)?, r.get(7)?);
    let grant_currency = Currency::new(&r.get::<_, String>(12)?, r.get(13)?);
    Ok(Commitment {
        id: r.get(0)?,
        grant: r.get(1)?,
        line: r.get(2)?,
        vendor: r.get(3)?,
        reference: r.get(4)?,
        date: r.get(5)?,
        amount: currency.from_minor(r.get(8)?),
        rate: quote_at(r, 9)?,
        grant_amount: grant_currency.from_minor(r.get(14)?),
        description: r.get(15)?,
        over_commit_reason: r.get(16)?,
        office: r.get(17)?,
        recorded_at: r.get(18)?,
        closed_on: r.get(19)?,
        close_reason: r.get(20)?,
        paid: currency.from_minor(r.get(21)?),
        paid_in_grant: grant_currency.from_minor(r.get(22)?),
        currency,
        grant_currency,
    })
}
