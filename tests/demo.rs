//! `grantbook demo`: the README's main command. The totals below were worked out from the
//! fixture CSVs by an independent script (Python's decimal module, each expense converted and
//! rounded half up to the cent), not copied from grantbook's output.

mod common;

use common::{TestDb, field, run_raw};

#[test]
fn demo_builds_the_two_public_cases_and_prints_their_spend() {
    let db = TestDb::uninitialised();
    let out = run_raw(&["demo", db.path.to_str().unwrap()], None);
    common::explain_unless(&out, 0, &["demo"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(db.path.to_str().unwrap()),
        "says where the database is: {stderr}"
    );
    for figure in [
        "JP-MA-MHPSS-2021",
        "123,762.00",
        // 111,069.78 before the shared Rabat rent, + MAD 10,800.00 / 9.2580 = 1,166.56
        "112,236.34",
        "REG-NA-2022",
        // 1,336,604.92 + MAD 7,200.00 / 10.4876 = 686.53 (686.525...)
        "1,337,291.45",
        "WSCHOOL",
    ] {
        assert!(stdout.contains(figure), "{figure} missing from:\n{stdout}");
    }

    let grants = db.csv_sh("grant list");
    let japan = &grants[0];
    assert_eq!(field(japan, "reference"), "JP-MA-MHPSS-2021");
    assert_eq!(field(japan, "currency"), "USD");
    assert_eq!(field(japan, "spent"), "112236.34");
    assert_eq!(field(japan, "expenses"), "46");
    assert_eq!(field(japan, "voided"), "2");
    let regional = &grants[1];
    assert_eq!(field(regional, "spent"), "1337291.45");
    assert_eq!(field(regional, "received"), "1740000.00");
    assert_eq!(
        field(regional, "end"),
        "2024-12-31",
        "the no-cost extension is applied"
    );
    // The 97 rows of fixtures/expenses.csv (payments, the refund, the mistyped car rental that
    // its correction voided), one of them the shared Rabat rent in two parts
    assert_eq!(db.count("expense"), 98);

    // The Winter School, 14-16 March 2023 in Rabat, is among the regional expenses.
    let school = db.csv_sh(
        "expense list --grant REG-NA-2022 --line WSCHOOL --from 2023-03-14 --to 2023-03-16",
    );
    assert!(!school.is_empty());
    assert!(school.iter().all(|e| field(e, "grant_currency") == "EUR"));

    // Closed quarters stay closed after loading.
    let periods = db.csv_sh("period list --grant JP-MA-MHPSS-2021");
    assert_eq!(field(&periods[0], "status"), "closed");
    assert_eq!(field(&periods[4], "status"), "open");
}

#[test]
fn demo_json_is_one_document() {
    let db = TestDb::uninitialised();
    let out = run_raw(
        &["demo", db.path.to_str().unwrap(), "--format", "json"],
        None,
    );
    common::explain_unless(&out, 0, &["demo", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["burn"][0]["spent"], "112236.34");
    assert_eq!(doc["burn"][0]["status"], "ended");
    assert_eq!(
        doc["budget JP-MA-MHPSS-2021"].as_array().unwrap().len(),
        8,
        "7 lines and the total"
    );
}

#[test]
fn demo_never_overwrites_a_file() {
    let db = TestDb::new();
    let out = run_raw(&["demo", db.path.to_str().unwrap()], None);
    common::explain_unless(&out, 2, &["demo", "(existing path)"]);
    assert_eq!(db.count("grant_agreement"), 0);
}
