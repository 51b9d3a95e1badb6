//! Listings and reports fit an 80-column screen (or page) by default: a table too wide leaves
//! its least needed columns out, the rest stays whole; `--wide` shows every column.

mod common;

use common::{JAPAN, TestDb};

const EIGHTY: &[&str] = &[
    "grant list",
    "expense list",
    "expense list --include-void",
    "receipt list --include-void",
    "fx list",
    "period list",
    "audit",
    "donor list",
    "project list",
    "report burn --as-of 2022-01-15",
    "report portfolio --as-of 2022-01-15",
    "report portfolio --as-of 2023-01-31 --by country",
    "report budget --grant JP-MA-MHPSS-2021 --as-of 2022-01-15",
    "report donor --grant JP-MA-MHPSS-2021 --period 2021-Q3",
    "report monthly --grant JP-MA-MHPSS-2021",
    "report monthly --grant REG-NA-2022 --as-of 2023-06-30",
    "match list --grant JP-MA-MHPSS-2021 --all",
    "grant match JP-MA-MHPSS-2021",
    "report donor --grant JP-MA-MHPSS-2021 --period 2021-Q4",
];

fn at_80(db: &TestDb, line: &str) -> String {
    let out = assert_cmd::Command::cargo_bin("grantbook")
        .unwrap()
        .env_remove("GRANTBOOK_DB")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .arg("--db")
        .arg(db.target())
        .args(common::sh(line))
        .output()
        .unwrap();
    common::explain_unless(&out, 0, &common::sh(line));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_listing_and_report_fits_eighty_columns() {
    let db = TestDb::demo();
    for line in EIGHTY {
        let shown = at_80(&db, line);
        for row in shown.lines() {
            assert!(
                row.chars().count() <= 80,
                "`{line}` prints {} columns:\n{row}",
                row.chars().count()
            );
        }
    }
}

#[test]
fn wide_shows_every_column_and_narrow_keeps_the_figures() {
    let db = TestDb::demo();
    let narrow = at_80(&db, &format!("expense list --grant {JAPAN}"));
    let header = narrow.lines().next().unwrap();
    for kept in [
        "Id",
        "Date",
        "Voucher",
        "Payee",
        "Amount",
        "Cur",
        "In grant cur",
    ] {
        assert!(header.contains(kept), "{kept} missing from {header}");
    }
    assert!(!header.contains("Rate"), "{header}");
    let wide = at_80(&db, &format!("expense list --grant {JAPAN} --wide"));
    let header = wide.lines().next().unwrap();
    for all in ["Grant", "Line", "Rate", "Grant cur", "Ctry", "Status"] {
        assert!(header.contains(all), "{all} missing from --wide: {header}");
    }
    // The same rows either way: a narrow table leaves columns out, never entries.
    let rows = |text: &str| text.lines().filter(|l| l.contains("MA-20")).count();
    assert_eq!(rows(&narrow), rows(&wide));
}

#[test]
fn an_expense_listing_ends_with_its_total_in_the_table_only() {
    let db = common::japan_grant();
    for (voucher, amount) in [("T-1", "100.00"), ("T-2", "250.50"), ("T-3", "999.99")] {
        db.ok_sh(&format!(
            "expense add --grant {JAPAN} --line MON --date 2021-04-02 --amount {amount} \
             --payee Printing --voucher {voucher}"
        ));
    }
    let listed = db.csv_sh("expense list --voucher T-3");
    let id = common::field(&listed[0], "id").to_string();
    db.ok_sh(&format!("expense void {id} --reason 'Entered twice'"));
    // Hand-added: 100.00 + 250.50; the voided 999.99 counts nothing.
    let shown = at_80(&db, &format!("expense list --grant {JAPAN} --include-void"));
    let total = shown.lines().find(|l| l.contains("Total")).unwrap();
    assert!(total.contains("350.50"), "{shown}");
    assert!(
        !shown.contains("1,350.49"),
        "the voided entry counts nothing: {shown}"
    );
    // CSV and JSON are the data: the rows alone.
    assert_eq!(db.csv_sh("expense list --include-void").len(), 3);
}

#[test]
fn the_monthly_report_puts_plan_against_spend_first_and_its_lines_after() {
    let db = TestDb::demo();
    let line = "report monthly --grant REG-NA-2022 --as-of 2023-06-30";
    let narrow = at_80(&db, line);
    let header = narrow.lines().nth(2).unwrap();
    for kept in ["Month", "Total", "Cumulative", "Plan", "Variance", "Used %"] {
        assert!(header.contains(kept), "{kept} missing from {header}");
    }
    // Every line's column in one of the tables after it, each month in each of those.
    let lines = ["STAFF", "WSCHOOL", "HEALTH", "PROT", "TRAV", "MEAL", "IND"];
    let parts: Vec<&str> = narrow.split("by budget line (").skip(1).collect();
    assert!(parts.len() >= 2, "{narrow}");
    for code in lines {
        let found = parts
            .iter()
            .filter(|p| {
                p.lines()
                    .nth(1)
                    .is_some_and(|h| h.split_whitespace().any(|w| w == code))
            })
            .count();
        assert_eq!(found, 1, "{code} in {found} tables:\n{narrow}");
    }
    for part in &parts {
        assert_eq!(part.matches("2023-0").count(), 6, "{part}");
    }
    // --wide: the one table, lines and all.
    let wide = at_80(&db, &format!("{line} --wide"));
    assert!(!wide.contains("by budget line ("), "{wide}");
    let header = wide.lines().find(|l| l.starts_with("Month ")).unwrap();
    assert!(
        header.contains("STAFF") && header.contains("Used %"),
        "{header}"
    );
}
