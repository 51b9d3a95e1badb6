//! `report donor`: what the donor report gathers from the ledger for one grant and period
//! before `report::donor` lays it out.

use clap::Args;

use super::{ReportOptions, actuals_of};
use crate::cli::categories::{self, By};
use crate::cli::{Context, charts};
use crate::domain::text;
use crate::error::Result;
use crate::report::donor::{CostShare, DonorReport, donor_report};

#[derive(Debug, Args)]
pub struct DonorArgs {
    /// Grant reference, e.g. JP-MA-MHPSS-2021
    #[arg(long)]
    pub grant: String,
    /// Reporting period code, e.g. 2021-Q3 (`grantbook period list` shows them)
    #[arg(long)]
    pub period: String,
    /// Who prepared the report, printed in its signature block, e.g. 'A. Benali, Finance
    /// Officer'
    #[arg(long, value_name = "NAME")]
    pub prepared_by: Option<String>,
    /// Who approves it, printed in its signature block, e.g. 'Chief of Mission'
    #[arg(long, value_name = "NAME")]
    pub approved_by: Option<String>,
    /// Budget against expenditure per budget line, or per reporting category of the
    /// donor (`donor category`, `budget map`)
    #[arg(long, value_enum, default_value_t = By::Line)]
    pub by: By,
    #[command(flatten)]
    pub options: ReportOptions,
}

pub fn donor(args: DonorArgs, ctx: &mut Context) -> Result<()> {
    let DonorArgs {
        grant,
        period,
        prepared_by,
        approved_by,
        by,
        options,
    } = args;
    let signer =
        |what: &str, name: Option<String>| name.map(|n| text::required(what, &n, 200)).transpose();
    let prepared_by = signer("--prepared-by", prepared_by)?;
    let approved_by = signer("--approved-by", approved_by)?;
    let grant = ctx.ledger.grant(grant.trim())?;
    let period = ctx.ledger.period(&grant.reference, period.trim())?;
    let (as_of, threshold) = (options.as_of()?, options.threshold()?);
    // The report stands on its period's last day (or the as-of date, if earlier): the
    // grant, donor and project as they were then, so a closed period's report printed
    // again after a later amendment or extension is the one that was filed.
    let day = period.end.min(as_of);
    let a = actuals_of(&ctx.ledger, &grant, period.dates(), as_of, threshold)?;
    let receipts = ctx.ledger.receipts(Some(&grant.reference), false)?;
    let voids = ctx.ledger.voids(&grant, a.window)?;
    let refunds = ctx.ledger.refunds(&grant, a.window)?;
    let paid_in = ctx.ledger.expense_currencies(&grant)?;
    let rates: Vec<_> = ctx
        .ledger
        .rates(Some(&grant.currency.code))?
        .into_iter()
        .filter(|r| paid_in.contains(&r.base) || paid_in.contains(&r.quote))
        .collect();
    let project = ctx.ledger.project_as_of(&grant.project, day)?;
    // The implementing organisation's address, where it is registered (`organisation set`).
    let registered = ctx.ledger.publishing()?.organisations;
    let notes = ctx.ledger.period_notes(&grant.reference, &period.code)?;
    let history = ctx.ledger.period_history(&grant, &period)?;
    let (match_figures, contributions) =
        crate::cli::cost_share::figures(&ctx.ledger, &grant, a.window.start, a.window.end)?;
    let doc = donor_report(&DonorReport {
        actuals: &a,
        donor: &ctx.ledger.donor_as_of(&grant.donor, day)?,
        countries: &ctx.ledger.country_names(&project.countries)?,
        project: &project,
        period: &period,
        receipts: &receipts,
        voids: &voids,
        refunds: &refunds,
        rates: &rates,
        prepared: chrono::Local::now().date_naive(),
        original_end: grant.original_end(&ctx.ledger.extensions(&grant)?),
        advanced: ctx.ledger.advanced_outstanding(&grant, a.window.end)?,
        prepared_by: prepared_by.as_deref(),
        approved_by: approved_by.as_deref(),
        notes: &notes,
        history: &history,
        organisation: registered.get(&project.organisation),
        cost_share: CostShare {
            figures: &match_figures,
            contributions: &contributions,
        },
    });
    let doc = categories::laid_out(ctx, doc, &a, by)?;
    let (end, grant) = (a.window.end, a.grant.clone());
    ctx.show(&charts::of_grant(ctx, doc, "cash", grant, end, threshold)?)
}
