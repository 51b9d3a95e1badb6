//! Everything the ledger holds about one grant, read together: what a whole-grant export (the
//! IATI activity file) is built from.

use rust_decimal::Decimal;

use super::model::{Donor, Expense, Extension, Grant, Period, Project, Receipt};

#[derive(Debug, Clone)]
pub struct GrantRecord {
    pub grant: Grant,
    /// The grant's amount as first agreed, before any amendment (its original budget).
    pub original_amount: Decimal,
    pub donor: Donor,
    pub project: Project,
    /// No-cost extensions, oldest first.
    pub extensions: Vec<Extension>,
    /// Reporting periods, by start date.
    pub periods: Vec<Period>,
    /// Non-void tranches received, by date.
    pub receipts: Vec<Receipt>,
    /// Non-void expenses, by date; a voided expense is not in the record.
    pub expenses: Vec<Expense>,
    /// Commitments signed by the record's day, with what was paid of them by then.
    pub commitments: Vec<super::Commitment>,
    /// Live advances paid by the record's day, with what was accounted for by then.
    pub advances: Vec<super::Advance>,
}
