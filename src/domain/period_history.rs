//! What a report for a period tells the donor beyond its figures: the preparer's variance notes,
//! and whether the period's books were reopened and changed after they were first closed.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// Why a line's spend differs from plan, as the report for one period explains it
/// (`period note`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodNote {
    pub grant: String,
    pub period: String,
    pub line: String,
    pub note: String,
}

/// A period closed or reopened, as the audit log recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodEvent {
    /// The audit entry that recorded it: the order things happened in.
    pub seq: i64,
    /// When, UTC (`2021-10-04T09:30:00Z`).
    pub at: String,
    pub reopened: bool,
    pub actor: String,
    pub reason: String,
}

/// What became of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    ExpenseAdded,
    ExpenseVoided,
    ReceiptAdded,
    ReceiptVoided,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::ExpenseAdded => "expense added",
            ChangeKind::ExpenseVoided => "expense voided",
            ChangeKind::ReceiptAdded => "receipt added",
            ChangeKind::ReceiptVoided => "receipt voided",
        }
    }
}

/// An entry dated in a period, recorded or voided after the period was first closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodChange {
    /// The audit entry that recorded it: the order things happened in.
    pub seq: i64,
    pub at: String,
    /// Who, where the audit log says; empty where it does not (a void restored by an import).
    pub actor: String,
    pub change: ChangeKind,
    pub date: NaiveDate,
    /// The voucher or the receipt's reference.
    pub reference: String,
    /// The budget line; empty for a receipt.
    pub line: String,
    /// In the grant's currency, as the entry counts (a refund negative).
    pub amount: Decimal,
}

/// A period's closings and reopenings, and what changed in it after the first closing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodHistory {
    pub events: Vec<PeriodEvent>,
    pub changes: Vec<PeriodChange>,
}

impl PeriodHistory {
    /// When the period was first closed, if it ever was.
    pub fn first_closed(&self) -> Option<&PeriodEvent> {
        self.events.iter().find(|e| !e.reopened)
    }

    /// Whether the books were reopened after being closed: what the donor must be told.
    pub fn was_reopened(&self) -> bool {
        self.events.iter().any(|e| e.reopened)
    }

    /// What the changes after the first closing add to the period's spend (expenses added less
    /// those voided), in the grant's currency.
    pub fn net_spend_change(&self) -> Decimal {
        self.changes
            .iter()
            .map(|c| match c.change {
                ChangeKind::ExpenseAdded => c.amount,
                ChangeKind::ExpenseVoided => -c.amount,
                ChangeKind::ReceiptAdded | ChangeKind::ReceiptVoided => Decimal::ZERO,
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn change(change: ChangeKind, amount: Decimal) -> PeriodChange {
        PeriodChange {
            seq: 1,
            at: "2021-11-02T10:00:00Z".into(),
            actor: "fatima".into(),
            change,
            date: NaiveDate::from_ymd_opt(2021, 9, 28).unwrap(),
            reference: "MA-2021-0100".into(),
            line: "SERV".into(),
            amount,
        }
    }

    #[test]
    fn net_change_adds_expenses_added_and_takes_off_those_voided() {
        // 1,250.00 added, a refund of 200.00 added (negative), 310.40 voided:
        // 1,250.00 − 200.00 − 310.40 = 739.60; a receipt moves no spend.
        let history = PeriodHistory {
            events: vec![],
            changes: vec![
                change(ChangeKind::ExpenseAdded, dec!(1250.00)),
                change(ChangeKind::ExpenseAdded, dec!(-200.00)),
                change(ChangeKind::ExpenseVoided, dec!(310.40)),
                change(ChangeKind::ReceiptAdded, dec!(5000.00)),
            ],
        };
        assert_eq!(history.net_spend_change(), dec!(739.60));
    }

    #[test]
    fn reopened_only_after_a_reopening() {
        let event = |reopened| PeriodEvent {
            seq: 7,
            at: "2021-10-05T08:00:00Z".into(),
            reopened,
            actor: "amina".into(),
            reason: String::new(),
        };
        let closed = PeriodHistory {
            events: vec![event(false)],
            changes: vec![],
        };
        assert!(!closed.was_reopened());
        assert_eq!(closed.first_closed(), Some(&event(false)));
        let reopened = PeriodHistory {
            events: vec![event(false), event(true), event(false)],
            changes: vec![],
        };
        assert!(reopened.was_reopened());
    }
}
