//! The reporting calendar (issue 16): `grant calendar` sets or shows what a grant's agreement
//! asks for, `grant submitted` records a report sent, `report due` lists what is due and
//! overdue across grants.

use chrono::NaiveDate;
use clap::Args;

use super::Context;
use crate::db::GrantFilter;
use crate::domain::calendar::{Schedule, Submission};
use crate::domain::{Grant, parse_date, text};
use crate::error::{Error, Result};
use crate::report::calendar::{Owed, Row, Standing, calendar_table, owed, standing};

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// Grant reference, e.g. JP-MA-MHPSS-2021
    pub reference: String,
    /// A quarterly financial report this many days after each calendar quarter, e.g. 30
    #[arg(long, value_name = "DAYS")]
    pub quarterly_days: Option<u32>,
    /// The final report this many days after the end date, e.g. 90
    #[arg(long, value_name = "DAYS")]
    pub final_days: Option<u32>,
    /// An interim report due on this date (YYYY-MM-DD); repeat for several
    #[arg(long, value_name = "DATE")]
    pub interim: Vec<String>,
    #[command(flatten)]
    pub as_of: super::report::AsOf,
}

#[derive(Debug, Args)]
pub struct SubmittedArgs {
    /// Grant reference, e.g. JP-MA-MHPSS-2021
    pub reference: String,
    /// The report, as `grant calendar` names it: 2023-Q1, interim 2023-07-31, final
    #[arg(long)]
    pub report: String,
    /// The day it was sent, YYYY-MM-DD
    #[arg(long)]
    pub date: String,
    /// Its reference: the donor's acknowledgement, or the letter that sent it
    #[arg(long = "reference", value_name = "REF")]
    pub sent_as: String,
}

/// Set the schedule given, then show the grant's calendar as of the day asked.
pub fn schedule(args: &ScheduleArgs, ctx: &mut Context) -> Result<()> {
    let reference = args.reference.trim();
    let given = args.quarterly_days.is_some() || args.final_days.is_some();
    if given || !args.interim.is_empty() {
        for days in [args.quarterly_days, args.final_days].into_iter().flatten() {
            if days > 366 {
                return Err(Error::invalid(format!(
                    "{days} days after a period: give at most 366"
                )));
            }
        }
        let mut interim = args
            .interim
            .iter()
            .map(|d| parse_date("--interim", d))
            .collect::<Result<Vec<_>>>()?;
        interim.sort();
        interim.dedup();
        let schedule = Schedule {
            quarterly_days: args.quarterly_days,
            final_days: args.final_days,
            interim,
        };
        ctx.ledger.set_schedule(reference, &schedule)?;
    }
    let grant = ctx.ledger.grant(reference)?;
    let as_of = args.as_of.date()?;
    let (all, sent) = calendar_of(ctx, &grant)?;
    let rows: Vec<Row> = all
        .iter()
        .map(|o| Row {
            grant: &grant.reference,
            owed: o,
            standing: standing(o, &sent, as_of),
        })
        .collect();
    ctx.show(&calendar_table(
        format!("Reports owed by {}", grant.reference),
        &rows,
        as_of,
    ))
}

/// Record a report sent; it must be one the grant's calendar asks for.
pub fn submitted(args: &SubmittedArgs, ctx: &mut Context) -> Result<()> {
    let grant = ctx.ledger.grant(args.reference.trim())?;
    let report = args.report.trim();
    let (all, _) = calendar_of(ctx, &grant)?;
    if !all.iter().any(|o| o.report == report) {
        let names: Vec<&str> = all.iter().map(|o| o.report.as_str()).collect();
        return Err(Error::invalid(format!(
            "grant {} owes no report {report:?}; its calendar names {}",
            grant.reference,
            if names.is_empty() {
                "none yet (set it with `grantbook grant calendar`)".to_string()
            } else {
                names.join(", ")
            }
        )));
    }
    let sent = Submission {
        report: report.to_string(),
        submitted_on: parse_date("--date", &args.date)?,
        reference: text::required("--reference", &args.sent_as, 200)?,
    };
    ctx.ledger.submit_report(&grant.reference, &sent)?;
    let as_of = chrono::Local::now().date_naive().max(sent.submitted_on);
    let owed = all.iter().find(|o| o.report == report);
    let rows: Vec<Row> = owed
        .map(|o| Row {
            grant: &grant.reference,
            owed: o,
            standing: Standing::Submitted(sent.clone()),
        })
        .into_iter()
        .collect();
    ctx.show(&calendar_table("Report submitted".into(), &rows, as_of))
}

/// `report due`: every grant's reports overdue or due on `as_of`, the most late first.
pub fn due(as_of: NaiveDate, ctx: &mut Context) -> Result<()> {
    let grants = ctx.ledger.grants(&GrantFilter::default())?;
    let mut owed_by = Vec::new();
    for grant in &grants {
        let (all, sent) = calendar_of(ctx, grant)?;
        owed_by.push((grant, all, sent));
    }
    let mut rows: Vec<Row> = owed_by
        .iter()
        .flat_map(|(grant, all, sent)| {
            all.iter().map(move |o| Row {
                grant: &grant.reference,
                owed: o,
                standing: standing(o, sent, as_of),
            })
        })
        .filter(|r| matches!(r.standing, Standing::Overdue(_) | Standing::Due(_)))
        .collect();
    rows.sort_by_key(|r| (r.owed.due, r.grant.to_string()));
    ctx.show(&calendar_table(
        format!("Reports due and overdue as of {as_of}"),
        &rows,
        as_of,
    ))
}

/// A grant's reports owed and those sent.
pub fn calendar_of(ctx: &Context, grant: &Grant) -> Result<(Vec<Owed>, Vec<Submission>)> {
    let schedule = ctx.ledger.schedule(grant)?;
    Ok((
        owed(grant.dates(), &schedule),
        ctx.ledger.submissions(grant)?,
    ))
}
