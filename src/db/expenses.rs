//! Expenses: recorded with the rate they used, listed, voided with a reason, never deleted.

use super::Ledger;
use super::expense_book::ExpenseBook;
use super::lookup::{self, quote_at, vocabulary};
use super::periods::{find_period, refuse_closed_period};
use crate::db::sql::{Conn, Row, params};
use crate::domain::{Currency, Expense, ExpenseFilter, ExpenseKind, NewExpense, Void};
use crate::error::{Error, Result};

pub(super) const EXPENSE_SELECT: &str =
    "SELECT e.id, g.reference, l.code, e.kind, e.date, e.currency,
        ec.minor_units, e.amount_minor, e.fx_base, e.fx_quote, e.fx_rate, e.grant_amount_minor,
        g.currency, gc.minor_units, e.payee, e.voucher, e.country, e.description,
        e.recorded_at, e.voided_at, e.void_reason, e.refund_of, e.corrects,
        e.fx_source, e.office, adv.reference, com.reference, e.allocation_id
    FROM expense e
    JOIN grant_agreement g ON g.id = e.grant_id
    JOIN budget_line l ON l.id = e.line_id
    JOIN currency ec ON ec.code = e.currency
    JOIN currency gc ON gc.code = g.currency
    LEFT JOIN advance adv ON adv.id = e.advance_id
    LEFT JOIN commitment com ON com.id = e.commitment_id";

impl Ledger {
    pub fn add_expense(&mut self, new: &NewExpense) -> Result<Expense> {
        self.write(|w| {
            let mut book = ExpenseBook::new(w.conn())?.recording_for(w.office);
            let checked = book.check(new)?;
            let id = book.insert(&checked, &w.at)?;
            let expense = find_expense(w.conn(), id)?;
            w.audit(
                "add",
                "expense",
                &expense_key(&expense),
                None::<&Expense>,
                Some(&expense),
            )?;
            Ok(expense)
        })
    }

    pub fn expense(&self, id: i64) -> Result<Expense> {
        find_expense(&self.conn, id)
    }

    pub fn expense_by_voucher(&self, reference: &str, voucher: &str) -> Result<Expense> {
        let grant = lookup::grant(&self.conn, reference)?;
        let id: Option<i64> = self.conn.query_opt(
            "SELECT id FROM expense WHERE grant_id = ?1 AND voucher = ?2
                 ORDER BY live_key = 0 DESC, id DESC LIMIT 1",
            params![grant.id, voucher],
            |r| r.get(0),
        )?;
        let id = id.ok_or_else(|| {
            Error::invalid(format!(
                "grant {reference} has no expense with voucher {voucher:?}"
            ))
        })?;
        find_expense(&self.conn, id)
    }

    /// The expense holding `voucher` on whichever grant has one: its live entry, else the latest
    /// voided one. Several grants with the voucher are an error that names them.
    pub fn expense_by_voucher_anywhere(&self, voucher: &str) -> Result<Expense> {
        let grants: Vec<String> = self.conn.query_map(
            "SELECT DISTINCT g.reference FROM expense e
                 JOIN grant_agreement g ON g.id = e.grant_id WHERE e.voucher = ?1
                 ORDER BY g.reference",
            [voucher],
            |r| r.get(0),
        )?;
        match grants.as_slice() {
            [] => Err(Error::invalid(format!(
                "no expense has the id or voucher {voucher:?}; `grantbook expense list` shows them"
            ))),
            [grant] => self.expense_by_voucher(grant, voucher),
            several => Err(Error::invalid(format!(
                "voucher {voucher:?} is on grants {}; say which with --grant",
                several.join(", ")
            ))),
        }
    }

    /// Void an expense now, or at `when` (UTC, `YYYY-MM-DDTHH:MM:SSZ`) when an import restores
    /// a void made earlier.
    pub fn void_expense(&mut self, id: i64, reason: &str, when: Option<&str>) -> Result<Expense> {
        self.write(|w| {
            let at = when.unwrap_or(&w.at);
            let conn = w.conn();
            let before = find_expense(conn, id)?;
            if let Some(void) = &before.void {
                return Err(Error::invalid(format!(
                    "expense #{id} was already voided on {} ({})",
                    void.at, void.reason
                )));
            }
            // A part of a shared cost is voided with every other part of its voucher.
            let targets = match before.allocation {
                Some(payment) => super::allocations::parts_of(conn, payment)?
                    .into_iter()
                    .filter(|p| p.void.is_none())
                    .collect(),
                None => vec![before],
            };
            for target in &targets {
                let grant = lookup::grant(conn, &target.grant)?;
                refuse_closed_period(conn, &grant, target.date, "void an expense dated")?;
                refuse_with_live_refunds(conn, target, "void")?;
            }
            let book = ExpenseBook::new(conn)?;
            for target in &targets {
                book.void(target.id, reason, at)?;
                let after = find_expense(conn, target.id)?;
                w.audit(
                    "void",
                    "expense",
                    &expense_key(&after),
                    Some(target),
                    Some(&after),
                )?;
            }
            let after = find_expense(conn, id)?;
            Ok(after)
        })
    }

    pub fn expenses(&self, filter: &ExpenseFilter) -> Result<Vec<Expense>> {
        let grant = filter
            .grant
            .as_deref()
            .map(|r| lookup::grant(&self.conn, r))
            .transpose()?;
        let needs_grant =
            |what: &str| Error::invalid(format!("--{what} needs --grant: codes are per grant"));
        let line_id = match (&filter.line, &grant) {
            (Some(code), Some(g)) => Some(lookup::line_id(&self.conn, g, code)?),
            (Some(_), None) => return Err(needs_grant("line")),
            _ => None,
        };
        let (mut from, mut to) = (filter.from, filter.to);
        match (&filter.period, &grant) {
            (Some(code), Some(g)) => {
                let period = find_period(&self.conn, g, code)?;
                from = from.max(Some(period.start));
                to = Some(to.map_or(period.end, |t| t.min(period.end)));
            }
            (Some(_), None) => return Err(needs_grant("period")),
            _ => {}
        }
        let sql = format!(
            "{EXPENSE_SELECT}
             WHERE (?1 IS NULL OR e.grant_id = ?1) AND (?2 IS NULL OR e.line_id = ?2)
               AND (?3 IS NULL OR e.date >= ?3) AND (?4 IS NULL OR e.date <= ?4)
               AND (?5 IS NULL OR e.country = ?5) AND (?6 OR e.voided_at IS NULL)
               AND (?7 IS NULL OR e.voucher = ?7)
               AND (?8 IS NULL OR instr(lower(e.payee), lower(?8)) > 0)
               AND (?9 IS NULL OR e.office = ?9)
             ORDER BY g.reference, e.date, e.id"
        );
        let sql = &sql;
        let rows = self.conn.query_map(
            sql,
            params![
                grant.map(|g| g.id),
                line_id,
                from,
                to,
                filter.country,
                filter.include_void,
                filter.voucher,
                filter.payee,
                filter.office
            ],
            expense_from_row,
        )?;
        Ok(rows)
    }
}

/// An expense that money has come back on cannot be voided or corrected under its refunds:
/// they would reverse an entry that no longer counts.
pub(super) fn refuse_with_live_refunds(conn: &Conn, e: &Expense, what: &str) -> Result<()> {
    let refunds: Vec<i64> = conn.query_map(
        "SELECT id FROM expense WHERE refund_of = ?1 AND voided_at IS NULL ORDER BY id",
        [e.id],
        |r| r.get(0),
    )?;
    if refunds.is_empty() {
        return Ok(());
    }
    let named: Vec<String> = refunds.iter().map(|id| format!("#{id}")).collect();
    Err(Error::invalid(format!(
        "cannot {what} expense #{}: refund{} {} reverse{} it; void {} first (`grantbook expense \
         void {} --reason ...`)",
        e.id,
        if refunds.len() == 1 { "" } else { "s" },
        named.join(", "),
        if refunds.len() == 1 { "s" } else { "" },
        if refunds.len() == 1 { "it" } else { "them" },
        refunds[0]
    )))
}

pub(super) fn expense_key(e: &Expense) -> String {
    format!("#{} {} {}", e.id, e.grant, e.voucher)
}

pub(super) fn find_expense(conn: &Conn, id: i64) -> Result<Expense> {
    conn.query_opt(
        &format!("{EXPENSE_SELECT} WHERE e.id = ?1"),
        [id],
        expense_from_row,
    )?
    .ok_or_else(|| {
        Error::invalid(format!(
            "no expense #{id}; `grantbook expense list` shows the ids"
        ))
    })
}

pub(super) fn expense_from_row(r: &Row) -> Result<Expense> {
    let currency = Currency::new(&r.get::<_, String>(5)?, r.get(6)?);
    let grant_currency = Currency::new(&r.get::<_, String>(12)?, r.get(13)?);
    let rate = quote_at(r, 8)?;
    let void = match (
        r.get::<_, Option<String>>(19)?,
        r.get::<_, Option<String>>(20)?,
    ) {
        (Some(at), Some(reason)) => Some(Void { at, reason }),
        _ => None,
    };
    Ok(Expense {
        id: r.get(0)?,
        grant: r.get(1)?,
        line: r.get(2)?,
        kind: vocabulary(r, 3, ExpenseKind::parse)?,
        date: r.get(4)?,
        amount: currency.from_minor(r.get(7)?),
        currency,
        rate,
        grant_amount: grant_currency.from_minor(r.get(11)?),
        grant_currency,
        payee: r.get(14)?,
        voucher: r.get(15)?,
        country: r.get(16)?,
        description: r.get(17)?,
        recorded_at: r.get(18)?,
        void,
        refund_of: r.get(21)?,
        corrects: r.get(22)?,
        rate_given: r
            .get::<_, Option<String>>(23)?
            .map(|source| source != "stored"),
        office: r.get(24)?,
        advance: r.get(25)?,
        commitment: r.get(26)?,
        allocation: r.get(27)?,
    })
}
