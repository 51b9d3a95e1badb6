//! Finding things by the codes users type, with errors that say how to find the right code.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::db::sql::{Conn, Row, params};
use crate::domain::{Currency, Grant, GrantStatus, Quote};
use crate::error::{Error, Result};

pub fn currency(conn: &Conn, code: &str) -> Result<Currency> {
    conn.query_opt(
        "SELECT minor_units FROM currency WHERE code = ?1",
        [code],
        |r| r.get::<_, u32>(0),
    )?
    .map(|units| Currency::new(code, units))
    .ok_or_else(|| {
        Error::invalid(format!(
            "unknown currency {code:?}; use an ISO 4217 code such as USD, EUR, MAD, TND or EGP"
        ))
    })
}

pub fn country(conn: &Conn, code: &str) -> Result<()> {
    let known: bool = conn.query_row(
        "SELECT count(*) > 0 FROM country WHERE code = ?1",
        [code],
        |r| r.get(0),
    )?;
    if !known {
        return Err(Error::invalid(format!(
            "unknown country {code:?}; use an ISO 3166 two-letter code, e.g. MA, TN, LY, EG, SD, YE"
        )));
    }
    Ok(())
}

/// The English name of a country by its ISO 3166 code (the schema's country table), or the code
/// itself if the table does not know it.
pub fn country_name(conn: &Conn, code: &str) -> Result<String> {
    let name: Option<String> =
        conn.query_opt("SELECT name FROM country WHERE code = ?1", [code], |r| {
            r.get(0)
        })?;
    Ok(name.unwrap_or_else(|| code.to_string()))
}

pub fn donor_id(conn: &Conn, code: &str) -> Result<i64> {
    id_of(conn, "SELECT id FROM donor WHERE code = ?1", code).and_then(|id| {
        id.ok_or_else(|| {
            Error::invalid(format!(
                "unknown donor {code:?}; `grantbook donor list` shows the codes"
            ))
        })
    })
}

pub fn project_id(conn: &Conn, code: &str) -> Result<i64> {
    id_of(conn, "SELECT id FROM project WHERE code = ?1", code).and_then(|id| {
        id.ok_or_else(|| {
            Error::invalid(format!(
                "unknown project {code:?}; `grantbook project list` shows the codes"
            ))
        })
    })
}

pub fn line_id(conn: &Conn, grant: &Grant, code: &str) -> Result<i64> {
    conn.query_opt(
        "SELECT id FROM budget_line WHERE grant_id = ?1 AND code = ?2",
        params![grant.id, code],
        |r| r.get(0),
    )?
    .ok_or_else(|| {
        Error::invalid(format!(
            "grant {} has no budget line {code:?}; `grantbook budget list --grant {}` shows \
                 its lines",
            grant.reference, grant.reference
        ))
    })
}

fn id_of(conn: &Conn, sql: &str, code: &str) -> Result<Option<i64>> {
    conn.query_opt(sql, [code], |r| r.get(0))
}

pub const GRANT_COLUMNS: &str = "g.id, g.reference, d.code, p.code, g.currency, c.minor_units, \
     g.amount_minor, g.start_date, g.end_date, g.indirect_rate, g.status, g.donor_reference";

/// How many columns [`GRANT_COLUMNS`] selects: a query's own columns come after them.
pub const GRANT_COLUMN_COUNT: usize = 12;

pub const GRANT_JOINS: &str = "grant_agreement g JOIN donor d ON d.id = g.donor_id \
     JOIN project p ON p.id = g.project_id JOIN currency c ON c.code = g.currency";

pub fn grant_from_row(row: &Row) -> Result<Grant> {
    let currency = Currency::new(&row.get::<_, String>(4)?, row.get(5)?);
    Ok(Grant {
        id: row.get(0)?,
        reference: row.get(1)?,
        donor: row.get(2)?,
        project: row.get(3)?,
        amount: currency.from_minor(row.get(6)?),
        currency,
        start: row.get(7)?,
        end: row.get(8)?,
        indirect_rate: decimal(row, 9)?,
        status: vocabulary(row, 10, GrantStatus::parse)?,
        donor_reference: row.get(11)?,
    })
}

pub fn grant(conn: &Conn, reference: &str) -> Result<Grant> {
    let sql = format!("SELECT {GRANT_COLUMNS} FROM {GRANT_JOINS} WHERE g.reference = ?1");
    conn.query_opt(&sql, [reference], grant_from_row)?
        .ok_or_else(|| {
            Error::invalid(format!(
                "unknown grant {reference:?}; `grantbook grant list` shows the references"
            ))
        })
}

/// A decimal stored as text (rates, percentages).
pub fn decimal(row: &Row, index: usize) -> Result<Decimal> {
    let text: String = row.get(index)?;
    Decimal::from_str(&text).map_err(|e| bad_column(index, e))
}

pub fn optional_decimal(row: &Row, index: usize) -> Result<Option<Decimal>> {
    let text: Option<String> = row.get(index)?;
    text.map(|t| Decimal::from_str(&t).map_err(|e| bad_column(index, e)))
        .transpose()
}

/// A word of one of the domain's vocabularies (status, kind, category).
pub fn vocabulary<T>(row: &Row, index: usize, parse: fn(&str) -> Result<T>) -> Result<T> {
    let text: String = row.get(index)?;
    parse(&text).map_err(|e| bad_column(index, e))
}

fn bad_column(index: usize, e: impl std::fmt::Display) -> Error {
    Error::runtime(format!("database error: column {index} of a result: {e}"))
}

/// The stored quote in columns `at`..`at + 2` (base, quote, rate), if any.
pub fn quote_at(r: &Row, at: usize) -> Result<Option<Quote>> {
    Ok(
        match (r.get(at)?, r.get(at + 1)?, optional_decimal(r, at + 2)?) {
            (Some(base), Some(quote), Some(rate)) => Some(Quote { base, quote, rate }),
            _ => None,
        },
    )
}
