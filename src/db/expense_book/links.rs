//! An expense that liquidates a partner advance or pays a commitment: what it is checked
//! against. The book reads each advance once and counts what its own rows take of it, so an
//! import's rows together cannot liquidate more than was advanced (on PostgreSQL the rows are
//! only written at the end, so the ledger cannot count them meanwhile).

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::super::advances::advance_named;
use super::super::commitments::commitment_named;
use super::ExpenseBook;
use crate::domain::{
    Advance, Commitment, Currency, Expense, ExpenseKind, Grant, NewExpense, Quote,
};
use crate::error::{Error, Result};

/// What the book has read of advances and commitments, by grant id and reference.
#[derive(Default)]
pub(super) struct Obligations {
    advances: HashMap<(i64, String), Advance>,
    commitments: HashMap<(i64, String), Commitment>,
}

/// The advance and commitment an expense is linked to, once checked.
#[derive(Default)]
pub(in crate::db) struct Links {
    /// The advance's id and reference.
    pub advance: Option<(i64, String)>,
    /// The commitment's id and reference.
    pub commitment: Option<(i64, String)>,
    /// The currency they hold the expense to, if any.
    pub currency: Option<Currency>,
    /// The advance's own conversion into the grant's currency, which its liquidations use so
    /// that what was advanced and what it became count at one rate.
    pub advance_quote: Option<Quote>,
}

impl ExpenseBook<'_> {
    /// The advance and commitment `new` names, or those of the expense a refund reverses.
    pub(super) fn links(
        &mut self,
        grant: &Grant,
        new: &NewExpense,
        original: Option<&Expense>,
    ) -> Result<Links> {
        let advance = new
            .advance
            .as_deref()
            .or(original.and_then(|o| o.advance.as_deref()));
        let commitment = new
            .commitment
            .as_deref()
            .or(original.and_then(|o| o.commitment.as_deref()));
        let mut links = Links::default();
        if let Some(reference) = advance {
            let a = self.advance(grant, reference)?;
            links.advance = Some((a.id, a.reference.clone()));
            links.currency = Some(a.currency.clone());
            links.advance_quote = a.rate.clone();
        }
        if let Some(reference) = commitment {
            let c = self.commitment(grant, reference)?;
            if links
                .currency
                .as_ref()
                .is_some_and(|a| a.code != c.currency.code)
            {
                return Err(Error::invalid(format!(
                    "advance {} is in {} and commitment {} in {}; an expense cannot be both",
                    advance.unwrap_or_default(),
                    links.currency.as_ref().map_or("", |a| &a.code),
                    c.reference,
                    c.currency.code
                ))
                .in_field("commitment"));
            }
            links.commitment = Some((c.id, c.reference.clone()));
            links.currency = Some(c.currency.clone());
        }
        Ok(links)
    }

    /// Refuse an expense that does not fit the advance and commitment it names: another
    /// currency, a day before them, another line, a closed commitment, or more than the
    /// advance has outstanding. `line_code` is the expense's line.
    pub(super) fn check_links(
        &mut self,
        grant: &Grant,
        links: &Links,
        new: &NewExpense,
        line_code: &str,
        currency: &Currency,
    ) -> Result<()> {
        if let Some((_, reference)) = &links.advance {
            let a = self.advance(grant, reference)?;
            same_currency("advance", &a.reference, &a.currency, currency)?;
            not_before("advance", &a.reference, a.date, new.date)?;
            if new.kind != ExpenseKind::Refund {
                a.check_room(new.amount, "liquidate")
                    .map_err(|e| e.in_field("amount"))?;
            }
        }
        if let Some((_, reference)) = &links.commitment {
            let c = self.commitment(grant, reference)?;
            same_currency("commitment", &c.reference, &c.currency, currency)?;
            not_before("commitment", &c.reference, c.date, new.date)?;
            if c.line != line_code {
                return Err(Error::invalid(format!(
                    "commitment {} is on line {}; pay it on that line (--line {})",
                    c.reference, c.line, c.line
                ))
                .in_field("line"));
            }
            if let Some(on) = c.closed_on.filter(|on| *on < new.date) {
                return Err(Error::invalid(format!(
                    "commitment {} was closed on {on}, nothing more is due on it; record the \
                     payment without --commitment, or check the reference",
                    c.reference
                ))
                .in_field("commitment"));
            }
        }
        Ok(())
    }

    /// Count an expense just written against the advance it liquidates.
    pub(super) fn took(
        &mut self,
        grant: &Grant,
        links: &Links,
        kind: ExpenseKind,
        amount: Decimal,
    ) {
        if let Some((_, reference)) = &links.advance {
            let key = (grant.id, reference.clone());
            if let Some(a) = self.obligations.advances.get_mut(&key) {
                a.liquidated += amount * kind.sign();
            }
        }
    }

    fn advance(&mut self, grant: &Grant, reference: &str) -> Result<&Advance> {
        let key = (grant.id, reference.trim().to_string());
        if !self.obligations.advances.contains_key(&key) {
            let a = advance_named(self.conn, grant, reference)?;
            self.obligations.advances.insert(key.clone(), a);
        }
        Ok(&self.obligations.advances[&key])
    }

    fn commitment(&mut self, grant: &Grant, reference: &str) -> Result<&Commitment> {
        let key = (grant.id, reference.trim().to_string());
        if !self.obligations.commitments.contains_key(&key) {
            let c = commitment_named(self.conn, grant, reference)?;
            self.obligations.commitments.insert(key.clone(), c);
        }
        Ok(&self.obligations.commitments[&key])
    }
}

fn same_currency(what: &str, reference: &str, held: &Currency, paid: &Currency) -> Result<()> {
    if held.code == paid.code {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "{what} {reference} is in {}, and this expense in {}; record it in {} as the {what} is \
         (leave the currency out)",
        held.code, paid.code, held.code
    ))
    .in_field("currency"))
}

fn not_before(what: &str, reference: &str, since: NaiveDate, date: NaiveDate) -> Result<()> {
    if date >= since {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "{what} {reference} dates from {since}; an expense on it cannot be dated {date}, before it"
    ))
    .in_field("date"))
}
