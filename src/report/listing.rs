//! Listings and single records, in the columns every format shares.

use crate::domain::{
    AuditEntry, Budget, Donor, Expense, Extension, FxRate, GrantTotals, Period, Project, Receipt,
    Revision,
};
use crate::render::{Block, Cell, Document, Record, Table, col, detail};

use super::summary::{balance, percent};

pub fn donors(donors: &[Donor]) -> Document {
    let mut t = Table::new(&[
        col("code", "Code"),
        col("name", "Name"),
        col("kind", "Kind"),
        col("country", "Country"),
    ]);
    for d in donors {
        t.push(vec![
            Cell::text(&d.code),
            Cell::text(&d.name),
            Cell::text(d.kind.as_str()),
            Cell::optional(d.country.as_ref(), Cell::text),
        ]);
    }
    Document::table("donors", "", t)
}

pub fn donor(d: &Donor, title: &str) -> Document {
    let r = Record::default()
        .field("code", "Code", Cell::text(&d.code))
        .field("name", "Name", Cell::text(&d.name))
        .field("kind", "Kind", Cell::text(d.kind.as_str()))
        .field(
            "country",
            "Country",
            Cell::optional(d.country.as_ref(), Cell::text),
        );
    Document::record("donor", title, r)
}

pub fn projects(projects: &[Project]) -> Document {
    let mut t = Table::new(&[
        col("code", "Code"),
        col("title", "Title"),
        col("organisation", "Organisation"),
        col("countries", "Countries"),
        col("start", "Start"),
        col("end", "End"),
        col("status", "Status"),
    ]);
    for p in projects {
        t.push(vec![
            Cell::text(&p.code),
            Cell::text(&p.title),
            Cell::text(&p.organisation),
            Cell::text(p.countries.join(";")),
            Cell::Date(p.start),
            Cell::Date(p.end),
            Cell::text(p.status.as_str()),
        ]);
    }
    Document::table("projects", "", t)
}

pub fn project(p: &Project, title: &str) -> Document {
    let r = Record::default()
        .field("code", "Code", Cell::text(&p.code))
        .field("title", "Title", Cell::text(&p.title))
        .field("organisation", "Organisation", Cell::text(&p.organisation))
        .field("countries", "Countries", Cell::text(p.countries.join(";")))
        .field("start", "Start", Cell::Date(p.start))
        .field("end", "End", Cell::Date(p.end))
        .field("status", "Status", Cell::text(p.status.as_str()));
    Document::record("project", title, r)
}

/// Grants with their money so far: one row each, amounts in each grant's own currency (never
/// summed across grants, which may be in different currencies).
pub fn grants(grants: &[GrantTotals]) -> Document {
    Document::table("grants", "", grants_table(grants))
}

fn grants_table(grants: &[GrantTotals]) -> Table {
    let mut t = Table::new(&[
        col("reference", "Grant"),
        col("donor", "Donor"),
        col("project", "Project"),
        col("currency", "Cur"),
        col("budget", "Budget"),
        col("received", "Received"),
        col("spent", "Spent"),
        col("balance", "Balance"),
        col("spent_pct", "Spent %"),
        col("start", "Start"),
        col("end", "End"),
        col("status", "Status"),
        detail("expenses", "Expenses"),
        detail("voided", "Voided"),
    ]);
    for g in grants {
        let c = &g.grant.currency;
        t.push(vec![
            Cell::text(&g.grant.reference),
            Cell::text(&g.grant.donor),
            Cell::text(&g.grant.project),
            Cell::text(&c.code),
            Cell::amount(g.grant.amount, c),
            Cell::amount(g.received, c),
            Cell::amount(g.spent, c),
            Cell::amount(balance(g.grant.amount, g.spent), c),
            Cell::optional(percent(g.spent, g.grant.amount), Cell::Percent),
            Cell::Date(g.grant.start),
            Cell::Date(g.grant.end),
            Cell::text(g.grant.status.as_str()),
            Cell::Int(g.expenses),
            Cell::Int(g.voided),
        ]);
    }
    t
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
    let original_end = extensions.first().map_or(g.grant.end, |e| e.previous_end);
    let r = Record::default()
        .field("reference", "Grant", Cell::text(&g.grant.reference))
        .field("donor", "Donor", Cell::text(&g.grant.donor))
        .field("project", "Project", Cell::text(&g.grant.project))
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
        col("reason", "Reason"),
        col("recorded_at", "Recorded"),
    ]);
    for e in extensions {
        ext.push(vec![
            Cell::Date(e.previous_end),
            Cell::Date(e.new_end),
            Cell::text(&e.reason),
            Cell::text(&e.recorded_at),
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
        col("name", "Name"),
        col("category", "Category"),
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
        col("reason", "Reason"),
        col("recorded_at", "Recorded"),
    ]);
    for r in revisions {
        t.push(vec![
            Cell::Int(r.number),
            Cell::Date(r.effective_date),
            Cell::text(&r.reason),
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

pub fn rates(rates: &[FxRate], title: &str) -> Document {
    let mut t = Table::new(&[
        col("from", "From"),
        col("to", "To"),
        col("rate", "Rate"),
        col("valid_from", "Valid from"),
        col("source", "Source"),
    ]);
    for r in rates {
        t.push(vec![
            Cell::text(&r.base),
            Cell::text(&r.quote),
            Cell::Number(r.rate),
            Cell::Date(r.valid_from),
            Cell::text(&r.source),
        ]);
    }
    Document::table("rates", title, t)
}

pub fn receipts(receipts: &[Receipt], title: &str) -> Document {
    let mut t = Table::new(&[
        col("id", "Id"),
        col("grant", "Grant"),
        col("date", "Date"),
        col("amount", "Amount"),
        col("currency", "Cur"),
        col("reference", "Reference"),
        col("description", "Description"),
    ]);
    for r in receipts {
        t.push(vec![
            Cell::Int(r.id),
            Cell::text(&r.grant),
            Cell::Date(r.date),
            Cell::amount(r.amount, &r.currency),
            Cell::text(&r.currency.code),
            Cell::text(&r.reference),
            Cell::text(&r.description),
        ]);
    }
    Document::table("receipts", title, t)
}

pub fn expenses(expenses: &[Expense]) -> Document {
    let mut t = Table::new(&[
        col("id", "Id"),
        col("grant", "Grant"),
        col("date", "Date"),
        col("line", "Line"),
        col("voucher", "Voucher"),
        col("payee", "Payee"),
        col("amount", "Amount"),
        col("currency", "Cur"),
        col("rate", "Rate"),
        col("grant_amount", "In grant cur"),
        col("grant_currency", "Grant cur"),
        col("country", "Ctry"),
        col("status", "Status"),
        detail("kind", "Kind"),
        detail("rate_base", "Rate base"),
        detail("rate_quote", "Rate quote"),
        detail("description", "Description"),
        detail("void_reason", "Void reason"),
    ]);
    for e in expenses {
        t.push(vec![
            Cell::Int(e.id),
            Cell::text(&e.grant),
            Cell::Date(e.date),
            Cell::text(&e.line),
            Cell::text(&e.voucher),
            Cell::text(&e.payee),
            Cell::amount(e.amount, &e.currency),
            Cell::text(&e.currency.code),
            Cell::optional(e.rate.clone(), Cell::Rate),
            Cell::amount(e.grant_amount, &e.grant_currency),
            Cell::text(&e.grant_currency.code),
            Cell::text(&e.country),
            Cell::text(if e.void.is_some() { "void" } else { "ok" }),
            Cell::text(e.kind.as_str()),
            Cell::optional(e.rate.as_ref(), |q| Cell::text(&q.base)),
            Cell::optional(e.rate.as_ref(), |q| Cell::text(&q.quote)),
            Cell::text(&e.description),
            Cell::optional(e.void.as_ref(), |v| Cell::text(&v.reason)),
        ]);
    }
    Document::table("expenses", "", t)
}

pub fn expense(e: &Expense, title: &str) -> Document {
    let r = Record::default()
        .field("id", "Id", Cell::Int(e.id))
        .field("grant", "Grant", Cell::text(&e.grant))
        .field("line", "Budget line", Cell::text(&e.line))
        .field("kind", "Kind", Cell::text(e.kind.as_str()))
        .field("date", "Date", Cell::Date(e.date))
        .field("amount", "Amount", Cell::amount(e.amount, &e.currency))
        .field("currency", "Currency", Cell::text(&e.currency.code))
        .field(
            "rate",
            "Rate used",
            Cell::optional(e.rate.as_ref(), |q| Cell::text(q.describe())),
        )
        .field(
            "grant_amount",
            "In grant currency",
            Cell::amount(e.grant_amount, &e.grant_currency),
        )
        .field(
            "grant_currency",
            "Grant currency",
            Cell::text(&e.grant_currency.code),
        )
        .field("payee", "Payee", Cell::text(&e.payee))
        .field("voucher", "Voucher", Cell::text(&e.voucher))
        .field("country", "Country", Cell::text(&e.country))
        .field("description", "Description", Cell::text(&e.description))
        .field("recorded_at", "Recorded", Cell::text(&e.recorded_at))
        .field(
            "voided_at",
            "Voided",
            Cell::optional(e.void.as_ref(), |v| Cell::text(&v.at)),
        )
        .field(
            "void_reason",
            "Void reason",
            Cell::optional(e.void.as_ref(), |v| Cell::text(&v.reason)),
        );
    Document::record("expense", title, r)
}

pub fn audit(entries: &[AuditEntry]) -> Document {
    let mut t = Table::new(&[
        col("id", "Id"),
        col("at", "When (UTC)"),
        col("actor", "Who"),
        col("action", "Action"),
        col("entity", "What"),
        col("key", "Key"),
        detail("before", "Before"),
        detail("after", "After"),
    ]);
    for a in entries {
        t.push(vec![
            Cell::Int(a.id),
            Cell::text(&a.at),
            Cell::text(&a.actor),
            Cell::text(&a.action),
            Cell::text(&a.entity),
            Cell::text(&a.key),
            Cell::optional(a.before.clone(), Cell::Json),
            Cell::optional(a.after.clone(), Cell::Json),
        ]);
    }
    Document::table("audit", "", t)
}
