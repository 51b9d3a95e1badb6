//! `demo`: a fresh database built from the bundled fixtures, through the same validation as
//! every command, then the grants and their budgets printed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use super::budget::LineRow;
use super::expense::ExpenseArgs;
use super::grant::{ExtendArgs, GrantArgs};
use super::input::read_csv;
use super::money::{RateArgs, ReceiptArgs};
use super::parties::{DonorArgs, ProjectArgs};
use super::period::PeriodArgs;
use super::{Context, note};
use crate::db::{GrantFilter, Ledger, LineChange};
use crate::domain::{GrantStatus, PeriodStatus, text};
use crate::error::{Error, Result};
use crate::render::{Block, Format};
use crate::report::burn::DEFAULT_THRESHOLD;
use crate::report::{budget_table, burn_report};

use super::report;

/// A fixture file compiled into the binary (so the demo runs from any directory), with the
/// name its errors are reported under.
macro_rules! fixture {
    ($name:literal) => {
        (
            concat!("fixtures/", $name),
            include_str!(concat!("../../fixtures/", $name)),
        )
    };
}

#[derive(Debug, Deserialize)]
struct PeriodRow {
    #[serde(flatten)]
    period: PeriodArgs,
    status: String,
}

#[derive(Debug, Deserialize)]
struct VoidRow {
    grant: String,
    voucher: String,
    reason: String,
}

pub fn run(path: Option<PathBuf>, as_of: Option<String>, format: Format) -> Result<()> {
    let as_of = match as_of {
        Some(text) => crate::domain::parse_date("--as-of", &text)?,
        None => chrono::Local::now().date_naive(),
    };
    let path = path.unwrap_or_else(|| {
        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
        std::env::temp_dir().join(format!("grantbook-demo-{stamp}-{}.db", std::process::id()))
    });
    let mut ctx = Context {
        ledger: Ledger::create(&path)?,
        format,
    };
    note(&format!(
        "building the demo database from the fixtures at {}",
        path.display()
    ));
    note(&format!(
        "explore it afterwards, e.g.: grantbook --db {} report donor --grant JP-MA-MHPSS-2021 \
         --period 2021-Q3",
        path.display()
    ));
    load(&mut ctx)?;
    let threshold = DEFAULT_THRESHOLD;
    let burns = report::burns(
        &ctx.ledger,
        ctx.ledger.grants(&GrantFilter::default())?,
        as_of,
        threshold,
    )?;
    let mut doc = burn_report::burn_report(&burns, as_of, threshold, None)?;
    let notes = doc.sections.pop();
    for b in &burns {
        let grant = &b.grant;
        let a = report::actuals_of(&ctx.ledger, grant, grant.dates(), as_of, threshold)?;
        let lines = budget_table::lines_table(&a).hide("spent_period");
        let title = format!(
            "Budget against actuals of {} in {} to {} (revision {})",
            grant.reference, grant.currency.code, a.window.end, a.revision
        );
        doc = doc.with(
            &format!("budget {}", grant.reference),
            title,
            Block::Table(lines),
        );
        doc = doc.with("", "", Block::Note(vec![budget_table::flags_note(&a)]));
    }
    doc.sections.extend(notes);
    ctx.show(&doc)
}

/// Read one fixture file row by row into `T` and hand each row to `each`.
fn each_row<T: serde::de::DeserializeOwned>(
    (label, text): (&str, &str),
    each: impl FnMut(T) -> Result<()>,
) -> Result<()> {
    read_csv(label, text.as_bytes(), each)
}

fn load(ctx: &mut Context) -> Result<()> {
    each_row(fixture!("donors.csv"), |r: DonorArgs| {
        ctx.ledger.add_donor(&r.parse()?).map(drop)
    })?;
    each_row(fixture!("projects.csv"), |r: ProjectArgs| {
        ctx.ledger.add_project(&r.parse()?).map(drop)
    })?;
    // Grants are loaded active and given their final status once their expenses are in, as an
    // office closes a grant after its last payment.
    let mut final_status = Vec::new();
    each_row(fixture!("grants.csv"), |r: GrantArgs| {
        let mut grant = r.parse()?;
        final_status.push((grant.reference.clone(), grant.status));
        grant.status = GrantStatus::Active;
        ctx.ledger.add_grant(&grant).map(drop)
    })?;
    each_row(fixture!("extensions.csv"), |r: ExtendArgs| {
        super::grant::extend(&r, ctx).map(drop)
    })?;
    let mut lines: BTreeMap<String, Vec<crate::domain::NewLine>> = BTreeMap::new();
    each_row(fixture!("budget_lines.csv"), |r: LineRow| {
        let grant = text::code("grant", r.grant.as_deref().unwrap_or_default())?;
        match r.parse()? {
            LineChange::New(line) => lines.entry(grant).or_default().push(line),
            LineChange::Amount { code, .. } => {
                return Err(Error::invalid(format!(
                    "line {code} needs a name and a category"
                )));
            }
        }
        Ok(())
    })?;
    for (grant, lines) in &lines {
        ctx.ledger.set_budget(grant, lines)?;
    }
    // Periods are created open and closed after the expenses are in, as an office would have
    // done quarter by quarter.
    let mut to_close = Vec::new();
    each_row(fixture!("periods.csv"), |r: PeriodRow| {
        let period = super::period::add(&r.period, ctx)?;
        if PeriodStatus::parse(&r.status)? == PeriodStatus::Closed {
            to_close.push((period.grant, period.code));
        }
        Ok(())
    })?;
    each_row(fixture!("fx_rates.csv"), |r: RateArgs| {
        ctx.ledger.set_rate(&r.parse()?, false).map(drop)
    })?;
    each_row(fixture!("receipts.csv"), |r: ReceiptArgs| {
        ctx.ledger.add_receipt(&r.parse()?).map(drop)
    })?;
    each_row(fixture!("expenses.csv"), |r: ExpenseArgs| {
        ctx.ledger.add_expense(&r.parse()?).map(drop)
    })?;
    each_row(fixture!("voids.csv"), |r: VoidRow| {
        let expense = ctx
            .ledger
            .expense_by_voucher(r.grant.trim(), r.voucher.trim())?;
        ctx.ledger
            .void_expense(expense.id, &text::required("reason", &r.reason, 500)?)
            .map(drop)
    })?;
    for (grant, code) in to_close {
        ctx.ledger
            .set_period_status(&grant, &code, PeriodStatus::Closed, "")?;
    }
    for (grant, status) in final_status {
        if status != GrantStatus::Active {
            ctx.ledger
                .set_grant_status(&grant, status, "fixture: final status")?;
        }
    }
    Ok(())
}
