//! What an [`ExpenseBook`] writes: a checked expense, and the one change an expense may have
//! (being voided), and what a refused voucher is told.

use chrono::{Datelike, NaiveDate};

use super::super::expenses::{EXPENSE_SELECT, expense_from_row};
use super::{Checked, ExpenseBook};
use crate::db::sql::{Unshared, params};
use crate::domain::{Expense, Grant};
use crate::error::{Error, Result};

const INSERT: &str = "INSERT INTO expense (grant_id, line_id, kind, date, currency,
        amount_minor, fx_base, fx_quote, fx_rate, grant_amount_minor, payee, voucher, country,
        description, recorded_at, fx_source, refund_of, corrects, office, advance_id,
        commitment_id, allocation_id)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
        ?19, ?20, ?21, ?22)";

/// How many rates' texts an import keeps at most.
const RATE_TEXTS: usize = 256;

impl<'c> ExpenseBook<'c> {
    /// Insert a checked expense; a voucher the grant already has is refused, naming the expense
    /// that holds it. Returns the new expense's id.
    pub fn insert(&mut self, c: &Checked, recorded_at: &str) -> Result<i64> {
        let grant = &c.grant.grant;
        let date = IsoDate::of(c.new.date);
        // Keyed as stored (1.50 equals 1.5, but is not written the same); bounded, as rates
        // typed row by row may all differ.
        let mut rates = std::mem::take(&mut self.rate_text);
        if rates.len() >= RATE_TEXTS {
            rates.clear();
        }
        let rate = c.quote.as_ref().map(|q| {
            rates
                .entry(q.rate.serialize())
                .or_insert_with(|| q.rate.to_string().into())
                .clone()
        });
        let values = params![
            grant.id,
            c.line_id,
            c.new.kind.as_str(),
            date.as_str(),
            c.currency.code,
            c.currency.to_minor(c.new.amount)?,
            c.quote.as_ref().map(|q| &q.base),
            c.quote.as_ref().map(|q| &q.quote),
            rate.as_deref(),
            grant.currency.to_minor(c.grant_amount)?,
            c.payee,
            c.new.voucher,
            c.country,
            c.new.description,
            recorded_at,
            c.fx_source,
            c.refund_of,
            c.corrects,
            c.office,
            c.links.advance.as_ref().map(|a| a.0),
            c.links.commitment.as_ref().map(|a| a.0),
            c.allocation_id,
        ];
        let id = self.insert_values(c, values);
        self.rate_text = rates;
        let id = id?;
        self.took(grant, &c.links, c.new.kind, c.new.amount);
        Ok(id)
    }

    fn insert_values(&mut self, c: &Checked, values: &[&dyn crate::db::sql::Param]) -> Result<i64> {
        let grant = &c.grant.grant;
        let Some(sqlite) = self.conn.as_sqlite() else {
            // A refused statement ends a PostgreSQL transaction, so the voucher is looked up
            // first (writers hold the write lock, so nobody takes it in between).
            if let Some(other) = self.recorded(grant, &c.new.voucher)? {
                return Err(self.duplicate(grant, &other).in_field("voucher"));
            }
            return self.conn.insert(INSERT, values);
        };
        // The statement is the book's own, prepared once (the statement cache would hash its
        // text again for every row of an import), and binds the row's texts without SQLite's
        // copy of each.
        let insert = match &mut self.insert {
            Some(statement) => statement,
            None => self.insert.insert(Unshared::prepare(sqlite, INSERT)?),
        };
        match insert.execute(values.iter().map(|v| v.value())) {
            Ok(id) => Ok(id),
            Err(e) if is_unique_violation(&e) => {
                let other = self
                    .recorded(grant, &c.new.voucher)?
                    .ok_or_else(|| Error::from(e))?;
                Err(self.duplicate(grant, &other).in_field("voucher"))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The expense already holding `voucher` on `grant`, if any.
    pub fn recorded(&self, grant: &Grant, voucher: &str) -> Result<Option<Expense>> {
        self.conn.query_opt(
            &format!(
                "{EXPENSE_SELECT} WHERE e.grant_id = ?1 AND e.voucher = ?2 AND e.live_key = 0"
            ),
            params![grant.id, voucher],
            expense_from_row,
        )
    }

    /// Mark expense `id` void as of `at`: the one change the schema lets an expense have.
    pub fn void(&self, id: i64, reason: &str, at: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE expense SET voided_at = ?1, void_reason = ?2 WHERE id = ?3",
            params![at, reason, id],
        )?;
        Ok(())
    }

    /// How many expenses the ledger held when the book opened (none is ever deleted, so the
    /// largest id is the count).
    pub fn rows_before(&self) -> u64 {
        self.last_id_before.unsigned_abs()
    }

    /// Whether `expense` was written by this book (an earlier row of the same import).
    pub fn is_new(&self, expense: &Expense) -> bool {
        expense.id > self.last_id_before
    }

    pub fn duplicate(&self, grant: &Grant, other: &Expense) -> Error {
        let held_by = if self.is_new(other) {
            "appears earlier in this import".to_string()
        } else {
            format!(
                "is already recorded on grant {} as expense #{}",
                grant.reference, other.id
            )
        };
        let fix = if self.is_new(other) {
            String::new()
        } else {
            format!(
                "; if that expense is wrong, correct it with `grantbook expense correct {} \
                 --amount ... --reason ...` (a voided entry's voucher can be used again)",
                other.id
            )
        };
        Error::invalid(format!(
            "voucher {:?} {held_by} ({}, {} {}, {}); vouchers are unique per grant: check for \
             a double entry{fix}",
            other.voucher,
            other.date,
            other.currency.plain(other.amount),
            other.currency.code,
            other.payee
        ))
    }
}

/// A date as the schema stores it, `YYYY-MM-DD`, written without chrono's format machinery,
/// which cost an import more than the rest of binding its row. Dates are checked to fall in
/// four-digit years before they get here.
pub(super) struct IsoDate([u8; 10]);

impl IsoDate {
    pub(super) fn of(date: NaiveDate) -> IsoDate {
        let mut text = *b"0000-00-00";
        let mut put = |at: usize, digits: usize, mut n: u32| {
            for i in (at..at + digits).rev() {
                text[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        put(0, 4, date.year().unsigned_abs());
        put(5, 2, date.month());
        put(8, 2, date.day());
        IsoDate(text)
    }
}

impl IsoDate {
    pub(super) fn as_str(&self) -> &str {
        // Only ASCII digits and dashes are ever written into it.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.code == rusqlite::ErrorCode::ConstraintViolation
            && f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        for (y, m, d) in [(1950, 1, 1), (2021, 3, 9), (2024, 2, 29), (2199, 12, 31)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(IsoDate::of(date).0, *date.to_string().as_bytes());
        }
    }
}
