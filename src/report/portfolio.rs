//! `report portfolio`: an office's live grants side by side, grouped by donor or country,
//! the grants furthest from their plan first.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::burn_report::GrantBurn;
use crate::render::{Block, Cell, Document, Table, col, detail};

/// One grant under one group (a donor, or a country: a grant working in several countries is
/// listed under each).
#[derive(Debug, Clone)]
pub struct Placed<'a> {
    /// The donor's or country's code: short enough for a table column.
    pub group: String,
    /// The donor's name or the country's code again, for CSV and JSON.
    pub group_name: String,
    /// What the grant spent in this group: all of it under its donor, what was spent in the
    /// country under a country (so a regional grant's spend is never counted six times).
    pub spent_here: Decimal,
    pub burn: &'a GrantBurn,
    /// When the grant's next report to its donor is due (the first not sent), if its
    /// calendar asks for any.
    pub next_due: Option<NaiveDate>,
}

/// How far from plan a grant is, either way: the size of its variance in % of budget. A grant
/// without a budget has none, and sorts last.
fn distance(g: &GrantBurn) -> Decimal {
    g.burn.variance_pct.map_or(Decimal::MIN, |p| p.abs())
}

pub fn portfolio(mut placed: Vec<Placed>, group_title: &'static str, as_of: NaiveDate) -> Document {
    placed.sort_by(|a, b| {
        a.group
            .cmp(&b.group)
            .then_with(|| distance(b.burn).cmp(&distance(a.burn)))
            .then_with(|| a.burn.grant.reference.cmp(&b.burn.grant.reference))
    });
    let mut t = Table::new(&[
        col("group", group_title),
        detail("group_name", "Name"),
        col("reference", "Grant"),
        col("currency", "Cur"),
        col("budget", "Budget"),
        detail("spent", "Spent"),
        col("spent_here", "Spent here"),
        col("utilisation_pct", "Used %"),
        col("elapsed_pct", "Time %"),
        col("variance_pct", "Var %"),
        detail("runway_months", "Runway mo"),
        detail("end", "End"),
        col("next_due", "Next due"),
        col("status", "Status"),
        detail("as_of", "As of"),
    ]);
    for p in &placed {
        let g = p.burn;
        let c = &g.grant.currency;
        let b = &g.burn;
        t.push(vec![
            Cell::text(&p.group),
            Cell::text(&p.group_name),
            Cell::text(&g.grant.reference),
            Cell::text(&c.code),
            Cell::amount(g.grant.amount, c),
            Cell::amount(g.spent, c),
            Cell::amount(p.spent_here, c),
            Cell::optional(b.utilisation_pct, Cell::Percent),
            Cell::Percent(b.elapsed_pct),
            Cell::optional(b.variance_pct, Cell::Percent),
            Cell::optional(b.runway_months, Cell::Number),
            Cell::Date(g.grant.end),
            Cell::optional(p.next_due, Cell::Date),
            Cell::Status(b.status.as_str().to_string(), b.status.tone()),
            Cell::Date(as_of),
        ]);
    }
    let group = group_title.to_lowercase();
    // A short title, which heads every printed page and fits its footer; the rest is a note.
    let title = format!("Portfolio on {as_of} by {group}, furthest from plan first");
    let note = format!(
        "Grants running on {as_of} or ended and not yet closed. Budget and Used % are the whole \
         grant's; Spent here is what it spent under this {group} (Var % = Used % - Time %); Next due is \
         when its next report to the donor is due."
    );
    // Next due says something only where a calendar is set; a terminal drops it before the
    // figures.
    let t =
        t.without_empty("next_due")
            .spare(&["variance_pct", "budget", "group_name", "next_due"]);
    Document::table("portfolio", title, t).with("notes", "", Block::Note(vec![note]))
}
