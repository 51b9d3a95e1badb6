//! Mistakes put right without rewriting history: a correction voids an entry and records the
//! corrected one, with the same voucher and a link back, in one audited step. Only open
//! periods change; a closed period keeps the figures that were reported from it.

use super::Ledger;
use super::expense_book::ExpenseBook;
use super::expenses::{expense_key, find_expense, refuse_with_live_refunds};
use super::lookup;
use super::periods::refuse_closed_period;
use crate::domain::{Expense, NewExpense};
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
        self.write(|w| {
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
                    "a correction keeps the grant and voucher of expense #{id} ({} {}); to move \
                     it, void it and record it again on the other grant",
                    before.grant, before.voucher
                )));
            }
            let grant = lookup::grant(conn, &before.grant)?;
            for (date, which) in [(before.date, "an expense dated"), (corrected.date, "it to")] {
                refuse_closed_period(conn, &grant, date, &format!("correct {which}")).map_err(
                    |mut e| {
                        e.message.push_str(&format!(
                            ". To put it right without reopening, record a refund \
                             (`grantbook expense refund --of {id} ...`) or an adjusting entry \
                             dated in an open period"
                        ));
                        e
                    },
                )?;
            }
            refuse_with_live_refunds(conn, &before, "correct")?;
            let mut book = ExpenseBook::new(conn)?;
            book.void(id, &format!("corrected: {reason}"), &w.at)?;
            let mut checked = book.check(corrected)?;
            checked.corrects = Some(id);
            let new_id = book.insert(&checked, &w.at)?;
            let after = find_expense(conn, new_id)?;
            if same_entry(&before, &after) {
                return Err(Error::invalid(format!(
                    "the correction changes nothing of expense #{id}; give the fields that \
                     differ (--amount, --date, --line, --payee, ...)"
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
        })
    }

    /// The entry that corrected voided expense `id`, if one did.
    pub fn corrected_by(&self, id: i64) -> Result<Option<i64>> {
        corrected_by(&self.conn, id)
    }
}

fn corrected_by(conn: &rusqlite::Connection, id: i64) -> Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT id FROM expense WHERE corrects = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
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
