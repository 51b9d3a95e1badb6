//! Shared costs: named keys that split a voucher between grant lines by dated percentages, and
//! the payments split by them. A payment's parts are ordinary expenses, one per grant line,
//! each naming the payment (`expense.allocation_id`); they add up to the voucher to the cent.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::expense_book::ExpenseBook;
use super::expenses::{EXPENSE_SELECT, expense_from_row, expense_key, find_expense};
use super::lookup::{self, decimal};
use super::sql::{Conn, params};
use super::{Ledger, Writer};
use crate::domain::obligations::{check_shares, split};
use crate::domain::{Expense, ExpenseKind, NewExpense, Share};
use crate::error::{Error, Result, field};

mod undo;

/// One dated version of a key: the shares in force from `valid_from`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KeyVersion {
    pub key: String,
    pub name: String,
    pub valid_from: NaiveDate,
    pub shares: Vec<Share>,
}

impl Ledger {
    /// Record a key's shares from `valid_from` on (the key is made on first use); they must add
    /// up to exactly 100 % and name lines of existing grants.
    pub fn set_allocation(
        &mut self,
        code: &str,
        name: &str,
        valid_from: NaiveDate,
        shares: &[Share],
    ) -> Result<KeyVersion> {
        check_shares(shares).map_err(field("share"))?;
        self.write(|w| {
            let conn = w.conn();
            let key_id = match key_id(conn, code)? {
                Some(id) => {
                    if !name.is_empty() {
                        conn.execute(
                            "UPDATE allocation_key SET name = ?1 WHERE id = ?2",
                            params![name, id],
                        )?;
                    }
                    id
                }
                None => conn.insert(
                    "INSERT INTO allocation_key (code, name) VALUES (?1, ?2)",
                    params![code, name],
                )?,
            };
            let taken: bool = conn.one(
                "SELECT EXISTS (SELECT 1 FROM allocation_share WHERE key_id = ?1
                     AND valid_from = ?2)",
                params![key_id, valid_from],
            )?;
            if taken {
                return Err(Error::invalid(format!(
                    "allocation key {code} already has shares from {valid_from}; a key's history \
                     is kept: set the new shares from a later date"
                ))
                .in_field("from"));
            }
            for s in shares {
                let grant = lookup::grant(conn, &s.grant).map_err(field("share"))?;
                let line = lookup::line_id(conn, &grant, &s.line).map_err(field("share"))?;
                conn.insert(
                    "INSERT INTO allocation_share (key_id, valid_from, grant_id, line_id, percent)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![key_id, valid_from, grant.id, line, s.percent.to_string()],
                )?;
            }
            let version = version_on(conn, code, valid_from)?;
            w.audit(
                "set",
                "allocation_key",
                code,
                None::<&KeyVersion>,
                Some(&version),
            )?;
            Ok(version)
        })
    }

    /// Every version of one key, or of all, oldest first.
    pub fn allocation_keys(&self, code: Option<&str>) -> Result<Vec<KeyVersion>> {
        let versions: Vec<(String, String)> = self.conn.query_map(
            "SELECT DISTINCT k.code, s.valid_from FROM allocation_key k
             JOIN allocation_share s ON s.key_id = k.id
             WHERE ?1 IS NULL OR k.code = ?1 ORDER BY k.code, s.valid_from",
            params![code],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if let (Some(code), true) = (code, versions.is_empty()) {
            return Err(unknown_key(code));
        }
        versions
            .iter()
            .map(|(code, from)| {
                let from = crate::domain::parse_date("valid_from", from)?;
                version_on(&self.conn, code, from)
            })
            .collect()
    }

    /// Record one voucher paid for several grants as its parts, split by `new.allocate`'s key in
    /// force on its date; the parts, in the key's order.
    pub fn add_allocated(&mut self, new: &NewExpense) -> Result<Vec<Expense>> {
        self.write(|w| {
            let mut book = ExpenseBook::new(w.conn())?.recording_for(w.office);
            let (payment, parts) = allocation_parts(w.conn(), new, &w.at)?;
            let mut ids = Vec::new();
            for part in &parts {
                let mut checked = book.check(part)?;
                checked.allocation_id = Some(payment);
                ids.push(book.insert(&checked, &w.at)?);
            }
            audit_parts(w, &ids)
        })
    }

    /// The parts of the shared-cost payment `id` (live and voided), in the order recorded.
    pub fn allocated_parts(&self, payment: i64) -> Result<Vec<Expense>> {
        parts_of(&self.conn, payment)
    }
}

/// Audit each part as an expense added, as `expense add` does; the parts, read back.
fn audit_parts(w: &Writer, ids: &[i64]) -> Result<Vec<Expense>> {
    let mut added = Vec::new();
    for id in ids {
        let expense = find_expense(w.conn(), *id)?;
        w.audit(
            "add",
            "expense",
            &expense_key(&expense),
            None::<&Expense>,
            Some(&expense),
        )?;
        added.push(expense);
    }
    Ok(added)
}

/// Every part of payment `payment`, in id order.
pub(super) fn parts_of(conn: &Conn, payment: i64) -> Result<Vec<Expense>> {
    conn.query_map(
        &format!("{EXPENSE_SELECT} WHERE e.allocation_id = ?1 ORDER BY e.id"),
        [payment],
        expense_from_row,
    )
}

/// Write the payment `new` describes (its key named by `new.allocate`) and return its id with
/// the expenses its parts are: one per share with money in it, each on the share's grant and
/// line, the amounts adding up to `new.amount` in the currency paid.
pub(super) fn allocation_parts(
    conn: &Conn,
    new: &NewExpense,
    at: &str,
) -> Result<(i64, Vec<NewExpense>)> {
    let code = new.allocate.as_deref().unwrap_or_default();
    let Some(key) = key_id(conn, code)? else {
        return Err(unknown_key(code).in_field("allocate"));
    };
    let from: Option<String> = conn.one(
        "SELECT max(valid_from) FROM allocation_share WHERE key_id = ?1 AND valid_from <= ?2",
        params![key, new.date],
    )?;
    let Some(from) = from else {
        return Err(Error::invalid(format!(
            "allocation key {code} has no shares in force on {}; see `grantbook allocation list \
             {code}`",
            new.date
        ))
        .in_field("date"));
    };
    let from = crate::domain::parse_date("valid_from", &from)?;
    let version = version_on(conn, code, from)?;
    let mut grants = Vec::new();
    for s in &version.shares {
        grants.push(lookup::grant(conn, &s.grant)?);
    }
    let currency = match &new.currency {
        Some(code) => lookup::currency(conn, code).map_err(field("currency"))?,
        None if grants
            .iter()
            .all(|g| g.currency.code == grants[0].currency.code) =>
        {
            grants[0].currency.clone()
        }
        None => {
            return Err(Error::invalid(format!(
                "the grants key {code} splits between are in different currencies; say which \
                 the voucher was paid in with --currency"
            ))
            .in_field("currency"));
        }
    };
    currency
        .check_amount("expenditure amount", new.amount)
        .map_err(field("amount"))?;
    let amounts = split(new.amount, &currency, &version.shares);
    let payment = conn.insert(
        "INSERT INTO allocated_payment (key_id, key_from, voucher, date, currency, amount_minor,
             recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            key,
            from,
            new.voucher,
            new.date,
            currency.code,
            currency.to_minor(new.amount)?,
            at
        ],
    )?;
    let parts = version
        .shares
        .iter()
        .zip(amounts)
        .filter(|(_, amount)| *amount > Decimal::ZERO)
        .map(|(share, amount)| NewExpense {
            grant: share.grant.clone(),
            line: share.line.clone(),
            amount,
            currency: Some(currency.code.clone()),
            allocate: None,
            ..new.clone()
        })
        .collect();
    Ok((payment, parts))
}

/// Refuse anything but a plain expenditure split by a key.
pub fn check_allocatable(new: &NewExpense) -> Result<()> {
    let refuse = |what: &str| {
        Err(Error::invalid(format!(
            "--allocate splits a payment between the key's grant lines; it takes no {what}"
        ))
        .in_field("allocate"))
    };
    if new.kind != ExpenseKind::Expenditure {
        return refuse("kind but expenditure (void the voucher, or refund it, to undo it)");
    }
    if new.rate.is_some() {
        return refuse("--rate (each part is converted at its grant's stored rate)");
    }
    if new.advance.is_some() || new.commitment.is_some() {
        return refuse("advance or commitment");
    }
    Ok(())
}

fn key_id(conn: &Conn, code: &str) -> Result<Option<i64>> {
    conn.query_opt(
        "SELECT id FROM allocation_key WHERE code = ?1",
        [code],
        |r| r.get(0),
    )
}

fn unknown_key(code: &str) -> Error {
    Error::invalid(format!(
        "no allocation key {code:?}; set one with `grantbook allocation set {code} --share \
         GRANT:LINE:PERCENT ... --from DATE`"
    ))
}

/// The shares of `code` that took effect on `valid_from`, in the order they were set.
fn version_on(conn: &Conn, code: &str, valid_from: NaiveDate) -> Result<KeyVersion> {
    let rows: Vec<(String, Share)> = conn.query_map(
        "SELECT k.name, g.reference, l.code, s.percent FROM allocation_share s
         JOIN allocation_key k ON k.id = s.key_id
         JOIN grant_agreement g ON g.id = s.grant_id
         JOIN budget_line l ON l.id = s.line_id
         WHERE k.code = ?1 AND s.valid_from = ?2 ORDER BY s.id",
        params![code, valid_from],
        |r| {
            Ok((
                r.get(0)?,
                Share {
                    grant: r.get(1)?,
                    line: r.get(2)?,
                    percent: decimal(r, 3)?,
                },
            ))
        },
    )?;
    Ok(KeyVersion {
        key: code.to_string(),
        name: rows.first().map(|r| r.0.clone()).unwrap_or_default(),
        valid_from,
        shares: rows.into_iter().map(|r| r.1).collect(),
    })
}
