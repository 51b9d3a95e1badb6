//! `expense import --profile`: the two profiles shipped in `fixtures/profiles/` read their
//! sample exports into the demo ledger end to end (decimal comma, thousands separators,
//! day-first and month-first dates, credits in a column of their own or in parentheses, account
//! codes mapped to budget lines), a row's every bad field is reported, and a plain file's
//! `Voucher No` column is its voucher (issue 17, item 4).

mod common;

use std::fs;

use common::{TestDb, field};

const REGIONAL: &str = "REG-NA-2022";

fn fixture(name: &str) -> String {
    format!("{}/fixtures/profiles/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `expense import --profile PROFILE FILE`, which must exit with `code`: its stderr (stdout
/// when it succeeds).
fn import(db: &TestDb, profile: &str, file: &str, code: i32) -> String {
    let args = ["expense", "import", "--profile", profile, file];
    match code {
        0 => db.ok(&args),
        _ => db.fails(&args, code),
    }
}

/// The demo's expenses of the regional grant whose voucher starts with `prefix`, as
/// (voucher, date, line, kind, amount, currency).
fn recorded(db: &TestDb, prefix: &str) -> Vec<[String; 6]> {
    db.csv_sh(&format!("expense list --grant {REGIONAL}"))
        .iter()
        .filter(|row| field(row, "voucher").starts_with(prefix))
        .map(|row| {
            ["voucher", "date", "line", "kind", "amount", "currency"]
                .map(|key| field(row, key).to_string())
        })
        .collect()
}

fn row(values: [&str; 6]) -> [String; 6] {
    values.map(str::to_string)
}

#[test]
fn a_sage_like_export_with_comma_decimals_and_a_credit_column_imports_end_to_end() {
    let db = TestDb::demo();
    import(&db, &fixture("sage.toml"), &fixture("sage-export.csv"), 0);
    assert_eq!(
        recorded(&db, "SG-"),
        [
            row([
                "SG-2024-0701",
                "2024-07-15",
                "STAFF",
                "expenditure",
                "12450.00",
                "EUR"
            ]),
            row([
                "SG-2024-0702",
                "2024-07-22",
                "TRAV",
                "expenditure",
                "1180.40",
                "EUR"
            ]),
            row([
                "SG-2024-0703",
                "2024-08-05",
                "HEALTH",
                "expenditure",
                "3075.50",
                "EUR"
            ]),
            // The Crédit column's 240,00: money back on the travel line, a refund (listed
            // as what it takes off the spend).
            row([
                "SG-2024-0704",
                "2024-08-19",
                "TRAV",
                "refund",
                "-240.00",
                "EUR"
            ]),
        ]
    );
    // Read again: every voucher is already recorded, so nothing is written twice.
    let again = import(&db, &fixture("sage.toml"), &fixture("sage-export.csv"), 2);
    assert!(again.contains("4 of 4 rows refused"), "{again}");
}

#[test]
fn a_quickbooks_like_export_with_month_first_dates_imports_end_to_end() {
    let db = TestDb::demo();
    let profile = fixture("quickbooks.toml");
    import(&db, &profile, &fixture("quickbooks-export.csv"), 0);
    assert_eq!(
        recorded(&db, "QB-"),
        [
            row([
                "QB-1001",
                "2024-09-02",
                "MEAL",
                "expenditure",
                "11040.00",
                "EUR"
            ]),
            row([
                "QB-1002",
                "2024-09-16",
                "TRAV",
                "expenditure",
                "865.25",
                "EUR"
            ]),
            row([
                "QB-1003",
                "2024-10-01",
                "STAFF",
                "expenditure",
                "9300.00",
                "EUR"
            ]),
        ]
    );
    // A credit in parentheses is refused, as this profile says, and so is the whole file.
    let dir = tempfile::tempdir().unwrap();
    let credit = dir.path().join("credit.csv");
    fs::write(
        &credit,
        "Date,Transaction Type,Num,Name,Memo/Description,Account,Class,Location,Amount\n\
         09/20/2024,Bill,QB-2001,Taxi (illustrative),x,6400 Travel,REG-NA-2022,EG,12.00\n\
         09/21/2024,Credit,QB-2002,Hotel (illustrative),x,6400 Travel,REG-NA-2022,EG,(80.00)\n",
    )
    .unwrap();
    let refused = import(&db, &profile, credit.to_str().unwrap(), 2);
    assert!(
        refused.contains("credit.csv:3:9 (amount = \"(80.00)\"): a credit of 80.00"),
        "{refused}"
    );
    assert!(refused.contains("expense refund"), "{refused}");
    assert!(recorded(&db, "QB-2").is_empty());
}

#[test]
fn every_bad_field_of_a_row_is_reported_in_the_order_of_its_columns() {
    let db = TestDb::demo();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    fs::write(
        &bad,
        "Date,Transaction Type,Num,Name,Memo/Description,Account,Class,Location,Amount\n\
         13/45/2024,Bill,QB-3001,,x,9999 Other,REG-NA-2022,EG,\"1.234,00\"\n",
    )
    .unwrap();
    let profile = fixture("quickbooks.toml");
    let out = import(&db, &profile, bad.to_str().unwrap(), 2);
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    let starts = [
        "bad.csv:2:1 (date = \"13/45/2024\"):",
        "bad.csv:2:4 (payee = \"\"):",
        "bad.csv:2:6 (account = \"9999 Other\"): account \"9999 Other\" has no budget line",
        "bad.csv:2:9 (amount = \"1.234,00\"):",
    ];
    for (i, start) in starts.iter().enumerate() {
        assert!(lines[i + 1].contains(start), "line {}: {out}", i + 1);
    }
    // A plain file too: each bad field, not only the first.
    let plain = dir.path().join("plain.csv");
    fs::write(
        &plain,
        "grant,line,date,amount,payee,voucher,country\n\
         REG-NA-2022,TRAV,2024-13-30,abc,,P-1,EG\n",
    )
    .unwrap();
    let out = db.fails(&["expense", "import", plain.to_str().unwrap()], 2);
    for start in [":2:3 (date", ":2:4 (amount", ":2:5 (payee"] {
        assert!(out.contains(start), "{start}: {out}");
    }
    assert_eq!(recorded(&db, "QB-3").len() + recorded(&db, "P-").len(), 0);
}

#[test]
fn a_voucher_no_column_is_the_voucher_as_the_readme_says() {
    let db = TestDb::demo();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vouchers.csv");
    fs::write(
        &file,
        "Grant,Line,Date,Amount,Payee,Voucher No,Country\n\
         REG-NA-2022,TRAV,2024-09-30,12.00,Taxi (illustrative),VN-0001,EG\n",
    )
    .unwrap();
    db.ok(&["expense", "import", file.to_str().unwrap()]);
    assert_eq!(
        recorded(&db, "VN-"),
        [row([
            "VN-0001",
            "2024-09-30",
            "TRAV",
            "expenditure",
            "12.00",
            "EUR"
        ])]
    );
}

#[test]
fn a_profile_that_cannot_be_read_right_is_refused_before_any_row() {
    let db = TestDb::demo();
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    let cases = [
        ("[columns]\n\"Amount\" = \"amout\"\n", "not a field"),
        (
            "decimal = \",\"\nthousands = \",\"\n[columns]\n\"L\" = \"line\"\n",
            "both the decimal",
        ),
        (
            "dates = \"DYM\"\n[columns]\n\"L\" = \"line\"\n",
            "is not valid",
        ),
        ("[columns]\n\"Acc\" = \"account\"\n", "[accounts] maps none"),
    ];
    for (text, says) in cases {
        fs::write(&profile, text).unwrap();
        let out = import(
            &db,
            profile.to_str().unwrap(),
            &fixture("quickbooks-export.csv"),
            2,
        );
        assert!(out.contains(says), "{text}: {out}");
    }
    // A column the profile does not name is refused, as a plain import refuses one.
    fs::write(
        &profile,
        "[columns]\n\"Num\" = \"voucher\"\n\"Account\" = \"line\"\n",
    )
    .unwrap();
    let out = import(
        &db,
        profile.to_str().unwrap(),
        &fixture("quickbooks-export.csv"),
        2,
    );
    assert!(out.contains(":1:1: the profile"), "{out}");
    assert!(out.contains("does not name column \"date\""), "{out}");
}
