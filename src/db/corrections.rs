//! Mistakes put right without rewriting history: a correction voids an entry and records the
//! corrected one, with the same voucher and a link back, in one audited step. Only open
//! periods change; a closed period keeps the figures that were reported from it. `expense
//! reprice` is corrections in bulk: entries converted at a stored rate since replaced,
//! converted again at the rate the table now holds.

use super::expense_book::ExpenseBook;
use super::expenses::refuse_with_live_refunds;
use super::expenses::{EXPENSE_SELECT, expense_from_row, expense_key, find_expense};
use super::fx::RateTable;
use super::lookup;
use super::periods::refuse_closed_period;
use super::{Ledger, Writer};
use crate::db::sql::{Conn, params};
use crate::domain::{DateRange, Expense, ExpenseRef, Grant, NewExpense};
use crate::error::{Error, Result};

impl Ledger {
    /// Void expense `id` and record `corrected` in its place, linked to it. Returns the voided
    /// original and the corrected entry.
    pub fn correct_expense(
        &mut self,
        id: i64,
        corrected: &NewExpense,
        reason: &str,
    ) -> Result<(Expense, Expense)> {
        self.write(|w| correct(w, id, corrected, reason))
    }

    /// Convert again, at the rate the table holds in force on their dates, the live expenses
    /// of `grant` dated inside `window` that were converted at a stored rate the table no
    /// longer holds: each is corrected (voided and recorded again with its voucher), all in
    /// one step. Refused, with nothing changed, when one of them is dated in a closed period.
    pub fn reprice(
        &mut self,
        grant: &str,
        window: DateRange,
        reason: &str,
    ) -> Result<Vec<(Expense, Expense)>> {
        self.write(|w| {
            let conn = w.conn();
            let grant = lookup::grant(conn, grant)?;
            let stale = stale_quotes(conn, &grant, window)?;
            for e in &stale {
                refuse_closed_period(conn, &grant, e.date, "convert again an expense dated")?;
            }
            stale
                .iter()
                .map(|e| correct(w, e.id, &at_todays_table(e), reason))
                .collect()
        })
    }

    /// Each correction of `grant`'s entries: the voided entry beside the one that replaced it,
    /// in the order they were made (read through the corrections' own index).
    pub fn corrections(&self, grant: &Grant) -> Result<Vec<(Expense, Expense)>> {
        let sql = &format!(
            "{EXPENSE_SELECT} WHERE e.corrects IS NOT NULL AND e.grant_id = ?1 ORDER BY e.id"
        );
        let corrected = self.conn.query_map(sql, [grant.id], expense_from_row)?;
        corrected
            .into_iter()
            .map(|new| {
                let old = find_expense(&self.conn, new.corrects.unwrap_or(new.id))?;
                Ok((old, new))
            })
            .collect()
    }

    /// The entry that corrected voided expense `id`, if one did.
    pub fn corrected_by(&self, id: i64) -> Result<Option<i64>> {
        corrected_by(&self.conn, id)
    }
}

fn correct(
    w: &Writer,
    id: i64,
    corrected: &NewExpense,
    reason: &str,
) -> Result<(Expense, Expense)> {
    let conn = w.conn();
    let before = find_expense(conn, id)?;
    if let Some(void) = &before.void {
        let by = corrected_by(conn, id)?
            .map(|n| format!("; it was corrected by expense #{n}: correct that one"))
            .unwrap_or_default();
        return Err(Error::invalid(format!(
            "expense #{id} was voided on {} ({}){by}",
            void.at, void.reason
        )));
    }
    if corrected.grant != before.grant || corrected.voucher != before.voucher {
        return Err(Error::invalid(format!(
            "a correction keeps the grant and voucher of expense #{id} ({} {}); to move it, \
             void it and record it again on the other grant",
            before.grant, before.voucher
        )));
    }
    let grant = lookup::grant(conn, &before.grant)?;
    for (date, which) in [(before.date, "an expense dated"), (corrected.date, "it to")] {
        refuse_closed_period(conn, &grant, date, &format!("correct {which}")).map_err(
            |mut e| {
                e.message.push_str(&format!(
                    ". To put it right without reopening, record a refund (`grantbook expense \
                 refund --of {id} ...`) or an adjusting entry dated in an open period"
                ));
                e
            },
        )?;
    }
    refuse_with_live_refunds(conn, &before, "correct")?;
    // The corrected entry stays the office's that recorded the one it replaces.
    let office = match before.office.as_deref() {
        Some(office) => super::Recording::By(Some(office)),
        None => w.office,
    };
    let mut book = ExpenseBook::new(conn)?.recording_for(office);
    book.void(id, &format!("corrected: {reason}"), &w.at)?;
    let mut checked = book.check(corrected)?;
    checked.corrects = Some(id);
    let new_id = book.insert(&checked, &w.at)?;
    let after = find_expense(conn, new_id)?;
    if same_entry(&before, &after) {
        return Err(Error::invalid(format!(
            "the correction changes nothing of expense #{id}; give the fields that differ \
             (--amount, --date, --line, --payee, ...)"
        )));
    }
    w.audit(
        "correct",
        "expense",
        &expense_key(&after),
        Some(&before),
        Some(&after),
    )?;
    Ok((find_expense(conn, id)?, after))
}

/// Live expenses of `grant` inside `window` converted at a stored rate that is not the rate
/// the table holds in force on their date (compared either way round, as `check` does).
fn stale_quotes(conn: &Conn, grant: &Grant, window: DateRange) -> Result<Vec<Expense>> {
    let sql = &format!(
        "{EXPENSE_SELECT}
         WHERE e.grant_id = ?1 AND e.voided_at IS NULL AND e.fx_source = 'stored'
           AND e.date BETWEEN ?2 AND ?3
         ORDER BY e.date, e.id"
    );
    let rows = conn.query_map(
        sql,
        params![grant.id, window.start, window.end],
        expense_from_row,
    )?;
    let mut table = RateTable::new(conn);
    let mut stale = Vec::new();
    for e in rows {
        let in_force = table.in_force(&e.currency.code, &e.grant_currency.code, e.date)?;
        let current = match (&e.rate, in_force) {
            (Some(used), Some(t)) => used.same_rate(&t.quote()),
            _ => false,
        };
        if !current {
            stale.push(e);
        }
    }
    Ok(stale)
}

/// The entry as it was, to be converted at the rate the table holds on its date.
fn at_todays_table(e: &Expense) -> NewExpense {
    NewExpense {
        grant: e.grant.clone(),
        line: e.line.clone(),
        kind: e.kind,
        date: e.date,
        amount: e.amount,
        currency: Some(e.currency.code.clone()),
        rate: None,
        rate_base: None,
        force_rate: false,
        payee: e.payee.clone(),
        voucher: e.voucher.clone(),
        country: Some(e.country.clone()),
        description: e.description.clone(),
        refund_of: e.refund_of.map(ExpenseRef::Id),
        office: e.office.clone(),
        advance: e.advance.clone(),
        commitment: e.commitment.clone(),
        allocate: None,
    }
}

fn corrected_by(conn: &Conn, id: i64) -> Result<Option<i64>> {
    conn.query_opt("SELECT id FROM expense WHERE corrects = ?1", [id], |r| {
        r.get(0)
    })
}

/// Whether a correction recorded what was already there, field for field.
fn same_entry(a: &Expense, b: &Expense) -> bool {
    a.line == b.line
        && a.kind == b.kind
        && a.date == b.date
        && a.amount == b.amount
        && a.currency == b.currency
        && a.rate == b.rate
        && a.grant_amount == b.grant_amount
        && a.payee == b.payee
        && a.country == b.country
        && a.description == b.description
        && a.refund_of == b.refund_of
}
