//! What `import DIR` and the demo load of cost share: each grant's required match, then the
//! contributions towards it, each through the checks of `grant match` and `match add`. Loaded
//! before any period is closed, as an office would have recorded them quarter by quarter.

use serde::Deserialize;

use super::super::csv_input::CsvRow;
use super::super::input::given;
use super::tables::{FileRead, Tables};
use crate::db::Ledger;
use crate::domain::money::{parse_decimal, parse_percent};
use crate::domain::{ContributionKind, MatchBasis, MatchRule, NewContribution, parse_date, text};
use crate::error::{Result, field};

#[derive(Debug, Deserialize)]
struct MatchRow {
    grant: String,
    percent: String,
    #[serde(default)]
    of: String,
}

impl CsvRow for MatchRow {
    const REQUIRED: &'static [&'static str] = &["grant", "percent"];
    const OPTIONAL: &'static [&'static str] = &["of"];
}

#[derive(Debug, Deserialize)]
struct ContributionRow {
    grant: String,
    date: String,
    contributor: String,
    kind: String,
    amount: String,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    rate: Option<String>,
    #[serde(default)]
    rate_base: Option<String>,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    line: Option<String>,
    reference: String,
    #[serde(default)]
    office: Option<String>,
    #[serde(default)]
    void_reason: String,
}

impl CsvRow for ContributionRow {
    const REQUIRED: &'static [&'static str] = &[
        "grant",
        "date",
        "contributor",
        "kind",
        "amount",
        "reference",
    ];
    const OPTIONAL: &'static [&'static str] = &[
        "currency",
        "rate",
        "rate_base",
        "basis",
        "line",
        "office",
        "void_reason",
        "voided_at",
    ];
}

fn code_or_none(what: &'static str, typed: &Option<String>) -> Result<Option<String>> {
    given(typed)
        .map(|c| text::code(what, c))
        .transpose()
        .map_err(field(what))
}

impl ContributionRow {
    fn parse(&self) -> Result<NewContribution> {
        Ok(NewContribution {
            grant: text::code("grant", &self.grant).map_err(field("grant"))?,
            contributor: text::required("contributor", &self.contributor, 200)
                .map_err(field("contributor"))?,
            kind: ContributionKind::parse(&self.kind).map_err(field("kind"))?,
            reference: text::required("reference", &self.reference, 60)
                .map_err(field("reference"))?,
            date: parse_date("date", &self.date).map_err(field("date"))?,
            amount: parse_decimal("amount", &self.amount).map_err(field("amount"))?,
            currency: code_or_none("currency", &self.currency)?,
            rate: given(&self.rate)
                .map(|r| parse_decimal("rate", r))
                .transpose()
                .map_err(field("rate"))?,
            rate_base: code_or_none("rate_base", &self.rate_base)?,
            basis: self.basis.trim().to_string(),
            line: code_or_none("line", &self.line)?,
            office: code_or_none("office", &self.office)?,
        })
    }
}

/// Grants' required matches, then the contributions, each voided as soon as it is loaded when
/// its row says so (a later row may then hold its reference again).
pub(super) fn load_cost_share(
    ledger: &mut Ledger,
    tables: &Tables,
) -> Result<[Option<FileRead>; 2]> {
    let matches = tables.each("grant_matches", |r: MatchRow| {
        let grant = text::code("grant", &r.grant).map_err(field("grant"))?;
        let percent = parse_percent("percent", &r.percent).map_err(field("percent"))?;
        let of = match r.of.trim() {
            "" => MatchBasis::Grant,
            typed => MatchBasis::parse(typed).map_err(field("of"))?,
        };
        let rule = MatchRule::new(percent, of).map_err(field("percent"))?;
        ledger.set_match(&grant, Some(&rule)).map(drop)
    })?;
    let contributions = tables.each("contributions", |r: ContributionRow| {
        let new = r.parse()?;
        ledger.add_contribution(&new)?;
        let reason = r.void_reason.trim();
        if !reason.is_empty() {
            ledger.void_contribution(&new.grant, &new.reference, reason)?;
        }
        Ok(())
    })?;
    Ok([matches, contributions])
}
