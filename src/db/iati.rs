//! Whole grants read at once, for exports that describe a grant from end to end (the IATI
//! activity file): one read transaction, so every grant in a file is seen as of one moment
//! even while an officer records expenses.

use super::Ledger;
use super::grants::GrantFilter;
use crate::domain::{ExpenseFilter, GrantRecord};
use crate::error::Result;

impl Ledger {
    /// Every grant matching `filter`, by reference, with its donor, project, extensions,
    /// periods, non-void receipts and non-void expenses.
    pub fn grant_records(&self, filter: &GrantFilter) -> Result<Vec<GrantRecord>> {
        // A deferred read transaction: SQLite keeps one snapshot until it ends.
        let tx = self.conn.unchecked_transaction()?;
        let mut records = Vec::new();
        for grant in self.grants(filter)? {
            let reference = grant.reference.clone();
            let donor = self.donor(&grant.donor)?;
            let project = self.project(&grant.project)?;
            let extensions = self.extensions(&grant)?;
            let periods = self.periods(&reference)?;
            let receipts = self.receipts(Some(&reference), false)?;
            let expenses = self.expenses(&ExpenseFilter {
                grant: Some(reference.clone()),
                include_void: false,
                ..ExpenseFilter::default()
            })?;
            records.push(GrantRecord {
                grant,
                donor,
                project,
                extensions,
                periods,
                receipts,
                expenses,
            });
        }
        tx.finish()?;
        Ok(records)
    }
}
