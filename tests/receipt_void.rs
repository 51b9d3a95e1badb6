//! `receipt void`: a tranche recorded by mistake stays in the ledger, marked void, and counts
//! nowhere: not in the listings (unless asked), the grant's received, the donor report or the
//! IATI file; closed periods refuse it; an export carries it into a copy.

mod common;

use std::fs;

use common::{JAPAN, TestDb, field, japan_grant};

/// The Japan grant with its single tranche (#1) voided as entered with the wrong date, and the
/// right one (#2) recorded: the void made room for it, as the grant is received in full.
fn revoided() -> TestDb {
    let db = japan_grant();
    let out = db.ok_sh("receipt void 1 --reason 'Wrong date: the bank credited it on 16 March'");
    assert!(out.contains("Voided receipt #1"), "{out}");
    assert!(out.contains("Wrong date"), "{out}");
    db.ok_sh(&format!(
        "receipt add --grant {JAPAN} --date 2021-03-16 --amount 123762.00 --reference T1"
    ));
    db
}

#[test]
fn a_voided_receipt_is_listed_only_when_asked_and_counts_nowhere() {
    let db = revoided();
    let live = db.csv_sh("receipt list");
    assert_eq!(live.len(), 1);
    assert_eq!(field(&live[0], "id"), "2");
    assert_eq!(field(&live[0], "status"), "ok");

    let all = db.csv_sh("receipt list --include-void");
    assert_eq!(all.len(), 2);
    assert_eq!(field(&all[0], "status"), "void");
    assert_eq!(
        field(&all[0], "void_reason"),
        "Wrong date: the bank credited it on 16 March"
    );
    let json = db.json_sh("receipt list --include-void");
    let keys: Vec<&str> = json[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "grant",
            "date",
            "kind",
            "amount",
            "currency",
            "reference",
            "description",
            "status",
            "void_reason"
        ]
    );
    assert_eq!(json[1]["void_reason"], serde_json::Value::Null);

    let grants = db.csv_sh("grant list");
    assert_eq!(field(&grants[0], "received"), "123762.00");

    let shown = db.json_sh("receipt void 2 --reason 'Test of the printout'");
    assert_eq!(shown["id"], "2");
    assert_eq!(shown["void_reason"], "Test of the printout");
    assert!(shown["voided_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(field(&db.csv_sh("grant list")[0], "received"), "0.00");

    let audit = db.csv_sh("audit --entity receipt --limit 1");
    assert_eq!(field(&audit[0], "action"), "void");
    assert_eq!(field(&audit[0], "key"), "2");
}

#[test]
fn the_donor_report_and_the_iati_file_leave_a_voided_receipt_out() {
    let db = revoided();
    let report = db.ok_sh(&format!(
        "report donor --grant {JAPAN} --period 2021-Q1 --format csv"
    ));
    assert!(report.contains("2021-03-16,T1,123762.00"), "{report}");
    assert!(!report.contains("2021-03-15"), "{report}");
    let cash = db.json_sh(&format!("report donor --grant {JAPAN} --period 2021-Q1"));
    assert_eq!(cash["cash"]["received_to_date"], "123762.00");

    let xml = db.ok_sh(&format!("export iati --grant {JAPAN} --as-of 2021-06-30"));
    // The grant's own commitment (type 11) and the one live receipt.
    assert_eq!(xml.matches("<transaction ").count(), 2, "{xml}");
    assert_eq!(
        xml.matches(r#"<transaction-type code="1"/>"#).count(),
        1,
        "{xml}"
    );
    assert!(
        xml.contains(r#"<transaction-date iso-date="2021-03-16"/>"#),
        "{xml}"
    );
    assert!(!xml.contains("2021-03-15"), "{xml}");
}

#[test]
fn voiding_is_refused_in_a_closed_period_twice_or_without_a_reason() {
    let db = japan_grant();
    db.ok_sh(&format!("period close --grant {JAPAN} 2021-Q1"));
    let before = db.dump();
    for (args, expected) in [
        (
            "receipt void 1 --reason 'Entered twice'",
            "cannot void a receipt dated 2021-03-15: period 2021-Q1 (2021-03-01 to 2021-03-31) \
             of grant JP-MA-MHPSS-2021 is closed",
        ),
        ("receipt void 7 --reason 'Entered twice'", "no receipt #7"),
        ("receipt void 1 --reason ' '", "reason"),
    ] {
        let err = db.fails_sh(args, 2);
        assert!(err.contains(expected), "{args}: {err}");
        assert_eq!(db.dump(), before, "{args}: the database changed");
    }
    db.ok_sh(&format!(
        "period reopen --grant {JAPAN} 2021-Q1 --reason 'Void T1'"
    ));
    db.ok_sh("receipt void 1 --reason 'Entered twice'");
    let before = db.dump();
    let err = db.fails_sh("receipt void 1 --reason 'Again'", 2);
    assert!(err.contains("receipt #1 was already voided on"), "{err}");
    assert!(err.contains("(Entered twice)"), "{err}");
    assert_eq!(db.dump(), before);
}

#[test]
fn an_export_carries_receipt_voids_into_the_copy_and_an_older_export_still_loads() {
    let db = revoided();
    for format in ["csv", "json"] {
        let out = db.dir.path().join(format!("export-{format}"));
        db.ok(&[
            "export",
            "--all",
            "--out",
            out.to_str().unwrap(),
            "--format",
            format,
        ]);
        let copy = TestDb::new();
        copy.ok(&["import", out.to_str().unwrap()]);
        for line in [
            "receipt list --include-void --format csv".to_string(),
            "grant list --format csv".to_string(),
            format!("report donor --grant {JAPAN} --period 2021-Q1 --format csv"),
        ] {
            assert_eq!(db.ok_sh(&line), copy.ok_sh(&line), "{line} ({format})");
        }
    }

    // An export written before receipts could be voided has no receipt_voids file.
    let plain = japan_grant();
    let out = plain.dir.path().join("old-export");
    plain.ok(&["export", "--all", "--out", out.to_str().unwrap()]);
    fs::remove_file(out.join("receipt_voids.csv")).unwrap();
    let copy = TestDb::new();
    copy.ok(&["import", out.to_str().unwrap()]);
    assert_eq!(copy.csv_sh("receipt list").len(), 1);

    // A receipt_voids file that does not match the receipts is refused, naming both.
    let out = db.dir.path().join("export-csv");
    fs::write(
        out.join("receipt_voids.csv"),
        "receipt,grant,date,amount,reason,voided_at\n1,JP-MA-MHPSS-2021,2021-03-14,123762.00,x,\n",
    )
    .unwrap();
    let copy = TestDb::new();
    let err = copy.fails(&["import", out.to_str().unwrap()], 2);
    assert!(
        err.contains(
            "receipt_voids voids receipt 1 as JP-MA-MHPSS-2021 2021-03-14 123762.00, but row 1 \
             of receipts is JP-MA-MHPSS-2021 2021-03-15 123762.00"
        ),
        "{err}"
    );
    assert_eq!(copy.count("receipt"), 0);
}
