//! What a refund is checked against: the expense it reverses and what of it is left.

use rust_decimal::Decimal;

use super::super::expenses::find_expense;
use super::ExpenseBook;
use crate::db::sql::params;
use crate::domain::{Currency, Expense, ExpenseKind, ExpenseRef, Grant, NewExpense};
use crate::error::{Error, Result};

/// The expense a refund reverses, and what of it has not come back yet.
pub(super) struct Reversed {
    pub expense: Expense,
    /// In the grant's currency.
    pub left: Decimal,
    /// In the expense's own currency, counting the refunds made in it.
    pub left_paid: Decimal,
}

impl ExpenseBook<'_> {
    /// The expense `of` names on `grant`, if a refund may reverse it, with what is left of it.
    pub(super) fn reversed(&self, grant: &Grant, of: &ExpenseRef) -> Result<Reversed> {
        let expense = match of {
            ExpenseRef::Id(id) => find_expense(self.conn, *id)?,
            ExpenseRef::Voucher(voucher) => self.recorded(grant, voucher)?.ok_or_else(|| {
                Error::invalid(format!(
                    "grant {} has no live expense with voucher {voucher:?} for the refund to \
                     reverse; check the voucher, or leave refund_of empty",
                    grant.reference
                ))
            })?,
        };
        if expense.grant != grant.reference {
            return Err(Error::invalid(format!(
                "expense #{} is on grant {}, not {}; a refund goes back to the grant that paid",
                expense.id, expense.grant, grant.reference
            )));
        }
        if let Some(void) = &expense.void {
            return Err(Error::invalid(format!(
                "expense #{} was voided on {} ({}): it counts nowhere, so nothing can come back \
                 on it; record the refund without --of",
                expense.id, void.at, void.reason
            )));
        }
        if expense.kind == ExpenseKind::Refund {
            return Err(Error::invalid(format!(
                "#{} is itself a refund; name the expense it reverses (#{})",
                expense.id,
                expense.refund_of.unwrap_or(expense.id)
            )));
        }
        let (back, back_paid): (i64, i64) = self.conn.query_row(
            "SELECT coalesce(sum(grant_amount_minor), 0),
                        coalesce(sum(CASE WHEN currency = ?2 THEN amount_minor END), 0)
                 FROM expense WHERE refund_of = ?1 AND voided_at IS NULL",
            params![expense.id, expense.currency.code],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Reversed {
            left: expense.grant_amount - expense.grant_currency.from_minor(back),
            left_paid: expense.amount - expense.currency.from_minor(back_paid),
            expense,
        })
    }
}

/// Whether a refund given with a rate names exactly the quote its expense was converted at (an
/// export of the ledger writes every quote out, so a refund read back from it gives one).
pub(super) fn at_its_rate(new: &NewExpense, original: &Expense, grant: &Grant) -> bool {
    let base = new.rate_base.as_deref().unwrap_or(&grant.currency.code);
    original
        .rate
        .as_ref()
        .is_some_and(|q| Some(q.rate) == new.rate && q.base == base)
}

/// A refund takes back at most what is left of the expense it reverses: in the grant's
/// currency, and in the expense's own when it comes back in that.
pub(super) fn check_refund_within(
    r: &Reversed,
    amount: Decimal,
    currency: &Currency,
    grant_amount: Decimal,
    same_money: bool,
) -> Result<()> {
    let o = &r.expense;
    let too_much = if same_money {
        amount > r.left_paid
    } else {
        grant_amount > r.left
    };
    if !too_much {
        return Ok(());
    }
    let left = if same_money {
        format!("{} {}", currency.plain(r.left_paid), currency.code)
    } else {
        format!(
            "{} {}",
            o.grant_currency.plain(r.left),
            o.grant_currency.code
        )
    };
    let asked = if same_money {
        format!("{} {}", currency.plain(amount), currency.code)
    } else {
        format!(
            "{} {} ({} {})",
            currency.plain(amount),
            currency.code,
            o.grant_currency.plain(grant_amount),
            o.grant_currency.code
        )
    };
    Err(Error::invalid(format!(
        "a refund of {asked} is more than is left of expense #{} ({} {} paid, {left} not yet \
         refunded); check the amount",
        o.id,
        o.currency.plain(o.amount),
        o.currency.code
    )))
}
