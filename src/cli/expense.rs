//! `expense` (alias `disbursement`) commands.

use clap::{Args, Subcommand};
use serde::Deserialize;

use super::Context;
use super::csv_input::{CsvInput, CsvRow, ImportArgs};
use super::duplicates::Skipped;
use super::input::{flag, given, past_date};
use crate::db::Added;
use crate::domain::money::{check_positive, parse_decimal};
use crate::domain::{ExpenseFilter, ExpenseKind, ExpenseRef, NewExpense, parse_date, text};
use crate::error::{Error, Result, field};
use crate::report::imported::imported;
use crate::report::listing;

#[derive(Debug, Subcommand)]
pub enum ExpenseCommand {
    /// Record an expense; an amount in another currency is converted at the rate in force on
    /// its date (or --rate), and the rate used is stored with it
    #[command(
        after_help = "Example:\n  grantbook expense add --grant JP-MA-MHPSS-2021 --line TRAIN \
        --date 2021-06-14 \\\n      --amount 12500.00 --currency MAD --payee 'Hotel Rabat' \
        --voucher MA-2021-0101 \\\n      --description 'Training venue, 2 days'"
    )]
    Add(ExpenseArgs),
    /// List expenses (voided ones only with --include-void)
    #[command(
        after_help = "Example:\n  grantbook expense list --grant JP-MA-MHPSS-2021 --period 2021-Q2 \
                            --format csv"
    )]
    List(ListArgs),
    /// Import expenses from a CSV file: every row is checked as `expense add` checks it, and
    /// all are recorded or none
    #[command(after_help = IMPORT_HELP)]
    Import {
        #[command(flatten)]
        input: ImportArgs,
        /// Skip rows whose voucher the grant already has (re-importing a file that has grown),
        /// and say how many
        #[arg(long)]
        skip_duplicates: bool,
        /// Read a negative amount as a refund of that amount (credit notes as accounting
        /// systems export them)
        #[arg(long)]
        credits_as_refunds: bool,
    },
    /// Show one expense in full, with the rate it was converted at
    #[command(
        after_help = "Examples:\n  grantbook expense show 42\n  grantbook expense show MA-2021-0101"
    )]
    Show {
        /// The expense's id, or its voucher
        entry: String,
        /// The grant whose voucher it is, when several grants have one so named
        #[arg(long)]
        grant: Option<String>,
    },
    /// Void an expense: it stays in the ledger, marked void with the reason, and stops counting
    #[command(
        after_help = "Example:\n  grantbook expense void 42 --reason 'Duplicate of voucher MA-2021-0022'"
    )]
    Void {
        id: i64,
        /// Why, in a few words; kept in the audit log
        #[arg(long)]
        reason: String,
    },
    /// Record money that came back (a refund, a credit note, an unspent advance returned),
    /// netting spend in the period it is dated in
    #[command(after_help = super::expense_fix::REFUND_HELP)]
    Refund(super::expense_fix::RefundArgs),
    /// Correct an expense: void it and record the corrected entry with the same voucher,
    /// linked to it, in one step
    #[command(after_help = super::expense_fix::CORRECT_HELP)]
    Correct(super::expense_fix::CorrectArgs),
    /// Convert again, at the rate the table now holds, expenses converted at a stored rate
    /// since replaced (each corrected: voided and recorded again with its voucher)
    #[command(after_help = super::expense_fix::REPRICE_HELP)]
    Reprice(super::expense_fix::RepriceArgs),
}

const IMPORT_HELP: &str = "\
Columns, in any order (header names as in `expense add`'s flags):
  required: grant, line, date, amount, payee, voucher
  optional: currency, rate, rate_base, force_rate, country, description, kind,
            refund_of (for kind refund: the voucher of the expense it reverses)
UTF-8 with or without a byte-order mark; , ; or tab (detected from the header, or
--delimiter); quoted values may hold delimiters, doubled quotes and line breaks.

Examples:
  grantbook expense import vouchers-2021-06.csv
  grantbook expense import --skip-duplicates vouchers-2021.csv   # the file has grown
  grantbook expense import --credits-as-refunds ledger-export.csv  # credit notes are negative
  accounting-export | grantbook expense import -";

#[derive(Debug, Args, Deserialize)]
pub struct ExpenseArgs {
    /// Grant reference
    #[arg(long, required_unless_present = "allocate", default_value = "")]
    pub grant: String,
    /// Budget line code
    #[arg(long, required_unless_present = "allocate", default_value = "")]
    pub line: String,
    /// Date paid, YYYY-MM-DD
    #[arg(long)]
    pub date: String,
    /// Amount paid, in --currency, e.g. 12500.00
    #[arg(long, allow_negative_numbers = true)]
    pub amount: String,
    /// Currency paid in [default: the grant's]
    #[arg(long)]
    pub currency: Option<String>,
    /// Rate to use instead of the stored ones: 1 grant currency = RATE expense currency
    #[arg(long, allow_negative_numbers = true)]
    pub rate: Option<String>,
    /// The currency --rate counts one of [default: the grant's]; the expense's currency
    /// turns it round: 1 expense currency = RATE grant currency
    #[arg(long, requires = "rate", value_name = "CURRENCY")]
    pub rate_base: Option<String>,
    /// Accept a --rate more than 20 % away from the stored rate in force
    #[arg(long, requires = "rate")]
    #[serde(default, deserialize_with = "flag")]
    pub force_rate: bool,
    /// Who was paid
    #[arg(long)]
    pub payee: String,
    /// Voucher reference, unique within the grant
    #[arg(long)]
    pub voucher: String,
    /// ISO two-letter country [default: the project's, when it has only one]
    #[arg(long)]
    pub country: Option<String>,
    #[arg(long, default_value = "")]
    #[serde(default)]
    pub description: String,
    /// expenditure (IATI 4), disbursement to a partner (IATI 3), or refund (money that came
    /// back; `expense refund` says it more plainly)
    #[arg(long, default_value = "expenditure")]
    #[serde(default = "expenditure")]
    pub kind: String,
    /// For a refund: the id of the expense it reverses
    #[arg(long = "of", value_name = "ID")]
    #[serde(skip)]
    pub of: Option<i64>,
    /// For a refund in a file: the voucher of the expense it reverses, on the same grant
    #[arg(skip)]
    #[serde(default)]
    pub refund_of: String,
    /// In a ledger's export only: `true` when this entry corrects the voided one with its
    /// voucher
    #[arg(skip)]
    #[serde(default)]
    pub corrects: String,
    /// In a file: the office that recorded the row, when not the importing officer's
    /// (GRANTBOOK_OFFICE)
    #[arg(skip)]
    #[serde(default)]
    pub office: String,
    /// The partner advance this expense liquidates: an expense the partner reported, in the
    /// advance's currency (`grantbook advance list`)
    #[arg(long, value_name = "REF", default_value = "")]
    #[serde(default)]
    pub advance: String,
    /// The commitment (contract or purchase order) this expense pays, on its line and in its
    /// currency (`grantbook commitment list`)
    #[arg(long, value_name = "REF", default_value = "")]
    #[serde(default)]
    pub commitment: String,
    /// A shared cost: split the voucher between the grant lines of this allocation key, by
    /// the shares in force on its date (instead of --grant and --line)
    #[arg(long, value_name = "KEY", default_value = "", conflicts_with_all = ["grant", "line"])]
    #[serde(default)]
    pub allocate: String,
}

/// An advance's or commitment's reference, if the cell or option gives one.
fn reference_given(what: &'static str, text: &str) -> Result<Option<String>> {
    match text.trim() {
        "" => Ok(None),
        reference => text::required(what, reference, 60)
            .map(Some)
            .map_err(field(what)),
    }
}

fn expenditure() -> String {
    ExpenseKind::Expenditure.as_str().to_string()
}

/// The optional columns of `expense import`.
const OPTIONAL_COLUMNS: [&str; 12] = [
    "currency",
    "rate",
    "rate_base",
    "force_rate",
    "country",
    "description",
    "kind",
    "refund_of",
    "office",
    "advance",
    "commitment",
    "allocate",
];

/// Those of an exported ledger's expenses, which also mark corrections.
pub const LEDGER_OPTIONAL_COLUMNS: [&str; 13] = {
    let mut columns = [""; 13];
    let mut i = 0;
    while i < OPTIONAL_COLUMNS.len() {
        columns[i] = OPTIONAL_COLUMNS[i];
        i += 1;
    }
    columns[OPTIONAL_COLUMNS.len()] = "corrects";
    columns
};

impl CsvRow for ExpenseArgs {
    const REQUIRED: &'static [&'static str] =
        &["grant", "line", "date", "amount", "payee", "voucher"];
    const OPTIONAL: &'static [&'static str] = &OPTIONAL_COLUMNS;
}

impl ExpenseArgs {
    /// The expense as typed, each problem naming its field (the CSV column, in an import).
    pub fn parse(&self) -> Result<NewExpense> {
        // An empty kind cell is the default, as a missing kind column is.
        let kind = match self.kind.trim() {
            "" => ExpenseKind::Expenditure,
            kind => ExpenseKind::parse(kind).map_err(field("kind"))?,
        };
        let refund_of = match (self.of, self.refund_of.trim()) {
            (Some(id), _) => Some(ExpenseRef::Id(id)),
            (None, "") => None,
            (None, voucher) => Some(ExpenseRef::Voucher(
                text::required("refund_of", voucher, 60).map_err(field("refund_of"))?,
            )),
        };
        if self.amount.trim_start().starts_with('-') {
            return Err(Error::invalid(format!(
                "{kind} amount {:?} is negative; money that came back is a refund with a \
                 positive amount (`grantbook expense refund`, or kind refund in a file), and \
                 `expense import --credits-as-refunds` reads negative amounts as refunds",
                self.amount
            ))
            .in_field("amount"));
        }
        let amount = parse_decimal(kind.amount_label(), &self.amount)
            .and_then(|a| check_positive(kind.amount_label(), a).map(|()| a))
            .map_err(field("amount"))?;
        let rate = given(&self.rate)
            .map(|r| parse_decimal("rate", r))
            .transpose()
            .map_err(field("rate"))?;
        let rate_base = given(&self.rate_base)
            .map(text::currency)
            .transpose()
            .map_err(field("rate_base"))?;
        if rate_base.is_some() && rate.is_none() {
            return Err(Error::invalid(
                "rate_base names the currency a rate counts one of, but no rate is given; give \
                 the rate, or leave rate_base empty",
            )
            .in_field("rate_base"));
        }
        if self.force_rate && rate.is_none() {
            return Err(Error::invalid(
                "force_rate accepts a rate given by hand far from the stored one, but no rate \
                 is given; give the rate, or drop force_rate",
            )
            .in_field("force_rate"));
        }
        // A refund of a recorded expense takes its line and payee when they are left out.
        let linked = kind == ExpenseKind::Refund && refund_of.is_some();
        if kind == ExpenseKind::Refund
            && !linked
            && (self.line.trim().is_empty() || self.payee.trim().is_empty())
        {
            return Err(Error::invalid(
                "a refund that reverses no recorded expense needs a line and a payee (who paid \
                 the money back); or name the expense it reverses with --of ID (in a file, \
                 refund_of and its voucher)",
            )
            .in_field(if self.line.trim().is_empty() {
                "line"
            } else {
                "payee"
            }));
        }
        let allocate = match self.allocate.trim() {
            "" => None,
            key => Some(super::allocation::key_code(key).map_err(field("allocate"))?),
        };
        if allocate.is_some() && !(self.grant.trim().is_empty() && self.line.trim().is_empty()) {
            return Err(Error::invalid(
                "a payment split by an allocation key goes to the key's grant lines; leave the \
                 grant and line out",
            )
            .in_field("allocate"));
        }
        let split = allocate.is_some();
        let line = match self.line.trim() {
            "" if linked || split => String::new(),
            _ => text::code("budget line code", &self.line).map_err(field("line"))?,
        };
        let payee = match self.payee.trim() {
            "" if linked => String::new(),
            _ => text::required("payee", &self.payee, 200).map_err(field("payee"))?,
        };
        let grant = match self.grant.trim() {
            "" if split => String::new(),
            _ => text::code("grant reference", &self.grant).map_err(field("grant"))?,
        };
        let new = NewExpense {
            grant,
            line,
            kind,
            date: past_date(kind.date_label(), &self.date).map_err(field("date"))?,
            amount,
            currency: given(&self.currency)
                .map(text::currency)
                .transpose()
                .map_err(field("currency"))?,
            rate,
            rate_base,
            force_rate: self.force_rate,
            payee,
            voucher: text::required("voucher", &self.voucher, 60).map_err(field("voucher"))?,
            country: given(&self.country)
                .map(text::country)
                .transpose()
                .map_err(field("country"))?,
            description: text::optional("description", &self.description, 2000)
                .map_err(field("description"))?,
            refund_of,
            office: match self.office.trim() {
                "" => None,
                code => Some(super::office::office_code(code).map_err(field("office"))?),
            },
            advance: reference_given("advance", &self.advance)?,
            commitment: reference_given("commitment", &self.commitment)?,
            allocate,
        };
        if new.allocate.is_some() {
            crate::db::check_allocatable(&new)?;
        }
        Ok(new)
    }

    /// A row of an accounting system's export, where a credit note is a negative amount: with
    /// `--credits-as-refunds` it is read as a refund of the amount without its sign, whatever
    /// kind the row gives (a negative expenditure or disbursement is money that came back).
    fn credit_as_refund(&mut self) {
        if let Some(unsigned) = self.amount.trim().strip_prefix('-') {
            self.amount = unsigned.to_string();
            self.kind = ExpenseKind::Refund.as_str().to_string();
        }
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Grant reference, e.g. JP-MA-MHPSS-2021
    #[arg(long)]
    grant: Option<String>,
    /// Only this budget line (needs --grant)
    #[arg(long)]
    line: Option<String>,
    /// Only this reporting period (needs --grant)
    #[arg(long)]
    period: Option<String>,
    /// From this date, YYYY-MM-DD
    #[arg(long)]
    from: Option<String>,
    /// Up to this date, YYYY-MM-DD
    #[arg(long)]
    to: Option<String>,
    /// Only expenses in this country
    #[arg(long)]
    country: Option<String>,
    /// Only the entries with this voucher (a corrected one's voided entry with --include-void)
    #[arg(long)]
    voucher: Option<String>,
    /// Only payees whose name contains this, whatever its case
    #[arg(long)]
    payee: Option<String>,
    /// Only those recorded by this office
    #[arg(long)]
    office: Option<String>,
    /// Show voided expenses too
    #[arg(long)]
    include_void: bool,
    #[command(flatten)]
    pub out: super::OutArgs,
}

impl ListArgs {
    fn parse(&self) -> Result<ExpenseFilter> {
        let from = self
            .from
            .as_deref()
            .map(|d| parse_date("--from", d))
            .transpose()?;
        let to = self
            .to
            .as_deref()
            .map(|d| parse_date("--to", d))
            .transpose()?;
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            return Err(Error::invalid(format!("--to {t} is before --from {f}")));
        }
        Ok(ExpenseFilter {
            grant: self.grant.clone(),
            line: self.line.clone(),
            period: self.period.clone(),
            from,
            to,
            country: self.country.as_deref().map(text::country).transpose()?,
            voucher: self.voucher.as_deref().map(str::trim).map(str::to_string),
            payee: self.payee.as_deref().map(str::trim).map(str::to_string),
            office: self
                .office
                .as_deref()
                .map(super::office::office_code)
                .transpose()?,
            include_void: self.include_void,
        })
    }
}

pub fn run(command: ExpenseCommand, ctx: &mut Context) -> Result<()> {
    match command {
        ExpenseCommand::Add(args) if !args.allocate.trim().is_empty() => {
            let parts = ctx.ledger.add_allocated(&args.parse()?)?;
            let title = format!(
                "Recorded voucher {} in {} parts",
                parts[0].voucher,
                parts.len()
            );
            ctx.show(&listing::titled_expenses(&parts, &title))
        }
        ExpenseCommand::Add(args) => {
            let expense = ctx.ledger.add_expense(&args.parse()?)?;
            let title = format!("Recorded expense #{}", expense.id);
            ctx.show(&listing::expense(&expense, &title))
        }
        ExpenseCommand::List(args) => {
            ctx.show(&listing::expenses(&ctx.ledger.expenses(&args.parse()?)?))
        }
        ExpenseCommand::Import {
            input,
            skip_duplicates,
            credits_as_refunds,
        } => import(&input, skip_duplicates, credits_as_refunds, ctx),
        ExpenseCommand::Show { entry, grant } => {
            let expense = match (entry.trim().parse::<i64>(), grant) {
                (Ok(id), None) => ctx.ledger.expense(id)?,
                (_, Some(grant)) => ctx.ledger.expense_by_voucher(grant.trim(), entry.trim())?,
                (Err(_), None) => ctx.ledger.expense_by_voucher_anywhere(entry.trim())?,
            };
            let parts = match expense.allocation {
                Some(payment) => ctx.ledger.allocated_parts(payment)?,
                None => Vec::new(),
            };
            ctx.show(&listing::expense_with_parts(&expense, &parts, ""))
        }
        ExpenseCommand::Void { id, reason } => {
            let reason = text::required("reason", &reason, 500)?;
            let expense = ctx.ledger.void_expense(id, &reason, None)?;
            let Some(payment) = expense.allocation else {
                let title = format!("Voided expense #{}", expense.id);
                return ctx.show(&listing::expense(&expense, &title));
            };
            let parts = ctx.ledger.allocated_parts(payment)?;
            let title = format!(
                "Voided voucher {}: expense #{} and the other parts of its shared cost",
                expense.voucher, expense.id
            );
            ctx.show(&listing::titled_expenses(&parts, &title))
        }
        ExpenseCommand::Refund(args) => super::expense_fix::refund(args, ctx),
        ExpenseCommand::Correct(args) => super::expense_fix::correct(args, ctx),
        ExpenseCommand::Reprice(args) => super::expense_fix::reprice(args, ctx),
    }
}

fn import(
    input: &ImportArgs,
    skip_duplicates: bool,
    credits_as_refunds: bool,
    ctx: &mut Context,
) -> Result<()> {
    let mut csv = CsvInput::open(input)?;
    let label = csv.label().to_string();
    let mut skipped = Skipped::new("voucher", "void and re-add an expense to change it");
    let mut already_recorded = 0;
    let summary = ctx
        .ledger
        .import_expenses(&label, skip_duplicates, |import| {
            let parse = |mut row: ExpenseArgs| {
                if credits_as_refunds {
                    row.credit_as_refund();
                }
                row.parse()
            };
            let read = csv.rows_parsed(parse, |new, place| {
                if let Added::Skipped { differs } = import.add(new)? {
                    skipped.row(&label, place, differs);
                }
                Ok(())
            });
            already_recorded = import.already_recorded();
            read.map(|_| Some(csv.sha256()))
        })
        .map_err(|e| skipped.advise(e, already_recorded))?;
    skipped.report();
    ctx.show(&imported(&summary))
}
