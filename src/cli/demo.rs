//! `demo`: a fresh database built from the bundled fixtures, through the same validation as
//! every command, then the grants and their budgets printed.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::load::{Tables, load};
use super::{Context, database_file, note};
use crate::db::{GrantFilter, Ledger};
use crate::domain::Entity;
use crate::error::Result;
use crate::render::{Block, Format};
use crate::report::burn::DEFAULT_THRESHOLD;
use crate::report::burn_report::GrantBurn;
use crate::report::{budget_table, burn_report, listing};

use super::report;

pub fn run(path: Option<PathBuf>, as_of: Option<String>, format: Format) -> Result<()> {
    let as_of = match as_of {
        Some(text) => crate::domain::parse_date("--as-of", &text)?,
        None => chrono::Local::now().date_naive(),
    };
    if let Some(url) = path.as_deref().and_then(database_file::server_url) {
        let ledger = Ledger::create_on_server(url)?;
        return build(ledger, &crate::db::redact_url(url), as_of, format);
    }
    let path = path.unwrap_or_else(|| {
        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
        std::env::temp_dir().join(format!("grantbook-demo-{stamp}-{}.db", std::process::id()))
    });
    let in_file = |e: crate::error::Error| e.in_file(&path);
    database_file::create(&path).map_err(in_file)?;
    let ledger = Ledger::open(&path).map_err(in_file)?;
    build(ledger, &path.display().to_string(), as_of, format).map_err(in_file)
}

/// Build the demo ledger in `ledger`, a new one found at `place`, and show it.
fn build(ledger: Ledger, place: &str, as_of: NaiveDate, format: Format) -> Result<()> {
    let mut ctx = Context {
        ledger,
        format,
        out: None,
    };
    note(&format!(
        "building the demo database from the fixtures at {place}"
    ));
    note(&format!(
        "explore it afterwards, e.g.: grantbook --db {place} report donor --grant JP-MA-MHPSS-2021 \
         --period 2021-Q3"
    ));
    load(&mut ctx.ledger, &Tables::Fixtures)?;
    let threshold = DEFAULT_THRESHOLD;
    let grants = report::grants_on(&ctx.ledger, &GrantFilter::default(), as_of)?;
    let burns = report::burns(&ctx.ledger, grants, as_of, threshold)?;
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
    doc = doc.with(
        "history",
        "Money that came back, entries put right, agreements amended",
        Block::Table(history(&ctx.ledger, &burns)?),
    );
    doc.sections.extend(notes);
    ctx.show(&doc)
}

/// Every refund, correction and amendment of the demo's grants.
fn history(ledger: &Ledger, burns: &[GrantBurn]) -> Result<crate::render::Table> {
    let (mut refunds, mut corrections, mut amendments) = (Vec::new(), Vec::new(), Vec::new());
    for b in burns {
        let grant = &b.grant;
        refunds.extend(ledger.refunds(grant, grant.dates())?);
        corrections.extend(ledger.corrections(grant)?);
        amendments.extend(ledger.amendments(Entity::Grant, &grant.reference)?);
    }
    Ok(listing::history(&refunds, &corrections, &amendments))
}
