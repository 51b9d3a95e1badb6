//! Exchange rates: a quote per currency pair, valid from a date until the next one.

use chrono::NaiveDate;

use super::Ledger;
use super::expenses::{EXPENSE_SELECT, expense_from_row};
use super::lookup::{self, decimal};
use crate::db::sql::{Conn, Row, params};
use crate::domain::FxRate;
use crate::domain::fx::{
    StaleConversion, StoredRate, check_against_stored, convert, inverse, neighbour,
};
use crate::error::{Error, Result, field};

/// How a new rate is held against its pair's stored rate in force on its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateGuard {
    /// Typed or imported by hand: as `expense add --rate`, more than 20 % away is refused
    /// unless `force`, and a rate nearer the stored one upside down is refused always.
    Checked { force: bool },
    /// A ledger's own rates loaded back (`import DIR`, the demo): each was checked when first
    /// stored, and replayed in the export's order one may meet another neighbour than it had
    /// (a rate replaced since, one added before an older one).
    Loaded,
}

impl Ledger {
    /// Store a rate. An existing rate for the same pair and date is replaced only when
    /// `replace` is set; expenses already recorded keep the rate they used, and those still
    /// converted at the replaced rate are returned with it.
    pub fn set_rate(
        &mut self,
        rate: &FxRate,
        replace: bool,
        guard: RateGuard,
    ) -> Result<StoredRate> {
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
            if let (Some(old), false) = (&existing, replace) {
                return Err(Error::invalid(format!(
                    "a rate 1 {} = {} {} from {} already exists; add --replace to change it",
                    old.base, old.rate, old.quote, old.valid_from
                )));
            }
            let history = pair_history(conn, &rate.base, &rate.quote)?;
            if let (RateGuard::Checked { force }, Some(reference)) =
                (guard, neighbour(&history, rate))
            {
                check_against_stored(&rate.quote(), &reference.quote(), force)
                    .map_err(field("rate"))?;
            }
            match &existing {
                Some(_) => {
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
                None => {
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
            let stale = match &existing {
                Some(old) if old.rate != rate.rate => {
                    let next = history.iter().find(|h| h.valid_from > old.valid_from);
                    stale_conversions(conn, old, next.map(|n| n.valid_from), rate)?
                }
                _ => Vec::new(),
            };
            Ok(StoredRate {
                rate: rate.clone(),
                replaced: existing,
                stale,
            })
        })
    }

    /// The stored rate between two currencies in force on `date`, either way round, with the
    /// date it has been valid from.
    pub fn rate_on(&self, from: &str, to: &str, date: NaiveDate) -> Result<Option<FxRate>> {
        rate_on(&self.conn, from, to, date)
    }

    /// Rates, optionally only those involving `currency`, by pair then date.
    pub fn rates(&self, currency: Option<&str>) -> Result<Vec<FxRate>> {
        let sql = "SELECT base, quote, valid_from, rate, source FROM fx_rate
             WHERE ?1 IS NULL OR base = ?1 OR quote = ?1
             ORDER BY base, quote, valid_from";
        let rows = self.conn.query_map(sql, [currency], rate_from_row)?;
        Ok(rows)
    }
}

/// Live expenses converted from the rate table at `old` (its pair and rate, dated from it until
/// `until`, the pair's next rate), with what `new` gives them, by date.
fn stale_conversions(
    conn: &Conn,
    old: &FxRate,
    until: Option<NaiveDate>,
    new: &FxRate,
) -> Result<Vec<StaleConversion>> {
    let sql = &format!(
        "{EXPENSE_SELECT}
         WHERE e.voided_at IS NULL AND e.fx_source = 'stored' AND e.fx_base = ?1
           AND e.fx_quote = ?2 AND e.date >= ?3 AND (?4 IS NULL OR e.date < ?4)
         ORDER BY e.date, e.id"
    );
    let rows = conn.query_map(
        sql,
        params![old.base, old.quote, old.valid_from, until],
        expense_from_row,
    )?;
    let (old_quote, new_quote) = (old.quote(), new.quote());
    let mut stale = Vec::new();
    for e in rows {
        if !e.rate.as_ref().is_some_and(|q| q.same_rate(&old_quote)) {
            continue;
        }
        stale.push(StaleConversion {
            corrected: convert(e.amount, &e.currency, &new_quote, &e.grant_currency)?,
            id: e.id,
            voucher: e.voucher,
            date: e.date,
            grant: e.grant,
            grant_currency: e.grant_currency,
            now: e.grant_amount,
        });
    }
    Ok(stale)
}

/// Every stored rate of the currency pairs asked about, read once per pair: what an import or a
/// check of a million expenses looks up instead of querying once per row.
pub(super) struct RateTable<'c> {
    conn: &'c Conn,
    /// Every stored rate of a pair (asked as from → to), oldest first. A ledger converts
    /// between a handful of pairs, so a list searched in place beats hashing two new strings
    /// for every row of an import.
    pairs: Vec<(String, String, Vec<FxRate>)>,
    /// Every stored rate is read ([`RateTable::load_all`]): a pair not in `pairs` has none.
    complete: bool,
}

impl<'c> RateTable<'c> {
    pub fn new(conn: &'c Conn) -> Self {
        RateTable {
            conn,
            pairs: Vec::new(),
            complete: false,
        }
    }

    /// Read every stored rate at once, each pair both ways round, so that no look-up queries
    /// again: for a reader of every expense, which would otherwise read the whole table first
    /// only to learn which pairs it converts between. The rate table is small; the expense
    /// table is not.
    pub fn load_all(&mut self) -> Result<()> {
        let rates = self.conn.query_map(
            "SELECT base, quote, valid_from, rate, source FROM fx_rate ORDER BY valid_from",
            [],
            rate_from_row,
        )?;
        for rate in &rates {
            for (from, to) in [(&rate.base, &rate.quote), (&rate.quote, &rate.base)] {
                if self.pairs.iter().any(|(f, t, _)| f == from && t == to) {
                    continue;
                }
                let mut history: Vec<FxRate> = rates
                    .iter()
                    .filter(|r| {
                        (&r.base == from && &r.quote == to) || (&r.base == to && &r.quote == from)
                    })
                    .cloned()
                    .collect();
                // As `pair_history` orders them: on a day both ways round hold a rate, the
                // pair as asked comes last, and so wins.
                history.sort_by_key(|r| (r.valid_from, &r.base == from));
                self.pairs.push((from.clone(), to.clone(), history));
            }
        }
        self.complete = true;
        Ok(())
    }

    /// The stored rate between two currencies in force on `date`, as [`rate_on`] finds it: the
    /// latest valid from on or before the date, the pair as asked winning a tie.
    pub fn in_force(&mut self, from: &str, to: &str, date: NaiveDate) -> Result<Option<&FxRate>> {
        let at = self.load(from, to)?;
        let history = &self.pairs[at].2;
        let in_force = history.partition_point(|r| r.valid_from <= date);
        Ok(in_force.checked_sub(1).map(|i| &history[i]))
    }
}

impl RateTable<'_> {
    /// Read a pair's rates, if they are not read yet; where they are in `pairs`. A reader that
    /// streams rows over PostgreSQL's connection loads its pairs first, as it can query nothing
    /// else meanwhile.
    pub fn load(&mut self, from: &str, to: &str) -> Result<usize> {
        if let Some(at) = self.pairs.iter().position(|(f, t, _)| f == from && t == to) {
            return Ok(at);
        }
        let history = match self.complete {
            true => Vec::new(),
            false => pair_history(self.conn, from, to)?,
        };
        self.pairs.push((from.to_string(), to.to_string(), history));
        Ok(self.pairs.len() - 1)
    }
}

/// A pair's rates are quoted one way round, so that "the latest rate" means one thing and a
/// rate typed upside down is caught here rather than in a report. A direction that already has
/// rates stays open (a database may hold both from before this rule).
fn refuse_reversed_pair(conn: &Conn, rate: &FxRate) -> Result<()> {
    let latest = |base: &str, quote: &str| -> Result<Option<FxRate>> {
        conn.query_opt(
            "SELECT base, quote, valid_from, rate, source FROM fx_rate
                 WHERE base = ?1 AND quote = ?2 ORDER BY valid_from DESC LIMIT 1",
            params![base, quote],
            rate_from_row,
        )
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

fn rate_from_row(r: &Row) -> Result<FxRate> {
    Ok(FxRate {
        base: r.get(0)?,
        quote: r.get(1)?,
        valid_from: r.get(2)?,
        rate: decimal(r, 3)?,
        source: r.get(4)?,
    })
}

fn find(conn: &Conn, base: &str, quote: &str, valid_from: NaiveDate) -> Result<Option<FxRate>> {
    conn.query_opt(
        "SELECT base, quote, valid_from, rate, source FROM fx_rate
             WHERE base = ?1 AND quote = ?2 AND valid_from = ?3",
        params![base, quote, valid_from],
        rate_from_row,
    )
}

/// Every stored rate between two currencies, quoted either way round, oldest first; on the same
/// date the pair as asked (from → to) comes last, as `rate_on` prefers it.
fn pair_history(conn: &Conn, from: &str, to: &str) -> Result<Vec<FxRate>> {
    let sql = "SELECT base, quote, valid_from, rate, source FROM fx_rate
         WHERE (base = ?1 AND quote = ?2) OR (base = ?2 AND quote = ?1)
         ORDER BY valid_from, base = ?1";
    let rows = conn.query_map(sql, params![from, to], rate_from_row)?;
    Ok(rows)
}

fn rate_on(conn: &Conn, from: &str, to: &str, date: NaiveDate) -> Result<Option<FxRate>> {
    conn.query_opt(
        "SELECT base, quote, valid_from, rate, source FROM fx_rate
             WHERE ((base = ?1 AND quote = ?2) OR (base = ?2 AND quote = ?1)) AND valid_from <= ?3
             ORDER BY valid_from DESC, base = ?1 DESC LIMIT 1",
        params![from, to, date],
        rate_from_row,
    )
}
