//! `commitment` commands: signed contracts and purchase orders on a budget line. The expenses
//! that pay one name it (`expense add --commitment REF`, or a `commitment` column in `expense
//! import`); reports subtract what is still open from what a line has available.

use clap::{Args, Subcommand};

use super::Context;
use super::advance::{MoneyArgs, positive};
use super::input::past_date;
use super::report::AsOf;
use crate::domain::{NewCommitment, text};
use crate::error::{Result, field};
use crate::report::obligations::commitments;

#[derive(Debug, Subcommand)]
pub enum CommitmentCommand {
    /// Record a signed contract or purchase order on a line; more than the line has available
    /// is refused unless --over-commit says why
    #[command(
        after_help = "Example:\n  grantbook commitment add --grant REG-NA-2022 --line ACT \
                            --vendor 'Imprimerie Atlas' --reference PO-2022-014 --amount 9000.00 \
                            --date 2022-04-12\n  grantbook expense add ... --commitment \
                            PO-2022-014   # each payment"
    )]
    Add(CommitmentArgs),
    /// Commitments with what is paid and what is still open
    #[command(after_help = "Example:\n  grantbook commitment list --grant REG-NA-2022")]
    List {
        /// Only this grant's
        #[arg(long)]
        grant: Option<String>,
        #[command(flatten)]
        as_of: AsOf,
        /// Only those with something still open
        #[arg(long)]
        open: bool,
    },
    /// Close a commitment: nothing more is due on it (what was not paid is no longer held)
    #[command(
        after_help = "Example:\n  grantbook commitment close PO-2022-014 --grant REG-NA-2022 \
                            --date 2022-10-31 --reason 'Delivered; final invoice paid'"
    )]
    Close {
        /// The commitment's reference
        reference: String,
        /// Its grant
        #[arg(long)]
        grant: String,
        /// From which day nothing more is due, YYYY-MM-DD
        #[arg(long)]
        date: String,
        /// Why, kept with it and in the audit log
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Args)]
pub struct CommitmentArgs {
    /// The grant it binds
    #[arg(long)]
    grant: String,
    /// The budget line it will be paid from
    #[arg(long)]
    line: String,
    /// Who it is with
    #[arg(long)]
    vendor: String,
    /// The contract's or purchase order's reference, unique within the grant
    #[arg(long)]
    reference: String,
    #[command(flatten)]
    money: MoneyArgs,
    /// Date signed, YYYY-MM-DD
    #[arg(long)]
    date: String,
    #[arg(long, default_value = "")]
    description: String,
    /// Accept it beyond what the line has available, for this reason (audited)
    #[arg(long, value_name = "REASON")]
    over_commit: Option<String>,
}

impl CommitmentArgs {
    fn parse(&self) -> Result<NewCommitment> {
        Ok(NewCommitment {
            grant: text::code("grant reference", &self.grant).map_err(field("grant"))?,
            line: text::code("budget line code", &self.line).map_err(field("line"))?,
            vendor: text::required("vendor", &self.vendor, 200).map_err(field("vendor"))?,
            reference: text::required("reference", &self.reference, 60)
                .map_err(field("reference"))?,
            date: past_date("commitment date", &self.date).map_err(field("date"))?,
            amount: positive("commitment amount", &self.money.amount)?,
            currency: self.money.currency()?,
            rate: self.money.rate()?,
            rate_base: None,
            office: None,
            description: text::optional("description", &self.description, 2000)
                .map_err(field("description"))?,
            over_commit: self
                .over_commit
                .as_deref()
                .map(|r| text::required("--over-commit reason", r, 500))
                .transpose()?,
        })
    }
}

pub fn run(command: CommitmentCommand, ctx: &mut Context) -> Result<()> {
    match command {
        CommitmentCommand::Add(args) => {
            let c = ctx.ledger.add_commitment(&args.parse()?)?;
            let title = format!("Recorded commitment {}", c.reference);
            ctx.show(&commitments(&[c], &title)?)
        }
        CommitmentCommand::List { grant, as_of, open } => {
            let grant = grant.as_deref().map(str::trim);
            let mut list = ctx.ledger.commitments(grant, as_of.date()?)?;
            if open {
                list.retain(|c| !c.open().is_zero());
            }
            ctx.show(&commitments(&list, "")?)
        }
        CommitmentCommand::Close {
            reference,
            grant,
            date,
            reason,
        } => {
            let date = past_date("closing date", &date).map_err(field("date"))?;
            let reason = text::required("reason", &reason, 500)?;
            let c = ctx
                .ledger
                .close_commitment(grant.trim(), &reference, date, &reason)?;
            let title = format!("Closed commitment {}", c.reference);
            ctx.show(&commitments(&[c], &title)?)
        }
    }
}
