//! What reports read from the ledger, for `report` and the demo: grants as they stood on the
//! as-of date, their burn figures, budget against actuals, and the rates of `--in`.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::super::note;
use crate::db::{GrantFilter, Ledger};
use crate::domain::{DateRange, Grant, text};
use crate::error::{Error, Result};
use crate::report::actuals::{self, Actuals};
use crate::report::burn_report::{Conversion, GrantBurn, Held, grant_burn, spend_ranges};

/// A rate older than this (a quarter) is named on stderr when `--in` uses it.
const STALE_RATE_DAYS: i64 = 92;

/// The grants `filter` selects as they stood at the end of `as_of` (amendments and extensions
/// after it undone): what every report but the donor's reads.
pub fn grants_on(ledger: &Ledger, filter: &GrantFilter, as_of: NaiveDate) -> Result<Vec<Grant>> {
    let grants = ledger.grants(filter)?;
    grants
        .iter()
        .map(|g| ledger.grant_as_of(g, as_of))
        .collect()
}

/// Burn figures of `grants` (as they stood on `as_of`) as of the end of `as_of`.
pub fn burns(
    ledger: &Ledger,
    grants: Vec<Grant>,
    as_of: NaiveDate,
    threshold: Decimal,
) -> Result<Vec<GrantBurn>> {
    let mut burns = Vec::new();
    for grant in grants {
        let lines = ledger.line_spend(&grant, &spend_ranges(&grant, as_of))?;
        let received = ledger.received_by(&grant, as_of)?;
        let held = held_by(ledger, &grant, as_of)?;
        burns.push(grant_burn(grant, &lines, received, held, as_of, threshold));
    }
    Ok(burns)
}

/// What `grant` had committed and advanced, and not spent, on `as_of`.
pub fn held_by(ledger: &Ledger, grant: &Grant, as_of: NaiveDate) -> Result<Held> {
    let open = ledger.open_commitments(grant, as_of)?;
    Ok(Held {
        committed: open.iter().map(|(_, amount)| *amount).sum(),
        advanced: ledger.advanced_outstanding(grant, as_of)?,
    })
}

pub fn conversion(
    ledger: &Ledger,
    burns: &[GrantBurn],
    code: &str,
    as_of: NaiveDate,
) -> Result<Conversion> {
    let into = ledger.currency(&text::currency(code)?)?;
    let mut rates = Vec::new();
    for b in burns {
        let from = &b.grant.currency.code;
        if *from == into.code {
            rates.push(None);
            continue;
        }
        let Some(rate) = ledger.rate_on(from, &into.code, as_of)? else {
            // Name the pair the way round it is already quoted, which `fx set` insists on.
            let quoted = ledger
                .rates(Some(from))?
                .into_iter()
                .find(|r| r.base == into.code || r.quote == into.code);
            let (base, quote) =
                quoted.map_or((into.code.clone(), from.clone()), |r| (r.base, r.quote));
            return Err(Error::invalid(format!(
                "no exchange rate between {from} and {} on or before {as_of} to convert grant \
                 {}; add one with `grantbook fx set --from {base} --to {quote} --rate RATE \
                 --valid-from DATE`",
                into.code, b.grant.reference
            )));
        };
        let age = (as_of - rate.valid_from).num_days();
        if age > STALE_RATE_DAYS {
            note(&format!(
                "the {}/{} rate used for {} dates from {}, {age} days before {as_of}; add a \
                 newer one with `grantbook fx set` if it has moved",
                rate.base, rate.quote, b.grant.reference, rate.valid_from
            ));
        }
        rates.push(Some(rate));
    }
    Ok(Conversion { into, rates })
}

/// Budget against actuals of `grant` over `window`, cut at the end of `as_of`, the grant read
/// as it stood on the last day of the window (or on `as_of`, if earlier).
pub fn actuals_of(
    ledger: &Ledger,
    grant: &Grant,
    window: DateRange,
    as_of: NaiveDate,
    threshold: Decimal,
) -> Result<Actuals> {
    let day = window.end.min(as_of);
    let grant = &ledger.grant_as_of(grant, day)?;
    if !window.overlaps(&grant.dates()) {
        return Err(Error::invalid(format!(
            "the report window {window} lies outside grant {} ({}); give dates inside it",
            grant.reference,
            grant.dates()
        )));
    }
    if as_of < window.start {
        return Err(Error::invalid(format!(
            "the report starts on {} but --as-of is {as_of}; give a later --as-of or an \
             earlier period",
            window.start
        )));
    }
    // The window within the grant, and no later than the as-of date.
    let window = DateRange {
        start: window.start.max(grant.start),
        end: window.end.min(grant.end).min(as_of),
    };
    // A window that reaches the end reports on the final budget, a close-out revision dated
    // after the end included (but none made for an extension decided after `day`).
    let budget = if window.end >= grant.end {
        ledger.final_budget(grant, day)?
    } else {
        ledger.budget_on(grant, window.end)?
    };
    let to_date = DateRange {
        start: grant.start,
        end: window.end,
    };
    let spend = ledger.line_spend(grant, &[window, to_date])?;
    let open = ledger.open_commitments(grant, window.end)?;
    let cap = ledger.grant_rules(&grant.reference)?.indirect_cap;
    Ok(actuals::actuals(grant, &budget, &spend, window, threshold)
        .with_commitments(&open)
        .with_indirect_cap(cap))
}
