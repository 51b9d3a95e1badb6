//! The ledger's records: `New*` values are validated input on their way in; the others are what
//! the database gives back. All amounts are `Decimal` in the currency named beside them.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::dates::DateRange;
use super::fx::Quote;
use super::kinds::*;
use super::money::Currency;

#[derive(Debug, Clone, Serialize)]
pub struct Donor {
    pub code: String,
    pub name: String,
    pub kind: DonorKind,
    pub country: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Project {
    pub code: String,
    pub title: String,
    pub organisation: String,
    pub countries: Vec<String>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub status: ProjectStatus,
}

#[derive(Debug, Clone)]
pub struct NewGrant {
    pub reference: String,
    pub donor: String,
    pub project: String,
    pub currency: String,
    pub amount: Decimal,
    pub dates: DateRange,
    pub indirect_rate: Decimal,
    pub status: GrantStatus,
}

#[derive(Debug, Clone, Serialize)]
pub struct Grant {
    #[serde(skip)]
    pub id: i64,
    pub reference: String,
    pub donor: String,
    pub project: String,
    pub currency: Currency,
    pub amount: Decimal,
    pub start: NaiveDate,
    /// The end date in force, after any no-cost extension.
    pub end: NaiveDate,
    pub indirect_rate: Decimal,
    pub status: GrantStatus,
    /// The donor's own reference for the agreement (their contract number); empty if unknown.
    pub donor_reference: String,
}

impl Grant {
    /// The end date the agreement first had: the one before its first no-cost extension.
    pub fn original_end(&self, extensions: &[Extension]) -> NaiveDate {
        extensions.first().map_or(self.end, |e| e.previous_end)
    }

    pub fn dates(&self) -> DateRange {
        DateRange {
            start: self.start,
            end: self.end,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Extension {
    pub previous_end: NaiveDate,
    pub new_end: NaiveDate,
    pub reason: String,
    pub recorded_at: String,
    /// When the extension was agreed; None for one recorded before decisions were dated,
    /// which counts as always in force.
    pub decided: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NewLine {
    pub code: String,
    pub name: String,
    pub category: LineCategory,
    pub amount: Decimal,
}

/// A budget line with its amount in one revision and what has been spent on it (non-void, in
/// grant currency, all dates).
#[derive(Debug, Clone, Serialize)]
pub struct BudgetLine {
    pub code: String,
    pub name: String,
    pub category: LineCategory,
    pub amount: Decimal,
    pub spent: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    pub number: i64,
    pub effective_date: NaiveDate,
    pub reason: String,
    pub recorded_at: String,
    /// The donor's approval it was made under (a letter's reference), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Budget {
    pub grant: String,
    pub currency: Currency,
    pub revision: Revision,
    pub lines: Vec<BudgetLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Period {
    pub grant: String,
    pub code: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub status: PeriodStatus,
}

impl Period {
    pub fn dates(&self) -> DateRange {
        DateRange {
            start: self.start,
            end: self.end,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FxRate {
    pub base: String,
    pub quote: String,
    pub valid_from: NaiveDate,
    pub rate: Decimal,
    pub source: String,
}

impl FxRate {
    pub fn quote(&self) -> Quote {
        Quote {
            base: self.base.clone(),
            quote: self.quote.clone(),
            rate: self.rate,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewReceipt {
    pub grant: String,
    pub kind: ReceiptKind,
    pub date: NaiveDate,
    pub amount: Decimal,
    pub currency: Option<String>,
    pub reference: String,
    pub description: String,
    /// The office that recorded it, when the row says (a ledger's own export read back);
    /// otherwise the recording officer's.
    pub office: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Receipt {
    pub id: i64,
    pub grant: String,
    pub kind: ReceiptKind,
    pub date: NaiveDate,
    pub amount: Decimal,
    pub currency: Currency,
    pub reference: String,
    pub description: String,
    /// Set when the receipt was recorded by mistake: it stays, and counts nowhere.
    pub void: Option<Void>,
    /// The office that recorded it; None in a ledger (or before a project had) offices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewExpense {
    pub grant: String,
    pub line: String,
    pub kind: ExpenseKind,
    pub date: NaiveDate,
    pub amount: Decimal,
    /// The grant's currency when not given.
    pub currency: Option<String>,
    /// "1 grant currency = rate expense currency", given by hand instead of the stored rates.
    pub rate: Option<Decimal>,
    /// The currency `rate` counts one of, when it is not the grant's: the expense currency,
    /// for "1 expense currency = rate grant currency" (as a stored rate may be quoted).
    pub rate_base: Option<String>,
    /// Accept a hand-typed rate far from the stored one.
    pub force_rate: bool,
    pub payee: String,
    pub voucher: String,
    /// The project's country when it has only one.
    pub country: Option<String>,
    pub description: String,
    /// For a refund: the expense it reverses. Its line, payee, country and currency are the
    /// defaults of the refund's own (an empty line or payee takes them).
    pub refund_of: Option<ExpenseRef>,
    /// The office that recorded it, when the entry says (a ledger's own export read back);
    /// otherwise the office of whoever records it ([`crate::db::Ledger::set_office`]).
    pub office: Option<String>,
    /// The reference of the partner advance this expense liquidates, on the same grant.
    pub advance: Option<String>,
    /// The reference of the commitment this expense pays, on the same grant.
    pub commitment: Option<String>,
    /// The shared-cost key splitting this payment between grant lines (`--allocate`); the
    /// grant and line are then the key's, and left empty here.
    pub allocate: Option<String>,
}

/// An office a project works from, whose officers record its entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Office {
    pub project: String,
    pub code: String,
    pub name: String,
    pub country: String,
}

/// An expense named by its id (`--of 25`) or, in a file, by its voucher on the same grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpenseRef {
    Id(i64),
    Voucher(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct Void {
    pub at: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Expense {
    pub id: i64,
    pub grant: String,
    pub line: String,
    pub kind: ExpenseKind,
    pub date: NaiveDate,
    pub amount: Decimal,
    pub currency: Currency,
    /// The quote used when the expense is not in the grant's currency.
    pub rate: Option<Quote>,
    pub grant_amount: Decimal,
    pub grant_currency: Currency,
    pub payee: String,
    pub voucher: String,
    pub country: String,
    pub description: String,
    pub recorded_at: String,
    pub void: Option<Void>,
    /// The expense a refund reverses.
    pub refund_of: Option<i64>,
    /// The voided entry this one corrects (same voucher).
    pub corrects: Option<i64>,
    /// Whether `rate` was read from the rate table (false) or not (true: typed with the entry,
    /// or the quote of the expense a refund reverses); None when nothing was converted or the
    /// entry predates grantbook recording it.
    pub rate_given: Option<bool>,
    /// The office that recorded it; None in a ledger (or before a project had) offices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    /// The partner advance this expense liquidates (its reference on the same grant).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advance: Option<String>,
    /// The commitment this expense pays (its reference on the same grant).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commitment: Option<String>,
    /// The shared-cost payment this expense is a part of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocation: Option<i64>,
}

impl Expense {
    /// The grant-currency amount as spend counts it: negative for a refund.
    pub fn spend(&self) -> Decimal {
        self.grant_amount * self.kind.sign()
    }
}

/// Filters of `expense list`; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct ExpenseFilter {
    pub grant: Option<String>,
    pub line: Option<String>,
    pub period: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub country: Option<String>,
    pub voucher: Option<String>,
    /// Part of the payee's name, whatever its case.
    pub payee: Option<String>,
    /// Recorded by this office.
    pub office: Option<String>,
    pub include_void: bool,
}

/// A budget line's non-void spend inside each of several date ranges, in grant currency.
#[derive(Debug, Clone, PartialEq)]
pub struct LineSpend {
    pub code: String,
    pub name: String,
    pub category: LineCategory,
    /// One sum per range asked for, in the same order.
    pub amounts: Vec<Decimal>,
}

/// Non-void spend on one budget line in one calendar month (`2021-06`), in grant currency.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthSpend {
    pub month: String,
    pub line: String,
    pub amount: Decimal,
}

/// A grant's totals as the database sums them, in grant currency.
#[derive(Debug, Clone, Serialize)]
pub struct GrantTotals {
    pub grant: Grant,
    pub received: Decimal,
    pub spent: Decimal,
    pub expenses: i64,
    pub voided: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub key: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Its link in the hash chain ([`crate::domain::seal`]); None only if written behind
    /// grantbook's back.
    pub seal: Option<String>,
}

impl AuditEntry {
    /// What the seal covers.
    pub fn sealed(&self) -> crate::domain::seal::Sealed<'_> {
        crate::domain::seal::Sealed {
            id: self.id,
            at: &self.at,
            actor: &self.actor,
            action: &self.action,
            entity: &self.entity,
            key: &self.key,
            before: self.before.as_deref(),
            after: self.after.as_deref(),
        }
    }
}

/// Control totals of an import, per grant, for checking against the source system.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedGrant {
    pub reference: String,
    #[serde(skip)]
    pub currency: Currency,
    pub rows: u64,
    /// Sum of the recorded expenses in the grant's currency.
    pub amount: Decimal,
}

/// What an import recorded.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub source: String,
    pub recorded: u64,
    pub skipped: u64,
    pub first_id: Option<i64>,
    pub last_id: Option<i64>,
    pub grants: Vec<ImportedGrant>,
    /// The SHA-256 of the file as read, so the file can be matched to the import later.
    pub sha256: Option<String>,
}
