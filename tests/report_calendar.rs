//! The reporting calendar (issue 16): what each grant owes its donor and when, reports marked
//! sent, and `report due` across grants on either side of a quarter end. Dates worked by hand.
//!
//! EU-MA-2023 runs 2023-02-15..2023-12-31: quarterly reports 30 days after each calendar
//! quarter (Q1 15 Feb..31 Mar due 30 April, Q2 ..30 June due 30 July, Q3 due 30 October, Q4 due
//! 30 January 2024), an interim report on 31 July, the final 90 days after the end (30 March
//! 2024). SHORT-2023 runs 2023-01-01..2023-06-30 with a final report 60 days after its end:
//! 30 June + 60 days = 29 August.

mod common;

use common::{TestDb, field};

fn two_grants() -> TestDb {
    let db = TestDb::new();
    db.ok_sh("donor add --code EU --name 'European Union' --kind multilateral");
    db.ok_sh(
        "project add --code MA-HEALTH --title 'Migrant health in Morocco' \
         --organisation 'IOM Morocco' --countries MA --start 2023-01-01 --end 2023-12-31",
    );
    db.ok_sh(
        "grant add --reference EU-MA-2023 --donor EU --project MA-HEALTH --currency EUR \
         --amount 100000.00 --start 2023-02-15 --end 2023-12-31 --indirect-rate 7",
    );
    db.ok_sh(
        "grant add --reference SHORT-2023 --donor EU --project MA-HEALTH --currency EUR \
         --amount 20000.00 --start 2023-01-01 --end 2023-06-30 --indirect-rate 7",
    );
    db.ok_sh("grant calendar EU-MA-2023 --quarterly-days 30 --final-days 90 --interim 2023-07-31");
    db.ok_sh("grant calendar SHORT-2023 --final-days 60");
    db
}

fn due(db: &TestDb, as_of: &str) -> Vec<(String, String, String, String, String)> {
    db.csv_sh(&format!("report due --as-of {as_of}"))
        .iter()
        .map(|r| {
            let f = |k| field(r, k).to_string();
            (f("grant"), f("report"), f("due"), f("status"), f("days"))
        })
        .collect()
}

fn row(
    grant: &str,
    report: &str,
    due: &str,
    status: &str,
    days: &str,
) -> (String, String, String, String, String) {
    (
        grant.into(),
        report.into(),
        due.into(),
        status.into(),
        days.into(),
    )
}

#[test]
fn a_calendar_names_every_report_and_its_due_date() {
    let db = two_grants();
    let all = db.csv_sh("grant calendar EU-MA-2023 --as-of 2023-01-01");
    let dues: Vec<(&str, &str)> = all
        .iter()
        .map(|r| (field(r, "report"), field(r, "due")))
        .collect();
    assert_eq!(
        dues,
        [
            ("2023-Q1", "2023-04-30"),
            ("2023-Q2", "2023-07-30"),
            ("interim 2023-07-31", "2023-07-31"),
            ("2023-Q3", "2023-10-30"),
            ("2023-Q4", "2024-01-30"),
            ("final", "2024-03-30"),
        ]
    );
    assert_eq!(field(&all[0], "from"), "2023-02-15");
}

#[test]
fn due_and_overdue_across_a_quarter_end() {
    let db = two_grants();
    // Q1 sent on 28 April, before its due date.
    db.ok_sh("grant submitted EU-MA-2023 --report 2023-Q1 --date 2023-04-28 --reference EU/FR/1");
    // 29 June: Q2 runs until tomorrow, SHORT's final until after its end: nothing due.
    assert_eq!(due(&db, "2023-06-29"), []);
    // 30 June, the quarter's last day: Q2 due in 30 days (30 July); SHORT ends today, its
    // final due in 60 days (29 August).
    assert_eq!(
        due(&db, "2023-06-30"),
        [
            row("EU-MA-2023", "2023-Q2", "2023-07-30", "due", "30"),
            row("SHORT-2023", "final", "2023-08-29", "due", "60"),
        ]
    );
    // 31 July: Q2 a day late; the interim report due today; SHORT's final in 29 days.
    assert_eq!(
        due(&db, "2023-07-31"),
        [
            row("EU-MA-2023", "2023-Q2", "2023-07-30", "overdue", "1"),
            row("EU-MA-2023", "interim 2023-07-31", "2023-07-31", "due", "0"),
            row("SHORT-2023", "final", "2023-08-29", "due", "29"),
        ]
    );
    // The portfolio names each grant's next report: Q2 for the one, the final for the other.
    let portfolio = db.csv_sh("report portfolio --as-of 2023-06-30");
    let next = |grant: &str| {
        portfolio
            .iter()
            .find(|r| field(r, "reference") == grant)
            .map(|r| field(r, "next_due").to_string())
    };
    assert_eq!(next("EU-MA-2023").as_deref(), Some("2023-07-30"));
    assert_eq!(next("SHORT-2023").as_deref(), Some("2023-08-29"));
    // Q2 sent late: it leaves the list, and the listing keeps when and under what reference.
    db.ok_sh("grant submitted EU-MA-2023 --report 2023-Q2 --date 2023-08-02 --reference EU/FR/2");
    let after = due(&db, "2023-08-02");
    assert!(after.iter().all(|r| r.1 != "2023-Q2"), "{after:?}");
    let all = db.csv_sh("grant calendar EU-MA-2023 --as-of 2023-08-02");
    assert_eq!(field(&all[1], "status"), "submitted");
    assert_eq!(field(&all[1], "reference"), "EU/FR/2");
}

#[test]
fn only_a_report_the_calendar_asks_for_is_sent_and_only_once() {
    let db = two_grants();
    let before = db.dump();
    let err = db.fails_sh(
        "grant submitted EU-MA-2023 --report 2022-Q4 --date 2023-04-28 --reference X",
        2,
    );
    assert!(err.contains("2023-Q1") && err.contains("final"), "{err}");
    assert_eq!(db.dump(), before);
    db.ok_sh("grant submitted SHORT-2023 --report final --date 2023-08-20 --reference F");
    let err = db.fails_sh(
        "grant submitted SHORT-2023 --report final --date 2023-08-21 --reference F2",
        2,
    );
    assert!(err.contains("already"), "{err}");
}
