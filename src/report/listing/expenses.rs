//! Expenses listed, and one shown whole.

use crate::domain::Expense;
use crate::render::{Cell, Document, Record, Table, col, detail, prose};

pub fn expenses(expenses: &[Expense]) -> Document {
    Document::table("expenses", "", expense_table(expenses))
}

/// The parts of a shared cost under a title: which grant each went to is what matters.
pub fn titled_expenses(expenses: &[Expense], title: &str) -> Document {
    let t = expense_table(expenses).keep("grant").keep("status");
    Document::table("expenses", title, t)
}

fn expense_table(expenses: &[Expense]) -> Table {
    let mut t = Table::new(&[
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
        detail("office", "Office"),
        detail("advance", "Advance"),
        detail("commitment", "Commitment"),
        detail("allocation", "Shared cost"),
    ]);
    // A refund's amounts are shown negative, as it counts, so a column adds up to net spend.
    for e in expenses {
        t.push(vec![
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
            Cell::optional(e.office.as_ref(), Cell::text),
            Cell::optional(e.advance.as_ref(), Cell::text),
            Cell::optional(e.commitment.as_ref(), Cell::text),
            Cell::optional(e.allocation, Cell::Int),
        ]);
    }
    t.total = expenses_total(expenses, t.columns.len());
    // A ledger without offices lists no office column.
    let t = ["office", "advance", "commitment", "allocation"]
        .iter()
        .fold(t, |t, key| t.without_empty(key));
    // On 80 columns: the quote, the grant's currency (Cur shows the expense's), the country
    // and then the grant, the status and the line go first; `--wide` and CSV keep them.
    t.spare(&[
        "rate",
        "grant_currency",
        "country",
        "grant",
        "status",
        "line",
    ])
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

/// One expense whole; `parts` are the other parts of its shared-cost payment, if it is one.
pub fn expense_with_parts(e: &Expense, parts: &[Expense], title: &str) -> Document {
    let doc = expense(e, title);
    if parts.is_empty() {
        return doc;
    }
    let total: rust_decimal::Decimal = parts.iter().map(|p| p.amount).sum();
    doc.with(
        "parts",
        format!(
            "Voucher {} is a shared cost of {} {} in {} parts",
            e.voucher,
            e.currency.plain(total),
            e.currency.code,
            parts.len()
        ),
        crate::render::Block::Table(expense_table(parts).keep("grant").keep("status")),
    )
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
    let optional = |r: Record, key, title, value: Option<Cell>| match value {
        Some(cell) => r.field(key, title, cell),
        None => r,
    };
    let r = optional(
        r,
        "office",
        "Recorded by office",
        e.office.as_ref().map(Cell::text),
    );
    let r = optional(
        r,
        "advance",
        "Liquidates advance",
        e.advance.as_ref().map(Cell::text),
    );
    let r = optional(
        r,
        "commitment",
        "Pays commitment",
        e.commitment.as_ref().map(Cell::text),
    );
    let r = optional(
        r,
        "allocation",
        "Shared-cost payment",
        e.allocation.map(Cell::Int),
    );
    Document::record("expense", title, r)
}
