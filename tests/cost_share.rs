//! Cost share (issue 16, item 5): contributions from others towards a grant's required match,
//! cash and in kind, and the donor report's "Cost share" block. Figures worked by hand: the
//! Japan grant is USD 123,762.00; MAD converts at 1 USD = 8.9874 MAD from April 2021, so the
//! office space's MAD 43,200.00 is 43,200 / 8.9874 = 4,806.7294… = USD 4,806.73.

mod common;

use common::{JAPAN as G, TestDb, field, japan_grant};

const OFFICE_SPACE: &str = "match add --grant JP-MA-MHPSS-2021 --date 2021-04-10 \
     --from 'Municipality of Rabat' --kind in-kind --amount 43200.00 --currency MAD \
     --basis 'Donated office space, 40 m² at market rent MAD 90/m²/month, 12 months' \
     --reference RBT-IK-1";

/// The Japan grant with a 10 % match (12,376.20), the office space in kind (4,806.73), a cash
/// contribution of 5,000.00 in 2021-Q3 on TRAIN, and one of 2,000.00 voided.
fn with_contributions() -> TestDb {
    let db = japan_grant();
    db.ok_sh(&format!("grant match {G} --percent 10"));
    db.ok_sh(OFFICE_SPACE);
    db.ok_sh(&format!(
        "match add --grant {G} --date 2021-08-15 --from 'Fondation Orient' --kind cash \
         --amount 5000.00 --line TRAIN --reference FO-2021-1"
    ));
    db.ok_sh(&format!(
        "match add --grant {G} --date 2021-08-20 --from 'Fondation Orient' --kind cash \
         --amount 2000.00 --reference FO-2021-2"
    ));
    db.ok_sh(&format!(
        "match void FO-2021-2 --grant {G} --reason 'Pledged, never paid'"
    ));
    db
}

#[test]
fn the_donor_report_states_the_match_alike_in_text_csv_and_json() {
    let db = with_contributions();
    let q3 = format!("report donor --grant {G} --period 2021-Q3 --as-of 2021-10-31");
    let json = db.json_sh(&q3);
    let share = &json["cost_share"];
    // 10 % of 123,762.00; 5,000.00 cash (the voided 2,000.00 counts for nothing) and 4,806.73
    // in kind: 9,806.73; 12,376.20 − 9,806.73 = 2,569.47 still to come. In Q3 only the cash
    // came: the office space was given in Q2.
    for (key, value) in [
        ("required", "12376.20"),
        ("provided_cash", "5000.00"),
        ("provided_in_kind", "4806.73"),
        ("provided", "9806.73"),
        ("remaining", "2569.47"),
        ("exceeded_by", "0.00"),
        ("provided_period", "5000.00"),
        ("provided_period_in_kind", "0.00"),
        ("match_of", "grant"),
    ] {
        assert_eq!(share[key], value, "{key} in {share}");
    }
    let listed = json["contributions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0]["value"], "4806.73");
    assert_eq!(listed[0]["amount"], "43200.00");
    assert_eq!(listed[0]["currency"], "MAD");

    // CSV: the same figures in its cost share block.
    let csv = db.ok_sh(&format!("{q3} --format csv"));
    let block = csv
        .split("\n\n")
        .find(|b| b.starts_with("match_rule,"))
        .unwrap_or_else(|| panic!("no cost share block in {csv}"));
    let row = &common::parse_csv(block)[0];
    for key in ["required", "provided_cash", "provided_in_kind", "remaining"] {
        assert_eq!(field(row, key), share[key], "{key}");
    }

    // Text: the same figures, for people.
    let text = db.ok_sh(&q3);
    for shown in [
        "Cost share (match), in USD",
        "10 % of the grant",
        "12,376.20",
        "4,806.73",
        "9,806.73",
        "2,569.47",
    ] {
        assert!(text.contains(shown), "{shown} not in\n{text}");
    }
    assert!(
        !text.contains("Pledged"),
        "a voided contribution is not reported"
    );

    // Contributions are not spent from the grant.
    assert_eq!(field(&db.csv_sh("grant list")[0], "spent"), "0.00");
}

#[test]
fn a_match_exceeded_says_by_how_much() {
    let db = with_contributions();
    // 5 % of 123,762.00 = 6,188.10, below the 9,806.73 provided by 3,618.63.
    db.ok_sh(&format!("grant match {G} --percent 5"));
    let q3 = format!("report donor --grant {G} --period 2021-Q3 --as-of 2021-10-31");
    let share = db.json_sh(&q3)["cost_share"].clone();
    assert_eq!(share["required"], "6188.10");
    assert_eq!(share["remaining"], "0.00");
    assert_eq!(share["exceeded_by"], "3618.63");
    let text = db.ok_sh(&q3);
    assert!(
        text.contains("Exceeded by") && text.contains("3,618.63"),
        "{text}"
    );

    // Of total project cost: 25 % of the total is 123,762.00 × 25 / 75 = 41,254.00.
    let set = db.json_sh(&format!("grant match {G} --percent 25 --of total"));
    assert_eq!(set["required"], "41254.00", "{set}");
    assert_eq!(set["match_of"], "total");
    // Removed, the grant still shows what others gave, with nothing required.
    db.ok_sh(&format!("grant match {G} --clear"));
    let share = db.json_sh(&q3)["cost_share"].clone();
    assert_eq!(share["provided"], "9806.73");
    assert!(share["required"].is_null(), "{share}");
}

#[test]
fn bad_contributions_are_refused_and_nothing_is_written() {
    let db = with_contributions();
    db.ok_sh(&format!("period close --grant {G} 2021-Q2"));
    let before = db.dump();
    let add = format!("match add --grant {G} --from 'Someone' --reference NEW-1");
    for (args, says) in [
        (
            "--date 2021-08-01 --kind in-kind --amount 100.00",
            "needs --basis",
        ),
        (
            "--date 2021-08-01 --kind cash --amount 100.00 --line NOPE",
            "no budget line",
        ),
        ("--date 2021-08-01 --kind cash --amount 0", "more than zero"),
        (
            "--date 2021-08-01 --kind cash --amount -5.00",
            "must not be negative",
        ),
        ("--date 2021-05-01 --kind cash --amount 100.00", "is closed"),
        (
            "--date 2021-08-01 --kind gift --amount 100.00",
            "cash or in-kind",
        ),
        ("--date 2021-08-01 --kind cash --amount 100.005", "decimals"),
    ] {
        let err = db.fails_sh(&format!("{add} {args}"), 2);
        assert!(err.contains(says), "{args}: {err}");
    }
    // A reference a live contribution of the grant holds.
    let err = db.fails_sh(
        &format!(
            "match add --grant {G} --date 2021-08-01 --from X --kind cash --amount 1.00 \
             --reference FO-2021-1"
        ),
        2,
    );
    assert!(err.contains("already recorded"), "{err}");
    // Voiding one dated in a closed period, or one already voided.
    let err = db.fails_sh(&format!("match void RBT-IK-1 --grant {G} --reason x"), 2);
    assert!(err.contains("is closed"), "{err}");
    let err = db.fails_sh(&format!("match void FO-2021-2 --grant {G} --reason x"), 2);
    assert!(err.contains("no live contribution"), "{err}");
    let err = db.fails_sh(&format!("grant match {G} --percent 0"), 2);
    assert!(err.contains("more than 0"), "{err}");
    let err = db.fails_sh(&format!("grant match {G} --percent 100 --of total"), 2);
    assert!(err.contains("nothing for the grant"), "{err}");
    assert_eq!(db.dump(), before);

    // A voided contribution's reference is free again.
    db.ok_sh(&format!(
        "match add --grant {G} --date 2021-08-25 --from 'Fondation Orient' --kind cash \
         --amount 2000.00 --reference FO-2021-2"
    ));
    let listed = db.json_sh(&format!("match list --grant {G} --as-of 2021-12-31 --all"));
    let rows = listed["contributions"].as_array().map_or(0, Vec::len);
    assert_eq!(rows, 4, "{listed}");
    assert_eq!(listed["match"]["provided_cash"], "7000.00", "{listed}");
}

#[test]
fn export_and_import_keep_the_match_and_every_contribution() {
    let db = with_contributions();
    db.ok_sh(&format!(
        "match add --grant {G} --date 2021-08-25 --from 'Fondation Orient' --kind cash \
         --amount 2000.00 --reference FO-2021-2"
    ));
    for format in ["csv", "json"] {
        let out = db.dir.path().join(format!("export-{format}"));
        let dir = out.to_str().unwrap_or_default();
        db.ok(&["export", "--all", "--out", dir, "--format", format]);
        let copy = TestDb::new();
        copy.ok(&["import", dir]);
        for line in [
            format!("match list --grant {G} --as-of 2022-03-31 --all --format csv"),
            format!("report donor --grant {G} --period 2021-Q3 --as-of 2021-10-31 --format csv"),
            format!("grant match {G} --format csv"),
        ] {
            assert_eq!(db.ok_sh(&line), copy.ok_sh(&line), "{line} ({format})");
        }
        assert!(copy.ok(&["check"]).contains("contribution_conversion"));
    }
}

#[test]
fn check_finds_a_contribution_whose_value_was_edited() {
    let db = with_contributions();
    let ok = db.ok(&["check"]);
    assert!(ok.contains("contribution_conversion"), "{ok}");
    // On a ledger file, an edit with the sqlite3 shell (the trigger dropped first).
    if db.server.is_some() {
        return;
    }
    let conn = rusqlite::Connection::open(&db.path).unwrap_or_else(|e| panic!("{e}"));
    conn.execute_batch(
        "DROP TRIGGER contribution_only_voided;
         UPDATE contribution SET grant_amount_minor = 480000 WHERE reference = 'RBT-IK-1';",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = db.run(&["check", "--format", "csv"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("43200.00 MAD converts to 4806.73 USD, but 4800.00 USD is stored"),
        "{text}"
    );
}

#[test]
fn on_the_server_officers_record_contributions_and_managers_set_the_match() {
    let db = TestDb::demo();
    let Some(server) = &db.server else {
        return;
    };
    db.ok_sh("office add --project NA-MIGHEALTH --code RABAT --name 'Rabat office' --country MA");
    db.ok_sh("admin roles");
    let officer = server.login("amina", &["officer", "office_rabat"]);
    let manager = server.login("karim", &["manager"]);
    let gift = "match add --grant REG-NA-2022 --date 2024-06-20 --from 'Commune de Rabat' \
                --kind cash --amount 1000.00 --reference CR-2024-1";
    let before = db.dump();
    let (_, err) = db.as_role(
        &officer,
        Some("RABAT"),
        "grant match REG-NA-2022 --percent 5",
        2,
    );
    assert!(
        err.contains("permission denied for table grant_match"),
        "{err}"
    );
    assert_eq!(db.dump(), before, "refused changes write nothing");
    db.as_role(&officer, Some("RABAT"), gift, 0);
    db.as_role(
        &officer,
        Some("RABAT"),
        "match void CR-2024-1 --grant REG-NA-2022 --reason 'Entered on the wrong grant'",
        0,
    );
    db.as_role(&manager, None, "grant match REG-NA-2022 --percent 5", 0);
    assert!(db.ok_sh("audit verify").contains("intact"));
}
