//! `grant amend`, `project amend`, `donor amend` and `grant extend --decided` end to end: what
//! they record and show, and each refusal (exit 2, one line saying what and how to fix it, the
//! database unchanged). tests/amendment_export.rs carries them through an export.

mod common;

use common::{JAPAN, TestDb, field, japan_grant};

/// Require `line` to fail with exit 2, a message holding `expected`, and nothing written.
fn refused(db: &TestDb, line: &str, expected: &str) {
    let before = db.dump();
    let err = db.fails_sh(line, 2);
    assert!(
        err.contains(expected),
        "{line}: wanted {expected:?} in:\n{err}"
    );
    assert!(err.starts_with("grantbook: error: "), "{line}: {err}");
    assert_eq!(db.dump(), before, "{line}: the database changed");
}

#[test]
fn a_grant_amendment_records_each_field_it_changes_once_audited() {
    let db = japan_grant();
    let shown = db.json_sh(&format!(
        "grant amend {JAPAN} --amount 150000.00 --indirect-rate 7 --donor-reference JPN-2021-45 \
         --date 2021-10-01 --reason 'Top-up, addendum 1 of 2021-09-20'"
    ));
    assert_eq!(shown["grant"]["amount"], "150000.00");
    assert_eq!(shown["grant"]["donor_reference"], "JPN-2021-45");
    // The rate was given as it was: only two fields changed.
    let amendments = shown["amendments"].as_array().unwrap();
    assert_eq!(amendments.len(), 2);
    assert_eq!(amendments[0]["date"], "2021-10-01");
    assert_eq!(amendments[0]["field"], "amount");
    assert_eq!(amendments[0]["before"], "123762.00");
    assert_eq!(amendments[0]["after"], "150000.00");
    assert_eq!(amendments[0]["reason"], "Top-up, addendum 1 of 2021-09-20");
    assert_eq!(amendments[1]["field"], "donor_reference");
    assert_eq!(amendments[1]["before"], "");

    let audit = db.json_sh("audit --entity grant --limit 1");
    assert_eq!(audit[0]["action"], "amend");
    assert_eq!(audit[0]["key"], JAPAN);
    assert_eq!(audit[0]["before"]["amount"], "123762.00");
    assert_eq!(audit[0]["after"]["effective"], "2021-10-01");

    // Lower again later, and the listing keeps both, oldest first, in every format.
    db.ok_sh(&format!(
        "grant amend {JAPAN} --amount 140000.00 --date 2021-12-01 --reason 'Addendum 2'"
    ));
    let csv = db.ok_sh(&format!("grant show {JAPAN} --format csv"));
    assert!(
        csv.contains(
            "date,field,before,after,reason,recorded_at\n2021-10-01,amount,123762.00,150000.00,"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("2021-12-01,amount,150000.00,140000.00,Addendum 2,"),
        "{csv}"
    );
    let table = db.ok_sh(&format!("grant show {JAPAN}"));
    assert!(table.contains("Amendments"), "{table}");
    assert!(table.contains("150000.00    140000.00"), "{table}");
    assert_eq!(field(&db.csv_sh("grant list")[0], "budget"), "140000.00");
}

#[test]
fn grant_amendments_that_break_a_rule_are_refused_and_change_nothing() {
    let db = japan_grant();
    let amend = |flags: &str| format!("grant amend {JAPAN} {flags} --reason 'Addendum'");
    refused(
        &db,
        &amend("--date 2021-10-01"),
        "nothing to amend: give what the amendment of grant JP-MA-MHPSS-2021 changes \
         (--amount, --indirect-rate or --donor-reference)",
    );
    refused(
        &db,
        &amend("--amount 123762.00 --indirect-rate 7 --date 2021-10-01"),
        "nothing to amend: grant JP-MA-MHPSS-2021 already has the values given",
    );
    refused(
        &db,
        &amend("--amount 150000.00 --date 2199-01-01"),
        "amendment date 2199-01-01 is in the future",
    );
    refused(
        &db,
        &amend("--amount 150000.00 --date 2021-02-28"),
        "before grant JP-MA-MHPSS-2021 starts (2021-03-01)",
    );
    refused(
        &db,
        &amend("--amount 100000.00 --date 2021-10-01"),
        "grant JP-MA-MHPSS-2021 has already received 123762.00 USD; its amount cannot go below \
         that (to 100000.00)",
    );
    refused(
        &db,
        &amend("--amount 0 --date 2021-10-01"),
        "more than zero",
    );
    refused(
        &db,
        &amend("--amount 150000.005 --date 2021-10-01"),
        "decimals",
    );
    refused(
        &db,
        &amend("--indirect-rate 150 --date 2021-10-01"),
        "between 0 and 100",
    );
    refused(
        &db,
        "grant amend JP-XX --amount 5 --date 2021-10-01 --reason x",
        "unknown grant \"JP-XX\"",
    );
    refused(
        &db,
        &format!("grant amend {JAPAN} --amount 150000.00 --date 2021-10-01 --reason ' '"),
        "reason is empty",
    );

    // Below the budget lines: the tranche voided, the lines still hold 123,762.00.
    db.ok_sh("receipt void 1 --reason 'Entered before the addendum'");
    refused(
        &db,
        &amend("--amount 120000.00 --date 2021-10-01"),
        "budget revision 1 of grant JP-MA-MHPSS-2021 (in force from 2021-03-01) totals \
         123762.00 USD, more than the new amount 120000.00",
    );

    // Closed periods: a change effective in or before one would change its report.
    db.ok_sh(&format!("period close --grant {JAPAN} 2021-Q2"));
    refused(
        &db,
        &amend("--amount 150000.00 --date 2021-05-01"),
        "cannot amend grant JP-MA-MHPSS-2021 effective 2021-05-01: period 2021-Q2 (2021-04-01 \
         to 2021-06-30) of grant JP-MA-MHPSS-2021 is closed and its report would change",
    );
    db.ok_sh(&amend("--amount 150000.00 --date 2021-10-01"));
    // A field's amendments go forward.
    refused(
        &db,
        &amend("--amount 160000.00 --date 2021-09-01"),
        "grant JP-MA-MHPSS-2021's amount was already amended with effect from 2021-10-01",
    );
}

#[test]
fn budgets_and_receipts_fit_the_grant_from_their_own_day_on() {
    let db = japan_grant();
    db.ok_sh("receipt void 1 --reason 'Split into two tranches'");
    db.ok_sh(&format!(
        "grant amend {JAPAN} --amount 150000.00 --date 2021-10-01 --reason 'Top-up'"
    ));
    // A revision or a receipt dated before the top-up must fit the amount signed.
    refused(
        &db,
        &format!(
            "budget revise --grant {JAPAN} --date 2021-09-01 --reason 'More training' \
             --line TRAIN=40000.00"
        ),
        "more than grant JP-MA-MHPSS-2021's smallest amount from 2021-09-01 on (123762.00 USD)",
    );
    refused(
        &db,
        &format!("receipt add --grant {JAPAN} --date 2021-09-15 --amount 130000.00"),
        "more than the grant's 123762.00, its smallest amount from 2021-09-15 on",
    );
    db.ok_sh(&format!(
        "budget revise --grant {JAPAN} --date 2021-10-01 --reason 'More training' \
         --line TRAIN=40000.00"
    ));
    db.ok_sh(&format!(
        "receipt add --grant {JAPAN} --date 2021-10-05 --amount 150000.00 --reference T1"
    ));
}

#[test]
fn extensions_are_dated_by_their_decision() {
    let db = japan_grant();
    let extend = |end: &str, decided: &str| {
        format!("grant extend {JAPAN} --end {end} --decided {decided} --reason 'Donor letter'")
    };
    refused(
        &db,
        &extend("2022-06-30", "2199-01-01"),
        "--decided 2199-01-01 is in the future",
    );
    db.ok_sh(&format!("period close --grant {JAPAN} 2021-Q4"));
    refused(
        &db,
        &extend("2022-06-30", "2021-12-15"),
        "cannot record an extension decided on 2021-12-15: period 2021-Q4 (2021-10-01 to \
         2021-12-31) of grant JP-MA-MHPSS-2021 is closed and its report would change",
    );
    let shown = db.json_sh(&extend("2022-06-30", "2022-02-10"));
    assert_eq!(shown["extensions"][0]["decided"], "2022-02-10");
    refused(
        &db,
        &extend("2022-09-30", "2022-02-01"),
        "grant JP-MA-MHPSS-2021's extension to 2022-06-30 was decided on 2022-02-10; a later \
         extension cannot have been decided before it, on 2022-02-01",
    );
    // Without --decided it was agreed today.
    let shown = db.json_sh(&format!(
        "grant extend {JAPAN} --end 2022-09-30 --reason 'Second letter'"
    ));
    let today = chrono::Local::now().date_naive().to_string();
    assert_eq!(shown["extensions"][1]["decided"], today.as_str());
}

#[test]
fn a_project_amendment_adds_and_removes_countries_and_keeps_its_grants_inside() {
    let db = japan_grant();
    let amend =
        |flags: &str| format!("project amend MA-MHPSS {flags} --reason 'Steering committee'");
    // An expense in Tunisia is refused, naming the command that adds it.
    let expense = format!(
        "expense add --grant {JAPAN} --line TRAV --date 2021-11-10 --amount 300.00 \
         --payee 'Bus company' --voucher TN-1 --country TN"
    );
    refused(
        &db,
        &expense,
        "or add the country to the project with `grantbook project amend MA-MHPSS \
         --add-country TN --date ... --reason ...`",
    );
    let shown = db.json_sh(&amend(
        "--add-country TN --add-country ly --date 2021-11-01",
    ));
    assert_eq!(shown["project"]["countries"], "LY;MA;TN");
    assert_eq!(shown["amendments"][0]["field"], "countries");
    assert_eq!(shown["amendments"][0]["before"], "MA");
    assert_eq!(shown["amendments"][0]["after"], "LY;MA;TN");
    db.ok_sh(&expense);

    refused(
        &db,
        &amend("--remove-country TN --date 2021-12-01"),
        "cannot remove TN from project MA-MHPSS: 1 expense(s) of its grants were spent there \
         (the first: voucher TN-1 of grant JP-MA-MHPSS-2021, 2021-11-10)",
    );
    refused(
        &db,
        &amend("--add-country MA --date 2021-12-01"),
        "project MA-MHPSS already works in MA",
    );
    refused(
        &db,
        &amend("--add-country XX --date 2021-12-01"),
        "unknown country \"XX\"",
    );
    refused(
        &db,
        &amend("--end 2022-02-28 --date 2021-12-01"),
        "grant JP-MA-MHPSS-2021 runs from 2021-03-01 to 2022-03-31, outside project \
         MA-MHPSS's new dates (2021-03-01 to 2022-02-28)",
    );
    refused(
        &db,
        &amend("--date 2021-12-01"),
        "nothing to amend: give what the amendment of project MA-MHPSS changes",
    );
    refused(
        &db,
        &amend("--title ' ' --date 2021-12-01"),
        "project title is empty",
    );
    let shown = db.json_sh(&amend(
        "--remove-country LY --end 2022-12-31 --title 'MHPSS for migrants' --date 2021-12-01",
    ));
    assert_eq!(shown["project"]["countries"], "MA;TN");
    assert_eq!(shown["project"]["end"], "2022-12-31");
    assert_eq!(shown["amendments"].as_array().unwrap().len(), 4);
    assert_eq!(shown["grants"][0]["reference"], JAPAN);
    let listed = db.json_sh("project show MA-MHPSS");
    assert_eq!(listed["project"]["title"], "MHPSS for migrants");
}

#[test]
fn a_donor_amendment_changes_name_kind_and_country() {
    let db = japan_grant();
    let amend = |flags: &str| format!("donor amend JP-GOV {flags} --reason 'Letter'");
    let shown = db.json_sh(&amend(
        "--name 'Japan (MOFA)' --kind multilateral --date 2021-06-01",
    ));
    assert_eq!(shown["donor"]["name"], "Japan (MOFA)");
    assert_eq!(shown["donor"]["kind"], "multilateral");
    assert_eq!(shown["amendments"][1]["before"], "government");
    let shown = db.json_sh(&amend("--country '' --date 2021-07-01"));
    assert_eq!(shown["donor"]["country"], serde_json::Value::Null);
    assert_eq!(shown["amendments"][2]["before"], "JP");
    assert_eq!(shown["amendments"][2]["after"], "");
    refused(
        &db,
        &amend("--kind charity --date 2021-07-01"),
        "donor kind \"charity\"",
    );
    refused(
        &db,
        &amend("--country XX --date 2021-07-01"),
        "unknown country \"XX\"",
    );
    refused(
        &db,
        &amend("--name 'Japan (MOFA)' --date 2021-08-01"),
        "nothing to amend: donor JP-GOV already has the values given",
    );
    db.ok_sh(&format!("period close --grant {JAPAN} 2021-Q3"));
    refused(
        &db,
        &amend("--name 'Japan' --date 2021-09-01"),
        "cannot amend donor JP-GOV effective 2021-09-01: period 2021-Q3",
    );
}
