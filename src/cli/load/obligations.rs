//! What `import DIR` and the demo load of partner advances, commitments and shared-cost keys:
//! the keys and the advances and commitments before the expenses that name them; returns,
//! closings and voids after them, as an office would have recorded them.

use chrono::NaiveDate;
use serde::Deserialize;

use super::super::csv_input::CsvRow;
use super::super::input::given;
use super::tables::{FileRead, Tables};
use crate::db::Ledger;
use crate::domain::money::parse_decimal;
use crate::domain::{NewAdvance, NewCommitment, Share, parse_date, text};
use crate::error::{Result, field};

#[derive(Debug, Deserialize)]
struct AllocationRow {
    key: String,
    #[serde(default)]
    name: String,
    valid_from: String,
    grant: String,
    line: String,
    percent: String,
}

impl CsvRow for AllocationRow {
    const REQUIRED: &'static [&'static str] = &["key", "valid_from", "grant", "line", "percent"];
    const OPTIONAL: &'static [&'static str] = &["name"];
}

#[derive(Debug, Deserialize)]
struct AdvanceRow {
    grant: String,
    partner: String,
    reference: String,
    date: String,
    amount: String,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    rate: Option<String>,
    #[serde(default)]
    rate_base: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    office: Option<String>,
    #[serde(default)]
    void_reason: String,
}

impl CsvRow for AdvanceRow {
    const REQUIRED: &'static [&'static str] = &["grant", "partner", "reference", "date", "amount"];
    const OPTIONAL: &'static [&'static str] = &[
        "currency",
        "rate",
        "rate_base",
        "description",
        "office",
        "void_reason",
        "voided_at",
    ];
}

#[derive(Debug, Deserialize)]
struct CommitmentRow {
    grant: String,
    line: String,
    vendor: String,
    reference: String,
    date: String,
    amount: String,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    rate: Option<String>,
    #[serde(default)]
    rate_base: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    over_commit: Option<String>,
    #[serde(default)]
    office: Option<String>,
    #[serde(default)]
    closed_on: Option<String>,
    #[serde(default)]
    close_reason: String,
}

impl CsvRow for CommitmentRow {
    const REQUIRED: &'static [&'static str] =
        &["grant", "line", "vendor", "reference", "date", "amount"];
    const OPTIONAL: &'static [&'static str] = &[
        "currency",
        "rate",
        "rate_base",
        "description",
        "over_commit",
        "office",
        "closed_on",
        "close_reason",
    ];
}

#[derive(Debug, Deserialize)]
struct ReturnRow {
    grant: String,
    advance: String,
    date: String,
    amount: String,
    #[serde(default)]
    reference: String,
}

impl CsvRow for ReturnRow {
    const REQUIRED: &'static [&'static str] = &["grant", "advance", "date", "amount"];
    const OPTIONAL: &'static [&'static str] = &["reference"];
}

/// What is left to do once the expenses are in.
#[derive(Default)]
pub(super) struct After {
    /// Advances to void: grant, reference, reason.
    voids: Vec<(String, String, String)>,
    /// Commitments to close: grant, reference, day, reason.
    closings: Vec<(String, String, NaiveDate, String)>,
}

fn decimal(what: &str, typed: &str) -> Result<rust_decimal::Decimal> {
    parse_decimal(what, typed).map_err(field("amount"))
}

fn rate(typed: &Option<String>) -> Result<Option<rust_decimal::Decimal>> {
    given(typed)
        .map(|r| parse_decimal("rate", r))
        .transpose()
        .map_err(field("rate"))
}

fn code_or_none(typed: &Option<String>) -> Result<Option<String>> {
    given(typed).map(|c| text::code("code", c)).transpose()
}

/// Shared-cost keys, advances and commitments, before the expenses.
pub(super) fn load_before(
    ledger: &mut Ledger,
    tables: &Tables,
    after: &mut After,
) -> Result<Vec<Option<FileRead>>> {
    let mut read = Vec::new();
    let mut versions: Vec<(String, String, NaiveDate, Vec<Share>)> = Vec::new();
    read.push(tables.each("allocations", |r: AllocationRow| {
        let key = super::super::allocation::key_code(&r.key).map_err(field("key"))?;
        let from = parse_date("valid_from", &r.valid_from).map_err(field("valid_from"))?;
        let share = Share {
            grant: text::code("grant", &r.grant).map_err(field("grant"))?,
            line: text::code("line", &r.line).map_err(field("line"))?,
            percent: parse_decimal("percent", &r.percent).map_err(field("percent"))?,
        };
        match versions.last_mut() {
            Some((k, _, f, shares)) if *k == key && *f == from => shares.push(share),
            _ => versions.push((key, r.name.trim().to_string(), from, vec![share])),
        }
        Ok(())
    })?);
    for (key, name, from, shares) in &versions {
        ledger.set_allocation(key, name, *from, shares)?;
    }
    read.push(tables.each("advances", |r: AdvanceRow| {
        let new = NewAdvance {
            grant: text::code("grant", &r.grant).map_err(field("grant"))?,
            partner: text::required("partner", &r.partner, 200).map_err(field("partner"))?,
            reference: text::required("reference", &r.reference, 60).map_err(field("reference"))?,
            date: parse_date("date", &r.date).map_err(field("date"))?,
            amount: decimal("amount", &r.amount)?,
            currency: code_or_none(&r.currency).map_err(field("currency"))?,
            rate: rate(&r.rate)?,
            rate_base: code_or_none(&r.rate_base).map_err(field("rate_base"))?,
            description: r.description.clone(),
            office: code_or_none(&r.office).map_err(field("office"))?,
        };
        if !r.void_reason.trim().is_empty() {
            let reason = r.void_reason.trim().to_string();
            after
                .voids
                .push((new.grant.clone(), new.reference.clone(), reason));
        }
        ledger.add_advance(&new).map(drop)
    })?);
    read.push(tables.each("commitments", |r: CommitmentRow| {
        let new = NewCommitment {
            grant: text::code("grant", &r.grant).map_err(field("grant"))?,
            line: text::code("line", &r.line).map_err(field("line"))?,
            vendor: text::required("vendor", &r.vendor, 200).map_err(field("vendor"))?,
            reference: text::required("reference", &r.reference, 60).map_err(field("reference"))?,
            date: parse_date("date", &r.date).map_err(field("date"))?,
            amount: decimal("amount", &r.amount)?,
            currency: code_or_none(&r.currency).map_err(field("currency"))?,
            rate: rate(&r.rate)?,
            rate_base: code_or_none(&r.rate_base).map_err(field("rate_base"))?,
            description: r.description.clone(),
            over_commit: given(&r.over_commit).map(str::to_string),
            office: code_or_none(&r.office).map_err(field("office"))?,
        };
        if let Some(day) = given(&r.closed_on) {
            let day = parse_date("closed_on", day).map_err(field("closed_on"))?;
            let reason = r.close_reason.trim().to_string();
            after
                .closings
                .push((new.grant.clone(), new.reference.clone(), day, reason));
        }
        ledger.add_commitment(&new).map(drop)
    })?);
    Ok(read)
}

/// Returns of advances, then the closings and voids [`load_before`] kept for after the expenses.
pub(super) fn load_after(
    ledger: &mut Ledger,
    tables: &Tables,
    after: After,
) -> Result<Option<FileRead>> {
    let read = tables.each("advance_returns", |r: ReturnRow| {
        let grant = text::code("grant", &r.grant).map_err(field("grant"))?;
        let date = parse_date("date", &r.date).map_err(field("date"))?;
        let amount = decimal("amount", &r.amount)?;
        ledger
            .return_advance(&grant, &r.advance, amount, date, r.reference.trim())
            .map(drop)
    })?;
    for (grant, reference, day, reason) in after.closings {
        ledger.close_commitment(&grant, &reference, day, &reason)?;
    }
    for (grant, reference, reason) in after.voids {
        ledger.void_advance(&grant, &reference, &reason)?;
    }
    Ok(read)
}
