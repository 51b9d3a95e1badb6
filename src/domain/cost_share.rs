//! Cost share (match): what a grant's agreement requires others to put into the project besides
//! the donor's money, and the contributions (cash or in kind) that count towards it. A
//! contribution is not money of the grant: it is never spent from the grant's lines and never
//! changes a burn or budget figure.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::fx::Quote;
use super::model::Void;
use super::money::Currency;
use crate::error::{Error, Result};

/// What a required match is a percentage of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchBasis {
    /// Of the donor's grant: match = grant × percent / 100 (the default; how most agreements
    /// outside US federal awards put it, "a 25 % co-financing of the grant").
    Grant,
    /// Of the project's total cost, grant and match together, as US federal awards put it
    /// (2 CFR 200.306): match = grant × percent / (100 − percent).
    Total,
}

impl MatchBasis {
    pub fn parse(text: &str) -> Result<MatchBasis> {
        match text.trim() {
            "grant" => Ok(MatchBasis::Grant),
            "total" => Ok(MatchBasis::Total),
            other => Err(Error::invalid(format!(
                "match basis {other:?}: use grant (a percentage of the grant's amount) or total \
                 (a percentage of the project's total cost, grant and match together)"
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MatchBasis::Grant => "grant",
            MatchBasis::Total => "total",
        }
    }
}

/// A grant's required match: a percentage of the grant or of the total project cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchRule {
    pub percent: Decimal,
    pub basis: MatchBasis,
}

impl MatchRule {
    /// Refuse a percentage of nothing, or one of the total cost of 100 % or more (the donor's
    /// grant would then be no part of the total).
    pub fn new(percent: Decimal, basis: MatchBasis) -> Result<MatchRule> {
        if percent <= Decimal::ZERO || percent > Decimal::ONE_HUNDRED {
            return Err(Error::invalid(format!(
                "a required match of {percent} %: give a percentage more than 0 and at most 100"
            )));
        }
        if basis == MatchBasis::Total && percent >= Decimal::ONE_HUNDRED {
            return Err(Error::invalid(
                "a match of 100 % of the total project cost leaves nothing for the grant; give \
                 less than 100, or --of grant",
            ));
        }
        Ok(MatchRule {
            percent: percent.normalize(),
            basis,
        })
    }

    /// The match required of a grant of `amount`, rounded once to its currency.
    pub fn required(&self, amount: Decimal, currency: &Currency) -> Decimal {
        let p = self.percent;
        let exact = match self.basis {
            MatchBasis::Grant => amount * p / Decimal::ONE_HUNDRED,
            MatchBasis::Total => amount * p / (Decimal::ONE_HUNDRED - p),
        };
        currency.round(exact)
    }

    /// How people read it: "10 % of the grant", "25 % of total project cost".
    pub fn describe(&self) -> String {
        match self.basis {
            MatchBasis::Grant => format!("{} % of the grant", self.percent),
            MatchBasis::Total => format!("{} % of total project cost", self.percent),
        }
    }
}

/// Cash given, or goods, services or premises given in kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ContributionKind {
    #[serde(rename = "cash")]
    Cash,
    #[serde(rename = "in-kind")]
    InKind,
}

impl ContributionKind {
    pub fn parse(text: &str) -> Result<ContributionKind> {
        match text.trim() {
            "cash" => Ok(ContributionKind::Cash),
            "in-kind" | "in_kind" | "inkind" => Ok(ContributionKind::InKind),
            other => Err(Error::invalid(format!(
                "contribution kind {other:?}: use cash or in-kind"
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ContributionKind::Cash => "cash",
            ContributionKind::InKind => "in-kind",
        }
    }
}

/// A contribution to be recorded (`match add`).
#[derive(Debug, Clone)]
pub struct NewContribution {
    pub grant: String,
    pub contributor: String,
    pub kind: ContributionKind,
    pub reference: String,
    pub date: NaiveDate,
    pub amount: Decimal,
    /// The grant's currency when not given.
    pub currency: Option<String>,
    /// "1 grant currency = rate contribution currency", given instead of the stored rates.
    pub rate: Option<Decimal>,
    /// The currency `rate` counts one of, when not the grant's (a ledger's export read back).
    pub rate_base: Option<String>,
    /// How it was valued; required in kind.
    pub basis: String,
    pub line: Option<String>,
    /// The office that recorded it, when an export read back says; else the recording officer's.
    pub office: Option<String>,
}

impl NewContribution {
    /// Refuse an in-kind contribution that does not say how it was valued.
    pub fn check_basis(&self) -> Result<()> {
        if self.kind == ContributionKind::InKind && self.basis.trim().is_empty() {
            return Err(Error::invalid(
                "an in-kind contribution needs --basis: how it was valued, e.g. \"donated office \
                 space, 40 m² at market rent MAD 90/m²/month\"",
            )
            .in_field("basis"));
        }
        Ok(())
    }
}

/// A contribution as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Contribution {
    pub id: i64,
    pub grant: String,
    pub contributor: String,
    pub kind: ContributionKind,
    pub reference: String,
    pub date: NaiveDate,
    pub currency: Currency,
    pub amount: Decimal,
    pub rate: Option<Quote>,
    pub grant_currency: Currency,
    /// Its value in the grant's currency, as converted when it was recorded.
    pub grant_amount: Decimal,
    pub basis: String,
    pub line: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    pub recorded_at: String,
    pub void: Option<Void>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn a_match_of_the_grant_and_of_the_total_cost() -> TestResult {
        let usd = Currency::new("USD", 2);
        // 10 % of USD 123,762.00 = 12,376.20.
        let of_grant = MatchRule::new(dec!(10), MatchBasis::Grant)?;
        assert_eq!(of_grant.required(dec!(123762.00), &usd), dec!(12376.20));
        // 25 % of the total: a grant of 75,000 is 75 % of a total of 100,000; match 25,000.
        let of_total = MatchRule::new(dec!(25), MatchBasis::Total)?;
        assert_eq!(of_total.required(dec!(75000.00), &usd), dec!(25000.00));
        // 10 % of the total on 100.00: 100 × 10 / 90 = 11.111… rounds to 11.11 (and 11.11 is
        // 10.0 % of 111.11).
        let tenth = MatchRule::new(dec!(10), MatchBasis::Total)?;
        assert_eq!(tenth.required(dec!(100.00), &usd), dec!(11.11));
        Ok(())
    }

    #[test]
    fn percentages_of_nothing_or_everything_are_refused() {
        assert!(MatchRule::new(dec!(0), MatchBasis::Grant).is_err());
        assert!(MatchRule::new(dec!(100.5), MatchBasis::Grant).is_err());
        assert!(MatchRule::new(dec!(100), MatchBasis::Total).is_err());
        assert!(MatchRule::new(dec!(100), MatchBasis::Grant).is_ok());
    }

    #[test]
    fn in_kind_needs_a_basis() {
        let mut new = NewContribution {
            grant: "G".into(),
            contributor: "Municipality of Rabat".into(),
            kind: ContributionKind::InKind,
            reference: "R1".into(),
            date: NaiveDate::from_ymd_opt(2021, 4, 1).unwrap_or_default(),
            amount: dec!(12000),
            currency: None,
            rate: None,
            rate_base: None,
            basis: " ".into(),
            line: None,
            office: None,
        };
        assert!(new.check_basis().is_err());
        new.kind = ContributionKind::Cash;
        assert!(new.check_basis().is_ok());
    }
}
