//! `expense refund` and `expense correct`: money that came back, and a mistake put right, each
//! a new entry dated when it happened, so a closed period stays as it was reported.

use clap::Args;

use super::Context;
use super::expense::ExpenseArgs;
use crate::domain::{DateRange, Expense, ExpenseKind, ExpenseRef, NewExpense, parse_date, text};
use crate::error::{Error, Result};
use crate::report::listing;

/// A rate typed instead of the stored ones, as `expense add` takes it.
#[derive(Debug, Args)]
struct RateArgs {
    /// Rate to use instead of the stored ones: 1 grant currency = RATE entry currency
    #[arg(long, allow_negative_numbers = true)]
    rate: Option<String>,
    /// The currency --rate counts one of [default: the grant's]
    #[arg(long, requires = "rate", value_name = "CURRENCY")]
    rate_base: Option<String>,
    /// Accept a --rate more than 20 % away from the stored rate in force
    #[arg(long, requires = "rate")]
    force_rate: bool,
}

pub const REFUND_HELP: &str = "\
A refund nets spend on the day the money came back: the period it is dated in shows it,
and a closed period keeps what it reported. With --of, the line, payee, country and
currency default to the expense's; money returned in the currency it was paid in comes
back at the rate it was paid at, so refunding all of it takes back exactly what it counted.

Examples:
  grantbook expense refund --of 25 --date 2024-05-10 --amount 850.000 --voucher TN-CN-0007 \\
      --description 'Hotel refund, cancelled night'
  grantbook expense refund --grant REG-NA-2022 --line TRAV --payee 'Staff member' \\
      --date 2023-04-02 --amount 120.00 --voucher REG-2023-R03 --description 'Unspent per diem'";

#[derive(Debug, Args)]
pub struct RefundArgs {
    /// The id of the expense the money came back on; its grant, line, payee, country and
    /// currency are the defaults
    #[arg(long = "of", value_name = "ID")]
    of: Option<i64>,
    /// Grant reference [default: the expense's, with --of]
    #[arg(long)]
    grant: Option<String>,
    /// Budget line the money goes back to [default: the expense's]
    #[arg(long)]
    line: Option<String>,
    /// Date the money came back, YYYY-MM-DD
    #[arg(long)]
    date: String,
    /// Amount returned, positive, in --currency
    #[arg(long, allow_negative_numbers = true)]
    amount: String,
    /// Currency returned in [default: the expense's, else the grant's]
    #[arg(long)]
    currency: Option<String>,
    #[command(flatten)]
    rate: RateArgs,
    /// Who paid the money back [default: the expense's payee]
    #[arg(long)]
    payee: Option<String>,
    /// The credit note's or bank slip's reference, unique within the grant
    #[arg(long)]
    voucher: String,
    /// ISO two-letter country [default: the expense's]
    #[arg(long)]
    country: Option<String>,
    #[arg(long, default_value = "")]
    description: String,
}

impl RefundArgs {
    fn parse(self, ctx: &Context) -> Result<NewExpense> {
        let grant = match (self.grant, self.of) {
            (Some(grant), _) => grant,
            (None, Some(id)) => ctx.ledger.expense(id)?.grant,
            (None, None) => {
                return Err(Error::invalid(
                    "say which grant the money came back to with --grant, or which expense it \
                     came back on with --of ID",
                ));
            }
        };
        ExpenseArgs {
            grant,
            line: self.line.unwrap_or_default(),
            date: self.date,
            amount: self.amount,
            currency: self.currency,
            rate: self.rate.rate,
            rate_base: self.rate.rate_base,
            force_rate: self.rate.force_rate,
            payee: self.payee.unwrap_or_default(),
            voucher: self.voucher,
            country: self.country,
            description: self.description,
            kind: ExpenseKind::Refund.as_str().to_string(),
            of: self.of,
            refund_of: String::new(),
            corrects: String::new(),
            office: String::new(),
            // A refund of an expense takes its advance and commitment from it.
            advance: String::new(),
            commitment: String::new(),
            allocate: String::new(),
        }
        .parse()
    }
}

pub const CORRECT_HELP: &str = "\
Voids the expense and records the corrected one with the same voucher, linked to it, in one
audited step. Fields not given stay as they were; the rate is looked up again when the
date or currency changes, and a rate typed with the expense is kept otherwise. Refused when
either date falls in a closed period: record a refund or an adjusting entry in the open
period instead.

Example:
  grantbook expense correct 25 --amount 1250.000 --reason 'Typo: 12500.000 for 1250.000'";

#[derive(Debug, Args)]
pub struct CorrectArgs {
    /// The expense to correct
    id: i64,
    /// Why, kept as the void reason of the original and in the audit log
    #[arg(long)]
    reason: String,
    #[arg(long)]
    line: Option<String>,
    #[arg(long)]
    date: Option<String>,
    #[arg(long, allow_negative_numbers = true)]
    amount: Option<String>,
    #[arg(long)]
    currency: Option<String>,
    #[command(flatten)]
    rate: RateArgs,
    #[arg(long)]
    payee: Option<String>,
    #[arg(long)]
    country: Option<String>,
    #[arg(long)]
    description: Option<String>,
    /// expenditure or disbursement (a refund stays a refund)
    #[arg(long)]
    kind: Option<String>,
}

impl CorrectArgs {
    /// The corrected entry: the original with the fields given changed.
    fn corrected(&self, original: &Expense) -> Result<NewExpense> {
        let keep = |given: &Option<String>, was: &str| given.clone().unwrap_or(was.to_string());
        let given = &self.rate;
        let reconvert = given.rate.is_some() || self.date.is_some() || self.currency.is_some();
        // A rate typed with the expense (or of unknown origin) stays unless something it
        // depends on changes; one read from the table is read again.
        let (rate, rate_base, force_rate) = match (&original.rate, original.rate_given) {
            (Some(q), given) if !reconvert && given != Some(false) => {
                (Some(q.rate.to_string()), Some(q.base.clone()), true)
            }
            _ => (
                given.rate.clone(),
                given.rate_base.clone(),
                given.force_rate,
            ),
        };
        ExpenseArgs {
            grant: original.grant.clone(),
            line: keep(&self.line, &original.line),
            date: keep(&self.date, &original.date.to_string()),
            amount: keep(&self.amount, &original.currency.plain(original.amount)),
            currency: Some(keep(&self.currency, &original.currency.code)),
            rate,
            rate_base,
            force_rate,
            payee: keep(&self.payee, &original.payee),
            voucher: original.voucher.clone(),
            country: Some(keep(&self.country, &original.country)),
            description: keep(&self.description, &original.description),
            kind: keep(&self.kind, original.kind.as_str()),
            of: original.refund_of,
            refund_of: String::new(),
            corrects: String::new(),
            // The corrected entry stays the office's that recorded the original.
            office: original.office.clone().unwrap_or_default(),
            advance: original.advance.clone().unwrap_or_default(),
            commitment: original.commitment.clone().unwrap_or_default(),
            allocate: String::new(),
        }
        .parse()
    }
}

pub fn refund(args: RefundArgs, ctx: &mut Context) -> Result<()> {
    let new = args.parse(ctx)?;
    if let Some(ExpenseRef::Id(of)) = new.refund_of
        && let paid = ctx.ledger.expense(of)?
        && paid.allocation.is_some()
    {
        let refunds = ctx.ledger.refund_allocated(&new)?;
        let title = format!(
            "Recorded refund {} of {} {} on shared-cost voucher {}, in {} parts",
            new.voucher,
            paid.currency.plain(new.amount),
            paid.currency.code,
            paid.voucher,
            refunds.len()
        );
        return ctx.show(&listing::titled_expenses(&refunds, &title));
    }
    let refund = ctx.ledger.add_expense(&new)?;
    let title = match refund.refund_of {
        Some(of) => format!("Recorded refund #{} of expense #{of}", refund.id),
        None => format!("Recorded refund #{}", refund.id),
    };
    ctx.show(&listing::expense(&refund, &title))
}

pub fn correct(args: CorrectArgs, ctx: &mut Context) -> Result<()> {
    let reason = text::required("reason", &args.reason, 500)?;
    let original = ctx.ledger.expense(args.id)?;
    let is_refund = |kind: ExpenseKind| kind == ExpenseKind::Refund;
    let kind = args.kind.as_deref().map(ExpenseKind::parse).transpose()?;
    if kind.is_some_and(|k| is_refund(k) != is_refund(original.kind)) {
        return Err(Error::invalid(
            "a correction keeps an entry a refund or a payment; void it and record the other \
             kind instead",
        ));
    }
    if let Some(payment) = original.allocation {
        return correct_allocated(&args, &original, payment, &reason, ctx);
    }
    let corrected = args.corrected(&original)?;
    let (voided, new) = ctx.ledger.correct_expense(args.id, &corrected, &reason)?;
    let title = format!(
        "Corrected expense #{} (now void) by expense #{}",
        voided.id, new.id
    );
    ctx.show(&listing::expense(&new, &title))
}

/// A part of a shared cost is corrected as its whole voucher: an amount given is the voucher's,
/// and the parts are split again by the key in force on the (corrected) date.
fn correct_allocated(
    args: &CorrectArgs,
    part: &Expense,
    payment: i64,
    reason: &str,
    ctx: &mut Context,
) -> Result<()> {
    if args.line.is_some() || args.kind.is_some() || args.rate.rate.is_some() {
        return Err(Error::invalid(format!(
            "expense #{} is a part of shared-cost voucher {}: its lines and rates come from its \
             allocation key; correct the amount, date, payee, currency, country or description",
            part.id, part.voucher
        )));
    }
    let (key, total) = ctx.ledger.allocated_payment(payment)?;
    let whole = Expense {
        amount: total,
        rate: None,
        ..part.clone()
    };
    let mut corrected = args.corrected(&whole)?;
    corrected.grant = String::new();
    corrected.line = String::new();
    corrected.allocate = Some(key);
    let parts = ctx.ledger.correct_allocated(part.id, &corrected, reason)?;
    let title = format!(
        "Corrected shared-cost voucher {}: its old parts are void, its new parts below",
        part.voucher
    );
    ctx.show(&listing::titled_expenses(&parts, &title))
}

pub const REPRICE_HELP: &str = "\
After `fx set --replace` corrects a stored rate, the expenses converted at the old one keep it
(`check` lists them, and the replace names them). This converts them again at the rate in force
on their dates, each as a correction: the original is voided and the new entry, with the same
voucher, is linked to it. Expenses whose rate was typed with them are left as they are. Refused
when one of them is dated in a closed period.

Example:
  grantbook expense reprice --grant JP-MA-MHPSS-2021 --from 2021-04-01 --to 2021-04-30";

#[derive(Debug, Args)]
pub struct RepriceArgs {
    /// Grant reference, e.g. JP-MA-MHPSS-2021
    #[arg(long)]
    grant: String,
    /// From this date, YYYY-MM-DD [default: the grant's start]
    #[arg(long)]
    from: Option<String>,
    /// Up to this date, YYYY-MM-DD [default: the grant's end]
    #[arg(long)]
    to: Option<String>,
    /// Why, kept with each correction
    #[arg(long, default_value = "converted again at the corrected stored rate")]
    reason: String,
}

pub fn reprice(args: RepriceArgs, ctx: &mut Context) -> Result<()> {
    let grant = ctx.ledger.grant(args.grant.trim())?;
    let date = |given: &Option<String>, what: &str, default| {
        given
            .as_deref()
            .map_or(Ok(default), |d| parse_date(what, d))
    };
    let window = DateRange::new(
        "the dates to convert again (--from/--to)",
        date(&args.from, "--from", grant.start)?,
        date(&args.to, "--to", grant.end)?,
    )?;
    let reason = text::required("reason", &args.reason, 500)?;
    let repriced = ctx.ledger.reprice(&grant.reference, window, &reason)?;
    super::note(&format!(
        "converted {} expense{} of {} again at the stored rates in force on their dates",
        repriced.len(),
        if repriced.len() == 1 { "" } else { "s" },
        grant.reference
    ));
    ctx.show(&listing::repriced(&repriced))
}
