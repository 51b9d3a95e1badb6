//! Cash advanced to implementing partners: recorded, liquidated by the expenses the partner
//! reports (written by the [`super::expense_book::ExpenseBook`] with `advance_id` set), returned
//! in part, listed with what is outstanding. An advance is never spend: only its liquidations are.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Ledger;
use super::lookup::{self, quote_at};
use super::periods::{check_record_date, refuse_closed_period};
use super::sql::{Conn, Row, params};
use crate::domain::{Advance, Currency, Grant, NewAdvance, Quote, Void};
use crate::error::{Error, Result, field};

/// Every advance with what was liquidated and returned of it up to ?1 (a date; '9999-12-31'
/// for everything), live liquidations net of their refunds.
const ADVANCE_SELECT: &str = "SELECT a.id, g.reference, a.partner, a.reference, a.date,
        a.currency, ac.minor_units, a.amount_minor, a.fx_base, a.fx_quote, a.fx_rate,
        g.currency, gc.minor_units, a.grant_amount_minor, a.description, a.office,
        a.recorded_at, a.voided_at, a.void_reason,
        (SELECT coalesce(sum(CASE e.kind WHEN 'refund' THEN -e.amount_minor
                             ELSE e.amount_minor END), 0)
         FROM expense e WHERE e.advance_id = a.id AND e.voided_at IS NULL AND e.date <= ?1),
        (SELECT coalesce(sum(r.amount_minor), 0) FROM advance_return r
         WHERE r.advance_id = a.id AND r.date <= ?1)
    FROM advance a JOIN grant_agreement g ON g.id = a.grant_id
    JOIN currency ac ON ac.code = a.currency
    JOIN currency gc ON gc.code = g.currency";

/// The day that stands for "everything recorded", in queries that take an as-of date.
pub(super) const EVER: &str = "9999-12-31";

impl Ledger {
    /// Record cash advanced to a partner, converted into the grant's currency at the stored rate
    /// of its day (or the one given); audited.
    pub fn add_advance(&mut self, new: &NewAdvance) -> Result<Advance> {
        self.write(|w| {
            let conn = w.conn();
            let grant = lookup::grant(conn, &new.grant).map_err(field("grant"))?;
            check_record_date(conn, &grant, "advance", "record an advance dated", new.date)?;
            if let Some(held) = live_advance(conn, &grant, &new.reference)? {
                return Err(Error::invalid(format!(
                    "advance {} of grant {} is already recorded ({} {} to {} on {}); give this \
                     one its own reference",
                    held.reference,
                    grant.reference,
                    held.currency.plain(held.amount),
                    held.currency.code,
                    held.partner,
                    held.date
                ))
                .in_field("reference"));
            }
            let given = (new.currency.as_deref(), new.rate, new.rate_base.as_deref());
            let (priced, grant_amount) =
                Priced::amount(conn, &grant, given, new.date, new.amount, "advance amount")?;
            let office = w.entry_office(&grant, new.office.as_deref())?;
            let id = conn.insert(
                "INSERT INTO advance (grant_id, partner, reference, date, currency, amount_minor,
                     fx_base, fx_quote, fx_rate, grant_amount_minor, description, office,
                     recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    grant.id,
                    new.partner.trim(),
                    new.reference.trim(),
                    new.date,
                    priced.currency.code,
                    priced.currency.to_minor(new.amount)?,
                    priced.quote.as_ref().map(|q| &q.base),
                    priced.quote.as_ref().map(|q| &q.quote),
                    priced.quote.as_ref().map(|q| q.rate.to_string()),
                    grant.currency.to_minor(grant_amount)?,
                    new.description,
                    office,
                    w.at,
                ],
            )?;
            let advance = find_advance(conn, id, None)?;
            w.audit(
                "add",
                "advance",
                &key(&advance),
                None::<&Advance>,
                Some(&advance),
            )?;
            Ok(advance)
        })
    }

    /// Record what a partner gave back of an advance, in the advance's currency; more than is
    /// outstanding is refused.
    pub fn return_advance(
        &mut self,
        grant: &str,
        reference: &str,
        amount: Decimal,
        date: NaiveDate,
        receipt_reference: &str,
    ) -> Result<Advance> {
        self.write(|w| {
            let conn = w.conn();
            let grant = lookup::grant(conn, grant).map_err(field("grant"))?;
            let before = advance_named(conn, &grant, reference)?;
            before
                .currency
                .check_amount("returned amount", amount)
                .map_err(field("amount"))?;
            if date < before.date {
                return Err(Error::invalid(format!(
                    "the return is dated {date}, before advance {} was paid ({}); date it when \
                     the money came back",
                    before.reference, before.date
                ))
                .in_field("date"));
            }
            refuse_closed_period(conn, &grant, date, "record a return dated")
                .map_err(field("date"))?;
            before
                .check_room(amount, "take back")
                .map_err(field("amount"))?;
            let office = w.entry_office(&grant, None)?;
            conn.insert(
                "INSERT INTO advance_return (advance_id, date, amount_minor, reference, office,
                     recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    before.id,
                    date,
                    before.currency.to_minor(amount)?,
                    receipt_reference,
                    office,
                    w.at
                ],
            )?;
            let after = find_advance(conn, before.id, None)?;
            w.audit(
                "return",
                "advance",
                &key(&after),
                Some(&before),
                Some(&after),
            )?;
            Ok(after)
        })
    }

    /// Void an advance recorded by mistake; one the partner has started to account for is
    /// refused (void those entries first).
    pub fn void_advance(&mut self, grant: &str, reference: &str, reason: &str) -> Result<Advance> {
        self.write(|w| {
            let conn = w.conn();
            let grant = lookup::grant(conn, grant).map_err(field("grant"))?;
            let before = advance_named(conn, &grant, reference)?;
            if !before.liquidated.is_zero() || !before.returned.is_zero() {
                return Err(Error::invalid(format!(
                    "advance {} has {} {} liquidated and {} returned; void its expenses first \
                     (`grantbook expense list --grant {} --advance {}`), returns are kept",
                    before.reference,
                    before.currency.plain(before.liquidated),
                    before.currency.code,
                    before.currency.plain(before.returned),
                    grant.reference,
                    before.reference
                )));
            }
            refuse_closed_period(conn, &grant, before.date, "void an advance dated")?;
            conn.execute(
                "UPDATE advance SET voided_at = ?1, void_reason = ?2 WHERE id = ?3",
                params![w.at, reason, before.id],
            )?;
            let after = find_advance(conn, before.id, None)?;
            w.audit("void", "advance", &key(&after), Some(&before), Some(&after))?;
            Ok(after)
        })
    }

    /// Advances of one grant or all, as they stood on `as_of` (made on or before it), by grant,
    /// partner and date; voided ones only if asked for.
    pub fn advances(
        &self,
        grant: Option<&str>,
        as_of: NaiveDate,
        include_void: bool,
    ) -> Result<Vec<Advance>> {
        if let Some(g) = grant {
            lookup::grant(&self.conn, g)?;
        }
        let sql = format!(
            "{ADVANCE_SELECT}
             WHERE (?2 IS NULL OR g.reference = ?2) AND a.date <= ?1
               AND (?3 OR a.voided_at IS NULL)
             ORDER BY g.reference, a.partner, a.date, a.id"
        );
        self.conn
            .query_map(&sql, params![as_of, grant, include_void], advance_from_row)
    }
}

impl Ledger {
    /// What `grant`'s partners had not accounted for on `as_of`, in the grant's currency.
    pub fn advanced_outstanding(&self, grant: &Grant, as_of: NaiveDate) -> Result<Decimal> {
        let sql = format!(
            "{ADVANCE_SELECT} WHERE a.grant_id = ?2 AND a.date <= ?1 AND a.voided_at IS NULL"
        );
        let list = self
            .conn
            .query_map(&sql, params![as_of, grant.id], advance_from_row)?;
        list.iter().map(Advance::outstanding_in_grant).sum()
    }
}

/// The key an advance is audited under: its grant and reference.
fn key(a: &Advance) -> String {
    format!("{}/{}", a.grant, a.reference)
}

/// The live advance of `grant` holding `reference`, with everything recorded against it.
pub(super) fn advance_named(conn: &Conn, grant: &Grant, reference: &str) -> Result<Advance> {
    live_advance(conn, grant, reference)?.ok_or_else(|| {
        Error::invalid(format!(
            "no advance {reference:?} on grant {}; see `grantbook advance list --grant {}`",
            grant.reference, grant.reference
        ))
        .in_field("advance")
    })
}

fn live_advance(conn: &Conn, grant: &Grant, reference: &str) -> Result<Option<Advance>> {
    conn.query_opt(
        &format!(
            "{ADVANCE_SELECT} WHERE a.grant_id = ?2 AND a.reference = ?3 AND a.voided_at IS NULL"
        ),
        params![EVER, grant.id, reference.trim()],
        advance_from_row,
    )
}

fn find_advance(conn: &Conn, id: i64, as_of: Option<NaiveDate>) -> Result<Advance> {
    let day = as_of.map_or(EVER.to_string(), |d| d.to_string());
    conn.query_row(
        &format!("{ADVANCE_SELECT} WHERE a.id = ?2"),
        params![day, id],
        advance_from_row,
    )
}

fn advance_from_row(r: &Row) -> Result<Advance> {
    let currency = Currency::new(&r.get::<_, String>(5)?, r.get(6)?);
    let grant_currency = Currency::new(&r.get::<_, String>(11)?, r.get(12)?);
    let void = match (r.get::<_, Option<String>>(17)?, r.get(18)?) {
        (Some(at), Some(reason)) => Some(Void { at, reason }),
        _ => None,
    };
    Ok(Advance {
        id: r.get(0)?,
        grant: r.get(1)?,
        partner: r.get(2)?,
        reference: r.get(3)?,
        date: r.get(4)?,
        amount: currency.from_minor(r.get(7)?),
        rate: quote_at(r, 8)?,
        grant_amount: grant_currency.from_minor(r.get(13)?),
        description: r.get(14)?,
        office: r.get(15)?,
        recorded_at: r.get(16)?,
        void,
        liquidated: currency.from_minor(r.get(19)?),
        returned: currency.from_minor(r.get(20)?),
        currency,
        grant_currency,
    })
}

/// The currency an advance or commitment is in and how it converts into its grant's.
pub(super) struct Priced {
    pub currency: Currency,
    pub quote: Option<Quote>,
}

impl Priced {
    /// In `code` (the grant's when none), at `rate` when given (1 grant currency = rate of it,
    /// or 1 of it = rate grant currency when its base is the amount's currency), else at the
    /// stored rate in force on `date`.
    pub fn of(
        conn: &Conn,
        grant: &Grant,
        code: Option<&str>,
        (rate, base): (Option<Decimal>, Option<&str>),
        date: NaiveDate,
    ) -> Result<Priced> {
        let currency = match code {
            Some(code) => lookup::currency(conn, code).map_err(field("currency"))?,
            None => grant.currency.clone(),
        };
        if currency.code == grant.currency.code {
            if rate.is_some() {
                return Err(Error::invalid(format!(
                    "--rate given, but the amount is in {}, the grant's own currency; drop --rate",
                    currency.code
                ))
                .in_field("rate"));
            }
            return Ok(Priced {
                currency,
                quote: None,
            });
        }
        let quote = match rate {
            Some(rate) if rate > Decimal::ZERO && base == Some(currency.code.as_str()) => Quote {
                base: currency.code.clone(),
                quote: grant.currency.code.clone(),
                rate,
            },
            Some(rate) if rate > Decimal::ZERO => Quote {
                base: grant.currency.code.clone(),
                quote: currency.code.clone(),
                rate,
            },
            Some(_) => return Err(Error::invalid("--rate must be more than zero").in_field("rate")),
            None => super::fx::RateTable::new(conn)
                .in_force(&currency.code, &grant.currency.code, date)?
                .map(crate::domain::FxRate::quote)
                .ok_or_else(|| {
                    Error::invalid(format!(
                        "no exchange rate between {} and {} on or before {date}; add one with \
                         `grantbook fx set --from {} --to {} --rate RATE --valid-from DATE`, or \
                         give --rate",
                        currency.code, grant.currency.code, grant.currency.code, currency.code
                    ))
                    .in_field("currency")
                })?,
        };
        Ok(Priced {
            currency,
            quote: Some(quote),
        })
    }

    /// [`Priced::of`] `amount`, which must fit its currency's decimals, and its value in the
    /// grant's currency; `what` names the amount in a refusal.
    pub fn amount(
        conn: &Conn,
        grant: &Grant,
        (code, rate, base): (Option<&str>, Option<Decimal>, Option<&str>),
        date: NaiveDate,
        amount: Decimal,
        what: &str,
    ) -> Result<(Priced, Decimal)> {
        let priced = Priced::of(conn, grant, code, (rate, base), date)?;
        priced
            .currency
            .check_amount(what, amount)
            .map_err(field("amount"))?;
        let in_grant = priced.in_grant(amount, grant)?;
        Ok((priced, in_grant))
    }

    /// `amount` in the grant's currency, refused when it rounds to nothing.
    pub fn in_grant(&self, amount: Decimal, grant: &Grant) -> Result<Decimal> {
        let Some(q) = &self.quote else {
            return Ok(amount);
        };
        let converted = crate::domain::fx::convert(amount, &self.currency, q, &grant.currency)
            .map_err(field("amount"))?;
        if converted.is_zero() {
            return Err(Error::invalid(format!(
                "{} {} is less than the smallest amount of {}",
                self.currency.plain(amount),
                self.currency.code,
                grant.currency.code
            ))
            .in_field("amount"));
        }
        Ok(converted)
    }
}
