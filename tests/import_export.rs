//! Bulk import and export end to end: a generated 10,000-row file against the same rows added
//! one by one, a bad row among 10,000, the CSV dialects an accounting system writes, duplicate
//! vouchers, and export -> fresh database -> import giving identical reports.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use common::{JAPAN, TestDb, japan_grant};
use grantbook::domain::{ExpenseKind, NewExpense};
use rust_decimal::Decimal;

const LINES: [&str; 7] = ["STAFF", "TRAIN", "SERV", "COMM", "TRAV", "MON", "IND"];
const HEADER: &str = "voucher,grant,line,date,amount,currency,payee,description,kind";

/// `count` expenses on the Japan grant, the same every run: dates across the grant's 396 days,
/// amounts from 1.00 to 20.99 in USD or MAD (converted at the stored rates), a payee with a
/// comma now and then, every tenth a disbursement.
fn generated(count: usize) -> Vec<NewExpense> {
    let start = NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..count)
        .map(|i| {
            // A linear congruential generator (Knuth's MMIX constants): enough spread, no crate.
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let x = state >> 33;
            NewExpense {
                grant: JAPAN.to_string(),
                line: LINES[(x % 7) as usize].to_string(),
                kind: if i % 10 == 9 {
                    ExpenseKind::Disbursement
                } else {
                    ExpenseKind::Expenditure
                },
                date: start + Days::new(x % 396),
                amount: Decimal::new(100 + (x % 2000) as i64, 2),
                currency: Some(if i % 3 == 0 { "MAD" } else { "USD" }.to_string()),
                rate: None,
                rate_base: None,
                force_rate: false,
                payee: if i % 5 == 0 {
                    format!("Supplier {}, SARL", x % 40)
                } else {
                    format!("Supplier {}", x % 40)
                },
                voucher: format!("GEN-{i:05}"),
                country: None,
                description: format!("Generated expense {i}"),
                refund_of: None,
                office: None,
                advance: None,
                commitment: None,
                allocate: None,
            }
        })
        .collect()
}

/// The rows as an accounting system would write them: quoted where needed, `\n` line ends.
fn as_csv(rows: &[NewExpense]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER.split(',')).unwrap();
    for e in rows {
        writer
            .write_record([
                e.voucher.as_str(),
                &e.grant,
                &e.line,
                &e.date.to_string(),
                &e.amount.to_string(),
                e.currency.as_deref().unwrap_or(""),
                &e.payee,
                &e.description,
                e.kind.as_str(),
            ])
            .unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

fn write(db: &TestDb, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = db.dir.path().join(name);
    fs::write(&path, text).unwrap();
    path
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Everything a manager or analyst reads about the Japan grant, as text, for comparison.
fn reports(db: &TestDb) -> Vec<String> {
    let as_of = "--as-of 2022-03-31";
    [
        format!("report burn {as_of} --format json"),
        format!("report budget --grant {JAPAN} {as_of} --format json"),
        format!("report monthly --grant {JAPAN} {as_of} --format json"),
        format!("report donor --grant {JAPAN} --period 2021-Q3 --format json"),
        format!("budget list --grant {JAPAN} --format csv"),
        format!("expense list --grant {JAPAN} --format csv"),
        "grant list --format csv".to_string(),
    ]
    .iter()
    .map(|line| db.ok_sh(line))
    .collect()
}

#[test]
fn import_of_10000_rows_equals_the_same_rows_added_one_by_one() {
    let rows = generated(10_000);

    let imported = japan_grant();
    let file = write(&imported, "vouchers.csv", as_csv(&rows));
    let out = imported.ok(&["expense", "import", arg(&file)]);
    assert!(out.contains("10000"), "summary gives the count:\n{out}");

    // One by one through `expense add`'s own code path (the library, as the CLI calls it),
    // inside one transaction only so that 10,000 adds do not wait for 10,000 fsyncs.
    let by_hand = japan_grant();
    let mut ledger = by_hand.ledger();
    ledger
        .all_or_nothing(|ledger| {
            for e in &rows {
                ledger.add_expense(e)?;
            }
            Ok(())
        })
        .unwrap();
    drop(ledger);

    assert_eq!(imported.count("expense"), 10_000);
    let (a, b) = (reports(&imported), reports(&by_hand));
    for (a, b) in a.iter().zip(&b) {
        assert_eq!(a, b);
    }
    // One audit entry for the import, against one per add.
    let audit = imported.csv_sh("audit");
    assert_eq!(
        audit
            .iter()
            .filter(|r| common::field(r, "action") == "import")
            .count(),
        1
    );
}

#[test]
fn one_bad_row_among_10000_writes_nothing_and_is_named() {
    let db = japan_grant();
    let mut text = as_csv(&generated(10_000));
    // Line 7,778 (the header is line 1) gets an amount written the French way. The columns
    // before the amount never hold a comma, so the fifth comma-separated cell is the amount.
    let bad = text.lines().nth(7_777).unwrap().to_string();
    let mut cells: Vec<&str> = bad.splitn(6, ',').collect();
    cells[4] = "\"12,50\"";
    text = text.replacen(&bad, &cells.join(","), 1);
    let file = write(&db, "vouchers.csv", &text);
    let before = db.dump();

    let err = db.fails(&["expense", "import", arg(&file)], 2);
    let expected = format!("{}:7778:5 (amount = \"12,50\")", arg(&file));
    assert!(
        err.contains(&expected),
        "names file, line, column, value:\n{err}"
    );
    assert!(err.contains("1 of 10000 rows refused"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(db.dump(), before);
}

#[test]
fn many_bad_rows_show_the_first_20_and_the_count() {
    let db = japan_grant();
    let rows: Vec<NewExpense> = generated(100)
        .into_iter()
        .map(|mut e| {
            e.line = "NOPE".into();
            e
        })
        .collect();
    let file = write(&db, "bad.csv", as_csv(&rows));
    let before = db.dump();
    let err = db.fails(&["expense", "import", arg(&file)], 2);
    assert_eq!(err.matches("(line = \"NOPE\")").count(), 20, "{err}");
    assert!(err.contains("... and 80 more"), "{err}");
    assert_eq!(db.dump(), before);
}

#[test]
fn bom_semicolons_quotes_newlines_crlf_and_a_trailing_empty_line_import() {
    let db = japan_grant();
    let text = "\u{feff}Voucher;Grant;Line;Date;Amount;Currency;Payee;Description\r\n\
        V-1;JP-MA-MHPSS-2021;TRAIN;2021-03-18;12500.00;MAD;\"Hotel Rabat; SARL, Agdal\";\"Two days,\r\nforty participants\"\r\n\
        V-2;JP-MA-MHPSS-2021;STAFF;2021-03-31;1200.00;;\"Dr. \"\"Amina\"\" B.\";\r\n\
        \r\n";
    let file = write(&db, "windows.csv", text);
    db.ok(&["expense", "import", arg(&file)]);

    let rows = db.csv_sh(&format!("expense list --grant {JAPAN}"));
    assert_eq!(rows.len(), 2);
    let payee = |i: usize| common::field(&rows[i], "payee").to_string();
    assert_eq!(payee(0), "Hotel Rabat; SARL, Agdal");
    assert_eq!(
        common::field(&rows[0], "description"),
        "Two days,\r\nforty participants"
    );
    assert_eq!(common::field(&rows[0], "grant_amount"), "1385.27"); // 12,500 / 9.0235 = 1,385.2718
    assert_eq!(payee(1), "Dr. \"Amina\" B.");
    assert_eq!(common::field(&rows[1], "currency"), "USD");

    // An error in such a file names the line an editor shows: the first row spans lines 2-3,
    // a blank line follows, so the bad date is on line 5.
    let text = "\u{feff}Voucher;Grant;Line;Date;Amount;Payee\r\n\
        V-3;JP-MA-MHPSS-2021;TRAIN;2021-03-18;1.00;\"Two\r\nlines\"\r\n\
        \r\n\
        V-4;JP-MA-MHPSS-2021;TRAIN;2021-02-30;1.00;Hotel\r\n";
    let file = write(&db, "bad-date.csv", text);
    let err = db.fails(&["expense", "import", arg(&file)], 2);
    assert!(
        err.contains("bad-date.csv:5:4 (date = \"2021-02-30\")"),
        "{err}"
    );
}

#[test]
fn delimiter_can_be_given_and_stdin_read() {
    let db = japan_grant();
    let text = "grant\tline\tdate\tamount\tpayee\tvoucher\nJP-MA-MHPSS-2021\tMON\t2021-05-03\t80.00\tPrinter\tV-9\n";
    let file = write(&db, "tabs.tsv", text);
    db.ok(&["expense", "import", arg(&file), "--delimiter", "tab"]);
    let out = assert_cmd::Command::cargo_bin("grantbook")
        .unwrap()
        .env("NO_COLOR", "1")
        .arg("--db")
        .arg(db.target())
        .args(["expense", "import", "-"])
        .write_stdin("grant,line,date,amount,payee,voucher\nJP-MA-MHPSS-2021,MON,2021-05-04,20.00,Printer,V-10\n")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(db.count("expense"), 2);
}

#[test]
fn a_reimport_is_refused_row_by_row_unless_duplicates_are_skipped() {
    let db = japan_grant();
    let rows = generated(50);
    let file = write(&db, "vouchers.csv", as_csv(&rows));
    db.ok(&["expense", "import", arg(&file)]);
    let before = db.dump();

    let err = db.fails(&["expense", "import", arg(&file)], 2);
    assert!(err.contains("50 of 50 rows refused"), "{err}");
    assert!(err.contains("GEN-00000"), "names the voucher:\n{err}");
    assert!(
        err.contains("50 of the refused rows have vouchers the ledger already holds"),
        "{err}"
    );
    assert!(err.contains("add --skip-duplicates"), "{err}");
    assert_eq!(db.dump(), before);

    // With two new rows added to the file, --skip-duplicates records those and counts the rest.
    let more = generated(52);
    let file = write(&db, "vouchers.csv", as_csv(&more));
    let out = db.run(&["expense", "import", arg(&file), "--skip-duplicates"]);
    assert!(out.status.success());
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("skipped 50"),
        "says how many it skipped:\n{said}"
    );
    assert_eq!(db.count("expense"), 52);
}

#[test]
fn a_voucher_twice_in_one_file_is_refused() {
    let db = japan_grant();
    let mut rows = generated(3);
    rows[2].voucher = rows[0].voucher.clone();
    let file = write(&db, "twice.csv", as_csv(&rows));
    let err = db.fails(&["expense", "import", arg(&file)], 2);
    assert!(err.contains(":4:1 (voucher = \"GEN-00000\")"), "{err}");
    assert!(err.contains("earlier in this import"), "{err}");
    assert_eq!(db.count("expense"), 0);
}

/// A ledger much larger than the file, so each row's voucher is looked up (on PostgreSQL the
/// book reads a grant's vouchers whole only once a file is large against the ledger): a voucher
/// the ledger holds and one the file repeats are refused as ever, with or without
/// --skip-duplicates, and ids follow the file's rows.
#[test]
fn a_small_file_into_a_large_ledger_refuses_its_duplicates_and_keeps_its_order() {
    let db = japan_grant();
    let rows = generated(300);
    let file = write(&db, "ledger.csv", as_csv(&rows));
    db.ok(&["expense", "import", arg(&file)]);
    let before = db.dump();

    let mut small = generated(303)[300..].to_vec();
    small.push(rows[7].clone());
    small.push(small[1].clone());
    let file = write(&db, "small.csv", as_csv(&small));
    let err = db.fails(&["expense", "import", arg(&file)], 2);
    assert!(err.contains("2 of 5 rows refused"), "{err}");
    assert!(
        err.contains(":5:1 (voucher = \"GEN-00007\")")
            && err.contains("is already recorded on grant JP-MA-MHPSS-2021 as expense #8"),
        "{err}"
    );
    assert!(
        err.contains(":6:1 (voucher = \"GEN-00301\")") && err.contains("earlier in this import"),
        "{err}"
    );
    assert!(
        err.contains("1 of the refused rows have vouchers the ledger already holds"),
        "{err}"
    );
    assert_eq!(db.dump(), before);

    let err = db.fails(&["expense", "import", arg(&file), "--skip-duplicates"], 2);
    assert!(err.contains("1 of 5 rows refused"), "{err}");
    assert!(err.contains("earlier in this import"), "{err}");
    assert_eq!(db.dump(), before);

    small.pop();
    let file = write(&db, "small.csv", as_csv(&small));
    let out = db.json(&["expense", "import", arg(&file), "--skip-duplicates"]);
    assert_eq!(out["import"]["recorded"], "3");
    assert_eq!(out["import"]["skipped"], "1");
    let (first, last) = (&out["import"]["first_id"], &out["import"]["last_id"]);
    let listed = db.csv_sh("expense list");
    let ids: Vec<(&str, &str)> = listed
        .iter()
        .map(|r| (common::field(r, "voucher"), common::field(r, "id")))
        .filter(|(v, _)| ["GEN-00300", "GEN-00301", "GEN-00302"].contains(v))
        .collect();
    let mut ids = ids;
    ids.sort();
    let ids: Vec<i64> = ids.iter().map(|(_, id)| id.parse().unwrap()).collect();
    assert_eq!(ids.len(), 3);
    assert!(
        ids[0] < ids[1] && ids[1] < ids[2],
        "ids in the file's order: {ids:?}"
    );
    assert_eq!(
        (first, last),
        (&ids[0].to_string().into(), &ids[2].to_string().into())
    );
    db.ok_sh("check");
}

#[test]
fn export_then_import_into_a_fresh_database_gives_identical_reports() {
    let demo = TestDb::demo();
    // A void and a no-cost extension travel too.
    demo.ok_sh("expense void 94 --reason 'Entered twice'");
    for format in ["csv", "json"] {
        let out = demo.dir.path().join(format!("export-{format}"));
        demo.ok(&["export", "--all", "--out", arg(&out), "--format", format]);

        let copy = TestDb::new();
        copy.ok(&["import", arg(&out)]);
        for grant in ["JP-MA-MHPSS-2021", "REG-NA-2022"] {
            for command in [
                format!("report donor --grant {grant} --period 2021-Q3"),
                format!("report budget --grant {grant} --as-of 2023-06-30"),
                format!("report monthly --grant {grant}"),
                format!("expense list --grant {grant}"),
                format!("budget list --grant {grant}"),
            ] {
                let line = format!("{command} --format json");
                // A donor report's period belongs to one grant; the other refuses it in both.
                let (a, b) = (demo.run(&common::sh(&line)), copy.run(&common::sh(&line)));
                assert_eq!(a.status.code(), b.status.code(), "{line}");
                assert_eq!(a.stdout, b.stdout, "{line} ({format} export)");
            }
        }
        for line in [
            "report burn --as-of 2023-06-30",
            "grant list",
            "fx list",
            "receipt list",
        ] {
            assert_eq!(
                demo.ok_sh(&format!("{line} --format csv")),
                copy.ok_sh(&format!("{line} --format csv")),
                "{line} ({format} export)"
            );
        }
        // And the copy exports exactly what it was given.
        let again = copy.dir.path().join("again");
        copy.ok(&["export", "--all", "--out", arg(&again), "--format", format]);
        for table in fs::read_dir(&out).unwrap() {
            let name = table.unwrap().file_name();
            assert_eq!(
                fs::read(out.join(&name)).unwrap(),
                fs::read(again.join(&name)).unwrap(),
                "{name:?}"
            );
        }
    }
}

#[test]
fn import_refuses_a_ledger_that_is_not_empty() {
    let demo = TestDb::demo();
    let out = demo.dir.path().join("export");
    demo.ok(&["export", "--all", "--out", arg(&out)]);
    let before = demo.dump();
    demo.fails(&["import", arg(&out)], 2);
    assert_eq!(demo.dump(), before);
}

#[test]
fn a_quote_left_open_refuses_the_file_instead_of_swallowing_its_rows() {
    let db = japan_grant();
    let text = "grant,line,date,amount,payee,voucher,description\n\
        JP-MA-MHPSS-2021,STAFF,2021-05-02,1.50,P,U1,ok\n\
        JP-MA-MHPSS-2021,STAFF,2021-05-02,2.50,P,U2,\"Training venue\n\
        JP-MA-MHPSS-2021,STAFF,2021-05-03,3.50,P,U3,hotel\n\
        JP-MA-MHPSS-2021,STAFF,2021-05-04,4.50,P,U4,taxi\n";
    let file = write(&db, "unclosed.csv", text);
    let err = db.fails(&["expense", "import", arg(&file)], 2);
    assert!(
        err.contains("unclosed.csv:3: a quoted value opens here and is never closed"),
        "{err}"
    );
    assert_eq!(db.count("expense"), 0);
}

#[test]
fn rows_the_reader_refuses_are_counted_and_placed_in_the_files_terms() {
    let db = japan_grant();
    let mut text = b"grant,line,date,amount,payee,voucher\n\
        JP-MA-MHPSS-2021,STAFF,2021-05-02,1.50,P,V1,extra\n\
        JP-MA-MHPSS-2021,STAFF,2021-05-02,2.50,"
        .to_vec();
    text.extend_from_slice(b"Caf\xe9,V2\n"); // Latin-1, as Excel saves "CSV" on Windows
    let file = write(&db, "mixed.csv", text);
    let err = db.fails(&["expense", "import", arg(&file)], 2);
    assert!(err.contains("2 of 2 rows refused"), "{err}");
    assert!(
        err.contains("mixed.csv:2: the row has 7 values where the header has 6"),
        "{err}"
    );
    assert!(
        err.contains("mixed.csv:3:5: not UTF-8 text; save the file as UTF-8"),
        "{err}"
    );
}

#[test]
fn spreadsheet_quirks_are_read_as_expense_add_would() {
    let db = japan_grant();
    // Empty trailing columns, an empty kind cell (the default), and a pipe that delivers the
    // header in pieces (stdin is read until the header line is whole).
    let text = "grant;line;date;amount;payee;voucher;kind;;\n\
        JP-MA-MHPSS-2021;STAFF;2021-05-02;1.50;P;V1;;;\n";
    let file = write(&db, "excel.csv", text);
    db.ok(&["expense", "import", arg(&file)]);
    assert_eq!(db.count("expense"), 1);

    let stray = "grant;line;date;amount;payee;voucher;;\nJP-MA-MHPSS-2021;STAFF;2021-05-03;1.50;P;V2;;lost?\n";
    let file = write(&db, "stray.csv", stray);
    let err = db.fails(&["expense", "import", arg(&file)], 2);
    assert!(
        err.contains("stray.csv:2:8 (= \"lost?\"): the column has no name"),
        "{err}"
    );

    let forced = "grant,line,date,amount,currency,payee,voucher,force_rate\n\
        JP-MA-MHPSS-2021,STAFF,2021-05-03,100.00,MAD,P,V3,true\n";
    let file = write(&db, "forced.csv", forced);
    let err = db.fails(&["expense", "import", arg(&file)], 2);
    assert!(err.contains("(force_rate = \"true\")"), "{err}");
    assert_eq!(db.count("expense"), 1);
}

#[test]
fn an_export_keeps_each_expenses_quote_whatever_the_rate_table_says_later() {
    let db = japan_grant();
    // Converted at the stored 8.9874 MAD per USD; then the rate of that month is replaced.
    db.ok_sh(&format!(
        "expense add --grant {JAPAN} --line TRAIN --date 2021-06-14 --amount 1000.00 \
         --currency MAD --payee Hotel --voucher R1"
    ));
    db.ok_sh(&format!(
        "expense add --grant {JAPAN} --line TRAIN --date 2021-06-15 --amount 900.00 \
         --currency MAD --rate 0.1111 --rate-base MAD --payee Hotel --voucher R2"
    ));
    db.ok_sh("fx set --from USD --to MAD --rate 9.5 --valid-from 2021-06-01");
    let before = db.csv_sh(&format!("expense list --grant {JAPAN}"));
    assert_eq!(common::field(&before[0], "grant_amount"), "111.27"); // 1,000 / 8.9874 = 111.267
    assert_eq!(common::field(&before[1], "grant_amount"), "99.99"); // 900 × 0.1111

    let out = db.dir.path().join("export");
    db.ok(&["export", "--all", "--out", arg(&out)]);
    let copy = TestDb::new();
    copy.ok(&["import", arg(&out)]);
    assert_eq!(
        copy.csv_sh(&format!("expense list --grant {JAPAN}")),
        before
    );
}

#[test]
fn an_export_with_a_file_missing_is_refused() {
    let demo = TestDb::demo();
    let out = demo.dir.path().join("export");
    demo.ok(&["export", "--all", "--out", arg(&out)]);
    fs::remove_file(out.join("voids.csv")).unwrap();
    let copy = TestDb::new();
    let err = copy.fails(&["import", arg(&out)], 2);
    assert!(
        err.contains("lacks 1 of the files `export --all` writes: voids"),
        "{err}"
    );
    assert_eq!(copy.count("expense"), 0);
}

#[test]
fn export_all_leaves_a_users_partial_file_alone_and_no_temporary_file_behind() {
    let demo = TestDb::demo();
    let out = demo.dir.path().join("backup");
    fs::create_dir(&out).unwrap();
    // The name the export once wrote through: now the user's own.
    fs::write(out.join("donors.csv.partial"), "mine").unwrap();
    demo.ok(&["export", "--all", "--out", arg(&out)]);
    demo.ok(&["export", "--all", "--out", arg(&out), "--force"]);
    assert_eq!(
        fs::read_to_string(out.join("donors.csv.partial")).unwrap(),
        "mine"
    );
    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 25, "24 tables and the user's file: {names:?}");
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
    assert!(
        fs::read_to_string(out.join("donors.csv"))
            .unwrap()
            .contains("JP-GOV")
    );
}
