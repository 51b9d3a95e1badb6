//! Reports read the grant as it stood on their as-of date (issue 13): a closed period's donor
//! report printed again after a later no-cost extension and a later top-up is, byte for byte,
//! the report printed before; and every report as of a day before a change reads the ledger
//! as if the change had never been made.

mod common;

use common::{TestDb, field};

const JAPAN: &str = "JP-MA-MHPSS-2021";

/// The demo's Japan grant (2021-Q1 to Q4 closed, 2022-Q1 open) changed after 2021: extended
/// to 2022-06-30 by a decision of 2022-02-10, topped up to 130,000.00 from 2022-01-15, its
/// project working in Tunisia too and its donor renamed from the same day.
fn changed(db: &TestDb) {
    db.ok_sh(&format!(
        "grant extend {JAPAN} --end 2022-06-30 --decided 2022-02-10 \
         --reason 'No-cost extension, letter of 2022-02-10'"
    ));
    db.ok_sh(&format!(
        "grant amend {JAPAN} --amount 130000.00 --indirect-rate 6.5 --date 2022-01-15 \
         --reason 'Top-up, addendum 1'"
    ));
    db.ok_sh(
        "project amend MA-MHPSS --add-country TN --title 'MHPSS for migrants in Morocco and \
         Tunisia' --date 2022-01-15 --reason 'Steering committee of 2022-01-12'",
    );
    db.ok_sh(
        "donor amend JP-GOV --name 'Japan (MOFA)' --date 2022-01-15 --reason 'As the \
         addendum names it'",
    );
}

#[test]
fn a_closed_periods_donor_report_is_the_same_after_a_later_extension_and_top_up() {
    let db = TestDb::demo();
    let report = format!("report donor --grant {JAPAN} --period 2021-Q3");
    let table = db.ok_sh(&report);
    let csv = db.ok_sh(&format!("{report} --format csv"));
    let q4 = db.ok_sh(&format!(
        "report donor --grant {JAPAN} --period 2021-Q4 --format csv"
    ));

    changed(&db);

    assert_eq!(db.ok_sh(&report), table, "table");
    assert_eq!(db.ok_sh(&format!("{report} --format csv")), csv, "csv");
    assert_eq!(
        db.ok_sh(&format!(
            "report donor --grant {JAPAN} --period 2021-Q4 --format csv"
        )),
        q4,
        "the last closed quarter, which ends before every change"
    );
    // The open quarter's report stands after the changes and shows them.
    let open = db.json_sh(&format!("report donor --grant {JAPAN} --period 2022-Q1"));
    let head = &open["report"];
    assert_eq!(head["amount"], "130000.00");
    assert_eq!(head["end"], "2022-06-30");
    assert_eq!(head["original_end"], "2022-03-31");
    assert_eq!(head["donor"], "Japan (MOFA)");
    // By name for the donor, the codes beside them for programs (issue 16).
    assert_eq!(head["countries"], "Morocco, Tunisia");
    assert_eq!(head["country_codes"], "MA, TN");
    assert_eq!(head["project"], "MHPSS for migrants in Morocco and Tunisia");
    assert_eq!(open["indirect"]["rate_pct"], "6.5");
    // The time gone, by hand: 2021-03-01 to 2022-03-31 is 396 days of the 487 to 2022-06-30.
    let budget = db.json_sh(&format!("report budget --grant {JAPAN} --period 2022-Q1"));
    assert_eq!(budget["report"]["time_gone_pct"], "81.3");
}

#[test]
fn the_time_gone_and_the_end_change_on_the_day_the_extension_was_decided() {
    let db = TestDb::demo();
    changed(&db);
    let burn = |day: &str| {
        let rows = db.csv_sh(&format!("report burn --grant {JAPAN} --as-of {day}"));
        let row = &rows[0];
        [
            field(row, "budget").to_string(),
            field(row, "elapsed_pct").to_string(),
            field(row, "end").to_string(),
        ]
    };
    // 2021-03-01 to 2022-02-09 is 346 days of the agreement's 396: 87.4 %.
    assert_eq!(burn("2022-02-09"), ["130000.00", "87.4", "2022-03-31"]);
    // From the decision on, of the 487 days to 2022-06-30: 347 / 487 = 71.3 %.
    assert_eq!(burn("2022-02-10"), ["130000.00", "71.3", "2022-06-30"]);
    // Before the top-up took effect, the amount signed.
    assert_eq!(burn("2022-01-14")[0], "123762.00");
    assert_eq!(burn("2022-01-15")[0], "130000.00");
}

/// An IATI file without the moment it was written, for comparison.
fn without_timestamps(xml: &str) -> String {
    xml.lines()
        .map(|line| match line.find("-datetime=\"") {
            Some(at) => line[..at].to_string(),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_report_as_of_a_day_before_the_changes_reads_the_ledger_without_them() {
    let (before, after) = (TestDb::demo(), TestDb::demo());
    changed(&after);
    let day = "--as-of 2022-01-14";
    for line in [
        format!("report burn {day} --format csv"),
        format!("report burn {day} --in EUR --format json"),
        format!("report portfolio --by country {day} --format csv"),
        format!("report portfolio --by donor {day} --format csv"),
        format!("report budget --grant {JAPAN} {day} --format json"),
        format!("report monthly --grant {JAPAN} {day} --format csv"),
        format!("report donor --grant {JAPAN} --period 2022-Q1 {day} --format json"),
        format!("report burn {day} --format html"),
    ] {
        assert_eq!(before.ok_sh(&line), after.ok_sh(&line), "{line}");
    }
    let iati = format!("export iati --grant {JAPAN} {day}");
    assert_eq!(
        without_timestamps(&before.ok_sh(&iati)),
        without_timestamps(&after.ok_sh(&iati))
    );

    // The day the changes took effect, the same reports read them.
    let burn = after.json_sh("report burn --as-of 2022-03-31 --in EUR");
    let jp = &burn["converted"][0];
    assert_eq!(jp["reference"], JAPAN);
    let old = before.json_sh("report burn --as-of 2022-03-31 --in EUR");
    assert_ne!(jp["budget"], old["converted"][0]["budget"]);
    let by_country = after.csv_sh("report portfolio --by country --as-of 2022-03-31");
    assert!(by_country.iter().any(|r| field(r, "group") == "TN"));
    let xml = after.ok_sh(&format!("export iati --grant {JAPAN} --as-of 2022-03-31"));
    assert!(
        xml.contains(r#"<activity-date type="3" iso-date="2022-06-30">"#),
        "{xml}"
    );
    assert!(
        xml.contains("the agreement&apos;s original end was 2022-03-31"),
        "{xml}"
    );
    assert!(xml.contains("USD 130000.00"), "{xml}");
    assert!(xml.contains(r#"<recipient-country code="TN""#), "{xml}");
    assert!(xml.contains("Japan (MOFA)"), "{xml}");
    // Before the extension was decided, the file knows nothing of it.
    let xml = after.ok_sh(&format!("export iati --grant {JAPAN} --as-of 2022-02-09"));
    assert!(
        xml.contains(r#"<activity-date type="3" iso-date="2022-03-31"/>"#),
        "{xml}"
    );
    assert!(!xml.contains("original end"), "{xml}");
}

#[test]
fn the_closed_last_quarter_keeps_its_final_budget_after_the_extension_is_budgeted() {
    let db = TestDb::demo();
    db.ok_sh(&format!("period close --grant {JAPAN} 2022-Q1"));
    let report = format!("report donor --grant {JAPAN} --period 2022-Q1");
    let table = db.ok_sh(&report);
    let csv = db.ok_sh(&format!("{report} --format csv"));

    db.ok_sh(&format!(
        "grant extend {JAPAN} --end 2022-09-30 --decided 2022-04-10 --reason 'Letter'"
    ));
    db.ok_sh(&format!(
        "grant amend {JAPAN} --amount 140000.00 --date 2022-04-15 --reason 'Top-up'"
    ));
    db.ok_sh(&format!(
        "budget revise --grant {JAPAN} --date 2022-05-01 --reason 'Extension budget' \
         --line STAFF=60000.00"
    ));

    // The quarter reached the grant's end then, and read the final budget of that day.
    assert_eq!(db.ok_sh(&report), table, "table");
    assert_eq!(db.ok_sh(&format!("{report} --format csv")), csv, "csv");
    let later = db.json_sh(&format!("report budget --grant {JAPAN} --as-of 2022-06-30"));
    assert_eq!(later["report"]["budget_revision"], "2");
    assert_eq!(later["report"]["to"], "2022-06-30");
}
