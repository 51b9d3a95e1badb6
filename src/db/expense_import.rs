//! Many expenses in one transaction: every row checked exactly as `expense add` checks it (the
//! same [`ExpenseBook`]), all stored or none, and one audit entry for the whole import. On
//! SQLite each row is inserted once checked; on PostgreSQL the checked rows are written
//! together, by COPY, once the whole file is read (`expense_book/staging.rs`).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::allocations::allocation_parts;
use super::expense_book::ExpenseBook;
use super::expenses::{expense_key, find_expense};
use super::{Added, Ledger};
use crate::db::sql::{Conn, Dialect};
use crate::domain::{Expense, ImportSummary, ImportedGrant, NewExpense};
use crate::error::{Error, Result};

mod journal;
mod tuning;

use tuning::{
    IMPORT_SETTINGS, LOAD_SETTINGS, REBUILD_FROM, REBUILT_INDEX, SUSPENDED_TRIGGERS,
    USUAL_SETTINGS, suspend,
};

/// An import in progress: hand it rows with [`ExpenseImport::add`].
pub struct ExpenseImport<'c> {
    conn: &'c Conn,
    book: ExpenseBook<'c>,
    at: String,
    skip_duplicates: bool,
    summary: ImportSummary,
    by_grant: BTreeMap<String, ImportedGrant>,
    already_recorded: u64,
    /// Entries voided while the import restores a ledger, as they stood before, for the audit.
    voided: Vec<Expense>,
    /// After this many rows the reports' index is dropped, to be built again once the rows are
    /// in (see [`REBUILT_INDEX`]); None when it stays.
    rebuild_after: Option<u64>,
    /// The statement that makes the index again, once it has been dropped.
    rebuild: Option<String>,
}

impl ExpenseImport<'_> {
    /// Rows refused so far because their voucher was in the ledger before this import began
    /// (the rows `--skip-duplicates` would skip).
    pub fn already_recorded(&self) -> u64 {
        self.already_recorded
    }

    /// Check one row and record it; an error leaves the import going (so every bad row can be
    /// reported) but the caller must then fail the import, which writes nothing.
    pub fn add(&mut self, new: &NewExpense) -> Result<Added> {
        if new.allocate.is_some() {
            return self.add_allocated(new, false);
        }
        self.add_correcting(new, None)
    }

    /// A shared-cost voucher split by its key into parts; with `correcting`, each part is the
    /// correction of the part of its grant this import voided last (a ledger's export read back).
    pub fn add_allocated(&mut self, new: &NewExpense, correcting: bool) -> Result<Added> {
        let (payment, parts) = allocation_parts(self.conn, new, &self.at)?;
        for part in &parts {
            let corrects = self
                .voided
                .iter()
                .rev()
                .find(|v| correcting && v.grant == part.grant && v.voucher == part.voucher)
                .map(|v| v.id);
            self.record(part, corrects, Some(payment))?;
        }
        Ok(Added::Recorded(()))
    }

    /// The grants whose live entry holds `voucher`, among `grants`.
    pub fn holders_among(&mut self, grants: &[String], voucher: &str) -> Result<Vec<String>> {
        let mut held = Vec::new();
        for grant in grants {
            if self.live_holder(grant, voucher)?.is_some() {
                held.push(grant.clone());
            }
        }
        Ok(held)
    }

    /// The live entry holding `voucher` on grant `reference`, if any.
    pub fn live_holder(&mut self, reference: &str, voucher: &str) -> Result<Option<Expense>> {
        let open = self.book.grant(reference)?;
        self.book.live(&open.grant, voucher)
    }

    /// Void the live entry holding `voucher` on grant `reference`, with the reason and time
    /// an exported ledger recorded (`import DIR` restores voids and corrections in the order
    /// they happened, so a corrected voucher is free again before its correction arrives).
    pub fn void(
        &mut self,
        reference: &str,
        voucher: &str,
        reason: &str,
        at: Option<&str>,
    ) -> Result<()> {
        let holder = self.live_holder(reference, voucher)?.ok_or_else(|| {
            Error::invalid(format!(
                "grant {reference} has no live expense with voucher {voucher:?} to void"
            ))
        })?;
        self.book.void(holder.id, reason, at.unwrap_or(&self.at))?;
        self.voided.push(holder);
        Ok(())
    }

    /// [`ExpenseImport::add`], the row being the correction of voided entry `corrects`.
    pub fn add_correcting(&mut self, new: &NewExpense, corrects: Option<i64>) -> Result<Added> {
        if self.skip_duplicates
            && let Ok(open) = self.book.grant(&new.grant)
            && let Some(earlier) = self.book.live(&open.grant, &new.voucher)?
        {
            if self.book.is_new(&earlier) {
                return Err(self
                    .book
                    .duplicate(&open.grant, &earlier)
                    .in_field("voucher"));
            }
            self.summary.skipped += 1;
            return Ok(Added::Skipped {
                differs: difference(new, &earlier),
            });
        }
        self.record(new, corrects, None)
    }

    /// Check and write one expense, the correction of `corrects` or a part of shared-cost
    /// payment `allocation`, counting it in the import's totals.
    fn record(
        &mut self,
        new: &NewExpense,
        corrects: Option<i64>,
        allocation: Option<i64>,
    ) -> Result<Added> {
        // On PostgreSQL the book stages the row, to be written with the others at the end.
        let staged = self.book.stages();
        let mut checked = if staged {
            self.book.check_staged(new)?
        } else {
            self.book.check(new)?
        };
        checked.corrects = corrects;
        checked.allocation_id = allocation;
        let written = if staged {
            self.book.stage(&checked).map(|()| None)
        } else {
            self.book.insert(&checked, &self.at).map(Some)
        };
        let id = match written {
            Ok(id) => id,
            Err(e) => {
                let grant = &checked.grant.grant;
                if e.field == Some("voucher")
                    && let Some(earlier) = self.book.recorded(grant, &new.voucher)?
                    && !self.book.is_new(&earlier)
                {
                    self.already_recorded += 1;
                }
                return Err(e);
            }
        };
        let grant = &checked.grant.grant;
        let totals = match self.by_grant.get_mut(&grant.reference) {
            Some(t) => t,
            None => self
                .by_grant
                .entry(grant.reference.clone())
                .or_insert(ImportedGrant {
                    reference: grant.reference.clone(),
                    currency: grant.currency.clone(),
                    rows: 0,
                    amount: Decimal::ZERO,
                }),
        };
        totals.rows += 1;
        totals.amount += checked.grant_amount * new.kind.sign();
        self.summary.recorded += 1;
        if Some(self.summary.recorded) == self.rebuild_after {
            self.rebuild = Some(suspend(self.conn, REBUILT_INDEX)?);
        }
        if let Some(id) = id {
            self.summary.first_id.get_or_insert(id);
            self.summary.last_id = Some(id);
        }
        Ok(Added::Recorded(()))
    }
}

impl Ledger {
    /// Import expenses from `source` (a file name, for the audit log; `bytes` long, if it is a
    /// file): `feed` hands every row to the import and fails if any row failed; then nothing is
    /// written. It returns the source's SHA-256, read whole, which the audit entry records with
    /// the row count.
    pub fn import_expenses(
        &mut self,
        source: &str,
        bytes: Option<u64>,
        skip_duplicates: bool,
        feed: impl FnOnce(&mut ExpenseImport) -> Result<Option<String>>,
    ) -> Result<ImportSummary> {
        // Settings SQLite takes only between transactions: an import that is a transaction of
        // its own (not one table of `import DIR`) has them, and may build the index anew.
        // They, and what follows on triggers, the index and the journal, are SQLite's tuning.
        let sqlite = self.conn.dialect() == Dialect::Sqlite;
        let own = self.conn.is_autocommit() && sqlite;
        let rollback_journal = own && journal::rollback_for_load(&self.conn, bytes)?;
        if sqlite {
            self.conn
                .execute_batch(if own { IMPORT_SETTINGS } else { LOAD_SETTINGS })?;
        }
        let imported = self.write(|w| {
            let suspended = if sqlite { SUSPENDED_TRIGGERS } else { &[] };
            let guards = suspended
                .iter()
                .map(|trigger| suspend(w.conn(), *trigger))
                .collect::<Result<Vec<_>>>()?;
            let book = ExpenseBook::for_import(w.conn(), &w.at)?.recording_for(w.office);
            let rows_before = book.rows_before();
            let mut import = ExpenseImport {
                conn: w.conn(),
                book,
                at: w.at.clone(),
                skip_duplicates,
                summary: ImportSummary {
                    source: source.to_string(),
                    recorded: 0,
                    skipped: 0,
                    first_id: None,
                    last_id: None,
                    grants: Vec::new(),
                    sha256: None,
                },
                by_grant: BTreeMap::new(),
                already_recorded: 0,
                voided: Vec::new(),
                rebuild_after: own.then(|| rows_before.max(REBUILD_FROM)),
                rebuild: None,
            };
            let sha256 = feed(&mut import)?;
            if let Some((first, last)) = import.book.finish()? {
                import.summary.first_id = Some(first);
                import.summary.last_id = Some(last);
            }
            for guard in guards.iter().chain(&import.rebuild) {
                w.conn().execute_batch(guard)?;
            }
            let mut summary = import.summary;
            summary.sha256 = sha256;
            summary.grants = import.by_grant.into_values().collect();
            if summary.recorded > 0 {
                w.audit("import", "expense", source, None::<&()>, Some(&summary))?;
            }
            for before in &import.voided {
                let after = find_expense(w.conn(), before.id)?;
                w.audit(
                    "void",
                    "expense",
                    &expense_key(&after),
                    Some(before),
                    Some(&after),
                )?;
            }
            Ok(summary)
        });
        if rollback_journal {
            journal::back_to_wal(&self.conn);
        }
        if own {
            self.conn.execute_batch(USUAL_SETTINGS)?;
        }
        imported
    }
}

/// How a row whose voucher is already recorded differs from the recorded expense, in the terms
/// the row was given in; None when they agree on line, date, amount and currency.
fn difference(new: &NewExpense, recorded: &Expense) -> Option<String> {
    let currency = new
        .currency
        .as_deref()
        .unwrap_or(&recorded.grant_currency.code);
    let same = new.line == recorded.line
        && new.date == recorded.date
        && new.amount == recorded.amount
        && currency == recorded.currency.code;
    (!same).then(|| {
        format!(
            "voucher {:?}: the file has {} {} {currency} on line {}, the ledger has expense #{} \
             of {} {} {} on line {}",
            new.voucher,
            new.date,
            new.amount,
            new.line,
            recorded.id,
            recorded.date,
            recorded.currency.plain(recorded.amount),
            recorded.currency.code,
            recorded.line
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn settings(ledger: &Ledger) -> (i64, i64, i64, i64) {
        settings_of(&ledger.conn)
    }

    #[test]
    fn an_import_gives_the_connection_its_settings_back_whatever_the_outcome() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("import.db");
        std::fs::write(&path, Ledger::new_file()?)?;
        let mut ledger = Ledger::open(&path)?;
        let usual = settings(&ledger);
        assert_eq!(usual, (1, 2, 0, 0));
        ledger.import_expenses("empty.csv", None, false, |import| {
            assert_eq!(settings_of(import.conn), (0, 1, 2, 1));
            Ok(None)
        })?;
        assert_eq!(settings(&ledger), usual);
        let refused =
            ledger.import_expenses("bad.csv", None, false, |_| Err(Error::invalid("bad row")));
        assert!(refused.is_err());
        assert_eq!(settings(&ledger), usual);
        Ok(())
    }

    /// (foreign_keys, temp_store, threads, ignore_check_constraints) as the connection has them.
    fn settings_of(conn: &Conn) -> (i64, i64, i64, i64) {
        let get = |pragma: &str| -> i64 { conn.query_row(pragma, [], |r| r.get(0)).unwrap() };
        (
            get("PRAGMA foreign_keys"),
            get("PRAGMA temp_store"),
            get("PRAGMA threads"),
            get("PRAGMA ignore_check_constraints"),
        )
    }
}
