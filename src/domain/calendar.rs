//! A grant's reporting calendar as the ledger stores it: what its agreement asks for, and the
//! reports sent. `report::calendar` works out what is owed and when.

use chrono::NaiveDate;
use serde::Serialize;

/// What a grant's agreement asks for.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Schedule {
    /// A financial report this many days after each calendar quarter the grant runs in.
    pub quarterly_days: Option<u32>,
    /// The final report this many days after the end.
    pub final_days: Option<u32>,
    /// Interim reports due on these dates.
    pub interim: Vec<NaiveDate>,
}

/// A report sent: when, under what reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Submission {
    pub report: String,
    pub submitted_on: NaiveDate,
    pub reference: String,
}
