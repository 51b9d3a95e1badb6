//! Crash safety: a write killed with SIGKILL at any moment leaves a database that passes
//! `PRAGMA integrity_check` and `grantbook check`, still opens with grantbook, and holds
//! exactly the state before the command or exactly the state after it, never a part. Run for
//! every kind of write: a large `expense import` (which drops the reports' index and builds it
//! again in its transaction), a `budget revise` of thousands of lines from a file, a `period
//! close`, an `expense refund`, an `expense correct` (a void and an insert), an `expense
//! reprice` (a void and an insert per expense), a `grant amend` and a `receipt void`. Each is
//! killed at 100 points or more while it starts, across its work, inside its commit, after the
//! commit and after the exit (see `points::kill_points`); `GRANTBOOK_CRASH_POINTS=300` (or any
//! number) sweeps more densely (bench/crash-sweep.sh).
//!
//! Kill points follow the command's progress, not the clock alone, so that a busy machine
//! does not push them all past the end: work before the commit is measured in the CPU time
//! the process has used (read from /proc on Linux; elsewhere the clock stands in), the commit
//! in the bytes its WAL holds.

#![cfg(unix)]

#[path = "../common/mod.rs"]
mod common;
mod kill;
mod points;
mod timeless;

use std::fs;
use std::path::Path;

use common::{JAPAN, japan_grant};
use kill::{Journal, Scenario};

/// Rows in the large import: in a debug build an uninterrupted import takes about half a
/// second of CPU and writes a few MB of WAL in its commit, room for kills at many distinct
/// points (they are placed by progress, not by the clock), while its runs keep this file
/// within a few minutes on a busy two-core machine. More than the 10,000 rows from which an
/// import builds the reports' index after its rows, so kills land in that too; a file under
/// the 1 MiB from which an import may load a ledger through a rollback journal, so this one
/// goes through the WAL.
const IMPORT_ROWS: usize = 11_000;

/// Characters added to each description of the import that loads a ledger: the file grows
/// past the ledger's size (the import then writes through a rollback journal) with the same
/// rows.
const LOAD_PADDING: usize = 120;

/// Kill points for each write, at least.
const POINTS: usize = 100;
/// New budget lines in the revision read from a file, 10.00 each.
const REVISED_LINES: usize = 4_000;

#[test]
fn an_import_killed_at_any_point_leaves_none_or_all_of_its_rows() {
    let pristine = japan_grant();
    let file = common::vouchers::csv(pristine.dir.path(), IMPORT_ROWS, 0);
    let scenario = Scenario {
        name: "expense import",
        points: POINTS,
        args: vec!["expense".into(), "import".into(), path_arg(&file)],
        pristine,
        measure: "SELECT count(*) FROM expense",
        journal: Journal::Wal,
    };
    scenario.kill_at_many_points();
}

#[test]
fn an_import_that_loads_a_ledger_killed_at_any_point_leaves_none_or_all_of_its_rows() {
    let pristine = japan_grant();
    let file = common::vouchers::csv(pristine.dir.path(), IMPORT_ROWS, LOAD_PADDING);
    let scenario = Scenario {
        name: "expense import (loading)",
        points: POINTS,
        args: vec!["expense".into(), "import".into(), path_arg(&file)],
        pristine,
        measure: "SELECT count(*) FROM expense",
        journal: Journal::Rollback,
    };
    scenario.kill_at_many_points();
}

#[test]
fn a_budget_revision_killed_at_any_point_is_stored_whole_or_not_at_all() {
    let pristine = japan_grant();
    // Staff lowered by 40,000.00 and that sum spread over 4,000 new lines: one revision that
    // writes thousands of rows.
    let mut text = String::from("code,name,category,amount\nSTAFF,,,6000.00\n");
    for i in 0..REVISED_LINES {
        text += &format!("ACT-{i:04},Community activity {i},activities,10.00\n");
    }
    let file = pristine.dir.path().join("revision.csv");
    fs::write(&file, text).unwrap();
    let scenario = Scenario {
        name: "budget revise",
        points: POINTS,
        args: common::sh(&format!(
            "budget revise --grant {JAPAN} --date 2021-10-01 --reason 'Reallocation' --file {}",
            path_arg(&file)
        )),
        pristine,
        measure: "SELECT count(*) FROM budget_amount",
        journal: Journal::Wal,
    };
    scenario.kill_at_many_points();
}

#[test]
fn a_period_close_killed_at_any_point_is_closed_and_audited_or_untouched() {
    let scenario = Scenario {
        name: "period close",
        points: POINTS,
        args: common::sh(&format!("period close --grant {JAPAN} 2021-Q2")),
        pristine: japan_grant(),
        measure: "SELECT count(*) FROM period WHERE status = 'closed'",
        journal: Journal::Wal,
    };
    scenario.kill_at_many_points();
}

/// The Japan grant with five expenses in MAD in April 2021 (#1 to #5, converted at the stored
/// rate of 8.9874), the tranche received (receipt #1).
fn with_expenses() -> common::TestDb {
    let db = japan_grant();
    for i in 1..=5 {
        db.ok_sh(&format!(
            "expense add --grant {JAPAN} --line TRAIN --date 2021-04-1{i} --amount {i}000.00 \
             --currency MAD --payee 'Hotel Rabat' --voucher CR-{i}"
        ));
    }
    db
}

/// A one-row write (or a few rows in one step) on `pristine`, killed at [`POINTS`] points.
fn one_step(name: &'static str, pristine: common::TestDb, line: &str, measure: &'static str) {
    let scenario = Scenario {
        name,
        points: POINTS,
        args: common::sh(line),
        pristine,
        measure,
        journal: Journal::Wal,
    };
    scenario.kill_at_many_points();
}

#[test]
fn a_refund_killed_at_any_point_is_recorded_and_audited_or_untouched() {
    one_step(
        "expense refund",
        with_expenses(),
        "expense refund --of 3 --date 2021-05-02 --amount 1000.00 --voucher CR-3-CN \
         --description 'Rooms cancelled'",
        "SELECT count(*) FROM expense WHERE kind = 'refund'",
    );
}

#[test]
fn a_correction_killed_at_any_point_voids_and_records_both_or_neither() {
    one_step(
        "expense correct",
        with_expenses(),
        "expense correct 2 --amount 200.00 --reason 'Typo: 2000.00 for 200.00'",
        "SELECT count(*) FROM expense WHERE corrects IS NOT NULL",
    );
}

#[test]
fn a_reprice_killed_at_any_point_converts_every_expense_again_or_none() {
    let pristine = with_expenses();
    pristine.ok_sh("fx set --from USD --to MAD --rate 8.90 --valid-from 2021-04-01 --replace");
    one_step(
        "expense reprice",
        pristine,
        &format!("expense reprice --grant {JAPAN} --from 2021-04-01 --to 2021-04-30"),
        "SELECT count(*) FROM expense WHERE corrects IS NOT NULL",
    );
}

#[test]
fn an_amendment_killed_at_any_point_is_recorded_and_audited_or_untouched() {
    one_step(
        "grant amend",
        with_expenses(),
        &format!("grant amend {JAPAN} --amount 150000.00 --date 2021-10-01 --reason 'Top-up'"),
        "SELECT count(*) FROM amendment",
    );
}

#[test]
fn a_receipt_void_killed_at_any_point_is_voided_and_audited_or_untouched() {
    one_step(
        "receipt void",
        with_expenses(),
        "receipt void 1 --reason 'Tranche entered twice'",
        "SELECT count(*) FROM receipt WHERE voided_at IS NOT NULL",
    );
}

fn path_arg(path: &Path) -> String {
    path.to_str().expect("UTF-8 temporary path").to_string()
}
