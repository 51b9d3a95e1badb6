//! Budget against actuals as people and programs read it: the line table, the indirect-cost
//! record and the legend that `report budget` prints and the donor report embeds.

use rust_decimal::Decimal;

use super::actuals::Actuals;
use super::summary::percent;
use crate::render::{Block, Cell, Document, Record, Table, col, detail};

/// `report budget`: what the figures cover, the lines, and the indirect costs.
/// `period` names the reporting period the window is, if it is one.
pub fn budget_report(a: &Actuals, period: Option<&str>) -> Document {
    let c = &a.grant.currency;
    let head = Record::default()
        .field("grant", "Grant", Cell::text(&a.grant.reference))
        .field("currency", "Currency", Cell::text(&c.code))
        .field("period", "Period", Cell::optional(period, Cell::text))
        .field("from", "From", Cell::Date(a.window.start))
        .field("to", "To", Cell::Date(a.window.end));
    let head = with_revision(head, a)
        .field("time_gone_pct", "Time gone %", Cell::Percent(a.plan_pct))
        .field(
            "threshold_pct",
            "Threshold %",
            Cell::Number(a.threshold.normalize()),
        );
    // A window from the grant's start spends in it what it spent to date: one column says it.
    let mut lines = lines_table(a);
    if a.window.start == a.grant.start {
        lines = lines.hide("spent_period");
    }
    Document::record(
        "report",
        format!("Budget against actuals, {}", a.grant.reference),
        head,
    )
    .with("lines", "", Block::Table(lines))
    .with(
        "indirect",
        "Indirect costs",
        Block::Record(indirect_record(a)),
    )
    .with("notes", "", Block::Note(legend(a)))
}

/// The budget revision the figures use, as the fields a report's head names it by.
pub fn with_revision(record: Record, a: &Actuals) -> Record {
    let record = record.field("budget_revision", "Budget revision", Cell::Int(a.revision));
    // The donor's approval is shown where there is one; the field stays in CSV and JSON.
    let record = match &a.revision_approved_by {
        Some(approval) => record.field("approved_by", "Approved by donor", Cell::text(approval)),
        None => record.detail("approved_by", "Approved by donor", Cell::Empty),
    };
    record
        .field(
            "budget_revision_date",
            "Revision effective",
            Cell::Date(a.revision_date),
        )
        .detail(
            "budget_revision_reason",
            "Revision reason",
            Cell::text(&a.revision_reason),
        )
}

/// The line-by-line table; in a terminal it keeps to codes and figures so that it fits 80
/// columns, and [`legend`] names the lines.
pub fn lines_table(a: &Actuals) -> Table {
    let c = &a.grant.currency;
    let held = |cell: Cell| {
        if a.has_commitments() {
            cell
        } else {
            Cell::Empty
        }
    };
    let mut t = Table::new(&[
        col("line", "Line"),
        detail("name", "Name"),
        detail("category", "Category"),
        col("budget", "Budget"),
        col("spent_period", "Period"),
        col("spent_to_date", "To date"),
        col("balance", "Balance"),
        col("committed", "Committed"),
        col("available", "Available"),
        col("spent_pct", "Spent %"),
        detail("expected_to_date", "Plan to date"),
        detail("variance", "Variance"),
        col("variance_pct", "Var %"),
        col("flag", "Flag"),
    ]);
    for line in a.lines.iter().chain([&a.total]) {
        t.push(vec![
            Cell::text(&line.code),
            Cell::text(&line.name),
            Cell::text(line.category.map_or("", |k| k.as_str())),
            Cell::amount(line.budget, c),
            Cell::amount(line.period, c),
            Cell::amount(line.to_date, c),
            Cell::amount(line.balance(), c),
            held(Cell::amount(line.committed, c)),
            held(Cell::amount(line.available(), c)),
            Cell::optional(percent(line.to_date, line.budget), Cell::Percent),
            Cell::amount(line.expected, c),
            Cell::amount(line.variance(), c),
            Cell::optional(line.variance_pct(a.plan_pct), Cell::Percent),
            Cell::optional(line.flag, |f| Cell::Status(f.as_str().into(), f.tone())),
        ]);
    }
    // Committed and available say something only where something is committed; there, a
    // terminal leaves out the balance (budget − spent) first, which available refines.
    if a.has_commitments() {
        t.spare(&["balance", "spent_pct"])
    } else {
        t.without_empty("committed").without_empty("available")
    }
}

pub fn indirect_record(a: &Actuals) -> Record {
    let c = &a.grant.currency;
    let i = &a.indirect;
    let amount = |v| Cell::amount(v, c);
    let record = Record::default()
        .field("rate_pct", "Rate % of direct costs", Cell::Number(i.rate))
        .field(
            "direct_period",
            "Direct costs, period",
            amount(i.direct_period),
        )
        .field(
            "allowed_period",
            "Allowed at rate, period",
            amount(i.allowed_period),
        )
        .field("booked_period", "Booked, period", amount(i.booked_period))
        .field(
            "direct_to_date",
            "Direct costs, to date",
            amount(i.direct_to_date),
        )
        .field(
            "allowed_to_date",
            "Allowed at rate, to date",
            amount(i.allowed_to_date),
        )
        .field(
            "booked_to_date",
            "Booked, to date",
            amount(i.booked_to_date),
        )
        .field(
            "booked_minus_allowed",
            "Booked − allowed, to date",
            amount(i.booked_to_date - i.allowed_to_date),
        )
        .detail("direct_budget", "Direct budget", amount(i.direct_budget))
        .detail(
            "indirect_budget",
            "Indirect budget",
            amount(i.indirect_budget),
        );
    match a.indirect_cap {
        Some(cap) => record.field("cap_pct", "Donor's cap % of direct", Cell::Number(cap)),
        None => record.detail("cap_pct", "Donor's cap % of direct", Cell::Empty),
    }
}

/// Line names and what the columns and flags mean, for people reading the table.
pub fn legend(a: &Actuals) -> Vec<String> {
    let width = a.lines.iter().map(|l| l.code.len()).max().unwrap_or(0);
    let mut lines: Vec<String> = a
        .lines
        .iter()
        .map(|l| match l.category {
            Some(k) => format!("  {:width$}  {} ({})", l.code, l.name, k.as_str()),
            None => format!("  {:width$}  {}", l.code, l.name),
        })
        .collect();
    lines.insert(0, "Lines:".into());
    lines.push(flags_note(a));
    for finding in a.indirect_cap_findings() {
        lines.push(format!("Indirect costs above the cap: {finding}."));
    }
    if a.has_commitments() {
        lines.push(
            "Committed = contracts and purchase orders signed on the line and not yet paid; \
             Available = budget − spent to date − committed: what the line can still take on."
                .into(),
        );
    }
    lines
}

/// What a line's flag means, and the time gone it is measured against.
pub fn flags_note(a: &Actuals) -> String {
    format!(
        "Flags: over = spent more than the line's budget; ahead / behind = Spent % more than {} \
         points above / below the time gone, {} of the grant's time by {} (Var % is the \
         difference).",
        a.threshold.normalize(),
        format_pct(a.plan_pct),
        a.window.end,
    )
}

fn format_pct(p: Decimal) -> String {
    format!("{} %", Cell::Percent(p).plain())
}
