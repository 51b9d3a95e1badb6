//! `expense` (alias `disbursement`) commands.

use clap::{Args, Subcommand};
use serde::Deserialize;

use super::Context;
use super::input::{given, past_date};
use crate::domain::money::{check_positive, parse_decimal};
use crate::domain::{ExpenseFilter, ExpenseKind, NewExpense, parse_date, text};
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
    /// Show one expense in full
    Show { id: i64 },
    /// Void an expense: it stays in the ledger, marked void with the reason, and stops counting
    #[command(
        after_help = "Example:\n  grantbook expense void 42 --reason 'Duplicate of voucher MA-2021-0022'"
    )]
    Void {
        id: i64,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Args, Deserialize)]
pub struct ExpenseArgs {
    /// Grant reference
    #[arg(long)]
    pub grant: String,
    /// Budget line code
    #[arg(long)]
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
    /// Accept a --rate more than 20 % away from the stored rate in force
    #[arg(long, requires = "rate")]
    #[serde(default)]
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
    /// expenditure (IATI 4), or disbursement to a partner (IATI 3)
    #[arg(long, default_value = "expenditure")]
    #[serde(default = "expenditure")]
    pub kind: String,
}

fn expenditure() -> String {
    ExpenseKind::Expenditure.as_str().to_string()
}

impl ExpenseArgs {
    pub fn parse(&self) -> Result<NewExpense> {
        let amount = parse_decimal("expense amount", &self.amount)?;
        check_positive("expense amount", amount)?;
        let rate = given(&self.rate)
            .map(|r| parse_decimal("rate", r))
            .transpose()?;
        Ok(NewExpense {
            grant: text::code("grant reference", &self.grant)?,
            line: text::code("budget line code", &self.line)?,
            kind: ExpenseKind::parse(&self.kind)?,
            date: past_date("expense date", &self.date)?,
            amount,
            currency: given(&self.currency).map(text::currency).transpose()?,
            rate,
            force_rate: self.force_rate,
            payee: text::required("payee", &self.payee, 200)?,
            voucher: text::required("voucher", &self.voucher, 60)?,
            country: given(&self.country).map(text::country).transpose()?,
            description: text::optional("description", &self.description, 2000)?,
        })
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
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
    /// Show voided expenses too
    #[arg(long)]
    include_void: bool,
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
            include_void: self.include_void,
        })
    }
}

pub fn run(command: ExpenseCommand, ctx: &mut Context) -> Result<()> {
    match command {
        ExpenseCommand::Add(args) => {
            let expense = ctx.ledger.add_expense(&args.parse()?)?;
            let title = format!("Recorded expense #{}", expense.id);
            ctx.show(&listing::expense(&expense, &title))
        }
        ExpenseCommand::List(args) => {
            ctx.show(&listing::expenses(&ctx.ledger.expenses(&args.parse()?)?))
        }
        ExpenseCommand::Show { id } => ctx.show(&listing::expense(&ctx.ledger.expense(id)?, "")),
        ExpenseCommand::Void { id, reason } => {
            let reason = text::required("reason", &reason, 500)?;
            let expense = ctx.ledger.void_expense(id, &reason)?;
            let title = format!("Voided expense #{}", expense.id);
            ctx.show(&listing::expense(&expense, &title))
        }
    }
}
