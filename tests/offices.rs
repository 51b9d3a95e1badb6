//! Offices: once a project has offices, every expense and receipt on its grants carries the
//! office that recorded it (GRANTBOOK_OFFICE), checked against the project's; listings filter
//! by office and the portfolio groups by it. Runs on both backends (tests/postgres.rs).

mod common;

use common::{JAPAN, TestDb, field, japan_grant, parse_csv};

/// The Japan grant with one expense recorded before its project had offices, then the
/// project's two offices.
fn with_offices() -> TestDb {
    let db = japan_grant();
    db.ok_sh(&format!(
        "expense add --grant {JAPAN} --line MON --date 2021-04-02 --amount 100.00 \
         --payee 'Survey printing' --voucher N-1"
    ));
    db.ok_sh("office add --project MA-MHPSS --code rabat --name 'Rabat office' --country MA");
    db.ok_sh("office add --project MA-MHPSS --code OUJDA --name 'Oujda sub-office' --country MA");
    db
}

fn add(db: &TestDb, office: &str, line: &str, amount: &str, voucher: &str) {
    db.in_office(
        office,
        &format!(
            "expense add --grant {JAPAN} --line {line} --date 2021-05-10 --amount {amount} \
             --payee 'Payee {voucher}' --voucher {voucher}"
        ),
        0,
    );
}

#[test]
fn an_entry_needs_an_office_of_its_project_and_carries_it() {
    let db = with_offices();
    let before = db.dump();
    let line = format!(
        "expense add --grant {JAPAN} --line STAFF --date 2021-05-10 --amount 1000.00 \
         --payee Salaries --voucher R-1"
    );
    let err = db.fails_sh(&line, 2);
    assert!(err.contains("GRANTBOOK_OFFICE=OUJDA"), "{err}");
    let (_, err) = db.in_office("CAIRO", &line, 2);
    assert!(
        err.contains("not an office of project MA-MHPSS (OUJDA, RABAT)"),
        "{err}"
    );
    assert_eq!(db.dump(), before, "a refused entry writes nothing");

    add(&db, "RABAT", "STAFF", "1000.00", "R-1");
    add(&db, "oujda", "TRAV", "250.50", "O-1");
    let shown = db.ok_sh("expense show R-1");
    assert!(shown.contains("Recorded by office  RABAT"), "{shown}");
    let rabat = db.csv_sh("expense list --office RABAT");
    assert_eq!(rabat.len(), 1);
    assert_eq!(field(&rabat[0], "voucher"), "R-1");
    assert_eq!(field(&rabat[0], "office"), "RABAT");
    let all = db.csv_sh(&format!("expense list --grant {JAPAN}"));
    let offices: Vec<&str> = all.iter().map(|e| field(e, "office")).collect();
    assert_eq!(offices, ["", "RABAT", "OUJDA"]);

    // Receipts too; the tranche received before the offices has none (voided here to make
    // room under the grant's amount).
    db.ok_sh("receipt void 1 --reason 'Recorded against the wrong agreement'");
    db.in_office(
        "OUJDA",
        &format!("receipt add --grant {JAPAN} --date 2021-06-01 --amount 10.00 --reference T9"),
        0,
    );
    let receipts = db.csv_sh("receipt list --office OUJDA");
    assert_eq!(receipts.len(), 1);
    assert_eq!(field(&receipts[0], "reference"), "T9");
    assert_eq!(db.csv_sh("receipt list --include-void").len(), 2);

    // A correction stays the office's that recorded the original, whoever makes it.
    let id = field(&rabat[0], "id").to_string();
    db.in_office(
        "OUJDA",
        &format!("expense correct {id} --amount 1100.00 --reason 'Typo'"),
        0,
    );
    let corrected = db.csv_sh("expense list --voucher R-1");
    assert_eq!(field(&corrected[0], "office"), "RABAT");
    assert_eq!(field(&corrected[0], "grant_amount"), "1100.00");
    db.ok_sh("check");
}

#[test]
fn an_import_takes_the_importing_officers_office_unless_a_row_names_its_own() {
    let db = with_offices();
    let file = db.dir.path().join("rabat.csv");
    std::fs::write(
        &file,
        format!(
            "grant,line,date,amount,payee,voucher,office\n\
             {JAPAN},STAFF,2021-05-03,10.00,Salaries,I-1,\n\
             {JAPAN},TRAV,2021-05-04,20.00,Taxi,I-2,OUJDA\n"
        ),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    db.in_office("RABAT", &format!("expense import {path}"), 0);
    let listed = db.csv_sh("expense list --from 2021-05-01");
    let offices: Vec<(&str, &str)> = listed
        .iter()
        .map(|e| (field(e, "voucher"), field(e, "office")))
        .collect();
    assert_eq!(offices, [("I-1", "RABAT"), ("I-2", "OUJDA")]);
}

#[test]
fn the_portfolio_by_office_splits_each_grants_spend() {
    let db = with_offices();
    add(&db, "RABAT", "STAFF", "1000.00", "R-1");
    add(&db, "RABAT", "SERV", "499.99", "R-2");
    add(&db, "OUJDA", "TRAV", "250.50", "O-1");
    let rows = parse_csv(&db.ok_sh("report portfolio --by office --as-of 2021-06-30 --format csv"));
    let here: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (field(r, "group"), field(r, "spent_here")))
        .collect();
    // Hand-added: RABAT 1,000.00 + 499.99; OUJDA 250.50; before the offices, 100.00.
    assert_eq!(
        here,
        [
            ("(none)", "100.00"),
            ("OUJDA", "250.50"),
            ("RABAT", "1499.99")
        ]
    );
    for r in &rows {
        assert_eq!(field(r, "spent"), "1850.49", "the grant's whole spend");
    }
    // Any report can count one office's spend alone; the budget stays the grant's.
    let burn = db.csv_sh("report burn --as-of 2021-06-30 --office rabat");
    assert_eq!(field(&burn[0], "spent"), "1499.99");
    assert_eq!(field(&burn[0], "budget"), "123762.00");
    let budget = db.json_sh(&format!(
        "report budget --grant {JAPAN} --as-of 2021-06-30 --office OUJDA"
    ));
    let lines = budget["lines"].as_array().unwrap();
    let trav = lines.iter().find(|l| l["line"] == "TRAV").unwrap();
    assert_eq!(trav["spent_to_date"], "250.50");
    let staff = lines.iter().find(|l| l["line"] == "STAFF").unwrap();
    assert_eq!(
        staff["spent_to_date"], "0.00",
        "Rabat's salaries are not Oujda's"
    );
}

#[test]
fn a_ledger_without_offices_lists_as_before_and_an_office_set_is_refused() {
    let db = japan_grant();
    let line = format!(
        "expense add --grant {JAPAN} --line MON --date 2021-04-02 --amount 100.00 \
         --payee Printing --voucher N-1"
    );
    let (_, err) = db.in_office("RABAT", &line, 2);
    assert!(
        err.contains("office add --project MA-MHPSS --code RABAT"),
        "{err}"
    );
    db.ok_sh(&line);
    let listed = db.ok_sh("expense list --format csv");
    assert!(
        !listed.lines().next().unwrap().contains("office"),
        "{listed}"
    );
}

#[test]
fn an_export_carries_offices_into_the_copy() {
    let db = with_offices();
    add(&db, "RABAT", "STAFF", "1000.00", "R-1");
    add(&db, "OUJDA", "TRAV", "250.50", "O-1");
    db.ok_sh("receipt void 1 --reason 'Recorded against the wrong agreement'");
    db.in_office(
        "OUJDA",
        &format!("receipt add --grant {JAPAN} --date 2021-06-01 --amount 10.00 --reference T9"),
        0,
    );
    let dir = db.dir.path().join("export");
    db.ok(&["export", "--all", "--out", dir.to_str().unwrap()]);
    let copy = TestDb::new();
    copy.ok(&["import", dir.to_str().unwrap()]);
    assert_eq!(copy.ok_sh("office list"), db.ok_sh("office list"));
    assert_eq!(
        copy.ok_sh("expense list --format csv"),
        db.ok_sh("expense list --format csv")
    );
    let rabat = copy.csv_sh("expense list --office RABAT");
    assert_eq!(field(&rabat[0], "voucher"), "R-1");
    assert_eq!(
        copy.ok_sh("receipt list --include-void --format csv"),
        db.ok_sh("receipt list --include-void --format csv")
    );
    let oujda = copy.csv_sh("receipt list --office OUJDA");
    assert_eq!(field(&oujda[0], "reference"), "T9");
}
