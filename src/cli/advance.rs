//! `advance` commands: cash advanced to implementing partners (the UN FACE cycle). The partner's
//! reported expenses liquidate an advance (`expense add --advance REF`, or an `advance` column in
//! `expense import`); the unspent part comes back with `advance return`.

use clap::{Args, Subcommand};

use super::Context;
use super::input::past_date;
use super::report::AsOf;
use crate::domain::money::parse_decimal;
use crate::domain::{NewAdvance, text};
use crate::error::{Error, Result, field};
use crate::report::obligations::{ADVANCE_AGE_LIMIT, advances, advances_by_partner};

#[derive(Debug, Subcommand)]
pub enum AdvanceCommand {
    /// Record cash advanced to a partner: not spend until its reported expenses liquidate it
    #[command(
        after_help = "Example:\n  grantbook advance add --grant REG-NA-2022 --partner \
                            'Sudanese Red Crescent' --reference FACE-2022-01 --amount 28675.21 \
                            --date 2022-03-01\n  grantbook expense add --grant REG-NA-2022 \
                            --advance FACE-2022-01 --line PART ...   # the partner's report"
    )]
    Add(AdvanceArgs),
    /// Advances with what is liquidated, returned and outstanding, and how old they are
    #[command(
        after_help = "Example:\n  grantbook advance list --grant REG-NA-2022 --as-of 2022-12-31"
    )]
    List(ListArgs),
    /// Record what a partner gave back of an advance it did not spend
    #[command(
        after_help = "Example:\n  grantbook advance return FACE-2022-01 --grant REG-NA-2022 \
                            --amount 2750.00 --date 2022-09-30 --reference BANK-0930"
    )]
    Return {
        /// The advance's reference
        reference: String,
        /// The grant it was paid from
        #[arg(long)]
        grant: String,
        /// Amount returned, in the advance's currency
        #[arg(long, allow_negative_numbers = true)]
        amount: String,
        /// Date the money came back, YYYY-MM-DD
        #[arg(long)]
        date: String,
        /// The bank's or receipt's reference for the money that came back
        #[arg(long = "reference", default_value = "")]
        receipt: String,
    },
    /// Void an advance recorded by mistake (one nothing has been liquidated or returned of)
    #[command(
        after_help = "Example:\n  grantbook advance void FACE-2022-01 --grant REG-NA-2022 \
                            --reason 'Entered twice'"
    )]
    Void {
        /// The advance's reference
        reference: String,
        /// The grant it was paid from
        #[arg(long)]
        grant: String,
        /// Why, kept in the ledger and the audit log
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Args)]
pub struct AdvanceArgs {
    /// The grant paying it
    #[arg(long)]
    grant: String,
    /// The implementing partner receiving it
    #[arg(long)]
    partner: String,
    /// Its reference (the FACE form's or transfer's), unique within the grant
    #[arg(long)]
    reference: String,
    #[command(flatten)]
    money: MoneyArgs,
    /// Date paid, YYYY-MM-DD
    #[arg(long)]
    date: String,
    #[arg(long, default_value = "")]
    description: String,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this grant's
    #[arg(long)]
    pub grant: Option<String>,
    #[command(flatten)]
    pub as_of: AsOf,
    /// Flag advances outstanding for more than this many days
    #[arg(long, value_name = "DAYS", default_value_t = ADVANCE_AGE_LIMIT)]
    pub older_than: i64,
    /// Voided advances too
    #[arg(long)]
    pub all: bool,
}

impl AdvanceArgs {
    fn parse(&self) -> Result<NewAdvance> {
        Ok(NewAdvance {
            grant: text::code("grant reference", &self.grant).map_err(field("grant"))?,
            partner: text::required("partner", &self.partner, 200).map_err(field("partner"))?,
            reference: text::required("reference", &self.reference, 60)
                .map_err(field("reference"))?,
            date: past_date("advance date", &self.date).map_err(field("date"))?,
            amount: positive("advance amount", &self.money.amount)?,
            currency: self.money.currency()?,
            rate: self.money.rate()?,
            rate_base: None,
            office: None,
            description: text::optional("description", &self.description, 2000)
                .map_err(field("description"))?,
        })
    }
}

/// An amount, in a currency (the grant's unless given) and at a rate (the stored one unless
/// given), as an advance and a commitment take them.
#[derive(Debug, Args)]
pub struct MoneyArgs {
    /// The amount, e.g. 28675.21
    #[arg(long, allow_negative_numbers = true)]
    pub amount: String,
    /// Its currency [default: the grant's]
    #[arg(long)]
    currency: Option<String>,
    /// Rate to use instead of the stored ones: 1 grant currency = RATE of --currency
    #[arg(long, allow_negative_numbers = true)]
    rate: Option<String>,
}

impl MoneyArgs {
    pub fn currency(&self) -> Result<Option<String>> {
        let code = self.currency.as_deref().map(text::currency).transpose();
        code.map_err(field("currency"))
    }

    pub fn rate(&self) -> Result<Option<rust_decimal::Decimal>> {
        let rate = self.rate.as_deref().map(|r| parse_decimal("--rate", r));
        rate.transpose().map_err(field("rate"))
    }
}

/// An amount typed by hand, more than zero.
pub fn positive(what: &str, typed: &str) -> Result<rust_decimal::Decimal> {
    let amount = parse_decimal(what, typed).map_err(field("amount"))?;
    if amount.is_zero() {
        return Err(Error::invalid(format!("{what} must be more than zero")).in_field("amount"));
    }
    Ok(amount)
}

impl ListArgs {
    fn checked(&self) -> Result<(Option<&str>, chrono::NaiveDate)> {
        if self.older_than < 0 {
            return Err(Error::invalid(format!(
                "--older-than {} must be a number of days, 0 or more",
                self.older_than
            )));
        }
        Ok((self.grant.as_deref().map(str::trim), self.as_of.date()?))
    }
}

pub fn run(command: AdvanceCommand, ctx: &mut Context) -> Result<()> {
    match command {
        AdvanceCommand::Add(args) => {
            let advance = ctx.ledger.add_advance(&args.parse()?)?;
            let today = super::input::today();
            let title = format!("Recorded advance {}", advance.reference);
            ctx.show(&advances(&[advance], today, ADVANCE_AGE_LIMIT, &title))
        }
        AdvanceCommand::List(args) => {
            let (grant, as_of) = args.checked()?;
            let list = ctx.ledger.advances(grant, as_of, args.all)?;
            ctx.show(&advances(&list, as_of, args.older_than, ""))
        }
        AdvanceCommand::Return {
            reference,
            grant,
            amount,
            date,
            receipt,
        } => {
            let amount = positive("returned amount", &amount)?;
            let date = past_date("return date", &date).map_err(field("date"))?;
            let receipt = text::optional("reference", &receipt, 60)?;
            let advance =
                ctx.ledger
                    .return_advance(grant.trim(), &reference, amount, date, &receipt)?;
            let title = format!("Recorded a return on advance {}", advance.reference);
            ctx.show(&advances(&[advance], date, ADVANCE_AGE_LIMIT, &title))
        }
        AdvanceCommand::Void {
            reference,
            grant,
            reason,
        } => {
            let reason = text::required("reason", &reason, 500)?;
            let advance = ctx.ledger.void_advance(grant.trim(), &reference, &reason)?;
            let title = format!("Voided advance {}", advance.reference);
            let today = super::input::today();
            ctx.show(&advances(&[advance], today, ADVANCE_AGE_LIMIT, &title))
        }
    }
}

/// `report advances`: every partner's advances added up, the old ones flagged.
pub fn report(args: &ListArgs, ctx: &mut Context) -> Result<()> {
    let (grant, as_of) = args.checked()?;
    let list = ctx.ledger.advances(grant, as_of, false)?;
    ctx.show(&advances_by_partner(&list, as_of, args.older_than))
}
