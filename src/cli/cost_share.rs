//! `match` commands: contributions from others towards a grant's required match (cost share),
//! in cash or in kind; and `grant match`, the match a grant's agreement requires. A
//! contribution is not money of the grant: no burn, budget or cash figure moves with it.

use clap::{Args, Subcommand};

use super::Context;
use super::advance::{MoneyArgs, positive};
use super::input::past_date;
use super::report::AsOf;
use crate::db::Ledger;
use crate::domain::money::parse_percent;
use crate::domain::{
    Contribution, ContributionKind, DateRange, Grant, MatchBasis, MatchRule, NewContribution, text,
};
use crate::error::{Error, Result, field};
use crate::render::Document;
use crate::report::cost_share::{MatchFigures, contributions, match_record};

#[derive(Debug, Subcommand)]
pub enum MatchCommand {
    /// Record a contribution from others towards a grant's match: cash, or in kind with the
    /// basis of its valuation; converted into the grant's currency as an expense is
    #[command(
        after_help = "Examples:\n  grantbook match add --grant JP-MA-MHPSS-2021 --date 2021-04-01 \
                      --from 'Municipality of Rabat' --kind in-kind --amount 43200.00 --currency \
                      MAD \\\n      --basis 'Donated office space, 40 m² at market rent MAD \
                      90/m²/month, 12 months' --reference RBT-2021-01\n  grantbook match add \
                      --grant JP-MA-MHPSS-2021 --date 2021-09-15 --from 'Fondation Orient' \
                      --kind cash --amount 2500.00 --reference FO-2021-07 --line ACT"
    )]
    Add(ContributionArgs),
    /// A grant's contributions, then its match: required, provided (cash, in kind), remaining
    #[command(
        after_help = "Example:\n  grantbook match list --grant JP-MA-MHPSS-2021 --as-of 2021-12-31"
    )]
    List {
        /// Grant reference, e.g. JP-MA-MHPSS-2021
        #[arg(long)]
        grant: String,
        #[command(flatten)]
        as_of: AsOf,
        /// Voided contributions too, with why
        #[arg(long)]
        all: bool,
    },
    /// Void a contribution recorded by mistake, with the reason (it is kept, and audited)
    #[command(
        after_help = "Example:\n  grantbook match void RBT-2021-01 --grant JP-MA-MHPSS-2021 \
                      --reason 'Valued twice; see RBT-2021-02'"
    )]
    Void {
        /// The contribution's reference
        reference: String,
        /// Its grant
        #[arg(long)]
        grant: String,
        /// Why, kept with it and in the audit log
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Args)]
pub struct ContributionArgs {
    /// The grant whose match it counts towards
    #[arg(long)]
    grant: String,
    /// Date given (for premises or services, the start of the period valued), YYYY-MM-DD
    #[arg(long)]
    date: String,
    /// Who gave it, e.g. 'Municipality of Rabat'
    #[arg(long = "from", value_name = "CONTRIBUTOR")]
    contributor: String,
    /// cash, or in-kind (goods, services, premises)
    #[arg(long)]
    kind: String,
    #[command(flatten)]
    money: MoneyArgs,
    /// How it was valued (required in kind), e.g. 'donated office space, 40 m² at market rent
    /// MAD 90/m²/month'
    #[arg(long, default_value = "")]
    basis: String,
    /// The budget line it supports, if any
    #[arg(long)]
    line: Option<String>,
    /// Its reference (a letter, an agreement, a receipt), unique among the grant's live
    /// contributions
    #[arg(long)]
    reference: String,
}

impl ContributionArgs {
    fn parse(&self) -> Result<NewContribution> {
        let new = NewContribution {
            grant: text::code("grant reference", &self.grant).map_err(field("grant"))?,
            contributor: text::required("contributor (--from)", &self.contributor, 200)
                .map_err(field("from"))?,
            kind: ContributionKind::parse(&self.kind).map_err(field("kind"))?,
            reference: text::required("reference", &self.reference, 60)
                .map_err(field("reference"))?,
            date: past_date("contribution date", &self.date).map_err(field("date"))?,
            amount: positive("contribution amount", &self.money.amount)?,
            currency: self.money.currency()?,
            rate: self.money.rate()?,
            rate_base: None,
            basis: text::optional("basis", &self.basis, 500).map_err(field("basis"))?,
            line: self
                .line
                .as_deref()
                .map(|l| text::code("budget line code", l))
                .transpose()
                .map_err(field("line"))?,
            office: None,
        };
        new.check_basis()?;
        Ok(new)
    }
}

/// `grant match`: a grant's required match, set, removed or shown.
#[derive(Debug, Args)]
pub struct GrantMatchArgs {
    /// Grant reference, e.g. JP-MA-MHPSS-2021
    reference: String,
    /// The match required, in percent, e.g. 10
    #[arg(long, value_name = "PCT", allow_negative_numbers = true)]
    percent: Option<String>,
    /// What the percentage is of: grant (the donor's grant amount: match = grant × PCT / 100)
    /// or total (the project's total cost, grant and match together, as US federal awards
    /// count it: match = grant × PCT / (100 − PCT))
    #[arg(long = "of", value_name = "grant|total", default_value = "grant")]
    of: String,
    /// Remove the grant's required match
    #[arg(long, conflicts_with = "percent")]
    clear: bool,
}

pub fn grant_match(args: &GrantMatchArgs, ctx: &mut Context) -> Result<()> {
    check_grant_match(args)?;
    let reference = args.reference.trim();
    if let Some(typed) = &args.percent {
        let percent = parse_percent("--percent", typed).map_err(field("percent"))?;
        let basis = MatchBasis::parse(&args.of).map_err(field("of"))?;
        let rule = MatchRule::new(percent, basis).map_err(field("percent"))?;
        ctx.ledger.set_match(reference, Some(&rule))?;
    } else if args.clear {
        ctx.ledger.set_match(reference, None)?;
    }
    let grant = ctx.ledger.grant(reference)?;
    let today = super::input::today();
    let (figures, _) = figures(&ctx.ledger, &grant, grant.start.min(today), today)?;
    let doc = Document::record(
        "match",
        format!(
            "Match of grant {}, in {}",
            grant.reference, grant.currency.code
        ),
        match_record(&figures, &grant.currency, false),
    );
    ctx.show(&doc)
}

/// A grant's match figures for the days `from`..`to`, with its contributions to `to` (voided
/// ones too: the figures leave them out), as the grant stood on `to`.
pub fn figures(
    ledger: &Ledger,
    grant: &Grant,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<(MatchFigures, Vec<Contribution>)> {
    let rule = ledger.grant_match(grant)?;
    let list = ledger.contributions(grant, to, true)?;
    let as_then = ledger.grant_as_of(grant, to)?;
    let window = DateRange {
        start: from.min(to),
        end: to,
    };
    let f = MatchFigures::of(
        rule.as_ref(),
        as_then.amount,
        &grant.currency,
        &list,
        window,
    );
    Ok((f, list))
}

pub fn run(command: MatchCommand, ctx: &mut Context) -> Result<()> {
    match command {
        MatchCommand::Add(args) => {
            let k = ctx.ledger.add_contribution(&args.parse()?)?;
            let title = format!("Recorded contribution {}", k.reference);
            show_one(ctx, k, &title)
        }
        MatchCommand::List { grant, as_of, all } => {
            let as_of = as_of.date()?;
            let grant = ctx.ledger.grant(grant.trim())?;
            let (f, mut list) = figures(&ctx.ledger, &grant, grant.start, as_of)?;
            if !all {
                list.retain(|k| k.void.is_none());
            }
            let title = format!("Contributions to grant {}", grant.reference);
            ctx.show(&contributions(&list, &f, &grant.currency, &title))
        }
        MatchCommand::Void {
            reference,
            grant,
            reason,
        } => {
            let reason = text::required("reason", &reason, 500).map_err(field("reason"))?;
            let k = ctx
                .ledger
                .void_contribution(grant.trim(), &reference, &reason)?;
            let title = format!("Voided contribution {}", k.reference);
            show_one(ctx, k, &title)
        }
    }
}

/// One contribution just recorded or voided, then the grant's match as it stands now.
fn show_one(ctx: &Context, k: Contribution, title: &str) -> Result<()> {
    let grant = ctx.ledger.grant(&k.grant)?;
    let today = super::input::today();
    let (f, _) = figures(&ctx.ledger, &grant, grant.start, today.max(k.date))?;
    let doc = contributions(std::slice::from_ref(&k), &f, &grant.currency, title);
    ctx.show(&doc)
}

/// Refuse a grant match of the wrong shape early: `--of` without `--percent` says nothing.
fn check_grant_match(args: &GrantMatchArgs) -> Result<()> {
    if args.percent.is_none() && args.of.trim() != "grant" {
        return Err(Error::invalid(
            "--of says what --percent is of; give --percent too, e.g. --percent 25 --of total",
        )
        .in_field("of"));
    }
    Ok(())
}
