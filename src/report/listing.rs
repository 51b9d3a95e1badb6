//! Listings and single records of the ledger's parties and transactions, in the columns every
//! format shares. Grants, budgets and periods are in `grants`.

use crate::domain::{Amendment, AuditEntry, Donor, Expense, FxRate, Project, Receipt};
use crate::render::Block;
use crate::render::{Cell, Document, Record, Table, col, detail, group_thousands, prose};

mod expenses;
pub mod publishing;
pub use expenses::{expense, expense_with_parts, expenses, titled_expenses};

pub fn donors(donors: &[Donor]) -> Document {
    let mut t = Table::new(&[
        col("code", "Code"),
        prose("name", "Name"),
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

/// `doc` (a donor, project or grant) with its amendments, oldest first.
pub fn with_amendments(doc: Document, amendments: &[Amendment]) -> Document {
    let mut t = Table::new(&[
        col("date", "Effective"),
        col("field", "Field"),
        prose("before", "Before"),
        prose("after", "After"),
        prose("reason", "Reason"),
        detail("recorded_at", "Recorded"),
    ]);
    for a in amendments {
        t.push(vec![
            Cell::Date(a.effective),
            Cell::text(&a.field),
            Cell::text(&a.before),
            Cell::text(&a.after),
            Cell::text(&a.reason),
            Cell::text(&a.recorded_at),
        ]);
    }
    doc.with("amendments", "Amendments", Block::Table(t))
}

pub fn projects(projects: &[Project]) -> Document {
    let mut t = Table::new(&[
        col("code", "Code"),
        prose("title", "Title"),
        prose("organisation", "Organisation"),
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
    let t = t.spare(&["status", "start", "end"]);
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

pub fn rates(rates: &[FxRate], title: &str) -> Document {
    let mut t = Table::new(&[
        col("from", "From"),
        col("to", "To"),
        col("rate", "Rate"),
        col("valid_from", "Valid from"),
        prose("source", "Source"),
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
        col("kind", "Kind"),
        col("amount", "Amount"),
        col("currency", "Cur"),
        col("reference", "Reference"),
        prose("description", "Description"),
        col("status", "Status"),
        detail("void_reason", "Void reason"),
        detail("office", "Office"),
    ]);
    for r in receipts {
        t.push(vec![
            Cell::Int(r.id),
            Cell::text(&r.grant),
            Cell::Date(r.date),
            Cell::text(r.kind.as_str()),
            Cell::amount(r.amount, &r.currency),
            Cell::text(&r.currency.code),
            Cell::text(&r.reference),
            Cell::text(&r.description),
            Cell::text(if r.void.is_some() { "void" } else { "ok" }),
            Cell::optional(r.void.as_ref(), |v| Cell::text(&v.reason)),
            Cell::optional(r.office.as_ref(), Cell::text),
        ]);
    }
    let t = t.without_empty("office");
    let t = t.spare(&["status", "kind", "grant"]);
    Document::table("receipts", title, t)
}

pub fn receipt(r: &Receipt, title: &str) -> Document {
    let record = Record::default()
        .field("id", "Id", Cell::Int(r.id))
        .field("grant", "Grant", Cell::text(&r.grant))
        .field("date", "Date", Cell::Date(r.date))
        .field("amount", "Amount", Cell::amount(r.amount, &r.currency))
        .field("currency", "Currency", Cell::text(&r.currency.code))
        .field("reference", "Reference", Cell::text(&r.reference))
        .field("description", "Description", Cell::text(&r.description))
        .field(
            "voided_at",
            "Voided",
            Cell::optional(r.void.as_ref(), |v| Cell::text(&v.at)),
        )
        .field(
            "void_reason",
            "Void reason",
            Cell::optional(r.void.as_ref(), |v| Cell::text(&v.reason)),
        );
    Document::record("receipt", title, record)
}

/// Each expense converted again: the voided original beside the entry that replaced it.
pub fn repriced(pairs: &[(Expense, Expense)]) -> Document {
    let mut t = Table::new(&[
        col("id", "Was"),
        col("new_id", "Now"),
        col("voucher", "Voucher"),
        col("date", "Date"),
        col("amount", "Amount"),
        col("currency", "Cur"),
        col("old_rate", "Old rate"),
        col("new_rate", "New rate"),
        col("old_grant_amount", "Was in grant cur"),
        col("new_grant_amount", "Now in grant cur"),
        col("grant_currency", "Grant cur"),
    ]);
    for (old, new) in pairs {
        t.push(vec![
            Cell::Int(old.id),
            Cell::Int(new.id),
            Cell::text(&new.voucher),
            Cell::Date(new.date),
            Cell::amount(new.amount * new.kind.sign(), &new.currency),
            Cell::text(&new.currency.code),
            Cell::optional(old.rate.clone(), Cell::Rate),
            Cell::optional(new.rate.clone(), Cell::Rate),
            Cell::amount(old.spend(), &old.grant_currency),
            Cell::amount(new.spend(), &new.grant_currency),
            Cell::text(&new.grant_currency.code),
        ]);
    }
    Document::table("repriced", "", t)
}

/// Money that came back, entries put right and agreements amended, one row each, in the order
/// they happened: what the demo shows of a ledger's history beside its figures.
pub fn history(
    refunds: &[(Expense, Option<String>)],
    corrections: &[(Expense, Expense)],
    amendments: &[Amendment],
) -> Table {
    let mut t = Table::new(&[
        col("date", "Date"),
        col("what", "What"),
        col("entry", "Entry"),
        prose("detail", "Detail"),
    ]);
    // Amounts as people read them in a sentence: thousands grouped, the currency after.
    let money = |amount: rust_decimal::Decimal, currency: &crate::domain::Currency| {
        format!(
            "{} {}",
            group_thousands(&currency.plain(amount)),
            currency.code
        )
    };
    let mut rows: Vec<(chrono::NaiveDate, Vec<Cell>)> = Vec::new();
    for (e, of) in refunds {
        let of = of.as_deref().map_or(String::new(), |v| format!(" on {v}"));
        rows.push((
            e.date,
            vec![
                Cell::Date(e.date),
                Cell::text("refund"),
                Cell::text(&e.voucher),
                Cell::text(format!(
                    "{} back{of} ({} from {})",
                    money(e.grant_amount, &e.grant_currency),
                    money(e.amount, &e.currency),
                    e.payee
                )),
            ],
        ));
    }
    for (old, new) in corrections {
        rows.push((
            new.date,
            vec![
                Cell::Date(new.date),
                Cell::text("correction"),
                Cell::text(&new.voucher),
                Cell::text(format!(
                    "#{} {} voided for #{} {}: {}",
                    old.id,
                    money(old.amount, &old.currency),
                    new.id,
                    money(new.amount, &new.currency),
                    old.void
                        .as_ref()
                        .map_or("", |v| v.reason.trim_start_matches("corrected: "))
                )),
            ],
        ));
    }
    for a in amendments {
        let before = if a.before.is_empty() {
            "(none)"
        } else {
            &a.before
        };
        rows.push((
            a.effective,
            vec![
                Cell::Date(a.effective),
                Cell::text("amendment"),
                Cell::text(format!("{} {}", a.entity.as_str(), a.code)),
                Cell::text(format!(
                    "{}: {before} -> {} ({})",
                    a.field.replace('_', " "),
                    a.after,
                    a.reason
                )),
            ],
        ));
    }
    rows.sort_by_key(|(date, _)| *date);
    for (_, row) in rows {
        t.push(row);
    }
    t
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
    let t = t.spare(&["id", "entity"]);
    Document::table("audit", "", t)
}
