//! Donor categories (issue 16): a donor's reporting categories, each budget line of its grant
//! mapped to one, and the budget and donor reports printed by them, their totals the line
//! table's to the cent. Figures worked by hand.
//!
//! The Japan grant (USD 123,762.00, seven lines) in five illustrative categories: 1 Personnel
//! (STAFF), 2 Programme activities (TRAIN + SERV + COMM), 3 Travel (TRAV), 4 Monitoring and
//! evaluation (MON), 5 Indirect costs (IND). In 2021-Q2: STAFF 5,000.00; TRAIN 1,390.84 (MAD
//! 12,500.00 at 8.9874); SERV 3,000.00 less a 500.00 refund; COMM 350.00; TRAV 750.25.

mod common;

use common::sheets::{csv_sections, same_as_csv};
use common::{JAPAN, TestDb, field, japan_grant};

const G: &str = JAPAN;

const CATEGORIES: &[(&str, &str)] = &[
    ("1", "Personnel"),
    ("2", "Programme activities"),
    ("3", "Travel"),
    ("4", "Monitoring and evaluation"),
    ("5", "Indirect costs"),
];

const MAP_ALL: &str = "STAFF:1 TRAIN:2 SERV:2 COMM:2 TRAV:3 MON:4 IND:5";

fn with_categories() -> TestDb {
    let db = japan_grant();
    for (code, name) in CATEGORIES {
        db.ok_sh(&format!(
            "donor category add --donor JP-GOV --code {code} --name '{name}'"
        ));
    }
    db.ok_sh("donor add --code US-GOV --name 'United States Government' --country US");
    db.ok_sh("donor category add --donor US-GOV --code a --name Personnel");
    let expenses = [
        "--line STAFF --date 2021-04-30 --amount 5000.00 --payee Payroll --voucher V-1",
        "--line TRAIN --date 2021-04-15 --amount 12500.00 --currency MAD --payee Hotel \
         --voucher V-2",
        "--line SERV --date 2021-05-10 --amount 3000.00 --payee Clinic --voucher V-3",
        "--line COMM --date 2021-05-03 --amount 350.00 --payee 'Print shop' --voucher V-4",
        "--line TRAV --date 2021-06-01 --amount 750.25 --payee Taxi --voucher V-5",
    ];
    for rest in expenses {
        db.ok_sh(&format!("expense add --grant {G} {rest}"));
    }
    db.ok_sh("expense refund --of 3 --date 2021-06-20 --amount 500.00 --voucher CN-1");
    db
}

/// The rows of the CSV section whose header starts with `first`, as (column, value) pairs.
fn section(text: &str, first: &str) -> Vec<Vec<(String, String)>> {
    let sections = csv_sections(text);
    let rows = sections
        .iter()
        .find(|s| {
            s.first()
                .is_some_and(|h| h.first().is_some_and(|c| c == first))
        })
        .unwrap_or_else(|| panic!("no section led by {first} in {text}"));
    rows[1..]
        .iter()
        .map(|row| rows[0].iter().cloned().zip(row.iter().cloned()).collect())
        .collect()
}

fn cents(text: &str) -> i64 {
    let (units, minor) = text.split_once('.').unwrap_or((text, "00"));
    let sign = if units.starts_with('-') { -1 } else { 1 };
    sign * (units.trim_start_matches('-').parse::<i64>().unwrap() * 100
        + minor.parse::<i64>().unwrap())
}

#[test]
fn lines_map_only_to_their_donors_categories_all_or_nothing() {
    let db = with_categories();
    let before = db.dump();
    let err = db.fails_sh(&format!("budget map --grant {G} STAFF:1 TRAIN:a"), 2);
    assert!(
        err.contains("funded by JP-GOV, which has no category \"a\""),
        "{err}"
    );
    assert!(err.contains("a is a category of US-GOV"), "{err}");
    let err = db.fails_sh(&format!("budget map --grant {G} STAFF:1 NOPE:1"), 2);
    assert!(err.contains("has no budget line \"NOPE\""), "{err}");
    let err = db.fails_sh(&format!("budget map --grant {G} STAFF:1 STAFF:2"), 2);
    assert!(err.contains("given twice"), "{err}");
    let err = db.fails_sh(&format!("budget map --grant {G} STAFF"), 2);
    assert!(err.contains("LINE:CATEGORY"), "{err}");
    assert_eq!(
        db.dump(),
        before,
        "a refused mapping writes nothing, the good pairs neither"
    );

    let shown = db.csv_sh(&format!("budget map --grant {G} STAFF:1 SERV:2"));
    let category = |line: &str| {
        let row = shown.iter().find(|r| field(r, "line") == line).unwrap();
        field(row, "category").to_string()
    };
    assert_eq!(
        (category("STAFF"), category("SERV"), category("MON")),
        ("1".into(), "2".into(), "(not mapped)".into())
    );
    // A line mapped again moves; the audit log keeps both.
    db.ok_sh(&format!("budget map --grant {G} SERV:3"));
    db.ok_sh(&format!("budget map --grant {G} SERV:2"));
    let log = db.csv_sh("audit --limit 1");
    assert_eq!(field(&log[0], "entity"), "line_category");
    assert_eq!(field(&log[0], "key"), format!("{G} SERV"));
    assert_eq!(field(&log[0], "before"), "\"3\"");

    // A category in use stays; one unused goes.
    let err = db.fails_sh("donor category remove --donor JP-GOV --code 1", 2);
    assert!(err.contains(&format!("{G} STAFF")), "{err}");
    db.ok_sh("donor category add --donor JP-GOV --code 9 --name Spare");
    let err = db.fails_sh("donor category add --donor JP-GOV --code 9 --name Again", 2);
    assert!(err.contains("already has category 9 (Spare)"), "{err}");
    let left = db.csv_sh("donor category remove --donor JP-GOV --code 9");
    let codes: Vec<&str> = left.iter().map(|r| field(r, "code")).collect();
    assert_eq!(codes, ["1", "2", "3", "4", "5"]);
}

#[test]
fn unmapped_lines_refuse_the_report_by_category_naming_them() {
    let db = with_categories();
    db.ok_sh(&format!("budget map --grant {G} STAFF:1 TRAIN:2 SERV:2"));
    for report in [
        format!("report donor --grant {G} --period 2021-Q2 --by category"),
        format!("report budget --grant {G} --period 2021-Q2 --by category"),
    ] {
        let err = db.fails_sh(&report, 2);
        assert!(
            err.contains("COMM (Awareness materials), TRAV (Travel and field visits), MON"),
            "{err}"
        );
        assert!(
            err.contains(&format!("grantbook budget map --grant {G} COMM:1")),
            "{err}"
        );
    }
    // By line (the default) it prints as ever.
    db.ok_sh(&format!("report donor --grant {G} --period 2021-Q2"));
    db.ok_sh(&format!("budget map --grant {G} {MAP_ALL}"));
    db.ok_sh(&format!("budget map --grant {G} --unmap MON"));
    let err = db.fails_sh(
        &format!("report donor --grant {G} --period 2021-Q2 --by category"),
        2,
    );
    assert!(err.contains("MON (Monitoring and evaluation)"), "{err}");
}

#[test]
fn by_category_totals_are_the_line_tables_to_the_cent_in_every_format() {
    let db = with_categories();
    db.ok_sh(&format!("budget map --grant {G} {MAP_ALL}"));
    let report = format!("report donor --grant {G} --period 2021-Q2");
    let by_line = section(&db.ok_sh(&format!("{report} --format csv")), "line");
    let by_category = section(
        &db.ok_sh(&format!("{report} --by category --format csv")),
        "category",
    );
    let total =
        |rows: &[Vec<(String, String)>], key: &str| field(rows.last().unwrap(), key).to_string();
    for key in [
        "budget",
        "spent_period",
        "spent_to_date",
        "balance",
        "expected_to_date",
    ] {
        assert_eq!(total(&by_line, key), total(&by_category, key), "{key}");
        let sum: i64 = by_category[..by_category.len() - 1]
            .iter()
            .map(|r| cents(field(r, key)))
            .sum();
        assert_eq!(sum, cents(&total(&by_category, key)), "{key} adds up");
    }
    // By hand: 2 = TRAIN 1,390.84 + SERV 3,000.00 − 500.00 refunded + COMM 350.00 = 4,240.84
    // against 21,500.00 + 24,000.00 + 9,800.00 = 55,300.00; the quarter spent 5,000.00 +
    // 4,240.84 + 750.25 = 9,991.09.
    let two = &by_category[1];
    assert_eq!(
        (
            field(two, "category"),
            field(two, "name"),
            field(two, "lines")
        ),
        ("2", "Programme activities", "TRAIN SERV COMM")
    );
    assert_eq!(
        (field(two, "budget"), field(two, "spent_period")),
        ("55300.00", "4240.84")
    );
    assert_eq!(total(&by_category, "spent_period"), "9991.09");
    assert_eq!(total(&by_category, "budget"), "123762.00");
    let codes: Vec<&str> = by_category.iter().map(|r| field(r, "category")).collect();
    assert_eq!(codes, ["1", "2", "3", "4", "5", "TOTAL"]);

    let json = db.json_sh(&format!("{report} --by category"));
    let lines = db.json_sh(&report);
    let last = |v: &serde_json::Value, key: &str| {
        v[key]
            .as_array()
            .and_then(|rows| rows.last())
            .cloned()
            .unwrap()
    };
    for key in ["budget", "spent_period", "spent_to_date"] {
        assert_eq!(
            last(&json, "categories")[key],
            last(&lines, "lines")[key],
            "{key}"
        );
    }
    assert!(
        json.get("lines").is_none(),
        "the line table is replaced, not repeated"
    );

    let text = db.ok_sh(&format!("{report} --by category"));
    for line in text.lines() {
        assert!(
            line.chars().count() <= 80,
            "wider than 80 columns: {line:?}"
        );
    }
    assert!(
        text.contains("Budget against expenditure by the donor's categories"),
        "{text}"
    );
    assert!(text.contains("2 = TRAIN + SERV + COMM"), "{text}");
    let total_row = |t: &str| {
        t.lines().find(|l| l.starts_with("TOTAL")).map(|l| {
            l.split_whitespace()
                .skip(1)
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    let by_line_text = db.ok_sh(&report);
    assert_eq!(total_row(&text), total_row(&by_line_text));
    assert_eq!(
        total_row(&text).as_deref(),
        Some("123,762.00 9,991.09 9,991.09")
    );

    let html = db.ok_sh(&format!("{report} --by category --format html"));
    assert!(html.contains("Programme activities"), "{html}");
    let budget = db.ok_sh(&format!(
        "report budget --grant {G} --period 2021-Q2 --by category --format csv"
    ));
    let rows = section(&budget, "category");
    assert_eq!(total(&rows, "spent_period"), "9991.09");
}

#[test]
fn export_and_import_keep_the_categories_and_the_mapping() {
    let db = with_categories();
    // A line a revision added is mapped too, and loads after the revision that makes it.
    db.ok_sh(&format!(
        "budget revise --grant {G} --date 2021-07-01 --reason 'External evaluation' \
         --line MON=6165.42 --new-line 'EVAL:other:2000.00:External evaluation'"
    ));
    db.ok_sh(&format!("budget map --grant {G} {MAP_ALL} EVAL:4"));
    for format in ["csv", "json"] {
        let out = db.dir.path().join(format!("export-{format}"));
        let dir = out.to_str().unwrap();
        db.ok(&["export", "--all", "--out", dir, "--format", format]);
        let copy = TestDb::new();
        copy.ok(&["import", dir]);
        for line in [
            "donor category list --donor JP-GOV --format csv".to_string(),
            "donor category list --donor US-GOV --format csv".to_string(),
            format!("budget map --grant {G} --format csv"),
            format!("report donor --grant {G} --period 2021-Q3 --by category --format csv"),
        ] {
            assert_eq!(copy.ok_sh(&line), db.ok_sh(&line), "{format}: {line}");
        }
    }
}

#[test]
fn the_demos_japan_grant_prints_by_its_donors_categories_in_a_workbook_too() {
    let db = TestDb::demo();
    let report = [
        "report", "donor", "--grant", G, "--period", "2021-Q3", "--by", "category",
    ];
    let file = db.dir.path().join("q3.xlsx");
    let mut args = report.to_vec();
    args.extend(["--format", "xlsx", "--out", file.to_str().unwrap()]);
    db.ok(&args);
    let mut csv_args = report.to_vec();
    csv_args.extend(["--format", "csv"]);
    let csv = db.ok(&csv_args);
    let sheets = [
        "report",
        "receipts",
        "categories",
        "indirect",
        "cash",
        "cost_share",
        "contributions",
        "refunds",
        "voids",
        "rate_changes",
    ];
    same_as_csv(&file, &csv, &sheets);
    // The demo's figures by line are unchanged, and by category add up to them.
    let rows = section(&csv, "category");
    let codes: Vec<&str> = rows.iter().map(|r| field(r, "category")).collect();
    assert_eq!(codes, ["1", "2", "3", "4", "5", "TOTAL"]);
    let by_line = section(
        &db.ok_sh(&format!(
            "report donor --grant {G} --period 2021-Q3 --format csv"
        )),
        "line",
    );
    let total =
        |rows: &[Vec<(String, String)>], key: &str| field(rows.last().unwrap(), key).to_string();
    assert_eq!(total(&rows, "spent_to_date"), "58566.33");
    assert_eq!(total(&by_line, "spent_to_date"), "58566.33");
    assert_eq!(
        total(&rows, "spent_period"),
        total(&by_line, "spent_period")
    );
}
