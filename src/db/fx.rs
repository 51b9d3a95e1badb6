//! Exchange rates: a quote per currency pair, valid from a date until the next one.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::Ledger;
use super::lookup::{self, decimal};
use crate::domain::FxRate;
use crate::domain::fx::inverse;
use crate::error::{Error, Result};

impl Ledger {
    /// Store a rate. An existing rate for the same pair and date is replaced only when
    /// `replace` is set; expenses already recorded keep the rate they used.
    pub fn set_rate(&mut self, rate: &FxRate, replace: bool) -> Result<FxRate> {
        self.write(|w| {
            let conn = w.conn();
            lookup::currency(conn, &rate.base)?;
            lookup::currency(conn, &rate.quote)?;
            if rate.base == rate.quote {
                return Err(Error::invalid(format!(
                    "a rate from {} to itself makes no sense; give two different currencies",
                    rate.base
                )));
            }
            refuse_reversed_pair(conn, rate)?;
            let key = format!("{}/{} {}", rate.base, rate.quote, rate.valid_from);
            let existing = find(conn, &rate.base, &rate.quote, rate.valid_from)?;
            match (&existing, replace) {
                (Some(old), false) => {
                    return Err(Error::invalid(format!(
                        "a rate 1 {} = {} {} from {} already exists; add --replace to change it",
                        old.base, old.rate, old.quote, old.valid_from
                    )));
                }
                (Some(_), true) => {
                    conn.execute(
                        "UPDATE fx_rate SET rate = ?1, source = ?2
                         WHERE base = ?3 AND quote = ?4 AND valid_from = ?5",
                        params![
                            rate.rate.to_string(),
                            rate.source,
                            rate.base,
                            rate.quote,
                            rate.valid_from
                        ],
                    )?;
                }
                (None, _) => {
                    conn.execute(
                        "INSERT INTO fx_rate (base, quote, valid_from, rate, source)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![
                            rate.base,
                            rate.quote,
                            rate.valid_from,
                            rate.rate.to_string(),
                            rate.source
                        ],
                    )?;
                }
            }
            let action = if existing.is_some() { "replace" } else { "add" };
            w.audit(action, "fx_rate", &key, existing.as_ref(), Some(rate))?;
            Ok(rate.clone())
        })
    }

    /// The stored rate between two currencies in force on `date`, either way round, with the
    /// date it has been valid from.
    pub fn rate_on(&self, from: &str, to: &str, date: NaiveDate) -> Result<Option<FxRate>> {
        rate_on(&self.conn, from, to, date)
    }

    /// Rates, optionally only those involving `currency`, by pair then date.
    pub fn rates(&self, currency: Option<&str>) -> Result<Vec<FxRate>> {
        let mut stmt = self.conn.prepare(
            "SELECT base, quote, valid_from, rate, source FROM fx_rate
             WHERE ?1 IS NULL OR base = ?1 OR quote = ?1
             ORDER BY base, quote, valid_from",
        )?;
        let rows = stmt.query_map([currency], rate_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A pair's rates are quoted one way round, so that "the latest rate" means one thing and a
/// rate typed upside down is caught here rather than in a report. A direction that already has
/// rates stays open (a database may hold both from before this rule).
fn refuse_reversed_pair(conn: &Connection, rate: &FxRate) -> Result<()> {
    let latest = |base: &str, quote: &str| -> Result<Option<FxRate>> {
        Ok(conn
            .prepare_cached(
                "SELECT base, quote, valid_from, rate, source FROM fx_rate
                 WHERE base = ?1 AND quote = ?2 ORDER BY valid_from DESC LIMIT 1",
            )?
            .query_row(params![base, quote], rate_from_row)
            .optional()?)
    };
    if latest(&rate.base, &rate.quote)?.is_some() {
        return Ok(());
    }
    if let Some(existing) = latest(&rate.quote, &rate.base)? {
        return Err(Error::invalid(format!(
            "rates between {} and {} are kept as 1 {} = RATE {} (latest: {} from {}); give this \
             one that way round: --from {} --to {} --rate {}",
            rate.base,
            rate.quote,
            existing.base,
            existing.quote,
            existing.quote().describe(),
            existing.valid_from,
            existing.base,
            existing.quote,
            inverse(rate.rate).unwrap_or_default()
        )));
    }
    Ok(())
}

fn rate_from_row(r: &rusqlite::Row) -> rusqlite::Result<FxRate> {
    Ok(FxRate {
        base: r.get(0)?,
        quote: r.get(1)?,
        valid_from: r.get(2)?,
        rate: decimal(r, 3)?,
        source: r.get(4)?,
    })
}

fn find(
    conn: &Connection,
    base: &str,
    quote: &str,
    valid_from: NaiveDate,
) -> Result<Option<FxRate>> {
    Ok(conn
        .prepare_cached(
            "SELECT base, quote, valid_from, rate, source FROM fx_rate
             WHERE base = ?1 AND quote = ?2 AND valid_from = ?3",
        )?
        .query_row(params![base, quote, valid_from], rate_from_row)
        .optional()?)
}

/// Every stored rate between two currencies, quoted either way round, oldest first; on the same
/// date the pair as asked (from → to) comes last, as `rate_on` prefers it.
pub(super) fn pair_history(conn: &Connection, from: &str, to: &str) -> Result<Vec<FxRate>> {
    let mut stmt = conn.prepare_cached(
        "SELECT base, quote, valid_from, rate, source FROM fx_rate
         WHERE (base = ?1 AND quote = ?2) OR (base = ?2 AND quote = ?1)
         ORDER BY valid_from, base = ?1",
    )?;
    let rows = stmt.query_map(params![from, to], rate_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn rate_on(conn: &Connection, from: &str, to: &str, date: NaiveDate) -> Result<Option<FxRate>> {
    Ok(conn
        .prepare_cached(
            "SELECT base, quote, valid_from, rate, source FROM fx_rate
             WHERE ((base = ?1 AND quote = ?2) OR (base = ?2 AND quote = ?1)) AND valid_from <= ?3
             ORDER BY valid_from DESC, base = ?1 DESC LIMIT 1",
        )?
        .query_row(params![from, to, date], rate_from_row)
        .optional()?)
}
