//! Everything the ledger holds about one grant, read together: what a whole-grant export (the
//! IATI activity file) is built from.

use super::model::{Donor, Expense, Extension, Grant, Period, Project, Receipt};

#[derive(Debug, Clone)]
pub struct GrantRecord {
    pub grant: Grant,
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
}
