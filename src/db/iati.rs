//! Whole grants read at once, for exports that describe a grant from end to end (the IATI
//! activity file): one read transaction, so every grant in a file is seen as of one moment
//! even while an officer records expenses.

use chrono::NaiveDate;

use super::Ledger;
use super::grants::GrantFilter;
use crate::domain::{ExpenseFilter, GrantRecord, Publishing};
use crate::error::Result;

impl Ledger {
    /// Every grant matching `filter`, by reference, as it stood at the end of `as_of` (see
    /// [`Ledger::grant_as_of`]), with its donor and project as they were then, the extensions
    /// decided by then, its periods, non-void receipts and non-void expenses.
    pub fn grant_records(
        &self,
        filter: &GrantFilter,
        as_of: NaiveDate,
    ) -> Result<Vec<GrantRecord>> {
        self.snapshot(|ledger| ledger.grant_records_now(filter, as_of))
    }

    /// [`Ledger::grant_records`] and the publishing settings, read in one snapshot.
    pub fn iati_records(
        &self,
        filter: &GrantFilter,
        as_of: NaiveDate,
    ) -> Result<(Vec<GrantRecord>, Publishing)> {
        self.snapshot(|ledger| {
            Ok((
                ledger.grant_records_now(filter, as_of)?,
                ledger.publishing()?,
            ))
        })
    }

    fn grant_records_now(
        &self,
        filter: &GrantFilter,
        as_of: NaiveDate,
    ) -> Result<Vec<GrantRecord>> {
        let mut records = Vec::new();
        for grant in self.grants(filter)? {
            let reference = grant.reference.clone();
            let donor = self.donor_as_of(&grant.donor, as_of)?;
            let project = self.project_as_of(&grant.project, as_of)?;
            let mut extensions = self.extensions(&grant)?;
            extensions.retain(|x| x.decided.is_none_or(|decided| decided <= as_of));
            // Every amendment dated from the start on undone: the agreement as first signed.
            let before_start = grant.start.pred_opt().unwrap_or(grant.start);
            let original_amount = self.grant_as_of(&grant, before_start)?.amount;
            let grant = self.grant_as_of(&grant, as_of)?;
            let periods = self.periods(&reference)?;
            let receipts = self.receipts(Some(&reference), false)?;
            let expenses = self.expenses(&ExpenseFilter {
                grant: Some(reference.clone()),
                include_void: false,
                ..ExpenseFilter::default()
            })?;
            let commitments = self.commitments(Some(&reference), as_of)?;
            let advances = self.advances(Some(&reference), as_of, false)?;
            records.push(GrantRecord {
                grant,
                original_amount,
                donor,
                project,
                extensions,
                periods,
                receipts,
                expenses,
                commitments,
                advances,
            });
        }
        Ok(records)
    }
}
