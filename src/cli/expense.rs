//! `expense` (alias `disbursement`) commands.

use clap::{Args, Subcommand};

use super::Context;
use super::csv_input::ImportArgs;
pub use super::expense_args::{ExpenseArgs, LEDGER_OPTIONAL_COLUMNS};
use crate::domain::{ExpenseFilter, parse_date, text};
use crate::error::{Error, Result};
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
    #[command(after_help = super::expense_import::IMPORT_HELP)]
    Import {
        #[command(flatten)]
        input: ImportArgs,
        /// How an accounting system writes its export (a TOML file: columns, decimal mark,
        /// date order, credits, account codes; see `fixtures/profiles/`)
        #[arg(long, value_name = "FILE.toml")]
        profile: Option<String>,
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
            profile,
            skip_duplicates,
            credits_as_refunds,
        } => {
            let how = super::expense_import::How {
                profile,
                skip_duplicates,
                credits_as_refunds,
            };
            super::expense_import::import(input, &how, ctx)
        }
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
