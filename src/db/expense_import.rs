//! Many expenses in one transaction: every row checked exactly as `expense add` checks it (the
//! same [`ExpenseBook`]), all stored or none, and one audit entry for the whole import.

use std::collections::BTreeMap;

use rusqlite::Connection;
use rust_decimal::Decimal;

use super::expense_book::ExpenseBook;
use super::expenses::{expense_key, find_expense};
use super::{Added, Ledger};
use crate::domain::{Expense, ImportSummary, ImportedGrant, NewExpense};
use crate::error::{Error, Result};

/// An import in progress: hand it rows with [`ExpenseImport::add`].
pub struct ExpenseImport<'c> {
    book: ExpenseBook<'c>,
    at: String,
    skip_duplicates: bool,
    summary: ImportSummary,
    by_grant: BTreeMap<String, ImportedGrant>,
    already_recorded: u64,
    /// Entries voided while the import restores a ledger, as they stood before, for the audit.
    voided: Vec<Expense>,
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
        self.add_correcting(new, None)
    }

    /// The live entry holding `voucher` on grant `reference`, if any.
    pub fn live_holder(&mut self, reference: &str, voucher: &str) -> Result<Option<Expense>> {
        let open = self.book.grant(reference)?;
        self.book.recorded(&open.grant, voucher)
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
            && let Some(earlier) = self.book.recorded(&open.grant, &new.voucher)?
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
        let mut checked = self.book.check(new)?;
        checked.corrects = corrects;
        let id = match self.book.insert(&checked, &self.at) {
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
        self.summary.first_id.get_or_insert(id);
        self.summary.last_id = Some(id);
        Ok(Added::Recorded(()))
    }
}

impl Ledger {
    /// Import expenses from `source` (a file name, for the audit log): `feed` hands every row to
    /// the import and fails if any row failed; then nothing is written. It returns the source's
    /// SHA-256, read whole, which the audit entry records with the row count.
    pub fn import_expenses(
        &mut self,
        source: &str,
        skip_duplicates: bool,
        feed: impl FnOnce(&mut ExpenseImport) -> Result<Option<String>>,
    ) -> Result<ImportSummary> {
        // A bigger page cache keeps the expense indexes' hot pages in memory (peak RSS stays
        // near 60 MB whatever the file's size).
        self.conn.execute_batch("PRAGMA cache_size = -65536")?;
        self.write(|w| {
            let guards = SUSPENDED_TRIGGERS
                .iter()
                .map(|trigger| suspend_trigger(w.conn(), trigger))
                .collect::<Result<Vec<_>>>()?;
            let mut import = ExpenseImport {
                book: ExpenseBook::new(w.conn())?,
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
            };
            let sha256 = feed(&mut import)?;
            for guard in &guards {
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
        })
    }
}

/// Triggers that guard any writer that forgets to check, and that an import does without
/// while it runs: it checks every row by the same rules ([`ExpenseBook::check`]: closed
/// periods, a refund reversing an expense of its own grant) inside its own transaction, and
/// while such a trigger exists SQLite journals each inserted row's pages once more (a
/// statement journal per insert): on 200,000 rows the closed-period one alone made 4.9 s of
/// 2.8 s.
const SUSPENDED_TRIGGERS: &[&str] = &[
    "expense_not_in_closed_period",
    "expense_refund_of_own_grant",
];

/// Drop `trigger` for the rest of the transaction and return the statement that recreates it,
/// exactly as stored. A rollback brings the trigger back with everything else.
fn suspend_trigger(conn: &Connection, trigger: &str) -> Result<String> {
    let sql: String = conn.query_row(
        "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
        [trigger],
        |r| r.get(0),
    )?;
    conn.execute_batch(&format!("DROP TRIGGER {trigger}"))?;
    Ok(sql)
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
