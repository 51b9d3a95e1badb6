//! Plain values of the ledger and the rules they must satisfy before anything is stored.

pub mod amend;
pub mod calendar;
pub mod categories;
pub mod check;
pub mod codelists;
pub mod cost_share;
pub mod dates;
pub mod fx;
pub mod kinds;
pub mod model;
pub mod money;
pub mod obligations;
pub mod period_history;
pub mod publishing;
pub mod record;
pub mod rules;
pub mod seal;
pub mod text;

pub use amend::{Amendable, Amendment, Dated, DonorChanges, Entity, GrantChanges, ProjectChanges};
pub use cost_share::{Contribution, ContributionKind, MatchBasis, MatchRule, NewContribution};
pub use dates::{DateRange, Every, parse_date};
pub use fx::Quote;
pub use kinds::{
    DonorKind, ExpenseKind, GrantStatus, LineCategory, PeriodStatus, ProjectStatus, ReceiptKind,
};
pub use model::*;
pub use money::Currency;
pub use obligations::{Advance, Commitment, NewAdvance, NewCommitment, Share};
pub use period_history::{ChangeKind, PeriodChange, PeriodEvent, PeriodHistory, PeriodNote};
pub use publishing::{DonorPublishing, ProjectPublishing, Publishing, RegisteredOrganisation};
pub use record::GrantRecord;
