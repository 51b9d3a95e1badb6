//! A shared cost put right as one voucher: money that comes back on it is split over its parts
//! as the payment was, and a correction voids every part and splits the corrected voucher again.

use rust_decimal::Decimal;

use super::super::expense_book::ExpenseBook;
use super::super::expenses::{expense_key, find_expense, refuse_with_live_refunds};
use super::super::lookup;
use super::super::periods::refuse_closed_period;
use super::super::{Ledger, Writer};
use super::{allocation_parts, audit_parts, parts_of};
use crate::db::sql::Conn;
use crate::domain::{Expense, ExpenseKind, ExpenseRef, NewExpense};
use crate::error::{Error, Result};

impl Ledger {
    /// The key and the amount (in the currency paid) of the shared-cost payment `payment`.
    pub fn allocated_payment(&self, payment: i64) -> Result<(String, Decimal)> {
        let parts = live_parts(&self.conn, payment)?;
        let key: String = self.conn.one(
            "SELECT k.code FROM allocated_payment p JOIN allocation_key k ON k.id = p.key_id
             WHERE p.id = ?1",
            [payment],
        )?;
        Ok((key, parts.iter().map(|p| p.amount).sum()))
    }

    /// Record money that came back on a shared-cost voucher (`new.refund_of` names one of its
    /// parts): split over its live parts in proportion to them, each part's share a refund of
    /// that part, the shares adding up to the amount to the cent.
    pub fn refund_allocated(&mut self, new: &NewExpense) -> Result<Vec<Expense>> {
        let Some(ExpenseRef::Id(of)) = new.refund_of else {
            return Err(Error::invalid(
                "name the part the money came back on with --of ID",
            ));
        };
        self.write(|w| {
            let conn = w.conn();
            let parts = live_parts(conn, payment_of(conn, of)?)?;
            let currency = parts[0].currency.clone();
            if new.currency.as_ref().is_some_and(|c| *c != currency.code) {
                return Err(Error::invalid(format!(
                    "a shared cost comes back in the currency it was paid in, {}",
                    currency.code
                ))
                .in_field("currency"));
            }
            currency
                .check_amount("refund amount", new.amount)
                .map_err(|e| e.in_field("amount"))?;
            let total: Decimal = parts.iter().map(|p| p.amount).sum();
            let exact: Vec<Decimal> = parts
                .iter()
                .map(|p| new.amount * p.amount / total)
                .collect();
            let shares = currency.largest_remainder(&exact, new.amount);
            let mut book = ExpenseBook::new(conn)?.recording_for(w.office);
            let mut ids = Vec::new();
            for (part, amount) in parts.iter().zip(shares).filter(|(_, a)| !a.is_zero()) {
                let refund = NewExpense {
                    grant: part.grant.clone(),
                    line: String::new(),
                    amount,
                    currency: Some(currency.code.clone()),
                    refund_of: Some(ExpenseRef::Id(part.id)),
                    ..new.clone()
                };
                let checked = book.check(&refund)?;
                ids.push(book.insert(&checked, &w.at)?);
            }
            audit_parts(w, &ids)
        })
    }

    /// Correct a shared-cost voucher (`part` is one of its parts): every live part is voided
    /// and `corrected` (the whole voucher, `allocate` naming its key) split again, each new
    /// part correcting the old part of its grant where there was one.
    pub fn correct_allocated(
        &mut self,
        part: i64,
        corrected: &NewExpense,
        reason: &str,
    ) -> Result<Vec<Expense>> {
        self.write(|w| {
            let conn = w.conn();
            let before = live_parts(conn, payment_of(conn, part)?)?;
            for p in &before {
                let grant = lookup::grant(conn, &p.grant)?;
                for (date, which) in [(p.date, "an expense dated"), (corrected.date, "it to")] {
                    refuse_closed_period(conn, &grant, date, &format!("correct {which}"))?;
                }
                refuse_with_live_refunds(conn, p, "correct")?;
            }
            let mut book = ExpenseBook::new(conn)?.recording_for(w.office);
            for p in &before {
                book.void(p.id, &format!("corrected: {reason}"), &w.at)?;
            }
            let (payment, parts) = allocation_parts(conn, corrected, &w.at)?;
            let mut after = Vec::new();
            for new in &parts {
                let mut checked = book.check(new)?;
                checked.allocation_id = Some(payment);
                let replaced = before.iter().find(|p| p.grant == new.grant);
                checked.corrects = replaced.map(|p| p.id);
                let id = book.insert(&checked, &w.at)?;
                after.push(find_expense(conn, id)?);
            }
            audit_correction(w, &before, &after)?;
            Ok(after)
        })
    }
}

/// Each new part audited as the correction of its grant's old part (or as added, on a grant
/// the voucher had no part on), and each old part left without a successor as voided.
fn audit_correction(w: &Writer, before: &[Expense], after: &[Expense]) -> Result<()> {
    for new in after {
        let old = before.iter().find(|p| p.grant == new.grant);
        let action = if old.is_some() { "correct" } else { "add" };
        w.audit(action, "expense", &expense_key(new), old, Some(new))?;
    }
    for old in before
        .iter()
        .filter(|p| !after.iter().any(|n| n.grant == p.grant))
    {
        let voided = find_expense(w.conn(), old.id)?;
        w.audit(
            "void",
            "expense",
            &expense_key(&voided),
            Some(old),
            Some(&voided),
        )?;
    }
    Ok(())
}

/// The shared-cost payment expense `id` is a part of.
fn payment_of(conn: &Conn, id: i64) -> Result<i64> {
    let part = find_expense(conn, id)?;
    if let Some(void) = &part.void {
        return Err(Error::invalid(format!(
            "expense #{id} was voided on {} ({})",
            void.at, void.reason
        )));
    }
    part.allocation
        .ok_or_else(|| Error::invalid(format!("expense #{id} is not a part of a shared cost")))
}

/// The live parts of a payment, refunds left out.
fn live_parts(conn: &Conn, payment: i64) -> Result<Vec<Expense>> {
    let parts: Vec<Expense> = parts_of(conn, payment)?
        .into_iter()
        .filter(|p| p.void.is_none() && p.kind != ExpenseKind::Refund)
        .collect();
    if parts.is_empty() {
        return Err(Error::invalid(format!(
            "shared-cost payment #{payment} has no live part left"
        )));
    }
    Ok(parts)
}
