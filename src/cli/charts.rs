//! Burn-down charts for the formats that draw them (HTML): each grant's spend by month from the
//! ledger, added to a report's document. Other formats never pay for the query.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Context;
use super::report::burns;
use crate::domain::Grant;
use crate::error::Result;
use crate::render::Document;
use crate::report::burn_report::GrantBurn;
use crate::report::chart::burn_chart;

/// `doc` with a chart of each of `burns` (figures as of `as_of`) at the end.
pub fn of_burns(
    ctx: &Context,
    mut doc: Document,
    burns: &[GrantBurn],
    as_of: NaiveDate,
) -> Result<Document> {
    if ctx.format.draws_charts() {
        for b in burns {
            doc = with_chart(ctx, doc, None, b, as_of)?;
        }
    }
    Ok(doc)
}

/// `doc` with the chart of `grant` as of `as_of` after the section keyed `after`.
pub fn of_grant(
    ctx: &Context,
    mut doc: Document,
    after: &str,
    grant: Grant,
    as_of: NaiveDate,
    threshold: Decimal,
) -> Result<Document> {
    if ctx.format.draws_charts() {
        for b in burns(&ctx.ledger, vec![grant], as_of, threshold)? {
            doc = with_chart(ctx, doc, Some(after), &b, as_of)?;
        }
    }
    Ok(doc)
}

fn with_chart(
    ctx: &Context,
    doc: Document,
    after: Option<&str>,
    b: &GrantBurn,
    as_of: NaiveDate,
) -> Result<Document> {
    let spend = ctx.ledger.monthly_spend(&b.grant, as_of)?;
    let title = format!(
        "Burn-down of {}: spend to {} against the plan, in {}",
        b.grant.reference,
        as_of.min(b.grant.end),
        b.grant.currency.code
    );
    Ok(doc.with_chart(after, title, burn_chart(b, as_of, &spend)))
}
