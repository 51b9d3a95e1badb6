//! `report` commands: burn rates, budget against actuals, the donor's financial report, monthly
//! spend and the portfolio. Handlers gather what the ledger holds and hand it to `report/`.

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use rust_decimal::Decimal;

mod donor;
mod read;

use read::conversion;
pub use read::{actuals_of, burns, grants_on};

use super::categories::{self, By};
use super::{Context, charts};
use crate::db::{GrantFilter, Ledger};
use crate::domain::money::parse_percent;
use crate::domain::{DateRange, Grant, GrantStatus, parse_date};
use crate::error::{Error, Result};
use crate::report::budget_table;
use crate::report::burn::DEFAULT_THRESHOLD;
use crate::report::burn_report::{self, GrantBurn};
use crate::report::calendar::next_due;
use crate::report::cost_share;
use crate::report::monthly::monthly;
use crate::report::portfolio::{Placed, portfolio};

/// The day a report stands on.
#[derive(Debug, Args)]
pub struct AsOf {
    /// Figures as they stand at the end of this day (YYYY-MM-DD) [default: today]
    #[arg(long = "as-of", value_name = "DATE")]
    date: Option<String>,
}

impl AsOf {
    pub fn date(&self) -> Result<NaiveDate> {
        match &self.date {
            Some(text) => parse_date("--as-of", text),
            None => Ok(chrono::Local::now().date_naive()),
        }
    }
}

/// What every report that judges figures against the plan takes.
#[derive(Debug, Args)]
pub struct ReportOptions {
    #[command(flatten)]
    as_of: AsOf,
    /// Variance, in % of budget, beyond which a grant or line is flagged
    #[arg(long, value_name = "PCT", default_value_t = DEFAULT_THRESHOLD.to_string(),
          allow_hyphen_values = true)]
    threshold: String,
}

impl ReportOptions {
    fn as_of(&self) -> Result<NaiveDate> {
        self.as_of.date()
    }

    fn threshold(&self) -> Result<Decimal> {
        parse_percent("--threshold", &self.threshold)
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GroupBy {
    Donor,
    Country,
    /// The office that recorded the spend
    Office,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Burn rate of each grant: spend against a straight line from start to end, runway,
    /// projection and status
    #[command(
        after_help = "Examples:\n  grantbook report burn --as-of 2021-09-30\n  \
                            grantbook report burn --country MA --in USD --threshold 15\n  \
                            grantbook report burn --format html --out burn.html\n  \
                            grantbook report burn --format xlsx --out burn.xlsx"
    )]
    Burn {
        /// Grant reference, e.g. JP-MA-MHPSS-2021
        #[arg(long)]
        grant: Option<String>,
        #[arg(long)]
        project: Option<String>,
        #[arg(long)]
        donor: Option<String>,
        /// Grants whose project works in this country (ISO code)
        #[arg(long)]
        country: Option<String>,
        /// Also convert every grant into this currency at the rate in force on the as-of date,
        /// and sum them
        #[arg(long = "in", value_name = "CUR")]
        into: Option<String>,
        #[command(flatten)]
        options: ReportOptions,
    },
    /// Budget against actuals per line: this period, to date, balance, variance, flags
    #[command(
        after_help = "Examples:\n  grantbook report budget --grant JP-MA-MHPSS-2021 \
                            --period 2021-Q3\n  grantbook report budget --grant REG-NA-2022 \
                            --from 2023-01-01 --to 2023-06-30\n  grantbook report budget \
                            --grant JP-MA-MHPSS-2021 --by category"
    )]
    Budget {
        /// Grant reference, e.g. JP-MA-MHPSS-2021
        #[arg(long)]
        grant: String,
        /// A reporting period of the grant (see `period list`)
        #[arg(long, conflicts_with_all = ["from", "to"])]
        period: Option<String>,
        /// First day of the window [default: the grant's start]
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day of the window [default: the as-of date, or the grant's end]
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// One row per budget line, or per reporting category of the grant's donor
        #[arg(long, value_enum, default_value_t = By::Line)]
        by: By,
        #[command(flatten)]
        options: ReportOptions,
    },
    /// The financial report a donor receives for one period
    #[command(
        after_help = "Examples:\n  grantbook report donor --grant JP-MA-MHPSS-2021 \
                            --period 2021-Q3\n  grantbook report donor --grant \
                            JP-MA-MHPSS-2021 --period 2021-Q3 --format csv > q3.csv\n  \
                            grantbook report donor --grant JP-MA-MHPSS-2021 --period 2021-Q3 \
                            --format html --out q3.html\n  \
                            grantbook report donor --grant JP-MA-MHPSS-2021 --period 2021-Q3 \
                            --by category"
    )]
    Donor(donor::DonorArgs),
    /// Spend per month and budget line, cumulative against the straight-line plan
    #[command(
        after_help = "Example:\n  grantbook report monthly --grant JP-MA-MHPSS-2021 \
                            --format csv > burndown.csv"
    )]
    Monthly {
        /// Grant reference, e.g. JP-MA-MHPSS-2021
        #[arg(long)]
        grant: String,
        #[command(flatten)]
        as_of: AsOf,
    },
    /// Grants running on the as-of date (or ended and not yet closed) side by side, grouped by
    /// donor or country, furthest from plan first
    #[command(after_help = "Example:\n  grantbook report portfolio --by country")]
    Portfolio {
        #[arg(long, value_enum, default_value_t = GroupBy::Donor)]
        by: GroupBy,
        #[command(flatten)]
        options: ReportOptions,
    },
    /// Partner advances by partner: advanced, liquidated, returned, outstanding, and what has
    /// been outstanding too long
    #[command(
        after_help = "Example:\n  grantbook report advances --as-of 2022-12-31 \
                            --older-than 90"
    )]
    Advances(super::advance::ListArgs),
    /// Reports due and overdue to donors across grants, by due date (`grant calendar` sets
    /// what each grant owes)
    #[command(after_help = "Example:\n  grantbook report due --as-of 2023-07-31")]
    Due {
        #[command(flatten)]
        as_of: AsOf,
    },
}

pub fn run(command: ReportCommand, ctx: &mut Context) -> Result<()> {
    match command {
        ReportCommand::Advances(args) => super::advance::report(&args, ctx),
        ReportCommand::Due { as_of } => super::calendar::due(as_of.date()?, ctx),
        ReportCommand::Burn {
            grant,
            project,
            donor,
            country,
            into,
            options,
        } => {
            let filter = GrantFilter {
                donor: donor.map(|d| d.trim().to_string()),
                project: project.map(|p| p.trim().to_string()),
                reference: grant.map(|g| g.trim().to_string()),
                country: country.map(|c| c.trim().to_uppercase()),
                status: None,
            };
            let (as_of, threshold) = (options.as_of()?, options.threshold()?);
            let grants = grants_on(&ctx.ledger, &filter, as_of)?;
            let burns = burns(&ctx.ledger, grants, as_of, threshold)?;
            let conversion = match into {
                Some(code) => Some(conversion(&ctx.ledger, &burns, &code, as_of)?),
                None => None,
            };
            let doc = burn_report::burn_report(&burns, as_of, threshold, conversion.as_ref())?;
            ctx.show(&charts::of_burns(ctx, doc, &burns, as_of)?)
        }
        ReportCommand::Budget {
            grant,
            period,
            from,
            to,
            by,
            options,
        } => {
            let as_of = options.as_of()?;
            let grant = ctx
                .ledger
                .grant_as_of(&ctx.ledger.grant(grant.trim())?, as_of)?;
            let (window, name) = match period {
                Some(code) => {
                    let p = ctx.ledger.period(&grant.reference, code.trim())?;
                    (p.dates(), Some(p.code))
                }
                None => {
                    if as_of < grant.start {
                        return Err(Error::invalid(format!(
                            "grant {} starts on {}, after --as-of {as_of}: nothing to report yet",
                            grant.reference, grant.start
                        )));
                    }
                    let from = from.map(|f| parse_date("--from", &f)).transpose()?;
                    let to = to.map(|t| parse_date("--to", &t)).transpose()?;
                    let start = from.unwrap_or(grant.start);
                    let end = to.unwrap_or(as_of.min(grant.end));
                    let window = DateRange::new("the report window (--from/--to)", start, end)?;
                    (window, None)
                }
            };
            let a = actuals_of(&ctx.ledger, &grant, window, as_of, options.threshold()?)?;
            let (share, _) =
                super::cost_share::figures(&ctx.ledger, &grant, window.start, window.end)?;
            let doc = budget_table::budget_report(&a, name.as_deref())
                .then(|doc| cost_share::budget_block(doc, &share, &grant.currency));
            ctx.show(&categories::laid_out(ctx, doc, &a, by)?)
        }
        ReportCommand::Donor(args) => donor::donor(args, ctx),
        ReportCommand::Monthly { grant, as_of } => {
            let as_of = as_of.date()?;
            let grant = ctx
                .ledger
                .grant_as_of(&ctx.ledger.grant(grant.trim())?, as_of)?;
            let codes: Vec<String> = ctx
                .ledger
                .line_spend(&grant, &[])?
                .into_iter()
                .map(|l| l.code)
                .collect();
            let spend = ctx.ledger.monthly_spend(&grant, as_of)?;
            let doc = monthly(&grant, &codes, &spend, as_of);
            // The runway and exhaustion date the chart marks do not depend on a threshold.
            let threshold = DEFAULT_THRESHOLD;
            ctx.show(&charts::of_grant(
                ctx, doc, "monthly", grant, as_of, threshold,
            )?)
        }
        ReportCommand::Portfolio { by, options } => {
            let (as_of, threshold) = (options.as_of()?, options.threshold()?);
            // The office's live grants on that day: running then, or ended but not yet closed.
            let live =
                |g: &Grant| g.start <= as_of && (as_of <= g.end || g.status == GrantStatus::Active);
            let mut grants = grants_on(&ctx.ledger, &GrantFilter::default(), as_of)?;
            grants.retain(live);
            let burns = burns(&ctx.ledger, grants, as_of, threshold)?;
            let mut placed = Vec::new();
            for b in &burns {
                let (owed, sent) = super::calendar::calendar_of(ctx, &b.grant)?;
                let next_due = next_due(&owed, &sent).map(|o| o.due);
                let groups = match by {
                    GroupBy::Donor => {
                        let donor = ctx.ledger.donor_as_of(&b.grant.donor, as_of)?;
                        vec![(donor.code, donor.name, b.spent)]
                    }
                    GroupBy::Country => {
                        let spent = ctx.ledger.spend_by_country(&b.grant, as_of)?;
                        let here = |country: &str| {
                            spent
                                .iter()
                                .find(|(c, _)| c == country)
                                .map_or(Decimal::ZERO, |(_, amount)| *amount)
                        };
                        let project = ctx.ledger.project_as_of(&b.grant.project, as_of)?;
                        let countries = project.countries;
                        countries
                            .into_iter()
                            .map(|c| (c.clone(), c.clone(), here(&c)))
                            .collect()
                    }
                    GroupBy::Office => by_office(&ctx.ledger, b, as_of)?,
                };
                placed.extend(
                    groups
                        .into_iter()
                        .map(|(group, group_name, spent_here)| Placed {
                            group,
                            group_name,
                            spent_here,
                            burn: b,
                            next_due,
                        }),
                );
            }
            let title = match by {
                GroupBy::Donor => "Donor",
                GroupBy::Country => "Country",
                GroupBy::Office => "Office",
            };
            ctx.show(&portfolio(placed, title, as_of))
        }
    }
}

/// A grant's spend by the offices of its project, and what was recorded without an office.
fn by_office(
    ledger: &Ledger,
    b: &GrantBurn,
    as_of: NaiveDate,
) -> Result<Vec<(String, String, Decimal)>> {
    let spent = ledger.spend_by_office(&b.grant, as_of)?;
    let here = |office: Option<&str>| {
        spent
            .iter()
            .find(|(o, _)| o.as_deref() == office)
            .map_or(Decimal::ZERO, |(_, amount)| *amount)
    };
    let mut groups: Vec<(String, String, Decimal)> = ledger
        .offices(Some(&b.grant.project))?
        .into_iter()
        .map(|o| {
            let amount = here(Some(&o.code));
            (o.code, o.name, amount)
        })
        .collect();
    if groups.is_empty() || spent.iter().any(|(o, _)| o.is_none()) {
        groups.push((
            "(none)".to_string(),
            "recorded without an office".to_string(),
            here(None),
        ));
    }
    Ok(groups)
}
