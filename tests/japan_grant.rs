//! The whole life of the Japan-funded MHPSS grant entered through the CLI and read back exactly.
//! Conversions are worked out by hand in the comments (1 USD = RATE MAD, so USD = MAD / RATE,
//! rounded half away from zero to the cent).

mod common;

use common::{TestDb, field};

use common::japan_grant as setup;

const G: &str = common::JAPAN;

/// `expense add` for the Japan grant with the rest of the command line.
fn add_expense(db: &TestDb, rest: &str) -> String {
    db.ok_sh(&format!("expense add --grant {G} {rest}"))
}

fn standard_expenses(db: &TestDb) {
    // MAD 18,600.00 at 9.0235 (March) = 2,061.2844... -> USD 2,061.28
    add_expense(
        db,
        "--line STAFF --date 2021-03-31 --amount 18600.00 --currency MAD \
         --payee 'IOM Morocco payroll' --voucher MA-2021-0001 --description 'Salaries, March 2021'",
    );
    // MAD 12,500.00 at 8.9874 (April) = 1,390.8360... -> USD 1,390.84
    add_expense(
        db,
        "--line TRAIN --date 2021-04-15 --amount 12500.00 --currency MAD \
         --payee 'Hôtel Rabat' --voucher MA-2021-0002",
    );
    // USD 350.00, the grant's own currency: no rate
    add_expense(
        db,
        "--line COMM --date 2021-05-03 --amount 350.00 --payee 'Print shop' --voucher MA-2021-0003",
    );
    // MAD 1,000.00 at a rate given by hand, 1 USD = 10 MAD -> USD 100.00
    add_expense(
        db,
        "--line TRAV --date 2021-06-01 --amount 1000.00 --currency mad --rate 10 \
         --payee 'Taxi Oujda' --voucher MA-2021-0004",
    );
}

#[test]
fn every_record_is_listed_back_exactly() {
    let db = setup();
    standard_expenses(&db);

    let rows = db.csv_sh(&format!("expense list --grant {G}"));
    assert_eq!(rows.len(), 4);
    let want = [
        (
            "MA-2021-0001",
            "2021-03-31",
            "STAFF",
            "18600.00",
            "MAD",
            "9.0235",
            "2061.28",
        ),
        (
            "MA-2021-0002",
            "2021-04-15",
            "TRAIN",
            "12500.00",
            "MAD",
            "8.9874",
            "1390.84",
        ),
        (
            "MA-2021-0003",
            "2021-05-03",
            "COMM",
            "350.00",
            "USD",
            "",
            "350.00",
        ),
        (
            "MA-2021-0004",
            "2021-06-01",
            "TRAV",
            "1000.00",
            "MAD",
            "10",
            "100.00",
        ),
    ];
    for (row, (voucher, date, line, amount, currency, rate, usd)) in rows.iter().zip(want) {
        assert_eq!(field(row, "voucher"), voucher);
        assert_eq!(field(row, "date"), date);
        assert_eq!(field(row, "line"), line);
        assert_eq!(field(row, "amount"), amount);
        assert_eq!(field(row, "currency"), currency);
        assert_eq!(field(row, "rate"), rate);
        assert_eq!(field(row, "grant_amount"), usd);
        assert_eq!(field(row, "grant_currency"), "USD");
        assert_eq!(
            field(row, "country"),
            "MA",
            "the project's only country is the default"
        );
        assert_eq!(field(row, "status"), "ok");
    }
    assert_eq!(field(&rows[1], "payee"), "Hôtel Rabat");
    assert_eq!(field(&rows[0], "description"), "Salaries, March 2021");
    assert_eq!(field(&rows[0], "rate_base"), "USD");
    assert_eq!(field(&rows[0], "rate_quote"), "MAD");

    // 2,061.28 + 1,390.84 + 350.00 + 100.00 = 3,902.12 spent; 123,762.00 - 3,902.12 = 119,859.88
    let grants = db.csv_sh("grant list");
    assert_eq!(grants.len(), 1);
    assert_eq!(field(&grants[0], "budget"), "123762.00");
    assert_eq!(field(&grants[0], "received"), "123762.00");
    assert_eq!(field(&grants[0], "spent"), "3902.12");
    assert_eq!(field(&grants[0], "balance"), "119859.88");
    // 3,902.12 / 123,762.00 = 3.1529...% -> 3.2
    assert_eq!(field(&grants[0], "spent_pct"), "3.2");

    let lines = db.csv_sh(&format!("budget list --grant {G}"));
    let staff = &lines[0];
    assert_eq!(
        (
            field(staff, "line"),
            field(staff, "budget"),
            field(staff, "spent")
        ),
        ("STAFF", "46000.00", "2061.28")
    );
    // 46,000.00 - 2,061.28 = 43,938.72
    assert_eq!(field(staff, "balance"), "43938.72");
    let total = lines.last().unwrap();
    assert_eq!(
        (
            field(total, "line"),
            field(total, "budget"),
            field(total, "spent")
        ),
        ("TOTAL", "123762.00", "3902.12")
    );

    let periods = db.csv_sh(&format!("period list --grant {G}"));
    let codes: Vec<&str> = periods.iter().map(|p| field(p, "code")).collect();
    assert_eq!(
        codes,
        ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4", "2022-Q1"]
    );
    assert_eq!(field(&periods[0], "start"), "2021-03-01");
    assert_eq!(field(&periods[4], "end"), "2022-03-31");

    let receipts = db.csv_sh(&format!("receipt list --grant {G}"));
    assert_eq!(
        (
            field(&receipts[0], "amount"),
            field(&receipts[0], "reference")
        ),
        ("123762.00", "T1")
    );

    let rates = db.csv_sh("fx list --currency MAD");
    assert_eq!(rates.len(), 2);
    assert_eq!(
        (field(&rates[1], "rate"), field(&rates[1], "valid_from")),
        ("8.9874", "2021-04-01")
    );

    let expense = db.json_sh("expense show 2");
    assert_eq!(expense["amount"], "12500.00");
    assert_eq!(expense["rate"], "8.9874");
    assert_eq!(
        (&expense["rate_base"], &expense["rate_quote"]),
        (&"USD".into(), &"MAD".into())
    );
    assert_eq!(expense["grant_amount"], "1390.84");
    assert_eq!(expense["voided_at"], serde_json::Value::Null);
}

#[test]
fn void_keeps_the_row_and_stops_it_counting() {
    let db = setup();
    standard_expenses(&db);
    db.ok_sh("expense void 4 --reason 'Paid from another grant'");
    // 3,902.12 - 100.00 = 3,802.12
    assert_eq!(field(&db.csv_sh("grant list")[0], "spent"), "3802.12");
    assert_eq!(db.csv_sh(&format!("expense list --grant {G}")).len(), 3);
    let all = db.csv_sh(&format!("expense list --grant {G} --include-void"));
    assert_eq!(all.len(), 4);
    assert_eq!(field(&all[3], "status"), "void");
    assert_eq!(field(&all[3], "void_reason"), "Paid from another grant");
    assert_eq!(db.count("expense"), 4, "a voided expense is never deleted");
    let again = db.fails_sh("expense void 4 --reason twice", 2);
    assert!(again.contains("already voided"), "{again}");
}

#[test]
fn closed_period_refuses_an_expense_until_reopened() {
    let db = setup();
    db.ok_sh(&format!("period close --grant {G} 2021-Q2"));
    let late = format!(
        "expense add --grant {G} --line SERV --date 2021-05-20 --amount 4500.50 --currency MAD \
         --payee 'Association Orient-Occident' --voucher MA-2021-0009"
    );
    let before = db.dump();
    let err = db.fails_sh(&late, 2);
    assert!(err.contains("2021-Q2") && err.contains("closed"), "{err}");
    assert!(err.contains("period reopen"), "says how to fix it: {err}");
    assert_eq!(db.dump(), before, "nothing written");

    db.ok_sh(&format!(
        "period reopen --grant {G} 2021-Q2 --reason 'Late invoice'"
    ));
    let stored = db.json_sh(&late);
    // MAD 4,500.50 at 8.9874 = 500.7566... -> USD 500.76
    assert_eq!(stored["grant_amount"], "500.76");

    let audit = db.csv_sh("audit --entity period");
    let actions: Vec<&str> = audit.iter().map(|a| field(a, "action")).collect();
    assert_eq!(&actions[..2], ["reopen", "close"], "newest first");
    assert!(field(&audit[0], "after").contains("Late invoice"));
    assert_eq!(field(&audit[0], "actor"), "tester");
}

#[test]
fn extension_moves_the_end_and_keeps_the_history() {
    let db = setup();
    let after_end = format!(
        "expense add --grant {G} --line MON --date 2022-05-10 --amount 900.00 \
         --payee Evaluator --voucher MA-2022-0100"
    );
    let err = db.fails_sh(&after_end, 2);
    assert!(
        err.contains("outside grant") && err.contains("grant extend"),
        "{err}"
    );

    db.ok_sh(&format!(
        "grant extend {G} --end 2022-06-30 --reason 'Donor letter of 2022-02-10'"
    ));
    let shown = db.json_sh(&format!("grant show {G}"));
    assert_eq!(shown["grant"]["end"], "2022-06-30");
    assert_eq!(shown["grant"]["original_end"], "2022-03-31");
    assert_eq!(
        shown["extensions"][0]["reason"],
        "Donor letter of 2022-02-10"
    );
    db.ok_sh(&after_end);

    let err = db.fails_sh(
        &format!("grant extend {G} --end 2022-04-30 --reason shorter"),
        2,
    );
    assert!(err.contains("later"), "{err}");
    // The new quarter can now be generated; the old ones are untouched.
    let added = db.csv_sh(&format!("period generate --grant {G} --every quarter"));
    assert_eq!(added.len(), 1);
    assert_eq!(
        (field(&added[0], "code"), field(&added[0], "end")),
        ("2022-Q2", "2022-06-30")
    );
}

#[test]
fn revisions_keep_earlier_budgets_readable() {
    let db = setup();
    db.ok_sh(&format!(
        "budget revise --grant {G} --date 2021-10-01 --reason 'Donor-approved reallocation' \
         --line TRAIN=19500.00 --line SERV=26000.00"
    ));
    let latest = db.csv_sh(&format!("budget list --grant {G}"));
    let first = db.csv_sh(&format!("budget list --grant {G} --revision 1"));
    assert_eq!(field(&latest[1], "budget"), "19500.00");
    assert_eq!(field(&latest[2], "budget"), "26000.00");
    assert_eq!(field(&first[1], "budget"), "21500.00");
    assert_eq!(field(&first[2], "budget"), "24000.00");
    assert_eq!(field(latest.last().unwrap(), "budget"), "123762.00");
    let revisions = db.csv_sh(&format!("budget list --grant {G} --revisions"));
    assert_eq!(revisions.len(), 2);
    assert_eq!(
        field(&revisions[1], "reason"),
        "Donor-approved reallocation"
    );

    // Moving money beyond the grant total is refused, with the excess named.
    let err = db.fails_sh(
        &format!(
            "budget revise --grant {G} --reason 'too much' --date 2021-11-01 --line STAFF=47000.00"
        ),
        2,
    );
    assert!(err.contains("1000.00"), "{err}");

    // A close-out realignment approved after the end date is accepted, dated the day the donor
    // approved it (a revision has no default date: one entered late is not dated today).
    db.ok_sh(&format!(
        "budget revise --grant {G} --date 2022-05-15 --reason 'Final realignment' --line MON=7165.42 \
         --line COMM=10800.00"
    ));
    db.ok_sh(&format!("budget revise --grant {G} --date 2022-06-01 --reason 'After the audit' --line MON=7000.00 --line COMM=10965.42"));
    assert_eq!(
        db.csv_sh(&format!("budget list --grant {G} --revisions"))
            .len(),
        4
    );
}

#[test]
fn disbursement_is_an_alias_and_records_the_kind() {
    let db = setup();
    let out = db.json_sh(&format!(
        "disbursement add --grant {G} --line SERV --date 2021-07-01 --amount 25000.00 \
         --currency MAD --payee 'Partner NGO' --voucher MA-2021-0050 --kind disbursement"
    ));
    assert_eq!(out["kind"], "disbursement");
}

#[test]
fn every_change_is_audited_once() {
    let db = setup();
    standard_expenses(&db);
    db.ok_sh("expense void 1 --reason 'Wrong line'");
    let audit = db.csv_sh("audit --limit 1000");
    let count = |entity: &str, action: &str| {
        audit
            .iter()
            .filter(|a| field(a, "entity") == entity && field(a, "action") == action)
            .count()
    };
    assert_eq!(count("donor", "add"), 1);
    assert_eq!(count("project", "add"), 1);
    assert_eq!(count("grant", "add"), 1);
    assert_eq!(count("budget", "set"), 1);
    assert_eq!(count("period", "add"), 5);
    assert_eq!(count("fx_rate", "add"), 2);
    assert_eq!(count("receipt", "add"), 1);
    assert_eq!(count("expense", "add"), 4);
    assert_eq!(count("expense", "void"), 1);
    // What publishing needs (common::japan_grant sets it).
    assert_eq!(count("organisation", "set"), 1);
    assert_eq!(count("donor", "set iati"), 1);
    assert_eq!(count("project", "set iati"), 1);
    assert_eq!(audit.len(), 20);
    let void = &audit[0];
    assert!(field(void, "before").contains("\"void\":null"));
    assert!(field(void, "after").contains("Wrong line"));
}

#[test]
fn an_inactive_grant_takes_no_expenses() {
    let db = setup();
    db.ok_sh(&format!(
        "grant status {G} --set suspended --reason 'Donor review'"
    ));
    let add = format!(
        "expense add --grant {G} --line COMM --date 2021-05-03 --amount 350.00 \
         --payee 'Print shop' --voucher MA-2021-0003"
    );
    let before = db.dump();
    let err = db.fails_sh(&add, 2);
    assert!(
        err.contains("is suspended") && err.contains("grant status"),
        "{err}"
    );
    assert_eq!(db.dump(), before);
    db.ok_sh(&format!(
        "grant status {G} --set active --reason 'Review closed'"
    ));
    db.ok_sh(&add);
    let audit = db.json_sh("audit --entity grant --limit 2");
    assert_eq!(audit[0]["action"], "status");
    // Audit values are JSON inside the JSON document, not strings to decode twice.
    assert_eq!(audit[0]["after"]["reason"], "Review closed");
    assert_eq!(audit[1]["before"]["status"], "active");
}

#[test]
fn generate_stretches_the_quarter_an_extension_cut_short() {
    let db = TestDb::new();
    db.ok_sh("donor add --code D --name Donor");
    db.ok_sh(
        "project add --code P --title T --organisation O --countries MA \
         --start 2021-01-01 --end 2021-12-31",
    );
    db.ok_sh(
        "grant add --reference G --donor D --project P --currency USD --amount 1000.00 \
         --start 2021-01-01 --end 2021-05-15",
    );
    db.ok_sh("period generate --grant G --every quarter");
    db.ok_sh("grant extend G --end 2021-08-31 --reason Extension");
    let changed = db.csv_sh("period generate --grant G --every quarter");
    let got: Vec<(&str, &str, &str)> = changed
        .iter()
        .map(|p| (field(p, "code"), field(p, "start"), field(p, "end")))
        .collect();
    assert_eq!(
        got,
        [
            ("2021-Q2", "2021-04-01", "2021-06-30"),
            ("2021-Q3", "2021-07-01", "2021-08-31")
        ]
    );

    // A closed quarter is not stretched behind the manager's back.
    db.ok_sh("grant extend G --end 2021-11-30 --reason 'Second extension'");
    db.ok_sh("period close --grant G 2021-Q3");
    let err = db.fails_sh("period generate --grant G --every quarter", 2);
    assert!(err.contains("reopen the period"), "{err}");
    // Once a period added by hand holds the days the closed quarter lacks, generate goes on.
    db.ok_sh("period add --grant G 2021-09 --start 2021-09-01 --end 2021-09-30");
    let added = db.csv_sh("period generate --grant G --every quarter");
    assert_eq!(added.len(), 1);
    assert_eq!(
        (field(&added[0], "code"), field(&added[0], "start")),
        ("2021-Q4", "2021-10-01")
    );
    let all = db.csv_sh("period list --grant G");
    assert_eq!(
        all.len(),
        5,
        "Q1, Q2, Q3 as closed, 2021-09 and Q4, none overlapping"
    );
}

#[test]
fn a_pair_quoted_both_ways_before_the_rule_stays_usable() {
    let db = setup();
    // A rate stored the other way round, as an older database might hold.
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute(
        "INSERT INTO fx_rate (base, quote, valid_from, rate, source)
         VALUES ('MAD', 'USD', '2021-05-01', '0.1110', 'legacy')",
        [],
    )
    .unwrap();
    drop(conn);
    db.ok_sh("fx set --from USD --to MAD --rate 9.05 --valid-from 2021-06-01");
    db.ok_sh("fx set --from MAD --to USD --rate 0.1102 --valid-from 2021-07-01");
}
