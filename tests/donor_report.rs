//! The donor report beyond its figures (issue 16, item 4): interest earned on the donor's money
//! recorded as its own kind of receipt and shown apart, a variance note per line kept with the
//! period and printed beside the line, and a notice at the head of a report whose period was
//! reopened and changed after it was first closed; the same figures in text (80 columns),
//! CSV, JSON and HTML. Figures worked by hand.
//!
//! The Japan grant (USD 123,762.00, all received on 2021-03-15 as tranche T1). In 2021-Q3:
//! SERV 5,000.00 (V-301) and COMM 310.40 (V-302); the quarter is closed; then reopened for a
//! late invoice: COMM 1,250.00 (V-303) recorded, V-302 voided, interest of 41.27 received;
//! closed again. Spent to date 5,000.00 + 1,250.00 = 6,250.00; the change since the first
//! closing 1,250.00 − 310.40 = 939.60; cash 123,762.00 + 41.27 − 6,250.00 = 117,553.27.

mod common;

use common::donor::{MON_NOTE, SERV_NOTE, reopened_quarter};
use common::{TestDb, field};

const G: &str = "JP-MA-MHPSS-2021";
const REPORT: &str = "report donor --grant JP-MA-MHPSS-2021 --period 2021-Q3";
#[test]
fn interest_is_income_apart_from_the_donors_tranches() {
    let db = reopened_quarter();
    let report = db.json_sh(REPORT);
    let cash = &report["cash"];
    assert_eq!(cash["received_to_date"], "123762.00");
    assert_eq!(cash["received_period"], "0.00");
    assert_eq!(cash["other_income_period"], "41.27");
    assert_eq!(cash["other_income_to_date"], "41.27");
    assert_eq!(cash["spent_to_date"], "6250.00");
    assert_eq!(cash["cash_balance"], "117553.27");
    assert_eq!(cash["grant_balance"], "117512.00");
    let kinds: Vec<&str> = report["receipts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["tranche", "interest"]);
    let listed = db.csv_sh(&format!("receipt list --grant {G}"));
    assert_eq!(field(&listed[1], "kind"), "interest");

    // IATI's incoming funds are the donor's: the interest is not among them.
    let xml = db.ok(&["export", "iati", "--grant", G]);
    assert_eq!(
        xml.matches("<transaction-type code=\"1\"").count(),
        1,
        "{xml}"
    );

    // The kind goes out with `export --all` and comes back with `import`.
    let dir = db.dir.path().join("export");
    db.ok(&["export", "--all", "--out", dir.to_str().unwrap()]);
    let copy = TestDb::new();
    copy.ok(&["import", dir.to_str().unwrap()]);
    let again = copy.json_sh(REPORT);
    assert_eq!(again["cash"], report["cash"]);
    assert_eq!(again["lines"], report["lines"], "the notes came along");
}

#[test]
fn variance_notes_stand_beside_their_lines_in_every_format() {
    let db = reopened_quarter();
    let json = db.json_sh(REPORT);
    let note_of = |line: &str| {
        json["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["line"] == line)
            .map(|l| l["note"].as_str().unwrap_or("").to_string())
            .unwrap()
    };
    assert_eq!(note_of("MON"), MON_NOTE);
    assert_eq!(
        note_of("SERV"),
        SERV_NOTE,
        "the second note replaced the draft"
    );
    assert_eq!(note_of("STAFF"), "");

    let csv = db.ok_sh(&format!("{REPORT} --format csv"));
    assert!(csv.contains(&format!(",{MON_NOTE}")), "{csv}");

    // On 80 columns the notes follow the table, only the lines that have one.
    let text = db.ok_sh(REPORT);
    let notes = text.split("Variance notes").nth(1).expect("a notes table");
    let notes = notes.split("\n\n").next().unwrap();
    assert!(notes.contains("MON") && notes.contains("SERV"), "{notes}");
    assert!(
        !notes.contains("STAFF") && !notes.contains("TOTAL"),
        "{notes}"
    );
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "over 80 columns: {line:?}");
    }

    // In HTML, beside the line, and the page's running header names the organisation.
    let html = db.ok_sh(&format!("{REPORT} --format html"));
    let mon_row = html
        .split("<tr")
        .find(|row| row.contains(">MON<"))
        .expect("a MON row");
    assert!(mon_row.contains(MON_NOTE), "{mon_row}");
    assert!(
        html.contains("<span>IOM Morocco</span></div>"),
        "running header"
    );

    // Cleared, the line has no note and the audit log says who set and removed it.
    db.ok_sh(&format!(
        "period note --grant {G} 2021-Q3 --line SERV --clear"
    ));
    let listed = db.csv_sh(&format!("period note --grant {G} 2021-Q3"));
    assert_eq!(listed.len(), 1);
    assert_eq!(field(&listed[0], "line"), "MON");
    let audit = db.csv_sh("audit --entity period_note");
    let actions: Vec<&str> = audit.iter().map(|r| field(r, "action")).collect();
    assert_eq!(actions, ["remove", "set", "add", "add"], "newest first");

    // A line the grant lacks, or no text: refused, nothing written.
    let before = db.dump();
    let err = db.fails_sh(
        &format!("period note --grant {G} 2021-Q3 --line NOPE --text 'x'"),
        2,
    );
    assert!(err.contains("NOPE"), "{err}");
    let err = db.fails_sh(&format!("period note --grant {G} 2021-Q3 --line MON"), 2);
    assert!(err.contains("--text") && err.contains("--clear"), "{err}");
    assert_eq!(db.dump(), before);
}

#[test]
fn a_report_on_books_reopened_after_closing_says_what_changed() {
    let db = reopened_quarter();
    let text = db.ok_sh(REPORT);
    let head = text.split("Receipts to date").next().unwrap();
    assert!(
        head.contains("Notice: the books of this period were reopened"),
        "{head}"
    );
    let flat = head.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("(Late invoice from the printer)"), "{flat}");
    assert!(
        flat.contains(
            "1 expense recorded, 1 expense voided, 1 receipt recorded; its spend changed by \
             939.60 USD"
        ),
        "{flat}"
    );

    let json = db.json_sh(REPORT);
    let closings: Vec<&str> = json["closings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(closings, ["closed", "reopened", "closed"]);
    assert_eq!(
        json["closings"][1]["reason"],
        "Late invoice from the printer"
    );
    let changes: Vec<(String, String, String)> = json["changed_after_closing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_string();
            (s("change"), s("reference"), s("amount"))
        })
        .collect();
    let expected = [
        ("receipt added", "INT-2021-09", "41.27"),
        ("expense added", "V-303", "1250.00"),
        ("expense voided", "V-302", "310.40"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(changes, expected);

    // The quarter before was closed once and never reopened: no notice.
    let q2 = db.ok_sh(&format!("report donor --grant {G} --period 2021-Q2"));
    assert!(!q2.contains("reopened"), "{q2}");
    db.ok_sh(&format!("period close --grant {G} 2021-Q2"));
    let q2 = db.json_sh(&format!("report donor --grant {G} --period 2021-Q2"));
    assert!(q2.get("closings").is_none(), "{q2}");
}

#[test]
fn rules_calendar_approvals_and_notes_survive_export_and_import() {
    let db = reopened_quarter();
    db.ok_sh("donor rules JP-GOV --reallocation-limit 10 --basis total --indirect-cap 7");
    db.ok_sh(&format!(
        "grant rules {G} --reallocation-limit 20 --basis line"
    ));
    // SERV 24,000.00 → 18,000.00 and TRAV 6,200.00 → 12,200.00: 6,000 of 24,000 is 25 % of
    // the line, past the grant's 20 %: it needs (and keeps) the donor's letter.
    db.ok_sh(&format!(
        "budget revise --grant {G} --date 2021-10-01 --reason 'More field visits' \
         --line SERV=18000.00 --line TRAV=12200.00 --approved-by 'MOFA letter 2021/88'"
    ));
    db.ok_sh(&format!(
        "grant calendar {G} --quarterly-days 30 --final-days 90 --interim 2021-09-15"
    ));
    db.ok_sh(&format!(
        "grant submitted {G} --report 2021-Q2 --date 2021-07-28 --reference EMB/2021/7"
    ));
    let shown = |db: &TestDb| {
        [
            "donor rules JP-GOV",
            &format!("grant rules {G}"),
            &format!("budget list --grant {G} --revisions"),
            &format!("grant calendar {G} --as-of 2021-12-31"),
            &format!("period note --grant {G} 2021-Q3"),
        ]
        .map(|line| {
            let csv = db.ok_sh(&format!("{line} --format csv"));
            // When a revision was recorded is when it was loaded: the rest must be as it was.
            csv.lines()
                .map(|row| row.split(",recorded_at").next().unwrap())
                .map(|row| match row.rsplit_once(',') {
                    Some((rest, at)) if at.ends_with('Z') => rest,
                    _ => row,
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    };
    let before = shown(&db);
    assert!(before[2].contains("MOFA letter 2021/88"), "{}", before[2]);
    assert!(before[3].contains("EMB/2021/7"), "{}", before[3]);

    let dir = db.dir.path().join("export");
    db.ok(&["export", "--all", "--out", dir.to_str().unwrap()]);
    let copy = TestDb::new();
    copy.ok(&["import", dir.to_str().unwrap()]);
    assert_eq!(shown(&copy), before);
}

#[test]
fn by_the_donors_categories_the_notes_follow_under_their_lines() {
    let db = reopened_quarter();
    db.ok_sh("donor category add --donor JP-GOV --code A --name 'Personnel and services'");
    db.ok_sh("donor category add --donor JP-GOV --code B --name 'Everything else'");
    db.ok_sh(&format!(
        "budget map --grant {G} STAFF:A SERV:A TRAIN:B COMM:B TRAV:B MON:B IND:B"
    ));
    let json = db.json_sh(&format!("{REPORT} --by category"));
    let notes = json["variance_notes"].as_array().expect("the notes apart");
    let lines: Vec<&str> = notes.iter().map(|n| n["line"].as_str().unwrap()).collect();
    assert_eq!(lines, ["SERV", "MON"]);
    assert_eq!(notes[1]["note"], MON_NOTE);
    let text = db.ok_sh(&format!("{REPORT} --by category"));
    assert!(text.contains("Variance notes, by budget line"), "{text}");
}

/// Every section CSV carries, JSON carries under the same key with the same values, field for
/// field and row for row: one set of figures, two formats.
#[test]
fn csv_and_json_carry_the_same_figures() {
    let db = reopened_quarter();
    let json = db.json_sh(REPORT);
    let csv = db.ok_sh(&format!("{REPORT} --format csv"));
    let sections = common::sheets::csv_sections(&csv);
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(sections.len(), keys.len(), "{keys:?}");
    for (key, section) in keys.iter().zip(&sections) {
        let rows: Vec<&serde_json::Map<String, serde_json::Value>> = match &json[key.as_str()] {
            serde_json::Value::Array(rows) => rows.iter().map(|r| r.as_object().unwrap()).collect(),
            serde_json::Value::Object(record) => vec![record],
            other => panic!("{key}: {other}"),
        };
        let (header, values) = section.split_first().expect("a header");
        assert_eq!(values.len(), rows.len(), "{key}: rows");
        for (csv_row, json_row) in values.iter().zip(&rows) {
            for (column, cell) in header.iter().zip(csv_row) {
                let value = match &json_row[column.as_str()] {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                assert_eq!(&value, cell, "{key}.{column}");
            }
        }
    }
    assert!(
        keys.iter().any(|k| *k == "changed_after_closing"),
        "{keys:?}"
    );
}
