//! Money bound but not spent (issue 15): partner advances liquidated by the partner's reported
//! expenses, commitments drawn down by their payments, and shared costs split between grants.
//! Every figure is worked by hand in the comments; MAD converts at 1 USD = 8.9874 MAD from
//! April 2021 (USD = MAD / 8.9874, rounded half away from zero).

mod common;

use common::{JAPAN as G, TestDb, field, japan_grant};

/// The row of `report budget` (JSON) for `line`, as of 2022-03-31.
fn budget_line(db: &TestDb, line: &str) -> serde_json::Value {
    let report = db.json_sh(&format!("report budget --grant {G} --as-of 2022-03-31"));
    report["lines"]
        .as_array()
        .and_then(|lines| lines.iter().find(|r| r["line"] == line))
        .cloned()
        .unwrap_or_else(|| panic!("no line {line} in {report}"))
}

fn spent(db: &TestDb) -> String {
    field(&db.csv_sh("grant list")[0], "spent").to_string()
}

fn advance_row(db: &TestDb, as_of: &str) -> Vec<(String, String)> {
    db.csv_sh(&format!("advance list --grant {G} --as-of {as_of}"))
        .remove(0)
}

#[test]
fn an_advance_is_spent_only_as_the_partner_accounts_for_it() {
    let db = japan_grant();
    db.ok_sh(&format!(
        "advance add --grant {G} --partner 'Fondation Orient-Occident' --reference FACE-01 \
         --amount 10000.00 --date 2021-04-10"
    ));
    // Cash out, not spend.
    assert_eq!(spent(&db), "0.00");
    let burn = db.csv_sh("report burn --as-of 2021-04-30 --wide");
    assert_eq!(field(&burn[0], "spent"), "0.00");
    assert_eq!(field(&burn[0], "advanced"), "10000.00");

    // The partner reports 7,250.00: 5,000.00 and 2,250.00, on two lines.
    db.ok_sh(&format!(
        "expense add --grant {G} --line SERV --date 2021-06-30 --amount 5000.00 \
         --payee 'Fondation Orient-Occident' --voucher FACE-01-A --advance FACE-01"
    ));
    db.ok_sh(&format!(
        "expense add --grant {G} --line TRAIN --date 2021-06-30 --amount 2250.00 \
         --payee 'Fondation Orient-Occident' --voucher FACE-01-B --advance FACE-01"
    ));
    assert_eq!(spent(&db), "7250.00");
    let row = advance_row(&db, "2021-07-31");
    assert_eq!(field(&row, "liquidated"), "7250.00");
    assert_eq!(field(&row, "outstanding"), "2750.00");

    // More than is outstanding cannot be liquidated, nor given back; nothing is written.
    let before = db.dump();
    let err = db.fails_sh(
        &format!(
            "expense add --grant {G} --line SERV --date 2021-07-15 --amount 2750.01 \
             --payee 'Fondation Orient-Occident' --voucher FACE-01-C --advance FACE-01"
        ),
        2,
    );
    assert!(err.contains("2750.00 USD is outstanding"), "{err}");
    let err = db.fails_sh(
        &format!(
            "advance return FACE-01 --grant {G} --amount 2750.01 --date 2021-07-20 \
             --reference BANK-1"
        ),
        2,
    );
    assert!(err.contains("cannot take back"), "{err}");
    assert_eq!(db.dump(), before);

    // The donor report's cash, end of Q2: 123,762.00 received, 7,250.00 spent, 2,750.00 with
    // the partner: 113,762.00 in hand.
    let donor = db.json_sh(&format!(
        "report donor --grant {G} --period 2021-Q2 --as-of 2021-07-31"
    ));
    assert_eq!(donor["cash"]["advanced_outstanding"], "2750.00");
    assert_eq!(donor["cash"]["cash_balance"], "113762.00");

    // 2,750.00 comes back: 7,250 + 2,750 + 0 = 10,000.
    db.ok_sh(&format!(
        "advance return FACE-01 --grant {G} --amount 2750.00 --date 2021-07-20 --reference BANK-1"
    ));
    let row = advance_row(&db, "2021-07-31");
    assert_eq!(field(&row, "returned"), "2750.00");
    assert_eq!(field(&row, "outstanding"), "0.00");
    assert_eq!(field(&row, "flag"), "settled");
    assert_eq!(spent(&db), "7250.00");
    // As of the day before the return, it was still out.
    assert_eq!(
        field(&advance_row(&db, "2021-07-19"), "outstanding"),
        "2750.00"
    );
}

#[test]
fn a_partner_in_dirhams_is_accounted_for_at_the_advance_s_rate() {
    let db = japan_grant();
    // MAD 90,000.00 / 8.9874 = 10,014.0196 -> USD 10,014.02.
    db.ok_sh(&format!(
        "advance add --grant {G} --partner 'Association Amal' --reference FACE-MA --amount \
         90000.00 --currency MAD --date 2021-04-10"
    ));
    // A new rate from May does not move the partner's expenses: MAD 45,000.00 at the advance's
    // 8.9874 is USD 5,007.01.
    db.ok_sh("fx set --from USD --to MAD --rate 9.5000 --valid-from 2021-05-01");
    let out = db.csv_sh(&format!(
        "expense add --grant {G} --line SERV --date 2021-06-30 --amount 45000.00 --payee \
         'Association Amal' --voucher AMAL-1 --advance FACE-MA"
    ));
    assert_eq!(field(&out[0], "currency"), "MAD");
    assert_eq!(field(&out[0], "grant_amount"), "5007.01");
    // In another currency than the advance, refused.
    let err = db.fails_sh(
        &format!(
            "expense add --grant {G} --line SERV --date 2021-06-30 --amount 100.00 --currency \
             USD --payee 'Association Amal' --voucher AMAL-2 --advance FACE-MA"
        ),
        2,
    );
    assert!(err.contains("advance FACE-MA is in MAD"), "{err}");
    // Outstanding MAD 45,000.00, in USD at the advance's rate: 5,007.01.
    let row = advance_row(&db, "2021-07-31");
    assert_eq!(field(&row, "outstanding"), "45000.00");
    assert_eq!(field(&row, "outstanding_grant_currency"), "5007.01");
}

#[test]
fn advances_older_than_the_limit_are_flagged_by_partner() {
    let db = japan_grant();
    for (reference, date) in [("FACE-A", "2021-04-01"), ("FACE-B", "2021-09-01")] {
        db.ok_sh(&format!(
            "advance add --grant {G} --partner 'Fondation Orient-Occident' --reference \
             {reference} --amount 1000.00 --date {date}"
        ));
    }
    // On 2021-10-01 FACE-A is 183 days old, FACE-B 30.
    let rows = db.csv_sh("report advances --as-of 2021-10-01");
    assert_eq!(field(&rows[0], "advanced"), "2000.00");
    assert_eq!(field(&rows[0], "outstanding"), "2000.00");
    assert_eq!(field(&rows[0], "overdue"), "1000.00");
    assert_eq!(field(&rows[0], "oldest_days"), "183");
    let rows = db.csv_sh("report advances --as-of 2021-10-01 --older-than 200");
    assert_eq!(field(&rows[0], "overdue"), "0.00");
    let list = db.csv_sh(&format!("advance list --grant {G} --as-of 2021-10-01"));
    assert_eq!(field(&list[0], "flag"), "over 180 days");
    assert_eq!(field(&list[1], "flag"), "");
}

#[test]
fn a_commitment_drawn_in_three_payments_holds_what_is_left_of_it() {
    let db = japan_grant();
    db.ok_sh(&format!(
        "commitment add --grant {G} --line SERV --vendor 'Clinique Al Amal' --reference PO-7 \
         --amount 9000.00 --date 2021-04-05"
    ));
    for (i, amount) in ["2500.00", "3000.00", "1250.00"].iter().enumerate() {
        db.ok_sh(&format!(
            "expense add --grant {G} --line SERV --date 2021-0{}-10 --amount {amount} --payee \
             'Clinique Al Amal' --voucher PO7-{i} --commitment PO-7",
            i + 5
        ));
    }
    // Paid 6,750.00 of 9,000.00: 2,250.00 open. SERV: 24,000.00 budget − 6,750.00 spent −
    // 2,250.00 committed = 15,000.00 available.
    let c = db.csv_sh(&format!("commitment list --grant {G}"));
    assert_eq!(field(&c[0], "paid"), "6750.00");
    assert_eq!(field(&c[0], "open"), "2250.00");
    let serv = budget_line(&db, "SERV");
    assert_eq!(serv["spent_to_date"], "6750.00");
    assert_eq!(serv["committed"], "2250.00");
    assert_eq!(serv["available"], "15000.00");
    let total = budget_line(&db, "TOTAL");
    assert_eq!(total["committed"], "2250.00");
    // 123,762.00 − 6,750.00 − 2,250.00.
    assert_eq!(total["available"], "114762.00");

    // A payment on another line is refused; one after the close too.
    db.fails_sh(
        &format!(
            "expense add --grant {G} --line TRAIN --date 2021-08-10 --amount 10.00 --payee x \
             --voucher PO7-X --commitment PO-7"
        ),
        2,
    );
    db.ok_sh(&format!(
        "commitment close PO-7 --grant {G} --date 2021-09-30 --reason 'Final invoice paid'"
    ));
    // Nothing is committed any more: the report has no Committed column, and the balance is
    // 24,000.00 − 6,750.00.
    let serv = budget_line(&db, "SERV");
    assert_eq!(serv["committed"], serde_json::Value::Null);
    assert_eq!(serv["balance"], "17250.00");
    let err = db.fails_sh(
        &format!(
            "expense add --grant {G} --line SERV --date 2021-10-10 --amount 10.00 --payee x \
             --voucher PO7-Y --commitment PO-7"
        ),
        2,
    );
    assert!(err.contains("was closed on 2021-09-30"), "{err}");
}

#[test]
fn committing_more_than_a_line_has_available_needs_a_reason() {
    let db = japan_grant();
    // TRAV has 6,200.00; 6,200.01 is one cent too much.
    let err = db.fails_sh(
        &format!(
            "commitment add --grant {G} --line TRAV --vendor 'Atlas Voyages' --reference PO-T \
             --amount 6200.01 --date 2021-04-05"
        ),
        2,
    );
    assert!(err.contains("6200.00 USD available"), "{err}");
    assert_eq!(db.count("commitment"), 0);
    let out = db.csv_sh(&format!(
        "commitment add --grant {G} --line TRAV --vendor 'Atlas Voyages' --reference PO-T \
         --amount 8000.00 --date 2021-04-05 --over-commit 'Donor agreed by e-mail, 2021-04-02'"
    ));
    assert_eq!(
        field(&out[0], "over_commit_reason"),
        "Donor agreed by e-mail, 2021-04-02"
    );
    assert_eq!(budget_line(&db, "TRAV")["available"], "-1800.00");
    let audit = db.ok_sh("audit --entity commitment --format csv");
    assert!(audit.contains("Donor agreed by e-mail"), "{audit}");
    // The burn projection holds at least spent + committed: 8,000.00 of 123,762.00.
    let burn = db.csv_sh("report burn --as-of 2021-04-30 --wide");
    assert_eq!(field(&burn[0], "committed"), "8000.00");
    assert_eq!(field(&burn[0], "projected_at_end"), "8000.00");
}

/// The Japan grant and two small USD grants of the same project, each with an OFFICE line,
/// and a key splitting a third each.
fn three_grants() -> TestDb {
    let db = japan_grant();
    db.ok_sh(&format!(
        "budget revise --grant {G} --date 2021-04-01 --reason 'Office line' \
         --line MON=7165.42 --new-line 'OFFICE:other:1000.00:Office costs'"
    ));
    for g in ["JP-B", "JP-C"] {
        db.ok_sh(&format!(
            "grant add --reference {g} --donor JP-GOV --project MA-MHPSS --currency USD \
             --amount 5000.00 --start 2021-03-01 --end 2022-03-31"
        ));
        db.ok_sh(&format!(
            "budget set --grant {g} --line 'OFFICE:other:5000.00:Office costs'"
        ));
    }
    db.ok_sh(&format!(
        "allocation set RENT --name 'Rabat office rent' --share {G}:OFFICE:33.33 \
         --share JP-B:OFFICE:33.33 --share JP-C:OFFICE:33.34 --from 2021-04-01"
    ));
    db
}

fn parts(db: &TestDb, voucher: &str) -> Vec<(String, String)> {
    db.csv_sh(&format!("expense list --voucher {voucher}"))
        .iter()
        .map(|r| {
            (
                field(r, "grant").to_string(),
                field(r, "amount").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_three_way_split_of_a_hundred_adds_up_to_a_hundred() {
    let db = three_grants();
    let err = db.fails_sh(
        &format!(
            "allocation set BAD --share {G}:OFFICE:60 --share JP-B:OFFICE:39.99 --from 2021-04-01"
        ),
        2,
    );
    assert!(err.contains("99.99 %"), "{err}");
    db.ok_sh(
        "expense add --allocate RENT --date 2021-05-01 --amount 100.00 --payee 'Immobilière \
         Atlas' --voucher RENT-05",
    );
    // 33.33 + 33.33 + 33.34 = 100.00 exactly (listed by grant: JP-B, JP-C, then the Japan
    // grant).
    assert_eq!(
        parts(&db, "RENT-05"),
        [
            ("JP-B".to_string(), "33.33".to_string()),
            ("JP-C".to_string(), "33.34".to_string()),
            (G.to_string(), "33.33".to_string()),
        ]
    );
    // 100.01: 33.333333 + 33.333333 + 33.343334 cut to 100.00; the cent goes to the largest
    // remainder, JP-C's (listed JP-B, JP-C, the Japan grant).
    db.ok_sh(
        "expense add --allocate RENT --date 2021-06-01 --amount 100.01 --payee 'Immobilière \
         Atlas' --voucher RENT-06",
    );
    let amounts: Vec<String> = parts(&db, "RENT-06").into_iter().map(|p| p.1).collect();
    assert_eq!(amounts, ["33.33", "33.35", "33.33"]);
    // Each grant's reports show its part only.
    let grants = db.csv_sh("grant list");
    let jp_b = grants.iter().find(|g| field(g, "reference") == "JP-B");
    assert_eq!(field(jp_b.expect("JP-B listed"), "spent"), "66.66");
}

#[test]
fn a_shared_voucher_is_voided_refunded_and_corrected_whole() {
    let db = three_grants();
    db.ok_sh(
        "expense add --allocate RENT --date 2021-05-01 --amount 900.00 --currency MAD --payee \
         'Immobilière Atlas' --voucher RENT-05",
    );
    // MAD 299.97 / 8.9874 = 33.3767 -> 33.38; MAD 300.06 / 8.9874 = 33.3867 -> 33.39 (JP-C's
    // part; listed JP-B, JP-C, the Japan grant).
    let rows = db.csv_sh("expense list --voucher RENT-05");
    let usd: Vec<&str> = rows.iter().map(|r| field(r, "grant_amount")).collect();
    assert_eq!(usd, ["33.38", "33.39", "33.38"]);
    let show = db.ok_sh("expense show 1");
    assert!(
        show.contains("shared cost of 900.00 MAD in 3 parts"),
        "{show}"
    );

    // MAD 90.00 back: 29.997, 29.997, 30.006 cut to 29.99 + 29.99 + 30.00 = 89.98; the two
    // cents go to the largest remainders (0.007, 0.007, 0.006): the first two.
    db.ok_sh("expense refund --of 2 --amount 90.00 --date 2021-05-20 --voucher CN-05");
    let refunds: Vec<String> = db
        .csv_sh("expense list --voucher CN-05")
        .iter()
        .map(|r| field(r, "amount").to_string())
        .collect();
    assert_eq!(refunds, ["-30.00", "-30.00", "-30.00"].map(String::from));

    // A correction voids every part and splits the corrected voucher again.
    for id in [4, 5, 6] {
        db.ok_sh(&format!(
            "expense void {id} --reason 'credit note entered twice'"
        ));
    }
    db.ok_sh("expense correct 2 --amount 1200.00 --reason 'Rent is 1,200 a month'");
    let amounts: Vec<String> = parts(&db, "RENT-05").into_iter().map(|p| p.1).collect();
    assert_eq!(amounts, ["399.96", "400.08", "399.96"]);

    // Voiding one part voids them all.
    let live = db.csv_sh("expense list --voucher RENT-05");
    let one = field(&live[1], "id").to_string();
    db.ok_sh(&format!("expense void {one} --reason 'wrong month'"));
    assert!(parts(&db, "RENT-05").is_empty());
    assert!(db.ok_sh("check").contains("audit_totals"));
}

#[test]
fn advances_commitments_and_shared_costs_survive_export_and_import() {
    let db = three_grants();
    db.ok_sh(&format!(
        "advance add --grant {G} --partner 'Association Amal' --reference FACE-MA --amount \
         90000.00 --currency MAD --date 2021-04-10"
    ));
    db.ok_sh(&format!(
        "expense add --grant {G} --line SERV --date 2021-06-30 --amount 45000.00 --payee \
         'Association Amal' --voucher AMAL-1 --advance FACE-MA"
    ));
    db.ok_sh(&format!(
        "advance return FACE-MA --grant {G} --amount 5000.00 --date 2021-07-20 --reference B-1"
    ));
    db.ok_sh(&format!(
        "advance add --grant {G} --partner 'Typo' --reference FACE-X --amount 1.00 --date \
         2021-04-10"
    ));
    db.ok_sh(&format!(
        "advance void FACE-X --grant {G} --reason 'Entered by mistake'"
    ));
    db.ok_sh(&format!(
        "commitment add --grant {G} --line TRAV --vendor 'Atlas Voyages' --reference PO-T \
         --amount 8000.00 --date 2021-04-05 --over-commit 'Agreed with the donor'"
    ));
    db.ok_sh(&format!(
        "expense add --grant {G} --line TRAV --date 2021-05-10 --amount 2500.00 --payee \
         'Atlas Voyages' --voucher T-1 --commitment PO-T"
    ));
    db.ok_sh(&format!(
        "commitment close PO-T --grant {G} --date 2021-09-30 --reason 'Trips cancelled'"
    ));
    db.ok_sh(
        "expense add --allocate RENT --date 2021-05-01 --amount 900.00 --currency MAD --payee \
         'Immobilière Atlas' --voucher RENT-05",
    );
    db.ok_sh("expense correct 5 --amount 1200.00 --reason 'Rent is 1,200 a month'");
    db.ok_sh(
        "expense add --allocate RENT --date 2021-06-01 --amount 1200.00 --currency MAD --payee \
         'Immobilière Atlas' --voucher RENT-06",
    );
    db.ok_sh("expense refund --of 10 --amount 90.00 --date 2021-06-20 --voucher CN-06");
    let dir = db.dir.path().join("export");
    db.ok(&["export", "--all", "--out", dir.to_str().unwrap()]);
    let copy = TestDb::new();
    copy.ok(&["import", dir.to_str().unwrap()]);
    for line in [
        "advance list --all --as-of 2022-03-31 --format csv",
        "commitment list --as-of 2022-03-31 --format csv",
        "commitment list --as-of 2021-06-30 --format csv",
        "allocation list --format csv",
        "expense list --include-void --format csv",
        "report burn --as-of 2021-06-30 --format csv",
        "report advances --as-of 2022-03-31 --format csv",
    ] {
        assert_eq!(db.ok_sh(line), copy.ok_sh(line), "{line}");
    }
    assert!(copy.ok_sh("check").contains("audit_totals"));
}
