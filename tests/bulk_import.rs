//! A large `expense import` builds the reports' index once after its rows (inside its own
//! transaction) instead of entry by entry, and reads its rows on a second thread: the ledger
//! it leaves is the one row-by-row imports leave, `check` finds nothing, and a refusal after
//! the index was dropped leaves the ledger exactly as before, index included.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{JAPAN, TestDb, japan_grant};

/// More rows than the ledger holds and than the least an import rebuilds the index for
/// (10,000): this import drops the index on its way and builds it again.
const ROWS: usize = 12_000;

/// `rows` expenses on the Japan grant from number `first` on, in USD and MAD on every line;
/// the row numbered `bad`, if any, has an amount with a comma.
fn vouchers(dir: &Path, name: &str, first: usize, rows: usize, bad: Option<usize>) -> PathBuf {
    const LINES: [&str; 7] = ["STAFF", "TRAIN", "SERV", "COMM", "TRAV", "MON", "IND"];
    let start = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let mut text = String::from("voucher,grant,line,date,amount,currency,payee\n");
    for i in first..first + rows {
        let date = start + chrono::Days::new((i * 11 % 396) as u64);
        let currency = if i % 3 == 0 { "MAD" } else { "USD" };
        let amount = if Some(i) == bad {
            "\"1,50\"".to_string()
        } else {
            format!("{}.{:02}", 1 + i % 50, i % 100)
        };
        text += &format!(
            "BULK-{i:06},{JAPAN},{},{date},{amount},{currency},Supplier {}\n",
            LINES[i % 7],
            i % 40
        );
    }
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

fn path_arg(path: &Path) -> String {
    path.display().to_string()
}

/// What every report and listing says, and the schema.
fn figures(db: &TestDb) -> Vec<String> {
    let mut out: Vec<String> = [
        "report burn --as-of 2022-06-30 --format csv".to_string(),
        format!("report budget --grant {JAPAN} --as-of 2022-06-30 --format csv"),
        format!("report monthly --grant {JAPAN} --as-of 2022-06-30 --format csv"),
        format!("report donor --grant {JAPAN} --period 2021-Q4 --format csv"),
    ]
    .iter()
    .map(|line| db.ok_sh(line))
    .collect();
    out.extend(
        db.dump()
            .into_iter()
            .filter(|line| line.starts_with("CREATE") || line.starts_with("user_version")),
    );
    out
}

#[test]
fn a_large_import_leaves_the_ledger_row_by_row_imports_leave() {
    let whole = japan_grant();
    let file = vouchers(whole.dir.path(), "all.csv", 0, ROWS, None);
    whole.ok(&["expense", "import", &path_arg(&file)]);
    assert_eq!(whole.count("expense"), ROWS as i64);
    whole.ok(&["check"]);

    // The same rows in parts too small to rebuild the index for: each kept entry by entry.
    let parts = japan_grant();
    for (n, first) in (0..ROWS).step_by(4_000).enumerate() {
        let file = vouchers(
            parts.dir.path(),
            &format!("part{n}.csv"),
            first,
            4_000,
            None,
        );
        parts.ok(&["expense", "import", &path_arg(&file)]);
    }
    parts.ok(&["check"]);
    assert_eq!(figures(&whole), figures(&parts));
}

#[test]
fn a_row_refused_after_the_index_was_dropped_leaves_the_ledger_as_it_was() {
    let db = japan_grant();
    let before = db.dump();
    let file = vouchers(db.dir.path(), "bad.csv", 0, ROWS, Some(ROWS - 5));
    let message = db.fails(&["expense", "import", &path_arg(&file)], 2);
    assert!(
        message.contains(&format!(":{}:5 (amount = \"1,50\")", ROWS - 5 + 2)),
        "{message}"
    );
    assert_eq!(db.dump(), before);
    db.ok(&["check"]);
}

/// Rows converted at rates that are equal as numbers but typed differently (9.02, 9.020) each
/// keep the rate as typed: the import writes a row's rate again only when it changes, and
/// compares it as stored, not as a number.
#[test]
fn each_row_keeps_its_rate_as_typed() {
    let db = japan_grant();
    let typed = ["9.02", "9.020", "9.020", "9.02", "9.0200"];
    let mut text = String::from("voucher,grant,line,date,amount,currency,payee,rate\n");
    for (i, rate) in typed.iter().enumerate() {
        text += &format!("RATE-{i},{JAPAN},STAFF,2021-03-1{i},100.00,MAD,Supplier,{rate}\n");
    }
    let file = db.dir.path().join("rates.csv");
    fs::write(&file, text).unwrap();
    db.ok(&["expense", "import", &path_arg(&file)]);
    let stored: Vec<String> = (1..=typed.len())
        .map(|id| {
            let shown = db.json(&["expense", "show", &id.to_string()]);
            shown["rate"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(stored, typed);
}
