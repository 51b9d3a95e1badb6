//! `grant` commands.

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde::Deserialize;

use super::Context;
use super::csv_input::CsvRow;
use super::input::{given, not_future, today};
use crate::db::rules::RuleOwner;
use crate::db::{GrantFilter, Ledger};
use crate::domain::money::{parse_decimal, parse_percent};
use crate::domain::{DateRange, Entity, GrantStatus, NewGrant, parse_date, text};
use crate::error::{Error, Result, field};
use crate::report::{grants, listing};

#[derive(Debug, Subcommand)]
pub enum GrantCommand {
    /// Record a grant: a funding agreement between a donor and a project
    #[command(
        after_help = "Example:\n  grantbook grant add --reference JP-MA-MHPSS-2021 --donor JP-GOV \
                            --project MA-MHPSS \\\n      --currency USD --amount 123762.00 \
                            --start 2021-03-01 --end 2022-03-31 --indirect-rate 7"
    )]
    Add(GrantArgs),
    /// List grants with what was received and spent so far
    #[command(
        after_help = "Example:\n  grantbook grant list                    # every grant\n  \
                            grantbook grant list --donor JP-GOV --format json"
    )]
    List {
        /// Only grants of this donor
        #[arg(long)]
        donor: Option<String>,
        /// Only grants of this project
        #[arg(long)]
        project: Option<String>,
        #[command(flatten)]
        out: super::OutArgs,
    },
    /// Show one grant, its extensions and its periods
    #[command(after_help = "Example:\n  grantbook grant show JP-MA-MHPSS-2021")]
    Show { reference: String },
    /// Record a no-cost extension: a later end date, with the reason (the old date is kept)
    #[command(
        after_help = "Example:\n  grantbook grant extend JP-MA-MHPSS-2021 --end 2022-06-30 \
                            --reason 'Donor approved no-cost extension, letter of 2022-02-10'"
    )]
    Extend(ExtendArgs),
    /// Amend a grant from a date: its amount (up or down), indirect rate or the donor's
    /// reference; reports as of an earlier day read it as it was
    #[command(
        after_help = "Example:\n  grantbook grant amend JP-MA-MHPSS-2021 --amount 150000.00 \
                            --date 2021-10-01 \\\n      --reason 'Top-up, addendum 1 of 2021-09-20'"
    )]
    Amend(super::amend::GrantAmendArgs),
    /// Record the donor's own IATI activity identifier of a grant: the money it sent then names
    /// it (provider-activity-id)
    #[command(
        after_help = "Example:\n  grantbook grant iati JP-MA-MHPSS-2021 --donor-activity-id \
                      XM-DAC-701-8-2021-00123"
    )]
    Iati(super::publishing::GrantIatiArgs),
    /// Set a grant's own rules where its agreement overrides its donor's, or show the rules
    /// in force without options
    #[command(
        after_help = "Examples:\n  grantbook grant rules EU-MA-2023 --reallocation-limit 25 --basis line\n  \
                            grantbook grant rules EU-MA-2023"
    )]
    Rules {
        /// Grant reference, e.g. JP-MA-MHPSS-2021
        reference: String,
        #[command(flatten)]
        rules: super::rules::RulesArgs,
    },
    /// Set the match (cost share) a grant's agreement requires, as a percentage of the grant
    /// (the default) or of total project cost; or show it, and what is provided, without options
    #[command(
        after_help = "Examples:\n  grantbook grant match JP-MA-MHPSS-2021 --percent 10\n  \
                            grantbook grant match US-MA-2024 --percent 25 --of total\n  \
                            grantbook grant match JP-MA-MHPSS-2021 --clear"
    )]
    Match(super::cost_share::GrantMatchArgs),
    /// Set the reports a grant owes its donor (quarterly, interim, final), or show them and
    /// where each stands without options
    #[command(
        after_help = "Examples:\n  grantbook grant calendar EU-MA-2023 --quarterly-days 30 --final-days 90 \
                            --interim 2023-07-31\n  \
                            grantbook grant calendar EU-MA-2023 --as-of 2023-07-31"
    )]
    Calendar(super::calendar::ScheduleArgs),
    /// Record a report sent to the donor: which one, when, under what reference
    #[command(
        after_help = "Example:\n  grantbook grant submitted EU-MA-2023 --report 2023-Q1 \
                            --date 2023-04-28 --reference 'EU/FR/2023/1'"
    )]
    Submitted(super::calendar::SubmittedArgs),
    /// Set a grant's status; only an active grant takes expenses
    #[command(
        after_help = "Example:\n  grantbook grant status JP-MA-MHPSS-2021 --set closed \
                            --reason 'Final report accepted by the donor'"
    )]
    Status {
        reference: String,
        /// active, closed or suspended
        #[arg(long = "set")]
        status: String,
        /// Why, e.g. the donor's letter
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Args, Deserialize)]
pub struct GrantArgs {
    /// Unique reference of the agreement, e.g. JP-MA-MHPSS-2021
    #[arg(long)]
    pub reference: String,
    /// Donor code
    #[arg(long)]
    pub donor: String,
    /// Project code
    #[arg(long)]
    pub project: String,
    /// ISO 4217 currency of the agreement, e.g. USD
    #[arg(long)]
    pub currency: String,
    /// Total amount in that currency, e.g. 123762.00
    #[arg(long, allow_negative_numbers = true)]
    pub amount: String,
    /// Start date, YYYY-MM-DD
    #[arg(long)]
    pub start: String,
    /// End date, YYYY-MM-DD
    #[arg(long)]
    pub end: String,
    /// Indirect-cost rate in percent, e.g. 7
    #[arg(long, default_value = "0")]
    pub indirect_rate: String,
    /// active, closed or suspended
    #[arg(long, default_value = "active")]
    pub status: String,
}

impl CsvRow for GrantArgs {
    const REQUIRED: &'static [&'static str] = &[
        "reference",
        "donor",
        "project",
        "currency",
        "amount",
        "start",
        "end",
        "indirect_rate",
        "status",
    ];
    const OPTIONAL: &'static [&'static str] = &[];
}

impl CsvRow for ExtendArgs {
    const REQUIRED: &'static [&'static str] = &["grant", "new_end", "reason"];
    const OPTIONAL: &'static [&'static str] = &["decided"];
}

impl GrantArgs {
    pub fn parse(&self) -> Result<NewGrant> {
        let start = parse_date("grant start", &self.start)?;
        let end = parse_date("grant end", &self.end)?;
        let amount = parse_decimal("grant amount", &self.amount)?;
        if amount.is_zero() {
            return Err(Error::invalid("grant amount must be more than zero"));
        }
        Ok(NewGrant {
            reference: text::row_code("grant reference", &self.reference)?,
            donor: text::code("donor code", &self.donor)?,
            project: text::code("project code", &self.project)?,
            currency: text::currency(&self.currency)?,
            amount,
            dates: DateRange::new("the grant", start, end)?,
            indirect_rate: parse_percent("indirect rate", &self.indirect_rate)?,
            status: GrantStatus::parse(&self.status)?,
        })
    }
}

#[derive(Debug, Args, Deserialize)]
pub struct ExtendArgs {
    /// The grant's reference (or --grant, as other commands take it)
    #[arg(required_unless_present = "grant", value_name = "GRANT")]
    #[serde(rename = "grant")]
    pub reference: Option<String>,
    /// Grant reference, e.g. JP-MA-MHPSS-2021
    #[arg(long, conflicts_with = "reference")]
    #[serde(skip)]
    pub grant: Option<String>,
    /// The new end date, YYYY-MM-DD
    #[arg(long)]
    #[serde(rename = "new_end")]
    pub end: String,
    /// Why, e.g. the donor's approval letter
    #[arg(long)]
    pub reason: String,
    /// When the extension was agreed, YYYY-MM-DD [default: today]; reports as of an earlier
    /// day use the end before it
    #[arg(long, value_name = "DATE")]
    #[serde(default)]
    pub decided: Option<String>,
}

/// Record the extension `args` describes, decided on `--decided`, else on `undated` (today
/// for `grant extend`; none for an exported extension from before decisions were dated).
pub fn extend(
    args: &ExtendArgs,
    ledger: &mut Ledger,
    undated: Option<NaiveDate>,
) -> Result<crate::domain::Grant> {
    let end = parse_date("new end date", &args.end).map_err(field("new_end"))?;
    let reason = text::required("reason", &args.reason, 500).map_err(field("reason"))?;
    let decided = match given(&args.decided) {
        Some(text) => Some(
            not_future("--decided", text, "once the extension is agreed")
                .map_err(field("decided"))?,
        ),
        None => undated,
    };
    let reference = args.reference.as_deref().or(args.grant.as_deref());
    let reference = reference.ok_or_else(|| Error::invalid("say which grant with --grant"))?;
    ledger.extend_grant(reference.trim(), end, &reason, decided)
}

pub fn run(command: GrantCommand, ctx: &mut Context) -> Result<()> {
    match command {
        GrantCommand::Add(args) => {
            let grant = ctx.ledger.add_grant(&args.parse()?)?;
            show_grant(ctx, &grant.reference, "Recorded grant")
        }
        GrantCommand::List { donor, project, .. } => {
            let filter = GrantFilter {
                donor,
                project,
                ..Default::default()
            };
            ctx.show(&grants::grants(&ctx.ledger.grant_totals(&filter)?))
        }
        GrantCommand::Show { reference } => show_grant(ctx, &reference, ""),
        GrantCommand::Status {
            reference,
            status,
            reason,
        } => {
            let status = GrantStatus::parse(&status)?;
            let reason = text::required("reason", &reason, 500)?;
            let grant = ctx
                .ledger
                .set_grant_status(reference.trim(), status, &reason)?;
            show_grant(ctx, &grant.reference, "Changed grant status")
        }
        GrantCommand::Extend(args) => {
            let grant = extend(&args, &mut ctx.ledger, Some(today()))?;
            show_grant(ctx, &grant.reference, "Extended grant")
        }
        GrantCommand::Calendar(args) => super::calendar::schedule(&args, ctx),
        GrantCommand::Match(args) => super::cost_share::grant_match(&args, ctx),
        GrantCommand::Submitted(args) => super::calendar::submitted(&args, ctx),
        GrantCommand::Rules { reference, rules } => {
            super::rules::run(RuleOwner::Grant(reference.trim()), &rules, ctx)
        }
        GrantCommand::Amend(args) => {
            let (changes, dated) = args.parse()?;
            let grant = ctx
                .ledger
                .amend_grant(args.reference.trim(), &changes, &dated)?;
            show_grant(ctx, &grant.reference, "Amended grant")
        }
        GrantCommand::Iati(args) => super::publishing::grant_iati(&args, ctx),
    }
}

fn show_grant(ctx: &Context, reference: &str, title: &str) -> Result<()> {
    let grant = ctx.ledger.grant(reference)?;
    let filter = GrantFilter {
        reference: Some(grant.reference.clone()),
        ..Default::default()
    };
    let totals =
        ctx.ledger.grant_totals(&filter)?.pop().ok_or_else(|| {
            Error::runtime(format!("grant {reference} vanished while being read"))
        })?;
    let extensions = ctx.ledger.extensions(&grant)?;
    let periods = ctx.ledger.periods(reference)?;
    let amendments = ctx.ledger.amendments(Entity::Grant, &grant.reference)?;
    let doc = grants::grant(&totals, &extensions, &periods, title);
    ctx.show(&listing::with_amendments(doc, &amendments))
}
