//! An activity's transactions: receipts one by one (tranches from the donor), expenses summed
//! per budget line and month (or quarter, or one per voucher) with no payee named. Only a payee
//! registered as an organisation (`organisation set`) is named, and only when asked: staff,
//! consultants and beneficiary lists, which are not organisations, never are.
//!
//! The grant itself is the donor's incoming commitment (type 11) on its first day, at its amount
//! in force; each contract or purchase order signed is an outgoing commitment (type 2) at its
//! amount; cash a partner still holds of an advance is a disbursement to it (type 3), while
//! what the partner accounted for is among the expenses it liquidated.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::{Organisation, Transaction};
use crate::domain::{Advance, Commitment, Expense, ExpenseKind, Grant, Receipt, ReceiptKind};

/// How expenses are summed into transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// One transaction per budget line, kind and calendar month (the default).
    Month,
    /// One per budget line, kind and calendar quarter.
    Quarter,
    /// One per expense, its voucher as `ref` (still no payee unless named).
    Voucher,
}

impl Grouping {
    pub fn parse(text: &str) -> Option<Grouping> {
        match text.trim() {
            "month" => Some(Grouping::Month),
            "quarter" => Some(Grouping::Quarter),
            "voucher" => Some(Grouping::Voucher),
            _ => None,
        }
    }

    /// The first day of the window `date` falls in, and the window's label.
    fn window(self, date: NaiveDate) -> (NaiveDate, String) {
        let month = match self {
            Grouping::Quarter => (date.month0() / 3) * 3 + 1,
            _ => date.month(),
        };
        let start = NaiveDate::from_ymd_opt(date.year(), month, 1).expect("a month's first day");
        let label = match self {
            Grouping::Quarter => format!("{}-Q{}", date.year(), date.month0() / 3 + 1),
            _ => start.format("%Y-%m").to_string(),
        };
        (start, label)
    }
}

/// The donor's tranches up to `as_of`, each a transaction of type 1 (incoming funds). Interest
/// and other income are left out: the donor did not provide them, and the provider is named.
pub fn incoming(
    receipts: &[Receipt],
    as_of: NaiveDate,
    donor: &Organisation,
    donor_activity: Option<&str>,
    us: &Organisation,
    our_activity: &str,
) -> Vec<Transaction> {
    receipts
        .iter()
        .filter(|r| r.date <= as_of && r.void.is_none() && r.kind == ReceiptKind::Tranche)
        .map(|r| Transaction {
            reference: r.reference.clone(),
            kind: "1",
            date: r.date,
            value: r.amount,
            description: format!("Funds received from {}", donor.name),
            provider: Some(donor.clone()),
            provider_activity: donor_activity.map(String::from),
            receiver: Some(us.clone()),
            receiver_activity: Some(our_activity.to_string()),
        })
        .collect()
}

/// The grant as the donor's commitment to fund it (type 11, incoming commitment), dated on its
/// first day, at its amount in force.
pub fn incoming_commitment(
    grant: &Grant,
    donor: &Organisation,
    donor_activity: Option<&str>,
    us: &Organisation,
    our_activity: &str,
) -> Transaction {
    Transaction {
        reference: grant.reference.clone(),
        kind: "11",
        date: grant.start,
        value: grant.amount,
        description: format!("Grant agreement {} with {}", grant.reference, donor.name),
        provider: Some(donor.clone()),
        provider_activity: donor_activity.map(String::from),
        receiver: Some(us.clone()),
        receiver_activity: Some(our_activity.to_string()),
    }
}

/// Contracts and purchase orders signed (type 2, outgoing commitment), each at its amount in
/// the grant's currency on the day it was signed; the vendor named only as `named` allows.
pub fn commitments(
    list: &[Commitment],
    us: &Organisation,
    named: &dyn Fn(&str) -> Option<Organisation>,
) -> Vec<Transaction> {
    list.iter()
        .map(|c| Transaction {
            reference: c.reference.clone(),
            kind: "2",
            date: c.date,
            value: c.grant_amount,
            description: format!("Budget line {}: contract or purchase order", c.line),
            provider: Some(us.clone()),
            provider_activity: None,
            receiver: named(&c.vendor),
            receiver_activity: None,
        })
        .collect()
}

/// What partners still hold of their advances (type 3, disbursement to the partner), at the
/// advance's rate, on the day it was paid; the partner named only as `named` allows.
pub fn advances_outstanding(
    list: &[Advance],
    us: &Organisation,
    named: &dyn Fn(&str) -> Option<Organisation>,
) -> Vec<Transaction> {
    list.iter()
        .filter_map(|a| {
            let value = a.outstanding_in_grant().ok()?;
            (!value.is_zero()).then(|| Transaction {
                reference: a.reference.clone(),
                kind: "3",
                date: a.date,
                value,
                description: "Advance to an implementing partner, not yet accounted for".into(),
                provider: Some(us.clone()),
                provider_activity: None,
                receiver: named(&a.partner),
                receiver_activity: None,
            })
        })
        .collect()
}

/// Expenses up to `as_of` as transactions of type 4 (expenditure) or 3 (disbursement), in the
/// grant's currency, grouped by `grouping`. `named` gives the organisation a payee may be
/// named as (None: never named). A refund nets into the kind of the expense it reverses.
pub fn outgoing(
    expenses: &[Expense],
    as_of: NaiveDate,
    grouping: Grouping,
    us: &Organisation,
    named: &dyn Fn(&str) -> Option<Organisation>,
) -> Vec<Transaction> {
    // (window start, kind, line, receiver name) -> (last date, value, count, receiver, label)
    type Key = (NaiveDate, &'static str, String, String);
    let mut groups: BTreeMap<Key, (NaiveDate, Decimal, usize, Option<Organisation>, String)> =
        BTreeMap::new();
    let mut singles = Vec::new();
    for e in expenses
        .iter()
        .filter(|e| e.date <= as_of && e.void.is_none())
    {
        let reversed = e
            .refund_of
            .and_then(|id| expenses.iter().find(|o| o.id == id))
            .map(|o| o.kind);
        let kind = match reversed.unwrap_or(e.kind) {
            ExpenseKind::Disbursement => "3",
            ExpenseKind::Expenditure | ExpenseKind::Refund => "4",
        };
        let receiver = named(&e.payee);
        if grouping == Grouping::Voucher {
            let what = if e.kind == ExpenseKind::Refund {
                "refund"
            } else {
                kind_word(kind)
            };
            singles.push(Transaction {
                reference: e.voucher.clone(),
                kind,
                date: e.date,
                value: e.spend(),
                description: format!("Budget line {}: {what}", e.line),
                provider: Some(us.clone()),
                provider_activity: None,
                receiver,
                receiver_activity: None,
            });
            continue;
        }
        let (start, label) = grouping.window(e.date);
        let name = receiver
            .as_ref()
            .map(|o| o.name.clone())
            .unwrap_or_default();
        let group = groups
            .entry((start, kind, e.line.clone(), name))
            .or_insert((e.date, Decimal::ZERO, 0, receiver, label));
        group.0 = group.0.max(e.date);
        group.1 += e.spend();
        group.2 += 1;
    }
    if grouping == Grouping::Voucher {
        singles.sort_by_key(|t| t.date);
        return singles;
    }
    let mut out: Vec<Transaction> = groups
        .into_iter()
        .map(
            |((_, kind, line, _), (date, value, count, receiver, label))| Transaction {
                reference: String::new(),
                kind,
                date,
                value,
                description: format!(
                    "Budget line {line}, {label}: {} summed from {count} entr{}",
                    kind_word(kind),
                    if count == 1 { "y" } else { "ies" }
                ),
                provider: Some(us.clone()),
                provider_activity: None,
                receiver,
                receiver_activity: None,
            },
        )
        .collect();
    out.sort_by_key(|t| t.date);
    out
}

fn kind_word(kind: &str) -> &'static str {
    match kind {
        "3" => "disbursements",
        _ => "expenditure",
    }
}
