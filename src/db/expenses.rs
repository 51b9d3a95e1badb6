//! Expenses: recorded with the rate they used, listed, voided with a reason, never deleted.

use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;

use super::Ledger;
use super::fx::quote_on;
use super::grants::check_within;
use super::lookup::{self, optional_decimal, vocabulary};
use super::parties::project_countries;
use super::periods::{find_period, refuse_closed_period};
use crate::domain::fx::{check_against_stored, convert};
use crate::domain::money::check_within_limit;
use crate::domain::{
    Currency, Expense, ExpenseFilter, ExpenseKind, Grant, GrantStatus, NewExpense, Quote, Void,
};
use crate::error::{Error, Result};

pub(super) const EXPENSE_SELECT: &str =
    "SELECT e.id, g.reference, l.code, e.kind, e.date, e.currency,
        ec.minor_units, e.amount_minor, e.fx_base, e.fx_quote, e.fx_rate, e.grant_amount_minor,
        g.currency, gc.minor_units, e.payee, e.voucher, e.country, e.description,
        e.recorded_at, e.voided_at, e.void_reason
    FROM expense e
    JOIN grant_agreement g ON g.id = e.grant_id
    JOIN budget_line l ON l.id = e.line_id
    JOIN currency ec ON ec.code = e.currency
    JOIN currency gc ON gc.code = g.currency";

impl Ledger {
    pub fn add_expense(&mut self, new: &NewExpense) -> Result<Expense> {
        self.write(|w| {
            let conn = w.conn();
            let grant = lookup::grant(conn, &new.grant)?;
            if grant.status != GrantStatus::Active {
                return Err(Error::invalid(format!(
                    "grant {} is {}, so it takes no expenses; if this one must be recorded, make \
                     it active with `grantbook grant status {} --set active --reason ...`",
                    grant.reference, grant.status, grant.reference
                )));
            }
            let line_id = lookup::line_id(conn, &grant, &new.line)?;
            check_within(&grant, "expense date", new.date)?;
            refuse_closed_period(conn, &grant, new.date, "record an expense dated")?;
            let currency = match &new.currency {
                Some(code) => lookup::currency(conn, code)?,
                None => grant.currency.clone(),
            };
            currency.check_amount("expense amount", new.amount)?;
            let country = expense_country(conn, &grant, new.country.as_deref())?;
            let quote = expense_quote(conn, &grant, &currency, new)?;
            let grant_amount = match &quote {
                Some(q) => converted(new.amount, &currency, q, &grant.currency)?,
                None => new.amount,
            };
            refuse_duplicate_voucher(conn, &grant, &new.voucher)?;
            conn.prepare_cached(
                "INSERT INTO expense (grant_id, line_id, kind, date, currency, amount_minor,
                     fx_base, fx_quote, fx_rate, grant_amount_minor, payee, voucher, country,
                     description, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?
            .execute(params![
                grant.id,
                line_id,
                new.kind.as_str(),
                new.date,
                currency.code,
                currency.to_minor(new.amount)?,
                quote.as_ref().map(|q| &q.base),
                quote.as_ref().map(|q| &q.quote),
                quote.as_ref().map(|q| q.rate.to_string()),
                grant.currency.to_minor(grant_amount)?,
                new.payee,
                new.voucher,
                country,
                new.description,
                w.at,
            ])?;
            let expense = find_expense(conn, conn.last_insert_rowid())?;
            w.audit(
                "add",
                "expense",
                &expense_key(&expense),
                None::<&Expense>,
                Some(&expense),
            )?;
            Ok(expense)
        })
    }

    pub fn expense(&self, id: i64) -> Result<Expense> {
        find_expense(&self.conn, id)
    }

    pub fn expense_by_voucher(&self, reference: &str, voucher: &str) -> Result<Expense> {
        let grant = lookup::grant(&self.conn, reference)?;
        let id: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM expense WHERE grant_id = ?1 AND voucher = ?2")?
            .query_row(params![grant.id, voucher], |r| r.get(0))
            .optional()?;
        let id = id.ok_or_else(|| {
            Error::invalid(format!(
                "grant {reference} has no expense with voucher {voucher:?}"
            ))
        })?;
        find_expense(&self.conn, id)
    }

    pub fn void_expense(&mut self, id: i64, reason: &str) -> Result<Expense> {
        self.write(|w| {
            let conn = w.conn();
            let before = find_expense(conn, id)?;
            if let Some(void) = &before.void {
                return Err(Error::invalid(format!(
                    "expense #{id} was already voided on {} ({})",
                    void.at, void.reason
                )));
            }
            let grant = lookup::grant(conn, &before.grant)?;
            refuse_closed_period(conn, &grant, before.date, "void an expense dated")?;
            conn.execute(
                "UPDATE expense SET voided_at = ?1, void_reason = ?2 WHERE id = ?3",
                params![w.at, reason, id],
            )?;
            let after = find_expense(conn, id)?;
            w.audit(
                "void",
                "expense",
                &expense_key(&after),
                Some(&before),
                Some(&after),
            )?;
            Ok(after)
        })
    }

    pub fn expenses(&self, filter: &ExpenseFilter) -> Result<Vec<Expense>> {
        let grant = filter
            .grant
            .as_deref()
            .map(|r| lookup::grant(&self.conn, r))
            .transpose()?;
        let needs_grant =
            |what: &str| Error::invalid(format!("--{what} needs --grant: codes are per grant"));
        let line_id = match (&filter.line, &grant) {
            (Some(code), Some(g)) => Some(lookup::line_id(&self.conn, g, code)?),
            (Some(_), None) => return Err(needs_grant("line")),
            _ => None,
        };
        let (mut from, mut to) = (filter.from, filter.to);
        match (&filter.period, &grant) {
            (Some(code), Some(g)) => {
                let period = find_period(&self.conn, g, code)?;
                from = from.max(Some(period.start));
                to = Some(to.map_or(period.end, |t| t.min(period.end)));
            }
            (Some(_), None) => return Err(needs_grant("period")),
            _ => {}
        }
        let sql = format!(
            "{EXPENSE_SELECT}
             WHERE (?1 IS NULL OR e.grant_id = ?1) AND (?2 IS NULL OR e.line_id = ?2)
               AND (?3 IS NULL OR e.date >= ?3) AND (?4 IS NULL OR e.date <= ?4)
               AND (?5 IS NULL OR e.country = ?5) AND (?6 OR e.voided_at IS NULL)
             ORDER BY g.reference, e.date, e.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(
            params![
                grant.map(|g| g.id),
                line_id,
                from,
                to,
                filter.country,
                filter.include_void
            ],
            expense_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn expense_key(e: &Expense) -> String {
    format!("#{} {} {}", e.id, e.grant, e.voucher)
}

/// The expense's country: as given, or the project's if it works in only one. It must be one of
/// the project's countries, which catches a mistyped code that happens to exist (MA for MR).
fn expense_country(conn: &Connection, grant: &Grant, given: Option<&str>) -> Result<String> {
    let countries = project_countries(conn, &grant.project)?;
    match given {
        Some(code) => {
            lookup::country(conn, code)?;
            if !countries.iter().any(|c| c == code) {
                return Err(Error::invalid(format!(
                    "country {code} is not one of project {}'s countries ({}); check the code, \
                     or add the country to the project",
                    grant.project,
                    countries.join(", ")
                )));
            }
            Ok(code.to_string())
        }
        None => match countries.as_slice() {
            [only] => Ok(only.clone()),
            _ => Err(Error::invalid(format!(
                "project {} works in {}; say which with --country",
                grant.project,
                countries.join(", ")
            ))),
        },
    }
}

/// The quote converting the expense into grant currency: none when it is already in it, the
/// one given with `--rate`, or the stored rate in force on the expense's date.
fn expense_quote(
    conn: &Connection,
    grant: &Grant,
    currency: &Currency,
    new: &NewExpense,
) -> Result<Option<Quote>> {
    if currency.code == grant.currency.code {
        if new.rate.is_some() {
            return Err(Error::invalid(format!(
                "--rate given, but the expense is in {}, the grant's own currency; drop --rate",
                currency.code
            )));
        }
        return Ok(None);
    }
    let stored = quote_on(conn, &currency.code, &grant.currency.code, new.date)?;
    if let Some(rate) = new.rate {
        if rate.is_zero() {
            return Err(Error::invalid("--rate must be more than zero"));
        }
        let given = Quote {
            base: grant.currency.code.clone(),
            quote: currency.code.clone(),
            rate,
        };
        if let Some(stored) = &stored {
            check_against_stored(&given, stored, new.force_rate)?;
        }
        return Ok(Some(given));
    }
    stored.map(Some).ok_or_else(|| {
        Error::invalid(format!(
            "no exchange rate between {} and {} on or before {}; add one with `grantbook fx \
                 set --from {} --to {} --rate RATE --valid-from DATE`, or give --rate",
            currency.code, grant.currency.code, new.date, grant.currency.code, currency.code
        ))
    })
}

/// The amount in grant currency, refused when it rounds to nothing or grows past the limit.
fn converted(amount: Decimal, from: &Currency, quote: &Quote, to: &Currency) -> Result<Decimal> {
    let result = convert(amount, from, quote, to)?;
    let what = format!(
        "{} {} at {}",
        from.plain(amount),
        from.code,
        quote.describe()
    );
    if result.is_zero() {
        return Err(Error::invalid(format!(
            "{what} is less than the smallest amount of {} ({}); record it together with \
             other costs",
            to.code,
            to.plain(to.from_minor(1))
        )));
    }
    check_within_limit(&format!("{what} in {}:", to.code), result)?;
    Ok(result)
}

fn refuse_duplicate_voucher(conn: &Connection, grant: &Grant, voucher: &str) -> Result<()> {
    let existing: Option<i64> = conn
        .prepare_cached("SELECT id FROM expense WHERE grant_id = ?1 AND voucher = ?2")?
        .query_row(params![grant.id, voucher], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        let other = find_expense(conn, id)?;
        return Err(Error::invalid(format!(
            "voucher {voucher:?} is already recorded on grant {} as expense #{id} ({}, {} {}, {}); \
             vouchers are unique per grant: check for a double entry",
            grant.reference,
            other.date,
            other.currency.plain(other.amount),
            other.currency.code,
            other.payee
        )));
    }
    Ok(())
}

fn find_expense(conn: &Connection, id: i64) -> Result<Expense> {
    conn.prepare_cached(&format!("{EXPENSE_SELECT} WHERE e.id = ?1"))?
        .query_row([id], expense_from_row)
        .optional()?
        .ok_or_else(|| {
            Error::invalid(format!(
                "no expense #{id}; `grantbook expense list` shows the ids"
            ))
        })
}

pub(super) fn expense_from_row(r: &rusqlite::Row) -> rusqlite::Result<Expense> {
    let currency = Currency::new(&r.get::<_, String>(5)?, r.get(6)?);
    let grant_currency = Currency::new(&r.get::<_, String>(12)?, r.get(13)?);
    let rate = match (
        r.get::<_, Option<String>>(8)?,
        r.get::<_, Option<String>>(9)?,
        optional_decimal(r, 10)?,
    ) {
        (Some(base), Some(quote), Some(rate)) => Some(Quote { base, quote, rate }),
        _ => None,
    };
    let void = match (
        r.get::<_, Option<String>>(19)?,
        r.get::<_, Option<String>>(20)?,
    ) {
        (Some(at), Some(reason)) => Some(Void { at, reason }),
        _ => None,
    };
    Ok(Expense {
        id: r.get(0)?,
        grant: r.get(1)?,
        line: r.get(2)?,
        kind: vocabulary(r, 3, ExpenseKind::parse)?,
        date: r.get(4)?,
        amount: currency.from_minor(r.get(7)?),
        currency,
        rate,
        grant_amount: grant_currency.from_minor(r.get(11)?),
        grant_currency,
        payee: r.get(14)?,
        voucher: r.get(15)?,
        country: r.get(16)?,
        description: r.get(17)?,
        recorded_at: r.get(18)?,
        void,
    })
}
