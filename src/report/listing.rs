//! Listings and single records of the ledger's parties and transactions, in the columns every
//! format shares. Grants, budgets and periods are in `grants`.

use crate::domain::{Amendment, AuditEntry, Donor, Expense, FxRate, Project, Receipt};
use crate::render::Block;
use crate::render::{Cell, Document, Record, Table, col, detail, group_thousands, prose};

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
    let offices = receipts.iter().any(|r| r.office.is_some());
    let mut columns = vec![
        col("id", "Id"),
        col("grant", "Grant"),
        col("date", "Date"),
        col("amount", "Amount"),
        col("currency", "Cur"),
        col("reference", "Reference"),
        prose("description", "Description"),
        col("status", "Status"),
        detail("void_reason", "Void reason"),
    ];
    if offices {
        columns.push(detail("office", "Office"));
    }
    let mut t = Table::new(&columns);
    for r in receipts {
        let mut row = vec![
            Cell::Int(r.id),
            Cell::text(&r.grant),
            Cell::Date(r.date),
            Cell::amount(r.amount, &r.currency),
            Cell::text(&r.currency.code),
            Cell::text(&r.reference),
            Cell::text(&r.description),
            Cell::text(if r.void.is_some() { "void" } else { "ok" }),
            Cell::optional(r.void.as_ref(), |v| Cell::text(&v.reason)),
        ];
        if offices {
            row.push(Cell::optional(r.office.as_ref(), Cell::text));
        }
        t.push(row);
    }
    let t = t.spare(&["status", "grant"]);
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

pub fn expenses(expenses: &[Expense]) -> Document {
    // A ledger without offices lists no office column.
    let offices = expenses.iter().any(|e| e.office.is_some());
    let mut columns = vec![
        col("id", "Id"),
        col("grant", "Grant"),
        col("date", "Date"),
        col("line", "Line"),
        col("voucher", "Voucher"),
        prose("payee", "Payee"),
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
        detail("refund_of", "Reverses"),
        detail("corrects", "Corrects"),
    ];
    if offices {
        columns.push(detail("office", "Office"));
    }
    let mut t = Table::new(&columns);
    // A refund's amounts are shown negative, as it counts, so a column adds up to net spend.
    for e in expenses {
        let mut row = vec![
            Cell::Int(e.id),
            Cell::text(&e.grant),
            Cell::Date(e.date),
            Cell::text(&e.line),
            Cell::text(&e.voucher),
            Cell::text(&e.payee),
            Cell::amount(e.amount * e.kind.sign(), &e.currency),
            Cell::text(&e.currency.code),
            Cell::optional(e.rate.clone(), Cell::Rate),
            Cell::amount(e.spend(), &e.grant_currency),
            Cell::text(&e.grant_currency.code),
            Cell::text(&e.country),
            Cell::text(if e.void.is_some() { "void" } else { "ok" }),
            Cell::text(e.kind.as_str()),
            Cell::optional(e.rate.as_ref(), |q| Cell::text(&q.base)),
            Cell::optional(e.rate.as_ref(), |q| Cell::text(&q.quote)),
            Cell::text(&e.description),
            Cell::optional(e.void.as_ref(), |v| Cell::text(&v.reason)),
            Cell::optional(e.refund_of, Cell::Int),
            Cell::optional(e.corrects, Cell::Int),
        ];
        if offices {
            row.push(Cell::optional(e.office.as_ref(), Cell::text));
        }
        t.push(row);
    }
    t.total = expenses_total(expenses, t.columns.len());
    // On 80 columns: the quote, the grant's currency (Cur shows the expense's), the country
    // and then the grant, the status and the line go first; `--wide` and CSV keep them.
    let t = t.spare(&[
        "rate",
        "grant_currency",
        "country",
        "grant",
        "status",
        "line",
    ]);
    Document::table("expenses", "", t)
}

/// The live entries' net spend under a listing of more than one, in each currency that is the
/// same for all of them (refunds count negative; voided entries count nothing).
fn expenses_total(expenses: &[Expense], width: usize) -> Option<Vec<Cell>> {
    let live: Vec<&Expense> = expenses.iter().filter(|e| e.void.is_none()).collect();
    if live.len() < 2 {
        return None;
    }
    let same = |code: fn(&Expense) -> &str| live.iter().all(|e| code(e) == code(live[0]));
    let mut row = vec![Cell::Empty; width];
    // Under the payees, a column every width shows (short: it must not wrap there).
    row[5] = Cell::text("Total");
    if same(|e| &e.currency.code) {
        let paid = live.iter().map(|e| e.amount * e.kind.sign()).sum();
        row[6] = Cell::amount(paid, &live[0].currency);
        row[7] = Cell::text(&live[0].currency.code);
    }
    if same(|e| &e.grant_currency.code) {
        let spent = live.iter().map(|e| e.spend()).sum();
        row[9] = Cell::amount(spent, &live[0].grant_currency);
        row[10] = Cell::text(&live[0].grant_currency.code);
    }
    Some(row)
}

pub fn expense(e: &Expense, title: &str) -> Document {
    let r = Record::default()
        .field("id", "Id", Cell::Int(e.id))
        .field("grant", "Grant", Cell::text(&e.grant))
        .field("line", "Budget line", Cell::text(&e.line))
        .field("kind", "Kind", Cell::text(e.kind.as_str()))
        .field("date", "Date", Cell::Date(e.date))
        .field(
            "amount",
            "Amount",
            Cell::amount(e.amount * e.kind.sign(), &e.currency),
        )
        .field("currency", "Currency", Cell::text(&e.currency.code))
        .field(
            "rate",
            "Rate used",
            Cell::optional(e.rate.clone(), Cell::Rate),
        )
        .detail(
            "rate_base",
            "Rate base",
            Cell::optional(e.rate.as_ref(), |q| Cell::text(&q.base)),
        )
        .detail(
            "rate_quote",
            "Rate quote",
            Cell::optional(e.rate.as_ref(), |q| Cell::text(&q.quote)),
        )
        .field(
            "grant_amount",
            "In grant currency",
            Cell::amount(e.spend(), &e.grant_currency),
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
        )
        .field(
            "refund_of",
            "Reverses expense",
            Cell::optional(e.refund_of, Cell::Int),
        )
        .field(
            "corrects",
            "Corrects expense",
            Cell::optional(e.corrects, Cell::Int),
        );
    let r = match &e.office {
        Some(office) => r.field("office", "Recorded by office", Cell::text(office)),
        None => r,
    };
    Document::record("expense", title, r)
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
