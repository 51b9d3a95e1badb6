//! SQLite's tuning of an import: its settings, and the index and triggers it does without while
//! its rows go in. None of it changes what is stored; a rollback undoes all of it.

use crate::db::sql::Conn;
use crate::error::{Error, Result};

/// For an import that is its own transaction. The page cache holds the pages rows are
/// appended to and the voucher key's; a larger one bought nothing measurable and is paid for
/// in memory. Sorting for a rebuilt index goes to temporary files in runs of the cache's size,
/// with a second thread sorting one run while the next is read, so memory stays bounded (in
/// memory, as commands keep temporary storage, SQLite sorts in one thread without a bound).
/// The foreign keys are left to the book: every id and code it writes is one it looked up in
/// this transaction (grant, the grant's line, currency, country, the expense a refund
/// reverses), and SQLite's look-ups of them again were a tenth of the import. `check` runs
/// SQLite's foreign-key check over the whole ledger. So are the CHECK constraints, for the same
/// reason: every value the book writes is one it made from a checked value (a date it parsed,
/// an amount it found positive, a payee and voucher it found not blank, a kind and a rate
/// source from their enums, a rate it formatted), by the rules `expense add` applies, and
/// SQLite's evaluating twelve expressions again was a sixth of a million-row import (paired
/// runs: 4.29, 4.05 and 4.06 s with them, 3.41, 3.45 and 3.58 s without). They still guard
/// every other write, and `check` (SQLite's integrity check) tests every row against them.
pub(super) const IMPORT_SETTINGS: &str = "PRAGMA cache_size = -8192; PRAGMA temp_store = FILE;
    PRAGMA threads = 2; PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON;";

/// The connection's settings again, as `db::file::prepare` made them (and SQLite's own page
/// cache and threads).
pub(super) const USUAL_SETTINGS: &str = "PRAGMA cache_size = -2000; PRAGMA temp_store = MEMORY;
    PRAGMA threads = 0; PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF;";

/// For the expenses of `import DIR`, one table of its one transaction: the reports' index is
/// kept entry by entry there, and a page cache that holds its hot pages keeps that from going
/// to the disk for each row (about 60 MB of memory on a million rows).
pub(super) const LOAD_SETTINGS: &str = "PRAGMA cache_size = -65536;";

/// The reports' index (`db::reports` sums spend from it alone): kept entry by entry, each
/// row costs a descent to a random place in it, which made a third of a large import. Built
/// once after the rows, inside the same transaction, it is sorted instead. Worth it once the
/// import is as large as the table was, and at least [`REBUILD_FROM`] rows.
pub(super) const REBUILT_INDEX: (&str, &str) = ("expense_spend", "DROP INDEX expense_spend");
pub(super) const REBUILD_FROM: u64 = 10_000;

/// Triggers that guard any writer that forgets to check, and that an import does without
/// while it runs: it checks every row by the same rules (`ExpenseBook::check`: closed
/// periods, a refund reversing an expense of its own grant) inside its own transaction, and
/// while such a trigger exists SQLite journals each inserted row's pages once more (a
/// statement journal per insert): on 200,000 rows the closed-period one alone made 4.9 s of
/// 2.8 s.
pub(super) const SUSPENDED_TRIGGERS: &[(&str, &str)] = &[
    (
        "expense_not_in_closed_period",
        "DROP TRIGGER expense_not_in_closed_period",
    ),
    (
        "expense_refund_of_own_grant",
        "DROP TRIGGER expense_refund_of_own_grant",
    ),
];

/// Drop a trigger or index, given by its name and the statement that drops it, for the rest of
/// the transaction, and return the statement that makes it again, exactly as stored. A
/// rollback brings it back with everything else.
pub(super) fn suspend(conn: &Conn, (name, drop): (&str, &str)) -> Result<String> {
    let sql: Option<String> = conn.query_opt(
        "SELECT sql FROM sqlite_schema WHERE name = ?1",
        [name],
        |r| r.get(0),
    )?;
    let sql = sql.ok_or_else(|| {
        Error::runtime(format!(
            "the database lacks {name}; `grantbook check` names what else is missing"
        ))
    })?;
    conn.execute_batch(drop)?;
    Ok(sql)
}
