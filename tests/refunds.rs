//! Money that comes back and mistakes put right (issue 13): refunds, credit notes and
//! corrections, end to end on the Japan grant. Conversions are worked by hand in the comments
//! (1 USD = 8.9874 MAD from April 2021, so USD = MAD / 8.9874 rounded half away from zero).

mod common;

use common::{JAPAN as G, TestDb, field, japan_grant};

/// The Japan grant with one MAD expense on TRAIN: MAD 1,000.00 / 8.9874 = 111.2669... ->
/// USD 111.27, paid 2021-04-15 (2021-Q2). Its id is 1.
fn with_hotel_bill() -> TestDb {
    let db = japan_grant();
    db.ok_sh(&format!(
        "expense add --grant {G} --line TRAIN --date 2021-04-15 --amount 1000.00 --currency MAD \
         --payee 'Hotel Rabat' --voucher MA-2021-0101"
    ));
    db
}

/// Spent to date on one line of `report budget` for `period`, and in the period.
fn line_spent(db: &TestDb, period: &str, line: &str) -> (String, String) {
    let report = db.json_sh(&format!(
        "report budget --grant {G} --period {period} --as-of 2022-06-30"
    ));
    let row = report["lines"]
        .as_array()
        .and_then(|lines| lines.iter().find(|r| r["line"] == line))
        .expect("the line's row");
    (
        row["spent_period"].as_str().unwrap_or_default().to_string(),
        row["spent_to_date"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

fn spent(db: &TestDb) -> String {
    field(&db.csv_sh("grant list")[0], "spent").to_string()
}

#[test]
fn a_refund_nets_spend_in_the_period_it_came_back_and_the_closed_one_stays_as_filed() {
    let db = with_hotel_bill();
    db.ok_sh(&format!("period close --grant {G} 2021-Q2"));
    let q2_before = db.ok_sh(&format!(
        "report donor --grant {G} --period 2021-Q2 --as-of 2022-06-30"
    ));
    // MAD 400.00 back in July at the expense's own rate: 400 / 8.9874 = 44.5067 -> USD 44.51
    let out =
        db.csv_sh("expense refund --of 1 --date 2021-07-10 --amount 400.00 --voucher CN-0001");
    assert_eq!(field(&out[0], "kind"), "refund");
    assert_eq!(field(&out[0], "grant_amount"), "-44.51");
    assert_eq!(field(&out[0], "line"), "TRAIN");
    assert_eq!(field(&out[0], "payee"), "Hotel Rabat");
    assert_eq!(field(&out[0], "refund_of"), "1");

    assert_eq!(
        line_spent(&db, "2021-Q2", "TRAIN"),
        ("111.27".into(), "111.27".into())
    );
    // 111.27 - 44.51 = 66.76 to date; the quarter it came back in shows -44.51
    assert_eq!(
        line_spent(&db, "2021-Q3", "TRAIN"),
        ("-44.51".into(), "66.76".into())
    );
    assert_eq!(spent(&db), "66.76");
    let burn = db.csv_sh("report burn --as-of 2022-06-30");
    assert_eq!(field(&burn[0], "spent"), "66.76");
    let portfolio = db.csv_sh("report portfolio --as-of 2022-03-31");
    assert_eq!(field(&portfolio[0], "spent"), "66.76");
    let monthly = db.csv_sh(&format!("report monthly --grant {G} --as-of 2022-06-30"));
    let july = monthly
        .iter()
        .find(|r| field(r, "month") == "2021-07")
        .unwrap();
    assert_eq!(field(july, "line_TRAIN"), "-44.51");
    assert_eq!(field(july, "cumulative"), "66.76");

    // The closed quarter's report is the one that was filed, byte for byte.
    let q2_after = db.ok_sh(&format!(
        "report donor --grant {G} --period 2021-Q2 --as-of 2022-06-30"
    ));
    let without_prepared = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("prepared"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(without_prepared(&q2_after), without_prepared(&q2_before));

    // The Q3 donor report lists it, with the voucher it reverses.
    let q3 = db.json_sh(&format!(
        "report donor --grant {G} --period 2021-Q3 --as-of 2022-06-30"
    ));
    let refunds = q3["refunds"].as_array().expect("a refunds section");
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0]["voucher"], "CN-0001");
    assert_eq!(refunds[0]["amount"], "44.51");
    assert_eq!(refunds[0]["of_voucher"], "MA-2021-0101");
}

#[test]
fn refunds_of_the_whole_expense_in_parts_bring_it_to_exactly_zero() {
    let db = with_hotel_bill();
    // 500 / 8.9874 = 55.6334 -> 55.63; the second half takes back what is left: 111.27 -
    // 55.63 = 55.64, not the 55.63 a conversion would give, so the expense nets to zero.
    db.ok_sh("expense refund --of 1 --date 2021-07-10 --amount 500.00 --voucher CN-1");
    let second =
        db.csv_sh("expense refund --of 1 --date 2021-07-11 --amount 500.00 --voucher CN-2");
    assert_eq!(field(&second[0], "grant_amount"), "-55.64");
    assert_eq!(spent(&db), "0.00");
    let err = db.fails_sh(
        "expense refund --of 1 --date 2021-07-12 --amount 0.01 --voucher CN-3",
        2,
    );
    assert!(err.contains("more than is left of expense #1"), "{err}");
    assert!(err.contains("0.00 MAD not yet refunded"), "{err}");
    db.ok_sh("check");
}

#[test]
fn a_refund_is_refused_when_it_cannot_be_right_and_nothing_is_written() {
    let db = with_hotel_bill();
    db.ok_sh(&format!("period close --grant {G} 2021-Q3"));
    let before = db.dump();
    let cases = [
        (
            "expense refund --of 1 --date 2021-07-10 --amount 10.00 --voucher CN-1",
            "period 2021-Q3",
        ),
        (
            "expense refund --of 1 --date 2021-04-01 --amount 10.00 --voucher CN-1",
            "before expense #1 it reverses was paid",
        ),
        (
            "expense refund --of 1 --date 2021-10-10 --amount 1000.01 --voucher CN-1",
            "more than is left of expense #1",
        ),
        (
            "expense refund --of 1 --date 2021-10-10 --amount 10.00 --voucher MA-2021-0101",
            "already recorded",
        ),
        (
            "expense refund --of 99 --date 2021-10-10 --amount 10.00 --voucher CN-1",
            "no expense #99",
        ),
        (
            &format!("expense refund --grant {G} --date 2021-10-10 --amount 10.00 --voucher CN-1"),
            "needs a line and a payee",
        ),
        (
            "expense refund --of 1 --date 2021-10-10 --amount -10.00 --voucher CN-1",
            "is negative",
        ),
    ];
    for (line, wanted) in cases {
        let err = db.fails_sh(line, 2);
        assert!(err.contains(wanted), "{line}: wanted {wanted:?} in {err}");
        assert_eq!(db.dump(), before, "{line} changed the database");
    }
}

#[test]
fn an_expense_with_a_refund_is_not_voided_under_it_and_a_voided_one_takes_none() {
    let db = with_hotel_bill();
    db.ok_sh("expense refund --of 1 --date 2021-07-10 --amount 100.00 --voucher CN-1");
    let err = db.fails_sh("expense void 1 --reason duplicate", 2);
    assert!(
        err.contains("refund #2 reverses it; void it first"),
        "{err}"
    );
    db.ok_sh("expense void 2 --reason 'entered twice'");
    db.ok_sh("expense void 1 --reason duplicate");
    let err = db.fails_sh(
        "expense refund --of 1 --date 2021-07-11 --amount 1.00 --voucher CN-2",
        2,
    );
    assert!(err.contains("was voided"), "{err}");
}

#[test]
fn an_unlinked_credit_note_in_another_currency_converts_at_its_own_date() {
    let db = japan_grant();
    // A supplier's credit note in MAD, not tied to one voucher: 899.74 / 8.9874 = 100.1113 ->
    // USD 100.11 (the May rate; the refund's own date decides).
    let out = db.csv_sh(&format!(
        "expense refund --grant {G} --line COMM --payee 'Print shop' --date 2021-05-20 \
         --amount 899.74 --currency MAD --voucher CN-PS-7"
    ));
    assert_eq!(field(&out[0], "grant_amount"), "-100.11");
    assert_eq!(field(&out[0], "rate"), "8.9874");
    assert_eq!(spent(&db), "-100.11");
}

#[test]
fn a_correction_voids_and_re_records_with_the_same_voucher_in_one_step() {
    let db = with_hotel_bill();
    let audit_before = db.count("audit_log");
    // 100.00 typed as 1000.00: 100 / 8.9874 = 11.1266 -> USD 11.13, at the same stored rate
    let out = db.csv_sh("expense correct 1 --amount 100.00 --reason 'Typo in amount'");
    assert_eq!(field(&out[0], "id"), "2");
    assert_eq!(field(&out[0], "voucher"), "MA-2021-0101");
    assert_eq!(field(&out[0], "grant_amount"), "11.13");
    assert_eq!(field(&out[0], "corrects"), "1");
    assert_eq!(db.count("audit_log"), audit_before + 1, "one audited step");
    let all = db.csv_sh("expense list --include-void");
    assert_eq!(field(&all[0], "status"), "void");
    assert_eq!(field(&all[0], "void_reason"), "corrected: Typo in amount");
    assert_eq!(spent(&db), "11.13");

    // Correct == void + add: the same figures as a ledger where it was voided and re-added.
    let other = with_hotel_bill();
    other.ok_sh("expense void 1 --reason 'Typo in amount'");
    other.ok_sh(&format!(
        "expense add --grant {G} --line TRAIN --date 2021-04-15 --amount 100.00 --currency MAD \
         --payee 'Hotel Rabat' --voucher MA-2021-0101"
    ));
    let burn = "report burn --as-of 2022-06-30";
    assert_eq!(db.ok_sh(burn), other.ok_sh(burn));
    db.ok_sh("check");

    // Correcting the voided original points at its correction; a no-op is refused.
    let err = db.fails_sh("expense correct 1 --amount 5.00 --reason again", 2);
    assert!(err.contains("corrected by expense #2"), "{err}");
    let err = db.fails_sh("expense correct 2 --amount 100.00 --reason nothing", 2);
    assert!(err.contains("changes nothing"), "{err}");
}

#[test]
fn a_correction_in_a_closed_period_is_refused_with_the_way_to_put_it_right() {
    let db = with_hotel_bill();
    db.ok_sh(&format!("period close --grant {G} 2021-Q2"));
    let before = db.dump();
    let err = db.fails_sh("expense correct 1 --amount 100.00 --reason typo", 2);
    assert!(err.contains("period 2021-Q2"), "{err}");
    assert!(err.contains("record a refund"), "{err}");
    // Moving it into a closed period from an open one is refused too.
    db.ok_sh(&format!("period reopen --grant {G} 2021-Q2 --reason audit"));
    db.ok_sh(&format!("period close --grant {G} 2021-Q3"));
    let err = db.fails_sh(
        "expense correct 1 --date 2021-08-01 --reason 'wrong date'",
        2,
    );
    assert!(err.contains("correct it to 2021-08-01"), "{err}");
    let _ = before;
}

#[test]
fn the_duplicate_voucher_message_names_expense_correct() {
    let db = with_hotel_bill();
    let err = db.fails_sh(
        &format!(
            "expense add --grant {G} --line TRAIN --date 2021-04-16 --amount 5.00 \
             --payee X --voucher MA-2021-0101"
        ),
        2,
    );
    assert!(err.contains("grantbook expense correct 1"), "{err}");
}

#[test]
fn an_import_takes_refunds_by_kind_and_credit_notes_as_negative_amounts() {
    let db = with_hotel_bill();
    let dir = tempfile::tempdir().unwrap();
    let by_kind = dir.path().join("by-kind.csv");
    std::fs::write(
        &by_kind,
        format!(
            "grant,line,date,amount,currency,payee,voucher,kind,refund_of\n\
             {G},,2021-07-01,100.00,MAD,,CN-A,refund,MA-2021-0101\n\
             {G},COMM,2021-07-02,20.00,USD,Print shop,CN-B,refund,\n"
        ),
    )
    .unwrap();
    db.ok(&["expense", "import", by_kind.to_str().unwrap()]);
    // 111.27 - 11.13 (100 / 8.9874 = 11.1266) - 20.00 = 80.14
    assert_eq!(spent(&db), "80.14");

    let negative = dir.path().join("ledger-export.csv");
    std::fs::write(
        &negative,
        format!(
            "grant,line,date,amount,payee,voucher\n\
             {G},COMM,2021-07-03,50.00,Print shop,INV-9\n\
             {G},COMM,2021-07-04,-5.00,Print shop,CN-9\n"
        ),
    )
    .unwrap();
    let before = db.dump();
    let err = db.fails(&["expense", "import", negative.to_str().unwrap()], 2);
    assert!(err.contains("--credits-as-refunds"), "{err}");
    assert_eq!(db.dump(), before);
    db.ok(&[
        "expense",
        "import",
        "--credits-as-refunds",
        negative.to_str().unwrap(),
    ]);
    // 80.14 + 50.00 - 5.00
    assert_eq!(spent(&db), "125.14");
    let cn = db.csv_sh("expense list");
    let cn9 = cn.iter().find(|r| field(r, "voucher") == "CN-9").unwrap();
    assert_eq!(field(cn9, "kind"), "refund");
    assert_eq!(field(cn9, "amount"), "-5.00");
    db.ok_sh("check");
}

/// A refund may reverse an expense earlier in the same file, and what is left of an expense
/// counts the refunds earlier in the file: on PostgreSQL, where an import's rows are written
/// together at the end, as on SQLite, where each is written as it is read.
#[test]
fn an_import_reverses_expenses_of_the_same_file_and_counts_its_earlier_refunds() {
    let db = with_hotel_bill();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("with-refunds.csv");
    std::fs::write(
        &file,
        format!(
            "grant,line,date,amount,currency,payee,voucher,kind,refund_of\n\
             {G},COMM,2021-05-03,350.00,USD,Print shop,INV-1,expenditure,\n\
             {G},,2021-05-10,100.00,,,CN-1,refund,INV-1\n\
             {G},,2021-05-11,200.00,,,CN-2,refund,INV-1\n\
             {G},,2021-07-01,100.00,MAD,,CN-3,refund,MA-2021-0101\n\
             {G},,2021-07-02,100.00,MAD,,CN-4,refund,MA-2021-0101\n\
             {G},COMM,2021-07-03,20.00,USD,Print shop,INV-2,expenditure,\n"
        ),
    )
    .unwrap();
    let out = db.json(&["expense", "import", file.to_str().unwrap()]);
    assert_eq!(out["import"]["first_id"], "2");
    assert_eq!(out["import"]["last_id"], "7");
    let list = db.csv_sh("expense list");
    let by_voucher = |v: &str| list.iter().find(|r| field(r, "voucher") == v).unwrap();
    for (voucher, id, refund_of) in [
        ("INV-1", "2", ""),
        ("CN-1", "3", "2"),
        ("CN-2", "4", "2"),
        ("CN-3", "5", "1"),
        ("CN-4", "6", "1"),
        ("INV-2", "7", ""),
    ] {
        assert_eq!(field(by_voucher(voucher), "id"), id, "{voucher}");
        assert_eq!(
            field(by_voucher(voucher), "refund_of"),
            refund_of,
            "{voucher}"
        );
    }
    // 111.27 - 2 x 11.13 (100 / 8.9874 = 11.1266) + 350.00 - 300.00 + 20.00
    assert_eq!(spent(&db), "159.01");
    db.ok_sh("check");

    let before = db.dump();
    let bad = dir.path().join("too-much.csv");
    std::fs::write(
        &bad,
        format!(
            "grant,line,date,amount,currency,payee,voucher,kind,refund_of\n\
             {G},COMM,2021-05-04,50.00,USD,Print shop,INV-3,expenditure,\n\
             {G},,2021-05-12,30.00,,,CN-5,refund,INV-3\n\
             {G},,2021-05-13,30.00,,,CN-6,refund,INV-3\n\
             {G},,2021-05-14,1.00,,,CN-7,refund,CN-5\n\
             {G},,2021-05-15,1.00,,,CN-8,refund,CN-4\n\
             {G},COMM,2021-05-16,1.00,USD,Print shop,INV-3,expenditure,\n\
             {G},,2021-05-17,100.00,,,CN-9,refund,INV-1\n"
        ),
    )
    .unwrap();
    let err = db.fails(&["expense", "import", bad.to_str().unwrap()], 2);
    assert!(err.contains("5 of 7 rows refused"), "{err}");
    assert!(
        err.contains(
            "a refund of 30.00 USD is more than is left of expense #8 (50.00 USD paid, 20.00 \
             USD not yet refunded)"
        ),
        "{err}"
    );
    assert!(
        err.contains("#9 is itself a refund; name the expense it reverses (#8)"),
        "{err}"
    );
    assert!(
        err.contains("#6 is itself a refund; name the expense it reverses (#1)"),
        "{err}"
    );
    assert!(
        err.contains("voucher \"INV-3\" appears earlier in this import"),
        "{err}"
    );
    assert!(
        err.contains(
            "a refund of 100.00 USD is more than is left of expense #2 (350.00 USD paid, 50.00 \
             USD not yet refunded)"
        ),
        "{err}"
    );
    assert_eq!(db.dump(), before);
}

#[test]
fn iati_publishes_a_refund_as_a_negative_transaction() {
    let db = with_hotel_bill();
    db.ok_sh("expense refund --of 1 --date 2021-07-10 --amount 400.00 --voucher CN-0001");
    let xml = db.ok_sh(&format!(
        "export iati --grant {G} --as-of 2022-06-30 --transactions voucher"
    ));
    let at = xml
        .find("ref=\"CN-0001\"")
        .expect("the refund's transaction");
    let refund = &xml[at..xml[at..]
        .find("</transaction>")
        .map_or(xml.len(), |end| at + end)];
    assert!(
        refund.contains("<transaction-type code=\"4\"/>"),
        "{refund}"
    );
    assert!(refund.contains(">-44.51</value>"), "{refund}");
}

#[test]
fn a_ledger_with_refunds_and_corrections_imports_its_own_export() {
    let db = with_hotel_bill();
    db.ok_sh("expense refund --of 1 --date 2021-07-10 --amount 500.00 --voucher CN-1");
    db.ok_sh("expense refund --of 1 --date 2021-07-11 --amount 500.00 --voucher CN-2");
    db.ok_sh(&format!(
        "expense add --grant {G} --line COMM --date 2021-05-03 --amount 350.00 --payee 'Print \
         shop' --voucher MA-2021-0003"
    ));
    db.ok_sh("expense correct 4 --amount 305.00 --reason typo");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    db.ok(&["export", "--all", "--out", out.to_str().unwrap()]);
    let copy = TestDb::new();
    copy.ok(&["import", out.to_str().unwrap()]);
    let list = "expense list --include-void";
    // Ids, links, void reasons and the exact remainder (-55.64) all come back.
    assert_eq!(copy.csv_sh(list), db.csv_sh(list));
    copy.ok_sh("check");
}

#[test]
fn reprice_converts_again_what_a_replaced_rate_left_behind() {
    let db = with_hotel_bill();
    // A rate typed with the entry is the officer's, and stays: 500 / 9 = 55.5556 -> 55.56.
    db.ok_sh(&format!(
        "expense add --grant {G} --line TRAV --date 2021-04-20 --amount 500.00 --currency MAD \
         --rate 9 --payee Taxi --voucher MA-2021-0102"
    ));
    // The April rate was mistyped: 8.9874 should have been 8.90.
    db.ok_sh("fx set --from USD --to MAD --rate 8.90 --valid-from 2021-04-01 --replace");
    let check = db.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    let found = String::from_utf8(check.stdout).unwrap();
    assert!(
        found.contains("expense #1") && found.contains("reprice"),
        "{found}"
    );
    db.ok_sh(&format!("period close --grant {G} 2021-Q2"));
    let before = db.dump();
    let err = db.fails_sh(&format!("expense reprice --grant {G}"), 2);
    assert!(err.contains("period 2021-Q2"), "{err}");
    assert_eq!(
        db.dump(),
        before,
        "nothing converted while its quarter is closed"
    );
    db.ok_sh(&format!(
        "period reopen --grant {G} 2021-Q2 --reason 'rate typo'"
    ));

    // 1000 / 8.90 = 112.3595... -> USD 112.36, where 8.9874 gave 111.27
    let out = db.csv_sh(&format!(
        "expense reprice --grant {G} --from 2021-04-01 --to 2021-04-30"
    ));
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(field(&out[0], "id"), "1");
    assert_eq!(field(&out[0], "old_grant_amount"), "111.27");
    assert_eq!(field(&out[0], "new_grant_amount"), "112.36");
    assert_eq!(field(&out[0], "new_rate"), "8.90");
    // 112.36 + 55.56
    assert_eq!(spent(&db), "167.92");
    db.ok_sh("check");
    // Nothing is left to convert again.
    let again = db.csv_sh(&format!("expense reprice --grant {G}"));
    assert!(again.is_empty(), "{again:?}");
}
