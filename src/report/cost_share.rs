//! Cost share as people read it: the match a grant requires, what others have provided towards
//! it (cash and in kind) and what remains, in the donor report and in `match list`. Pure: the
//! figures come from the contributions and the grant's amount given, never from a database.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::{Contribution, ContributionKind, Currency, DateRange, MatchRule};
use crate::render::{Block, Cell, Document, Record, Table, col, detail, prose};

/// A grant's match on a day, and what its period brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchFigures {
    pub rule: Option<MatchRule>,
    /// The match required of the grant's amount in force, in its currency.
    pub required: Option<Decimal>,
    /// Live contributions dated up to the end of the window, in the grant's currency.
    pub cash_to_date: Decimal,
    pub in_kind_to_date: Decimal,
    /// Those dated inside the window.
    pub cash_in_period: Decimal,
    pub in_kind_in_period: Decimal,
}

impl MatchFigures {
    /// The figures of a grant of `amount` in `currency`, from its `contributions` (voided ones
    /// count for nothing), for `window`.
    pub fn of(
        rule: Option<&MatchRule>,
        amount: Decimal,
        currency: &Currency,
        contributions: &[Contribution],
        window: DateRange,
    ) -> MatchFigures {
        let mut f = MatchFigures {
            rule: rule.cloned(),
            required: rule.map(|r| r.required(amount, currency)),
            cash_to_date: Decimal::ZERO,
            in_kind_to_date: Decimal::ZERO,
            cash_in_period: Decimal::ZERO,
            in_kind_in_period: Decimal::ZERO,
        };
        let live = contributions
            .iter()
            .filter(|c| c.void.is_none() && c.date <= window.end);
        for c in live {
            let (to_date, in_period) = match c.kind {
                ContributionKind::Cash => (&mut f.cash_to_date, &mut f.cash_in_period),
                ContributionKind::InKind => (&mut f.in_kind_to_date, &mut f.in_kind_in_period),
            };
            *to_date += c.grant_amount;
            if window.contains(c.date) {
                *in_period += c.grant_amount;
            }
        }
        f
    }

    /// Whether there is anything to show: a required match or any contribution.
    pub fn any(&self) -> bool {
        self.rule.is_some() || !self.provided().is_zero()
    }

    pub fn provided(&self) -> Decimal {
        self.cash_to_date + self.in_kind_to_date
    }

    pub fn provided_in_period(&self) -> Decimal {
        self.cash_in_period + self.in_kind_in_period
    }

    /// What is still to be provided; never below zero.
    pub fn remaining(&self) -> Option<Decimal> {
        self.required
            .map(|r| (r - self.provided()).max(Decimal::ZERO))
    }

    /// How far the contributions go beyond the required match; zero until they do.
    pub fn exceeded_by(&self) -> Option<Decimal> {
        self.required
            .map(|r| (self.provided() - r).max(Decimal::ZERO))
    }
}

/// The "Cost share" record: required, provided to date (cash, in kind, total), remaining or
/// exceeded by, and with `period` what the period brought. CSV and JSON always carry both
/// `remaining` and `exceeded_by`; people see the one that says something.
pub fn match_record(f: &MatchFigures, c: &Currency, period: bool) -> Record {
    let money = |v: Option<Decimal>| v.map_or(Cell::Empty, |v| Cell::amount(v, c));
    let rule = f
        .rule
        .as_ref()
        .map_or_else(|| Cell::text("none set"), |r| Cell::text(r.describe()));
    let mut record = Record::default()
        .field("match_rule", "Match required", rule)
        .detail(
            "match_percent",
            "Match, %",
            f.rule
                .as_ref()
                .map_or(Cell::Empty, |r| Cell::Percent(r.percent)),
        )
        .detail(
            "match_of",
            "Match, % of",
            f.rule
                .as_ref()
                .map_or(Cell::Empty, |r| Cell::text(r.basis.as_str())),
        )
        .field("required", "Required amount", money(f.required))
        .field(
            "provided_cash",
            "Provided to date, cash",
            Cell::amount(f.cash_to_date, c),
        )
        .field(
            "provided_in_kind",
            "Provided to date, in kind",
            Cell::amount(f.in_kind_to_date, c),
        )
        .field(
            "provided",
            "Provided to date, total",
            Cell::amount(f.provided(), c),
        );
    let exceeded = f.exceeded_by().is_some_and(|e| !e.is_zero());
    record = match exceeded {
        true => record
            .detail("remaining", "Remaining", money(f.remaining()))
            .field("exceeded_by", "Exceeded by", money(f.exceeded_by())),
        false => record
            .field("remaining", "Remaining", money(f.remaining()))
            .detail("exceeded_by", "Exceeded by", money(f.exceeded_by())),
    };
    if period {
        record = record
            .field(
                "provided_period",
                "Provided in period",
                Cell::amount(f.provided_in_period(), c),
            )
            .detail(
                "provided_period_cash",
                "Provided in period, cash",
                Cell::amount(f.cash_in_period, c),
            )
            .detail(
                "provided_period_in_kind",
                "Provided in period, in kind",
                Cell::amount(f.in_kind_in_period, c),
            );
    }
    record
}

/// The donor report's block, when the grant requires a match or has any contribution: the
/// figures, then each live contribution up to the end of the period with its valuation.
pub fn donor_blocks(
    doc: Document,
    f: &MatchFigures,
    list: &[Contribution],
    c: &Currency,
    to: NaiveDate,
) -> Document {
    if !f.any() {
        return doc;
    }
    let shown: Vec<&Contribution> = list
        .iter()
        .filter(|k| k.void.is_none() && k.date <= to)
        .collect();
    doc.with(
        "cost_share",
        format!("Cost share (match), in {}", c.code),
        Block::Record(match_record(f, c, true)),
    )
    .with(
        "contributions",
        "Contributions to date (not spent from the grant)",
        Block::Table(contributions_table(shown.into_iter(), false)),
    )
}

/// `report budget`'s block: the match figures alone, when there is anything to show.
pub fn budget_block(doc: Document, f: &MatchFigures, c: &Currency) -> Document {
    match f.any() {
        true => doc.with(
            "cost_share",
            format!("Cost share (match), in {}", c.code),
            Block::Record(match_record(f, c, true)),
        ),
        false => doc,
    }
}

/// `match list`: each contribution, then the match as it stands on the list's day.
pub fn contributions(
    list: &[Contribution],
    f: &MatchFigures,
    c: &Currency,
    title: &str,
) -> Document {
    Document::table(
        "contributions",
        title,
        contributions_table(list.iter(), true),
    )
    .with(
        "match",
        format!("Match, in {}", c.code),
        Block::Record(match_record(f, c, false)),
    )
}

fn contributions_table<'a>(list: impl Iterator<Item = &'a Contribution>, full: bool) -> Table {
    let mut t = Table::new(&[
        col("date", "Date"),
        col("reference", "Reference"),
        prose("contributor", "From"),
        col("kind", "Kind"),
        col("value", "Value"),
        prose("basis", "Basis of valuation"),
        col("line", "Line"),
        detail("currency", "Currency"),
        detail("amount", "Amount"),
        detail("rate", "Rate"),
        detail("office", "Office"),
        prose("void_reason", "Voided because"),
    ])
    .spare(&["line"]);
    for k in list {
        t.push(vec![
            Cell::Date(k.date),
            Cell::text(&k.reference),
            Cell::text(&k.contributor),
            Cell::text(k.kind.as_str()),
            Cell::amount(k.grant_amount, &k.grant_currency),
            Cell::text(&k.basis),
            Cell::optional(k.line.as_deref(), Cell::text),
            Cell::text(&k.currency.code),
            Cell::amount(k.amount, &k.currency),
            Cell::optional(k.rate.clone(), Cell::Rate),
            Cell::optional(k.office.as_deref(), Cell::text),
            Cell::optional(k.void.as_ref(), |v| Cell::text(&v.reason)),
        ]);
    }
    let t = t.without_empty("void_reason").without_empty("line");
    match full {
        true => t.without_empty("office"),
        false => t.hide("line"),
    }
}

#[cfg(test)]
mod tests;
