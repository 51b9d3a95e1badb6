//! `report donor`: the quarterly financial report a donor receives. Its tables keep to codes and
//! figures so that the whole report reads on an 80-column terminal and on paper.

use chrono::NaiveDate;
use rust_decimal::Decimal;

mod reopened;

use super::actuals::Actuals;
use super::budget_table;
use super::summary::{balance, percent};
use crate::domain::{
    Donor, Expense, FxRate, Period, PeriodHistory, PeriodNote, Project, Receipt, ReceiptKind,
};
use crate::render::{Block, Cell, Column, Document, Record, Table, col, detail, prose};
use reopened::reopened;

pub struct DonorReport<'a> {
    pub actuals: &'a Actuals,
    pub donor: &'a Donor,
    pub project: &'a Project,
    /// The project's countries by name, in the order of its codes.
    pub countries: &'a [String],
    /// The implementing organisation as registered (`organisation set`): its address and
    /// contact head the report.
    pub organisation: Option<&'a crate::domain::RegisteredOrganisation>,
    pub period: &'a Period,
    /// The grant's receipts; those dated up to the end of the period and not voided are shown.
    pub receipts: &'a [Receipt],
    /// Expenses voided that are dated in the period or were voided during it.
    pub voids: &'a [Expense],
    /// Refunds dated in the period, each with the voucher of the expense it reverses.
    pub refunds: &'a [(Expense, Option<String>)],
    /// Every stored rate between the grant's currency and those its expenses were paid in.
    pub rates: &'a [FxRate],
    pub prepared: NaiveDate,
    /// The end date the agreement first had, before any no-cost extension.
    pub original_end: NaiveDate,
    /// Cash advanced to partners and not yet accounted for at the end of the period, in the
    /// grant's currency: out of the grant's account, not spent.
    pub advanced: Decimal,
    /// The period's variance notes (`period note`), printed beside their lines.
    pub notes: &'a [PeriodNote],
    /// The period's closings and reopenings and what changed after the first: a report on books
    /// reopened says so at its head.
    pub history: &'a PeriodHistory,
    /// Who prepared and who approves the report, for its signature block.
    pub prepared_by: Option<&'a str>,
    pub approved_by: Option<&'a str>,
    /// The grant's required match and its contributions (all of them; the block keeps the
    /// live ones to the end of the period).
    pub cost_share: CostShare<'a>,
}

/// What the "Cost share" block reads (see [`super::cost_share`]).
pub struct CostShare<'a> {
    pub figures: &'a super::cost_share::MatchFigures,
    pub contributions: &'a [crate::domain::Contribution],
}

pub fn donor_report(r: &DonorReport) -> Document {
    let a = r.actuals;
    let c = &a.grant.currency;
    let window = a.window;
    let title = format!(
        "FINANCIAL REPORT {} - {} ({} to {})",
        a.grant.reference, r.period.code, window.start, window.end
    );
    let to_date = r
        .receipts
        .iter()
        .filter(|x| x.date <= window.end && x.void.is_none())
        .collect::<Vec<_>>();
    let sum = |tranches: bool, in_period: bool| -> Decimal {
        to_date
            .iter()
            .filter(|x| (x.kind == ReceiptKind::Tranche) == tranches)
            .filter(|x| !in_period || window.contains(x.date))
            .map(|x| x.amount)
            .sum()
    };
    let received = sum(true, false);
    let other_income = sum(false, false);
    let mut receipts = Table::new(&[
        col("date", "Date"),
        col("reference", "Reference"),
        col("amount", "Amount"),
        col("kind", "Kind"),
        detail("description", "Description"),
    ]);
    for x in &to_date {
        receipts.push(vec![
            Cell::Date(x.date),
            Cell::text(&x.reference),
            Cell::amount(x.amount, c),
            Cell::text(x.kind.as_str()),
            Cell::text(&x.description),
        ]);
    }
    let spent = a.total.to_date;
    let cash = Record::default()
        .field(
            "received_period",
            "Received in period",
            Cell::amount(sum(true, true), c),
        )
        .field(
            "spent_period",
            "Spent in period",
            Cell::amount(a.total.period, c),
        )
        .field(
            "received_to_date",
            "Received to date",
            Cell::amount(received, c),
        );
    // Interest the donor's money earned (and other income) is the grant's cash but not the
    // donor's payment: shown on its own lines, and only where there is some.
    let cash = match other_income.is_zero() {
        true => cash,
        false => cash
            .field(
                "other_income_period",
                "Interest and other income in period",
                Cell::amount(sum(false, true), c),
            )
            .field(
                "other_income_to_date",
                "Interest and other income to date",
                Cell::amount(other_income, c),
            ),
    };
    let cash = cash
        .field("spent_to_date", "Spent to date", Cell::amount(spent, c))
        .field(
            "advanced_outstanding",
            "Advanced to partners, outstanding",
            Cell::amount(r.advanced, c),
        )
        .field(
            "cash_balance",
            "Cash balance",
            Cell::amount(received + other_income - spent - r.advanced, c),
        )
        .field(
            "grant_balance",
            "Grant not yet spent",
            Cell::amount(balance(a.grant.amount, spent), c),
        );
    // The lines are named beside their codes in the table, so the legend need not list them.
    let mut legend = budget_table::legend(a);
    legend.retain(|l| !l.starts_with("  ") && l != "Lines:");
    legend.push(format!(
        "Amounts in {}; expenses paid in other currencies are converted at the rate stored with \
         each expense. Prepared {} from grantbook.",
        c.code, r.prepared
    ));
    reopened(Document::record("report", title, header(r)), r)
        .with("receipts", "Receipts to date", Block::Table(receipts))
        .with(
            "lines",
            "Budget against expenditure",
            // Var % stays in CSV and JSON: on paper the flag says it, and a million-euro
            // budget still fits 80 columns, its lines' names wrapped beside their codes.
            Block::Table(with_notes(
                named(budget_table::lines_table(a).hide("variance_pct")),
                r.notes,
            )),
        )
        .with(
            "indirect",
            "Indirect costs",
            Block::Record(budget_table::indirect_record(a)),
        )
        .with("cash", "Cash position", Block::Record(cash))
        .then(|doc| cost_share(doc, r))
        .with(
            "refunds",
            "Refunds and credit notes in the period (netted in the figures above)",
            Block::Table(refunds_table(r)),
        )
        .with(
            "voids",
            "Voided in the period",
            Block::Table(voids_table(r)),
        )
        .with(
            "rate_changes",
            "Exchange rates that changed in the period",
            Block::Table(rate_changes(r.rates, window.start, window.end)),
        )
        .with("notes", "", Block::Note(legend))
        .with_signatures(signatures(r))
        .issued_by(&r.project.organisation)
}

/// The cost share block, after the cash position, when the grant requires a match or has any
/// contribution.
fn cost_share(doc: Document, r: &DonorReport) -> Document {
    let (c, end) = (&r.actuals.grant.currency, r.actuals.window.end);
    let share = &r.cost_share;
    super::cost_share::donor_blocks(doc, share.figures, share.contributions, c, end)
}

/// The signature block: who prepared the report and on which day, who approves it, with room
/// to sign and date on paper. For people only: CSV and JSON are not signed.
fn signatures(r: &DonorReport) -> Record {
    const LINE: &str = "______________________";
    let name = |n: Option<&str>| Cell::text(n.unwrap_or(LINE));
    Record::default()
        .field("prepared_by", "Prepared by", name(r.prepared_by))
        .field("prepared_on", "Date", Cell::Date(r.prepared))
        .field("prepared_signature", "Signature", Cell::text(LINE))
        .field("approved_by", "Approved by", name(r.approved_by))
        .field("approved_on", "Date", Cell::text(LINE))
        .field("approved_signature", "Signature", Cell::text(LINE))
}

/// The lines table with each line's name shown beside its code (wrapped on a narrow page),
/// where `report budget` keeps it to CSV and JSON and names the lines in its legend.
/// On 80 columns the balance (budget − to date, in CSV and JSON) gives way to the names.
fn named(mut lines: Table) -> Table {
    for column in lines.columns.iter_mut().filter(|c| c.key == "name") {
        column.detail = false;
        column.prose = true;
    }
    lines.spare(&["balance"])
}

/// The lines table with each line's variance note beside it, where the period has notes. A
/// terminal too narrow for them prints the notes after the table, one per noted line.
fn with_notes(mut lines: Table, notes: &[PeriodNote]) -> Table {
    lines.columns.push(Column {
        apart: true,
        ..prose("note", "Variance note")
    });
    for row in &mut lines.rows {
        let code = row.first().map(Cell::plain).unwrap_or_default();
        let note = notes.iter().find(|n| n.line == code);
        row.push(Cell::optional(note, |n| Cell::text(&n.note)));
    }
    lines.apart_title = "Variance notes".to_string();
    lines.without_empty("note")
}

fn header(r: &DonorReport) -> Record {
    let a = r.actuals;
    let head = Record::default()
        .field("donor", "Donor", Cell::text(&r.donor.name))
        .field("project", "Project", Cell::text(&r.project.title))
        .field(
            "organisation",
            "Implemented by",
            Cell::text(&r.project.organisation),
        );
    let registered = |what: fn(&crate::domain::RegisteredOrganisation) -> &String| {
        r.organisation
            .map(what)
            .filter(|s| !s.is_empty())
            .map_or(Cell::Empty, Cell::text)
    };
    let head = head
        .field("address", "Address", registered(|o| &o.address))
        .field("email", "E-mail", registered(|o| &o.email))
        .field("countries", "Countries", Cell::text(r.countries.join(", ")))
        .detail(
            "country_codes",
            "Country codes",
            Cell::text(r.project.countries.join(", ")),
        )
        .field("grant", "Grant", Cell::text(&a.grant.reference))
        .field("currency", "Currency", Cell::text(&a.grant.currency.code))
        .field(
            "amount",
            "Grant amount",
            Cell::amount(a.grant.amount, &a.grant.currency),
        )
        .field("start", "Agreement start", Cell::Date(a.grant.start))
        .field("end", "End (in force)", Cell::Date(a.grant.end))
        .field(
            "original_end",
            "End (agreement)",
            Cell::Date(r.original_end),
        )
        .field("period", "Period", Cell::text(&r.period.code))
        .field("period_start", "Period start", Cell::Date(r.period.start))
        .field("period_end", "Period end", Cell::Date(r.period.end))
        .field("figures_to", "Figures to", Cell::Date(a.window.end))
        .field(
            "period_status",
            "Period status",
            Cell::text(r.period.status.as_str()),
        );
    budget_table::with_revision(head, a).field("prepared", "Prepared on", Cell::Date(r.prepared))
}

fn refunds_table(r: &DonorReport) -> Table {
    let mut t = Table::new(&[
        col("voucher", "Voucher"),
        col("date", "Dated"),
        col("line", "Line"),
        col("amount", "Amount"),
        col("of_voucher", "Reverses"),
        prose("payee", "From"),
        detail("description", "Description"),
    ]);
    for (e, of) in r.refunds {
        t.push(vec![
            Cell::text(&e.voucher),
            Cell::Date(e.date),
            Cell::text(&e.line),
            Cell::amount(e.grant_amount, &e.grant_currency),
            Cell::optional(of.as_ref(), Cell::text),
            Cell::text(&e.payee),
            Cell::text(&e.description),
        ]);
    }
    t
}

fn voids_table(r: &DonorReport) -> Table {
    let mut t = Table::new(&[
        col("voucher", "Voucher"),
        col("date", "Dated"),
        col("line", "Line"),
        col("amount", "Amount"),
        col("voided_on", "Voided"),
        prose("reason", "Reason"),
    ]);
    for e in r.voids {
        let void = e.void.as_ref();
        t.push(vec![
            Cell::text(&e.voucher),
            Cell::Date(e.date),
            Cell::text(&e.line),
            Cell::amount(e.grant_amount, &e.grant_currency),
            voided_on(void.map_or("", |v| v.at.as_str())),
            Cell::text(void.map_or("", |v| v.reason.as_str())),
        ]);
    }
    t
}

/// The day of a void's timestamp (`2021-10-04 09:12:33`) as a date, or the text as stored.
fn voided_on(at: &str) -> Cell {
    let day = at.get(..10).unwrap_or(at);
    NaiveDate::parse_from_str(day, "%Y-%m-%d").map_or_else(|_| Cell::text(day), Cell::Date)
}

/// Each rate whose validity starts inside the period, beside the one it replaced.
fn rate_changes(rates: &[FxRate], from: NaiveDate, to: NaiveDate) -> Table {
    let mut t = Table::new(&[
        col("valid_from", "From"),
        col("rate", "Rate"),
        col("previous", "Before"),
        col("change_pct", "Change %"),
        detail("base", "Base"),
        detail("quote", "Quote"),
    ]);
    for (i, rate) in rates.iter().enumerate() {
        if rate.valid_from < from || rate.valid_from > to {
            continue;
        }
        let previous = rates[..i]
            .iter()
            .filter(|p| p.base == rate.base && p.quote == rate.quote)
            .max_by_key(|p| p.valid_from);
        let change = previous.and_then(|p| percent(rate.rate - p.rate, p.rate));
        t.push(vec![
            Cell::Date(rate.valid_from),
            Cell::Rate(rate.quote()),
            Cell::optional(previous, |p| Cell::Rate(p.quote())),
            Cell::optional(change, Cell::Percent),
            Cell::text(&rate.base),
            Cell::text(&rate.quote),
        ]);
    }
    t
}
