//! `period` commands: a grant's reporting periods, and closing the books on them.

use clap::{Subcommand, ValueEnum};
use serde::Deserialize;

use super::{Context, note};
use crate::db::GrantFilter;
use crate::db::Ledger;
use crate::domain::{DateRange, Every, PeriodStatus, parse_date, text};
use crate::error::{Error, Result};
use crate::report::grants;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Frequency {
    Month,
    Quarter,
}

#[derive(Debug, Subcommand)]
pub enum PeriodCommand {
    /// Add one period with its own dates (as the agreement says)
    #[command(
        after_help = "Example:\n  grantbook period add --grant JP-MA-MHPSS-2021 2021-Q2 \
                            --start 2021-04-01 --end 2021-06-30"
    )]
    Add(PeriodArgs),
    /// Create the grant's calendar months or quarters that do not exist yet
    #[command(
        after_help = "Example:\n  grantbook period generate --grant JP-MA-MHPSS-2021 --every quarter"
    )]
    Generate {
        /// Grant reference, e.g. JP-MA-MHPSS-2021
        #[arg(long)]
        grant: String,
        #[arg(long, value_enum)]
        every: Frequency,
    },
    /// List a grant's periods, or every grant's
    #[command(after_help = "Example:\n  grantbook period list --grant JP-MA-MHPSS-2021")]
    List {
        /// Grant reference, e.g. JP-MA-MHPSS-2021 [default: every grant]
        #[arg(long)]
        grant: Option<String>,
        #[command(flatten)]
        out: super::OutArgs,
    },
    /// Close a period: expenses dated inside it are refused until it is reopened
    #[command(after_help = "Example:\n  grantbook period close --grant JP-MA-MHPSS-2021 2021-Q2")]
    Close {
        /// Grant reference, e.g. JP-MA-MHPSS-2021
        #[arg(long)]
        grant: String,
        code: String,
    },
    /// Reopen a closed period, saying why (recorded in the audit log)
    #[command(
        after_help = "Example:\n  grantbook period reopen --grant JP-MA-MHPSS-2021 2021-Q2 \
                            --reason 'Late invoice from the printer'"
    )]
    Reopen {
        /// Grant reference, e.g. JP-MA-MHPSS-2021
        #[arg(long)]
        grant: String,
        code: String,
        /// Why, in a few words; kept in the audit log
        #[arg(long)]
        reason: String,
    },
    /// Explain a line's variance for a period, as the donor report prints it beside the line;
    /// without --line, list the period's notes
    #[command(
        after_help = "Examples:\n  grantbook period note --grant JP-MA-MHPSS-2021 2021-Q3 --line MON \
                            --text 'Baseline survey moved to October: the field team was \
                            recruited late'\n  grantbook period note --grant JP-MA-MHPSS-2021 \
                            2021-Q3\n  grantbook period note --grant JP-MA-MHPSS-2021 2021-Q3 \
                            --line MON --clear"
    )]
    Note {
        /// Grant reference, e.g. JP-MA-MHPSS-2021
        #[arg(long)]
        grant: String,
        /// The period's code, e.g. 2021-Q3
        code: String,
        /// The budget line the note explains, e.g. MON
        #[arg(long)]
        line: Option<String>,
        /// The explanation (up to 1,000 characters); replaces the line's note for the period
        #[arg(long, requires = "line", conflicts_with = "clear")]
        text: Option<String>,
        /// Remove the line's note for the period
        #[arg(long, requires = "line")]
        clear: bool,
        #[command(flatten)]
        out: super::OutArgs,
    },
}

#[derive(Debug, clap::Args, Deserialize)]
pub struct PeriodArgs {
    /// Grant reference, e.g. JP-MA-MHPSS-2021
    #[arg(long)]
    pub grant: String,
    /// The period's code, e.g. 2021-Q2
    pub code: String,
    /// First day, YYYY-MM-DD
    #[arg(long)]
    pub start: String,
    /// Last day, YYYY-MM-DD
    #[arg(long)]
    pub end: String,
}

pub fn add(args: &PeriodArgs, ledger: &mut Ledger) -> Result<crate::domain::Period> {
    let code = text::code("period code", &args.code)?;
    let start = parse_date("period start", &args.start)?;
    let end = parse_date("period end", &args.end)?;
    let dates = DateRange::new(&format!("period {code}"), start, end)?;
    ledger.add_period(args.grant.trim(), &code, dates)
}

pub fn run(command: PeriodCommand, ctx: &mut Context) -> Result<()> {
    match command {
        PeriodCommand::Add(args) => {
            let period = add(&args, &mut ctx.ledger)?;
            ctx.show(&grants::periods(&[period], "Added period"))
        }
        PeriodCommand::Generate { grant, every } => {
            let every = match every {
                Frequency::Month => Every::Month,
                Frequency::Quarter => Every::Quarter,
            };
            let made = ctx.ledger.generate_periods(&grant, every)?;
            if made.is_empty() {
                note(&format!(
                    "grant {grant} already has every period; nothing added"
                ));
            }
            ctx.show(&grants::periods(&made, "Added or stretched periods"))
        }
        PeriodCommand::List { grant, .. } => {
            let references = match grant {
                Some(reference) => vec![reference],
                None => ctx
                    .ledger
                    .grants(&GrantFilter::default())?
                    .into_iter()
                    .map(|g| g.reference)
                    .collect(),
            };
            let mut periods = Vec::new();
            for reference in &references {
                periods.extend(ctx.ledger.periods(reference)?);
            }
            ctx.show(&grants::periods(&periods, ""))
        }
        PeriodCommand::Close { grant, code } => {
            let period = ctx
                .ledger
                .set_period_status(&grant, &code, PeriodStatus::Closed, "")?;
            ctx.show(&grants::periods(&[period], "Closed period"))
        }
        PeriodCommand::Reopen {
            grant,
            code,
            reason,
        } => {
            let reason = text::required("reason", &reason, 500)?;
            let period =
                ctx.ledger
                    .set_period_status(&grant, &code, PeriodStatus::Open, &reason)?;
            ctx.show(&grants::periods(&[period], "Reopened period"))
        }
        PeriodCommand::Note {
            grant,
            code,
            line,
            text: typed,
            clear,
            ..
        } => period_note(ctx, &grant, &code, line, typed, clear),
    }
}

/// `period note`: set, clear or list a period's variance notes.
fn period_note(
    ctx: &mut Context,
    grant: &str,
    code: &str,
    line: Option<String>,
    typed: Option<String>,
    clear: bool,
) -> Result<()> {
    let grant = grant.trim();
    let Some(line) = line else {
        let notes = ctx.ledger.period_notes(grant, code)?;
        return ctx.show(&grants::period_notes(&notes));
    };
    let line = text::code("budget line", &line)?;
    let typed = match (typed, clear) {
        (_, true) => None,
        (Some(typed), false) => Some(text::required("note", &typed, 1000)?),
        (None, false) => {
            return Err(Error::invalid(format!(
                "say what the note on {line} is with --text '...', or remove it with --clear"
            )));
        }
    };
    let before = ctx
        .ledger
        .set_period_note(grant, code, &line, typed.as_deref())?;
    match (&before, &typed) {
        (None, None) => note(&format!(
            "line {line} had no note for period {code}; nothing removed"
        )),
        (Some(_), None) => note(&format!("removed the note on line {line} for {code}")),
        (Some(old), Some(_)) => note(&format!("replaced the note on line {line}: {:?}", old.note)),
        (None, Some(_)) => {}
    }
    let notes = ctx.ledger.period_notes(grant, code)?;
    ctx.show(&grants::period_notes(&notes))
}
