//! Crash safety: a write killed with SIGKILL at any moment leaves a database that passes
//! `PRAGMA integrity_check`, still opens with grantbook, and holds exactly the state before the
//! command or exactly the state after it, never a part. Run for a large `expense import`, a
//! `budget revise` of thousands of lines from a file and a `period close`, each killed at 23
//! points: while it starts, across its work, inside its commit, after the commit and after
//! the exit (see `kill::kill_points`).
//!
//! Kill points follow the command's progress, not the clock alone, so that a busy machine
//! does not push them all past the end: work before the commit is measured in the CPU time
//! the process has used (read from /proc on Linux; elsewhere the clock stands in), the commit
//! in the bytes its WAL holds.

#![cfg(unix)]

#[path = "../common/mod.rs"]
mod common;
mod kill;
mod timeless;

use std::fs;
use std::path::{Path, PathBuf};

use common::{JAPAN, japan_grant};
use kill::Scenario;

/// Rows in the large import: in a debug build an uninterrupted import takes 0.7 s of CPU and
/// writes 2.6 MB of WAL in its commit, room for kills at many distinct points (they are placed
/// by progress, not by the clock), while its 24 runs keep this file within a minute on a busy
/// two-core machine.
const IMPORT_ROWS: usize = 15_000;
/// New budget lines in the revision read from a file, 10.00 each.
const REVISED_LINES: usize = 4_000;

/// `count` valid expenses on the Japan grant as a CSV file: dates across the grant, USD and
/// MAD, every budget line. Only validity matters here, not the spread `import_export` needs.
fn vouchers_csv(dir: &Path, count: usize) -> PathBuf {
    const LINES: [&str; 7] = ["STAFF", "TRAIN", "SERV", "COMM", "TRAV", "MON", "IND"];
    let start = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let mut text = String::from("voucher,grant,line,date,amount,currency,payee,description\n");
    for i in 0..count {
        let date = start + chrono::Days::new((i * 7 % 396) as u64);
        let currency = if i % 3 == 0 { "MAD" } else { "USD" };
        text += &format!(
            "CR-{i:06},{JAPAN},{},{date},{}.{:02},{currency},Supplier {},Crash test expense {i}\n",
            LINES[i % 7],
            1 + i % 20,
            i % 100,
            i % 40
        );
    }
    let path = dir.join("vouchers.csv");
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn an_import_killed_at_any_point_leaves_none_or_all_of_its_rows() {
    let pristine = japan_grant();
    let file = vouchers_csv(pristine.dir.path(), IMPORT_ROWS);
    let scenario = Scenario {
        name: "expense import",
        args: vec!["expense".into(), "import".into(), path_arg(&file)],
        pristine,
        measure: "SELECT count(*) FROM expense",
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
        args: common::sh(&format!(
            "budget revise --grant {JAPAN} --date 2021-10-01 --reason 'Reallocation' --file {}",
            path_arg(&file)
        )),
        pristine,
        measure: "SELECT count(*) FROM budget_amount",
    };
    scenario.kill_at_many_points();
}

#[test]
fn a_period_close_killed_at_any_point_is_closed_and_audited_or_untouched() {
    let scenario = Scenario {
        name: "period close",
        args: common::sh(&format!("period close --grant {JAPAN} 2021-Q2")),
        pristine: japan_grant(),
        measure: "SELECT count(*) FROM period WHERE status = 'closed'",
    };
    scenario.kill_at_many_points();
}

fn path_arg(path: &Path) -> String {
    path.to_str().expect("UTF-8 temporary path").to_string()
}
