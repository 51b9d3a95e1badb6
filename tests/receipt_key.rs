//! A receipt's reference is its key within its grant (issue 19: a receipts file imported twice
//! doubled the money): among a grant's live receipts one holds it. `receipt add` and `receipt
//! import` refuse a second, naming the receipt that holds it; `receipt import --skip-duplicates`
//! skips rows the grant already holds; a reference twice in one file stays an error; an empty
//! reference is no key. A ledger that held a pair before migration 7 still opens, and `check`
//! names the pair until one is voided.

mod common;

use std::fs;
use std::path::PathBuf;

use common::{TestDb, field, sh};
use grantbook::db::migrate;
use rusqlite::Connection;

const G: &str = "REG-NA-2022";

fn write(db: &TestDb, name: &str, text: &str) -> PathBuf {
    let path = db.dir.path().join(name);
    fs::write(&path, text).unwrap();
    path
}

fn receipts_file(db: &TestDb, name: &str, rows: &[&str]) -> String {
    let text = format!("grant,date,amount,reference\n{}\n", rows.join("\n"));
    write(db, name, &text).to_str().unwrap().to_string()
}

/// Refused with exit 2, stderr holding every one of `words`, and the database as it was.
fn refused(db: &TestDb, args: &[impl AsRef<str>], words: &[&str]) {
    let before = db.dump();
    let err = db.fails(args, 2);
    for w in words {
        assert!(err.contains(w), "wanted {w:?} in:\n{err}");
    }
    assert_eq!(db.dump(), before, "{err}: the database changed");
}

fn live_receipts(db: &TestDb) -> usize {
    db.csv_sh(&format!("receipt list --grant {G}")).len()
}

#[test]
fn a_receipts_file_imported_twice_is_refused_the_second_time() {
    let db = TestDb::demo();
    let file = receipts_file(
        &db,
        "tranche.csv",
        &[&format!("{G},2024-03-15,1000.00,BANK-REF-77")],
    );
    let out = db.ok(&["receipt", "import", &file]);
    assert!(out.contains("BANK-REF-77"), "{out}");
    let received = field(&db.csv_sh("grant list")[1], "received").to_string();
    let id = field(
        db.csv_sh(&format!("receipt list --grant {G}"))
            .last()
            .unwrap(),
        "id",
    )
    .to_string();
    refused(
        &db,
        &["receipt", "import", &file],
        &[
            "tranche.csv: 1 of 1 row refused, so nothing was written",
            &format!(
                "tranche.csv:2:4 (reference = \"BANK-REF-77\"): reference \"BANK-REF-77\" is \
                 already recorded on grant {G} as receipt #{id} (2024-03-15, 1000.00 EUR)"
            ),
            &format!("void it with `grantbook receipt void {id} --reason ...`"),
            "1 of the refused rows have references the ledger already holds: if this file was \
             imported before, add --skip-duplicates",
        ],
    );
    assert_eq!(field(&db.csv_sh("grant list")[1], "received"), received);

    // By hand too, and whatever the date and amount.
    refused(
        &db,
        &sh(&format!(
            "receipt add --grant {G} --date 2024-03-16 --amount 5.00 --reference BANK-REF-77"
        )),
        &[&format!(
            "reference \"BANK-REF-77\" is already recorded on grant {G} as receipt #{id}"
        )],
    );

    // Twice in one file: the second row names the first.
    let twice = receipts_file(
        &db,
        "twice.csv",
        &[
            &format!("{G},2024-03-18,20.00,BANK-REF-80"),
            &format!("{G},2024-03-18,20.00,BANK-REF-80"),
        ],
    );
    refused(
        &db,
        &["receipt", "import", &twice],
        &[
            "twice.csv: 1 of 2 rows refused",
            &format!(
                "twice.csv:3:4 (reference = \"BANK-REF-80\"): reference \"BANK-REF-80\" of grant \
                 {G} is given twice in this file (first at line 2); give it once"
            ),
        ],
    );
}

#[test]
fn a_voided_receipt_gives_its_reference_up_and_another_grant_may_hold_it() {
    let db = TestDb::demo();
    db.ok_sh(&format!(
        "receipt add --grant {G} --date 2024-03-15 --amount 1000.00 --reference BANK-REF-77"
    ));
    let id = field(
        db.csv_sh(&format!("receipt list --grant {G}"))
            .last()
            .unwrap(),
        "id",
    )
    .to_string();
    db.ok_sh(&format!("receipt void {id} --reason 'Wrong amount'"));
    db.ok_sh(&format!(
        "receipt add --grant {G} --date 2024-03-15 --amount 100.00 --reference BANK-REF-77"
    ));
    // Another grant's tranche may carry the same bank reference.
    db.ok_sh(
        "grant add --reference JP-MA-2022 --donor JP-GOV --project MA-MHPSS --currency USD \
         --amount 100.00 --start 2021-03-01 --end 2022-03-31",
    );
    db.ok_sh(
        "receipt add --grant JP-MA-2022 --date 2021-06-01 --amount 100.00 --reference BANK-REF-77",
    );
    db.ok(&["check"]);
}

#[test]
fn skip_duplicates_records_only_the_new_rows_and_names_those_that_differ() {
    let db = TestDb::demo();
    let first = receipts_file(
        &db,
        "march.csv",
        &[
            &format!("{G},2024-03-15,1000.00,BANK-REF-77"),
            &format!("{G},2024-03-16,200.00,BANK-REF-78"),
        ],
    );
    db.ok(&["receipt", "import", &first]);
    let before = live_receipts(&db);
    // The file has grown by a row, and one recorded row was since retyped.
    let grown = receipts_file(
        &db,
        "march-april.csv",
        &[
            &format!("{G},2024-03-15,1000.00,BANK-REF-77"),
            &format!("{G},2024-03-17,250.00,BANK-REF-78"),
            &format!("{G},2024-04-02,300.00,BANK-REF-91"),
        ],
    );
    let out = db.run(&[
        "receipt",
        "import",
        "--skip-duplicates",
        &grown,
        "--format",
        "csv",
    ]);
    common::explain_unless(&out, 0, &["receipt", "import", "--skip-duplicates"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("skipped 2 rows whose reference was already recorded"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "march-april.csv:3: reference \"BANK-REF-78\": the file has 2024-03-17 250.00 EUR, \
             the ledger has receipt #"
        ) && stderr.contains("of 2024-03-16 200.00 EUR"),
        "{stderr}"
    );
    let recorded = common::parse_csv(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(recorded.len(), 1);
    assert_eq!(field(&recorded[0], "reference"), "BANK-REF-91");
    assert_eq!(live_receipts(&db), before + 1);

    // Run again, it records nothing and writes nothing, not even an audit entry.
    let unchanged = db.dump();
    db.ok(&["receipt", "import", "--skip-duplicates", &grown]);
    assert_eq!(db.dump(), unchanged);

    // A reference twice in the file, or a row without one, is still refused.
    let bad = receipts_file(
        &db,
        "bad.csv",
        &[
            &format!("{G},2024-04-03,10.00,BANK-REF-95"),
            &format!("{G},2024-04-03,10.00,BANK-REF-95"),
            &format!("{G},2024-04-04,10.00,"),
        ],
    );
    refused(
        &db,
        &["receipt", "import", "--skip-duplicates", &bad],
        &[
            "bad.csv: 2 of 3 rows refused",
            "bad.csv:3:4 (reference = \"BANK-REF-95\"): reference \"BANK-REF-95\" of grant \
             REG-NA-2022 is given twice in this file (first at line 2)",
            "bad.csv:4:4 (reference = \"\"): no reference, so --skip-duplicates cannot tell \
             whether this tranche is already recorded",
        ],
    );
}

#[test]
fn a_receipt_without_a_reference_is_no_key_and_its_import_says_so() {
    let db = TestDb::demo();
    let file = receipts_file(
        &db,
        "letters.csv",
        &[
            &format!("{G},2024-03-15,10.00,"),
            &format!("{G},2024-03-16,10.00,"),
        ],
    );
    for _ in 0..2 {
        let out = db.run(&["receipt", "import", &file]);
        common::explain_unless(&out, 0, &["receipt", "import"]);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains(
                "2 receipts have no reference (the first on line 2): nothing tells them from the \
                 same money imported again"
            ),
            "{stderr}"
        );
    }
    // Nothing could tell the second import from new money: both were recorded.
    let received = db.csv_sh(&format!("receipt list --grant {G}"));
    let unkeyed = received.iter().filter(|r| field(r, "reference").is_empty());
    assert_eq!(unkeyed.count(), 4);
}

/// A version-6 ledger (before references were keys) whose grant holds two live receipts with
/// reference T2 (#2 and #3), and a third receipt, T3.
fn ledger_with_a_pair() -> TestDb {
    let db = TestDb::uninitialised();
    let conn = grantbook::db::sql::Conn::sqlite(Connection::open(&db.path).unwrap());
    migrate::migrate_to(&conn, 6).unwrap();
    conn.execute_batch(
        "INSERT INTO donor (code, name, kind, country) VALUES ('EU', 'European Union', 'multilateral', 'BE');
         INSERT INTO project (code, title, organisation, start_date, end_date, status)
             VALUES ('NA-MIG', 'Migrant health', 'IOM', '2022-01-01', '2024-12-31', 'implementation');
         INSERT INTO project_country VALUES (1, 'MA');
         INSERT INTO grant_agreement (reference, donor_id, project_id, currency, amount_minor,
                 start_date, end_date, indirect_rate, status)
             VALUES ('REG-NA-2022', 1, 1, 'EUR', 100000000, '2022-01-01', '2024-12-31', '7', 'active');
         INSERT INTO receipt (grant_id, date, amount_minor, reference) VALUES
             (1, '2022-01-20', 10000000, 'T1'),
             (1, '2022-12-15', 5000000, 'T2'),
             (1, '2022-12-16', 5000000, 'T2'),
             (1, '2023-11-15', 2000000, 'T3');",
    )
    .unwrap();
    db
}

#[test]
fn a_ledger_holding_a_pair_upgrades_and_check_names_it_until_one_is_voided() {
    let db = ledger_with_a_pair();
    // Opening it runs migration 7: the pair stays, nothing is lost.
    assert_eq!(db.csv_sh("receipt list").len(), 4);
    let conn = Connection::open(&db.path).unwrap();
    assert_eq!(migrate::version(&conn).unwrap(), migrate::latest_version());
    drop(conn);

    let out = db.run(&["check", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let (_, findings) = text.split_once("\n\n").unwrap();
    let findings = common::parse_csv(findings);
    assert_eq!(findings.len(), 1, "{text}");
    assert_eq!(field(&findings[0], "check"), "receipt_references");
    assert_eq!(field(&findings[0], "place"), "receipt #3");
    assert!(
        field(&findings[0], "problem").contains(
            "holds reference \"T2\" of grant REG-NA-2022, as receipt #2 does; if it is the same \
             tranche entered twice, void one of them (`grantbook receipt void 3 --reason ...`)"
        ),
        "{text}"
    );

    // The pair does not let a third in; the database refuses one written behind its back too.
    refused(
        &db,
        &sh(&format!(
            "receipt add --grant {G} --date 2023-01-05 --amount 1.00 --reference T2"
        )),
        &["already recorded on grant REG-NA-2022 as receipt #2"],
    );
    let conn = Connection::open(&db.path).unwrap();
    let behind = conn.execute(
        "INSERT INTO receipt (grant_id, date, amount_minor, reference) VALUES (1, '2023-01-05', 1, 'T3')",
        [],
    );
    let message = behind.unwrap_err().to_string();
    assert!(
        message.contains("a live receipt of this grant already holds that reference"),
        "{message}"
    );
    drop(conn);

    // An export of it cannot be loaded as it is: the copy's import names the second row.
    let out = db.dir.path().join("export");
    db.ok(&["export", "--all", "--out", out.to_str().unwrap()]);
    let copy = TestDb::new();
    let before = copy.dump();
    let err = copy.fails(&["import", out.to_str().unwrap()], 2);
    assert!(
        err.contains(
            "receipts.csv:4:5 (reference = \"T2\"): reference \"T2\" appears earlier in this \
             import (2022-12-15, 50000.00 EUR)"
        ),
        "{err}"
    );
    assert_eq!(copy.dump(), before);

    // Voided, the pair is gone; the export now loads, the void with it.
    db.ok_sh("receipt void 3 --reason 'T2 entered twice'");
    db.ok(&["check"]);
    fs::remove_dir_all(&out).unwrap();
    db.ok(&["export", "--all", "--out", out.to_str().unwrap()]);
    let copy = TestDb::new();
    copy.ok(&["import", out.to_str().unwrap()]);
    let line = "receipt list --include-void --format csv";
    assert_eq!(copy.ok_sh(line), db.ok_sh(line));
    copy.ok(&["check"]);
}
