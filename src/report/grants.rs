//! Grants with their money so far, their budgets, revisions and reporting periods.

use rust_decimal::Decimal;

use crate::domain::{Budget, Extension, Grant, GrantTotals, Period, PeriodNote, Revision};
use crate::render::{Block, Cell, Column, Document, Record, Table, col, detail, prose};

use super::summary::{balance, percent};

/// Grants with their money so far: one row each, amounts in each grant's own currency (never
/// summed across grants, which may be in different currencies).
pub fn grants(grants: &[GrantTotals]) -> Document {
    Document::table("grants", "", grants_table(grants))
}

/// The columns every per-grant table opens with: the grant, its donor and project, its currency,
/// and its amount, received and spent in that currency. See [`money_cells`].
pub(super) const MONEY_COLUMNS: [Column; 7] = [
    col("reference", "Grant"),
    detail("donor", "Donor"),
    detail("project", "Project"),
    col("currency", "Cur"),
    col("budget", "Budget"),
    col("received", "Received"),
    col("spent", "Spent"),
];

/// The cells of [`MONEY_COLUMNS`].
pub(super) fn money_cells(grant: &Grant, received: Decimal, spent: Decimal) -> Vec<Cell> {
    let c = &grant.currency;
    vec![
        Cell::text(&grant.reference),
        Cell::text(&grant.donor),
        Cell::text(&grant.project),
        Cell::text(&c.code),
        Cell::amount(grant.amount, c),
        Cell::amount(received, c),
        Cell::amount(spent, c),
    ]
}

fn grants_table(grants: &[GrantTotals]) -> Table {
    let mut columns = MONEY_COLUMNS.to_vec();
    columns.extend([
        col("balance", "Balance"),
        col("spent_pct", "Spent %"),
        detail("start", "Start"),
        col("end", "End"),
        col("status", "Status"),
        detail("expenses", "Expenses"),
        detail("voided", "Voided"),
    ]);
    let mut t = Table::new(&columns);
    for g in grants {
        let c = &g.grant.currency;
        let mut row = money_cells(&g.grant, g.received, g.spent);
        row.extend([
            Cell::amount(balance(g.grant.amount, g.spent), c),
            Cell::optional(percent(g.spent, g.grant.amount), Cell::Percent),
            Cell::Date(g.grant.start),
            Cell::Date(g.grant.end),
            Cell::text(g.grant.status.as_str()),
            Cell::Int(g.expenses),
            Cell::Int(g.voided),
        ]);
        t.push(row);
    }
    t.spare(&["end", "balance", "received"])
}

/// A donor's or project's record followed by its grants.
pub fn with_grants(doc: Document, grants: &[GrantTotals]) -> Document {
    doc.with("grants", "Grants", Block::Table(grants_table(grants)))
}

pub fn grant(
    g: &GrantTotals,
    extensions: &[Extension],
    periods: &[Period],
    title: &str,
) -> Document {
    let c = &g.grant.currency;
    let original_end = g.grant.original_end(extensions);
    let r = Record::default()
        .field("reference", "Grant", Cell::text(&g.grant.reference))
        .field("donor", "Donor", Cell::text(&g.grant.donor))
        .field("project", "Project", Cell::text(&g.grant.project))
        .field(
            "donor_reference",
            "Donor's reference",
            Cell::text(&g.grant.donor_reference),
        )
        .field("currency", "Currency", Cell::text(&c.code))
        .field("amount", "Amount", Cell::amount(g.grant.amount, c))
        .field("start", "Start", Cell::Date(g.grant.start))
        .field("end", "End (in force)", Cell::Date(g.grant.end))
        .field("original_end", "End (agreement)", Cell::Date(original_end))
        .field(
            "indirect_rate",
            "Indirect rate %",
            Cell::Number(g.grant.indirect_rate),
        )
        .field("status", "Status", Cell::text(g.grant.status.as_str()))
        .field("received", "Received", Cell::amount(g.received, c))
        .field("spent", "Spent", Cell::amount(g.spent, c))
        .field(
            "balance",
            "Balance",
            Cell::amount(balance(g.grant.amount, g.spent), c),
        )
        .field("expenses", "Expenses", Cell::Int(g.expenses))
        .field("voided", "Voided", Cell::Int(g.voided));
    let mut ext = Table::new(&[
        col("previous_end", "From"),
        col("new_end", "To"),
        prose("reason", "Reason"),
        col("recorded_at", "Recorded"),
        col("decided", "Decided"),
    ]);
    for e in extensions {
        ext.push(vec![
            Cell::Date(e.previous_end),
            Cell::Date(e.new_end),
            Cell::text(&e.reason),
            Cell::text(&e.recorded_at),
            Cell::optional(e.decided, Cell::Date),
        ]);
    }
    Document::record("grant", title, r)
        .with("extensions", "No-cost extensions", Block::Table(ext))
        .with(
            "periods",
            "Reporting periods",
            Block::Table(period_table(periods)),
        )
}

/// A budget revision line by line with spend so far, and a total row.
pub fn budget(b: &Budget) -> Document {
    let c = &b.currency;
    let mut t = Table::new(&[
        col("line", "Line"),
        prose("name", "Name"),
        detail("category", "Category"),
        col("budget", "Budget"),
        col("spent", "Spent"),
        col("balance", "Balance"),
        col("spent_pct", "Spent %"),
    ]);
    let line_row = |code: &str, name: &str, category: &str, amount, spent| {
        vec![
            Cell::text(code),
            Cell::text(name),
            Cell::text(category),
            Cell::amount(amount, c),
            Cell::amount(spent, c),
            Cell::amount(balance(amount, spent), c),
            Cell::optional(percent(spent, amount), Cell::Percent),
        ]
    };
    for l in &b.lines {
        t.push(line_row(
            &l.code,
            &l.name,
            l.category.as_str(),
            l.amount,
            l.spent,
        ));
    }
    let total_budget = b.lines.iter().map(|l| l.amount).sum();
    let total_spent = b.lines.iter().map(|l| l.spent).sum();
    t.push(line_row("TOTAL", "", "", total_budget, total_spent));
    let r = &b.revision;
    let title = format!(
        "Budget of {} in {}, revision {} from {} ({})",
        b.grant, c.code, r.number, r.effective_date, r.reason
    );
    Document::table("budget", title, t)
}

pub fn revisions(grant: &str, revisions: &[Revision]) -> Document {
    let mut t = Table::new(&[
        col("revision", "Revision"),
        col("effective_date", "Effective"),
        prose("reason", "Reason"),
        prose("approved_by", "Approved by donor"),
        col("recorded_at", "Recorded"),
    ]);
    for r in revisions {
        t.push(vec![
            Cell::Int(r.number),
            Cell::Date(r.effective_date),
            Cell::text(&r.reason),
            Cell::optional(r.approved_by.as_deref(), Cell::text),
            Cell::text(&r.recorded_at),
        ]);
    }
    Document::table("revisions", format!("Budget revisions of {grant}"), t)
}

fn period_table(periods: &[Period]) -> Table {
    let mut t = Table::new(&[
        col("grant", "Grant"),
        col("code", "Period"),
        col("start", "Start"),
        col("end", "End"),
        col("status", "Status"),
    ]);
    for p in periods {
        t.push(vec![
            Cell::text(&p.grant),
            Cell::text(&p.code),
            Cell::Date(p.start),
            Cell::Date(p.end),
            Cell::text(p.status.as_str()),
        ]);
    }
    t
}

pub fn periods(periods: &[Period], title: &str) -> Document {
    Document::table("periods", title, period_table(periods))
}

/// A period's variance notes, a line each.
pub fn period_notes(notes: &[PeriodNote]) -> Document {
    let mut t = Table::new(&[
        col("grant", "Grant"),
        col("period", "Period"),
        col("line", "Line"),
        prose("note", "Note"),
    ]);
    for n in notes {
        t.push(vec![
            Cell::text(&n.grant),
            Cell::text(&n.period),
            Cell::text(&n.line),
            Cell::text(&n.note),
        ]);
    }
    Document::table("period_notes", "", t.spare(&["grant"]))
}
