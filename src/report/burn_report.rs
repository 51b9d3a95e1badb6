//! `report burn`: one row per grant against its linear plan, in the grant's own currency; with
//! `--in CUR`, a second table converts each grant at a stated rate and only then sums them.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::burn::{Burn, BurnInput, burn, trailing_window};
use super::grants::{MONEY_COLUMNS, money_cells};
use super::summary::{balance, percent};
use crate::domain::fx::convert;
use crate::domain::{Currency, DateRange, FxRate, Grant, LineSpend};
use crate::error::Result;
use crate::render::bar::{MARK, OVER};
use crate::render::{Block, Cell, Document, Table, col, detail};

/// A grant with its money as of a date and its burn figures.
#[derive(Debug, Clone)]
pub struct GrantBurn {
    pub grant: Grant,
    pub received: Decimal,
    pub spent: Decimal,
    pub held: Held,
    pub burn: Burn,
}

/// Money of a grant that is out of its hands but not spent, on the as-of date, in its currency.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Held {
    /// Open commitments: signed, not yet paid.
    pub committed: Decimal,
    /// Advances partners have not accounted for yet.
    pub advanced: Decimal,
}

/// The date ranges whose spend [`grant_burn`] needs, in the order it reads them: to date, and
/// the trailing three months.
pub fn spend_ranges(grant: &Grant, as_of: NaiveDate) -> Vec<DateRange> {
    let dates = grant.dates();
    // Before the start both ranges end before they begin, and hold nothing.
    let to_date = DateRange {
        start: dates.start,
        end: as_of,
    };
    let trailing = trailing_window(dates, as_of).unwrap_or(to_date);
    vec![to_date, trailing]
}

/// Burn figures of `grant` from its lines' spend over [`spend_ranges`].
pub fn grant_burn(
    grant: Grant,
    lines: &[LineSpend],
    received: Decimal,
    held: Held,
    as_of: NaiveDate,
    threshold: Decimal,
) -> GrantBurn {
    let total = |i: usize| lines.iter().map(|l| l.amounts[i]).sum::<Decimal>();
    let (spent, trailing_spent) = (total(0), total(1));
    let burn = burn(&BurnInput {
        currency: &grant.currency,
        budget: grant.amount,
        dates: grant.dates(),
        as_of,
        spent,
        trailing_spent,
        committed: held.committed,
        threshold,
    });
    GrantBurn {
        grant,
        received,
        spent,
        held,
        burn,
    }
}

/// Which way a grant's figures are converted for `--in`: the rate in force and the currency.
#[derive(Debug, Clone)]
pub struct Conversion {
    pub into: Currency,
    /// One per grant, in the same order; none where the grant is already in `into`.
    pub rates: Vec<Option<FxRate>>,
}

pub fn burn_report(
    grants: &[GrantBurn],
    as_of: NaiveDate,
    threshold: Decimal,
    conversion: Option<&Conversion>,
) -> Result<Document> {
    let threshold = threshold.normalize();
    let title = format!("Burn as of {as_of}, threshold ±{threshold} % of budget");
    let mut doc = Document::table("burn", title, burn_table(grants, as_of)).with_view(
        "Outlook at the pace of the last three months",
        outlook_table(grants),
    );
    if grants.iter().any(|g| g.held != Held::default()) {
        doc = doc.with_view("Bound but not spent", held_table(grants));
    }
    if let Some(conversion) = conversion {
        doc = doc.with(
            "converted",
            format!(
                "In {} at the rate in force on {as_of} (each grant converted, then summed)",
                conversion.into.code
            ),
            Block::Table(converted_table(grants, conversion)?),
        );
    }
    let note = format!(
        "Used % = spent of budget; Time % = time gone from start to end; Var % = Used % - Time \
         %, beyond ±{threshold} % a grant is under- or overspending. Burn/mo = spend per month \
         over the grant's last three months up to the as-of date; Runway = months until the \
         budget is spent at that pace; Runs out = that day, if it comes before the end; At \
         end % = spent by the end at that pace, of budget. Spent vs time: the bar fills with \
         Used % (a cell is 1/12 of the budget), {MARK} stands at Time %, and {OVER} ends it when \
         more than the budget is spent: a fill past the {MARK} is spending ahead of time.{}",
        if grants.iter().any(|g| g.held != Held::default()) {
            " Committed = contracts signed and not yet paid, which the projection never falls \
             below; Advanced = cash with partners not yet accounted for: neither is spent; Left \
             after both = budget − spent − committed − advanced."
        } else {
            ""
        }
    );
    Ok(doc.with("notes", "", Block::Note(vec![note])))
}

fn burn_table(grants: &[GrantBurn], as_of: NaiveDate) -> Table {
    let mut columns = MONEY_COLUMNS.to_vec();
    columns.extend([
        col("utilisation_pct", "Used %"),
        col("elapsed_pct", "Time %"),
        detail("expected", "Expected"),
        detail("variance", "Variance"),
        col("variance_pct", "Var %"),
        detail("burn_per_month", "Burn/month"),
        detail("burn_per_month_3m", "Burn/mo"),
        detail("runway_months", "Runway"),
        detail("exhaustion_date", "Exhausted on"),
        detail("projected_at_end", "Projected at end"),
        detail("committed", "Committed"),
        detail("advanced", "Advanced"),
        detail("start", "Start"),
        detail("end", "End"),
        col("status", "Status"),
        detail("as_of", "As of"),
    ]);
    let mut t = Table::new(&columns).hide("received").spare(&[
        "advanced",
        "committed",
        "variance_pct",
        "currency",
    ]);
    for g in grants {
        let c = &g.grant.currency;
        let b = &g.burn;
        let mut row = money_cells(&g.grant, g.received, g.spent);
        row.extend([
            Cell::optional(b.utilisation_pct, Cell::Percent),
            Cell::Percent(b.elapsed_pct),
            Cell::amount(b.expected, c),
            Cell::amount(b.variance, c),
            Cell::optional(b.variance_pct, Cell::Percent),
            Cell::optional(b.monthly, |m| Cell::amount(m, c)),
            Cell::optional(b.monthly_trailing, |m| Cell::amount(m, c)),
            Cell::optional(b.runway_months, Cell::Number),
            Cell::optional(b.exhaustion, Cell::Date),
            Cell::amount(b.projected_at_end, c),
            held_cell(g.held.committed, c),
            held_cell(g.held.advanced, c),
            Cell::Date(g.grant.start),
            Cell::Date(g.grant.end),
            Cell::Status(b.status.as_str().to_string(), b.status.tone()),
            Cell::Date(as_of),
        ]);
        t.push(row);
    }
    t.without_empty("committed").without_empty("advanced")
}

/// What each grant has committed and advanced and not yet spent, for people (CSV and JSON
/// carry it in the burn table): a third table keeps the first within a page's width.
fn held_table(grants: &[GrantBurn]) -> Table {
    let mut t = Table::new(&[
        col("reference", "Grant"),
        col("currency", "Cur"),
        col("committed", "Committed"),
        col("advanced", "Advanced"),
        col("balance_after", "Left after both"),
    ]);
    for g in grants {
        let c = &g.grant.currency;
        let left = g.grant.amount - g.spent - g.held.committed - g.held.advanced;
        t.push(vec![
            Cell::text(&g.grant.reference),
            Cell::text(&c.code),
            Cell::amount(g.held.committed, c),
            Cell::amount(g.held.advanced, c),
            Cell::amount(left, c),
        ]);
    }
    t
}

/// Money held but not spent: nothing shown for none, so a ledger without commitments or
/// advances has no such column.
fn held_cell(amount: Decimal, c: &Currency) -> Cell {
    match amount.is_zero() {
        true => Cell::Empty,
        false => Cell::amount(amount, c),
    }
}

/// The forward-looking figures of [`burn_table`], for people: a second table keeps both within
/// a terminal's width. It opens with a bar of Used % against Time % (the percentages are in the
/// first table and in CSV and JSON); the amount projected at the end is left to CSV and JSON
/// (`projected_at_end`), its share of the budget is here.
fn outlook_table(grants: &[GrantBurn]) -> Table {
    let mut t = Table::new(&[
        col("reference", "Grant"),
        col("spent_vs_time", "Spent vs time"),
        col("burn_per_month_3m", "Burn/mo"),
        col("runway_months", "Runway"),
        col("exhaustion_date", "Runs out"),
        col("projected_pct", "At end %"),
        col("end", "End"),
    ]);
    for g in grants {
        let c = &g.grant.currency;
        let b = &g.burn;
        t.push(vec![
            Cell::text(&g.grant.reference),
            Cell::optional(b.utilisation_pct, |used_pct| Cell::Bar {
                used_pct,
                elapsed_pct: b.elapsed_pct,
            }),
            Cell::optional(b.monthly_trailing, |m| Cell::amount(m, c)),
            Cell::optional(b.runway_months, Cell::Number),
            Cell::optional(b.exhaustion, Cell::Date),
            Cell::optional(percent(b.projected_at_end, g.grant.amount), Cell::Percent),
            Cell::Date(g.grant.end),
        ]);
    }
    t.spare(&["end"])
}

fn converted_table(grants: &[GrantBurn], conversion: &Conversion) -> Result<Table> {
    let into = &conversion.into;
    let mut t = Table::new(&[
        col("reference", "Grant"),
        col("grant_currency", "From"),
        col("rate", "Rate"),
        col("rate_date", "Rate from"),
        col("budget", "Budget"),
        detail("received", "Received"),
        col("spent", "Spent"),
        detail("expected", "Expected"),
        col("balance", "Balance"),
        col("utilisation_pct", "Used %"),
        detail("variance", "Variance"),
    ]);
    // Budget, received, spent and expected are converted; balance and variance are taken from
    // the converted figures, so every row and the total add up in the target currency.
    let mut totals = [Decimal::ZERO; 4];
    for (g, rate) in grants.iter().zip(&conversion.rates) {
        let from = &g.grant.currency;
        let mut converted = [g.grant.amount, g.received, g.spent, g.burn.expected];
        if let Some(r) = rate {
            for amount in converted.iter_mut() {
                *amount = convert(*amount, from, &r.quote(), into)?;
            }
        }
        for (total, value) in totals.iter_mut().zip(converted) {
            *total += value;
        }
        let row = [
            Cell::text(&g.grant.reference),
            Cell::text(&from.code),
            Cell::optional(rate.as_ref(), |r| Cell::Rate(r.quote())),
            Cell::optional(rate.as_ref(), |r| Cell::Date(r.valid_from)),
        ];
        t.push(converted_row(row, converted, into));
    }
    let row = [Cell::text("TOTAL"), Cell::Empty, Cell::Empty, Cell::Empty];
    t.push(converted_row(row, totals, into));
    Ok(t)
}

/// A converted row: its first four cells, then the figures from budget, received, spent and
/// expected in the target currency.
fn converted_row(
    first: [Cell; 4],
    [budget, received, spent, expected]: [Decimal; 4],
    into: &Currency,
) -> Vec<Cell> {
    let mut row = first.to_vec();
    row.extend([
        Cell::amount(budget, into),
        Cell::amount(received, into),
        Cell::amount(spent, into),
        Cell::amount(expected, into),
        Cell::amount(balance(budget, spent), into),
        Cell::optional(percent(spent, budget), Cell::Percent),
        Cell::amount(spent - expected, into),
    ]);
    row
}
