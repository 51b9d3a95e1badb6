//! Stored rates are guarded like typed ones (`fx set`, `fx import`), replacing one names the
//! expenses still converted at it, and `check` finds those left on the old quote.

mod common;

use std::path::PathBuf;

use common::{JAPAN, TestDb, field, japan_grant};

fn write(db: &TestDb, name: &str, text: &str) -> PathBuf {
    let path = db.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A ledger whose only rate is 1 EUR = 3.412 TND from 2024-01-01.
fn eur_tnd() -> TestDb {
    let db = TestDb::new();
    db.ok_sh("fx set --from EUR --to TND --rate 3.412 --valid-from 2024-01-01");
    db
}

/// Refused with exit 2, one line saying `words`, and the database exactly as it was.
fn refused(db: &TestDb, line: &str, words: &[&str]) {
    let before = db.dump();
    let err = db.fails_sh(line, 2);
    for w in words {
        assert!(err.contains(w), "wanted {w:?} in:\n{err}");
    }
    assert_eq!(db.dump(), before, "{line}: the database changed");
}

#[test]
fn a_rate_more_than_20_percent_from_the_one_in_force_needs_force_rate() {
    let db = eur_tnd();
    refused(
        &db,
        "fx set --from EUR --to TND --rate 34.35 --valid-from 2024-02-01",
        &[
            "34.35",
            "more than 20 % away from the stored rate 1 EUR = 3.412 TND",
            "--force-rate",
        ],
    );
    // Within 20 %: a month's move.
    db.ok_sh("fx set --from EUR --to TND --rate 3.38 --valid-from 2024-02-01");
    // A devaluation, confirmed.
    db.ok_sh("fx set --from EUR --to TND --rate 5.1 --valid-from 2024-03-01 --force-rate");
    let rates = db.csv_sh("fx list --currency TND");
    let listed: Vec<&str> = rates.iter().map(|r| field(r, "rate")).collect();
    assert_eq!(listed, ["3.412", "3.38", "5.1"]);
    // A rate dated before them all is held against the first after it.
    refused(
        &db,
        "fx set --from EUR --to TND --rate 0.34 --valid-from 2023-12-01 --force-rate",
        &["looks upside down"],
    );
}

#[test]
fn an_upside_down_rate_is_refused_even_with_force_rate() {
    let db = eur_tnd();
    refused(
        &db,
        "fx set --from EUR --to TND --rate 0.2913 --valid-from 2024-02-01 --force-rate",
        &[
            "looks upside down: the stored rate is 1 EUR = 3.412 TND",
            "give about --rate 3.412",
        ],
    );
}

#[test]
fn the_first_rate_of_a_pair_has_nothing_to_be_held_against() {
    let db = eur_tnd();
    db.ok_sh("fx set --from EUR --to EGP --rate 51.2164 --valid-from 2024-04-01");
    db.ok_sh("fx set --from USD --to MAD --rate 0.0001 --valid-from 2021-01-01");
}

#[test]
fn fx_import_refuses_the_whole_file_for_one_jump_and_takes_force_rate() {
    let db = eur_tnd();
    let file = write(
        &db,
        "rates.csv",
        "from,to,rate,valid_from\n\
         EUR,TND,3.4,2024-02-01\n\
         EUR,TND,34.35,2024-03-01\n",
    );
    let before = db.dump();
    let err = db.fails(&["fx", "import", file.to_str().unwrap()], 2);
    assert!(err.contains("rates.csv:3:3 (rate = \"34.35\")"), "{err}");
    assert!(err.contains("more than 20 % away"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(db.dump(), before, "the database changed");

    // Upside down is refused even when the row says force_rate.
    let file = write(
        &db,
        "inverted.csv",
        "from,to,rate,valid_from,force_rate\nEUR,TND,0.2913,2024-02-01,true\n",
    );
    let err = db.fails(&["fx", "import", file.to_str().unwrap()], 2);
    assert!(err.contains("looks upside down"), "{err}");
    assert_eq!(db.dump(), before, "the database changed");

    // Each row is held against the rows before it, and force_rate confirms a jump.
    let file = write(
        &db,
        "forced.csv",
        "from,to,rate,valid_from,force_rate\n\
         EUR,TND,3.4,2024-02-01,\n\
         EUR,TND,5.1,2024-03-01,true\n\
         EUR,TND,5.2,2024-04-01,false\n",
    );
    db.ok(&["fx", "import", file.to_str().unwrap()]);
    assert_eq!(db.csv_sh("fx list --currency TND").len(), 4);
}

#[test]
fn a_pair_and_day_given_twice_in_one_file_is_refused_with_or_without_replace() {
    let db = eur_tnd();
    // With --replace the second row would silently have replaced the first.
    let file = write(
        &db,
        "twice.csv",
        "from,to,rate,valid_from\nEUR,TND,3.40,2024-02-01\nEUR,TND,3.41,2024-02-01\n",
    );
    let path = file.to_str().unwrap();
    for replace in ["", " --replace"] {
        refused(
            &db,
            &format!("fx import {path}{replace}"),
            &[
                "twice.csv: 1 of 2 rows refused",
                "twice.csv:3:4 (valid_from = \"2024-02-01\"): the rate EUR/TND from 2024-02-01 \
                 is given twice in this file (first at line 2); give it once",
            ],
        );
    }
}

#[test]
fn import_dir_names_the_row_giving_a_pair_and_day_twice() {
    let db = eur_tnd();
    let out = db.dir.path().join("export");
    db.ok(&["export", "--all", "--out", out.to_str().unwrap()]);
    let rates = out.join("fx_rates.csv");
    let mut text = std::fs::read_to_string(&rates).unwrap();
    text.push_str("EUR,TND,3.5,2024-01-01,\n");
    std::fs::write(&rates, text).unwrap();
    let copy = TestDb::new();
    let before = copy.dump();
    let err = copy.fails(&["import", out.to_str().unwrap()], 2);
    assert!(
        err.contains(
            "fx_rates.csv:3:4 (valid_from = \"2024-01-01\"): the rate EUR/TND from 2024-01-01 is \
             given twice in this file (first at "
        ) && err.contains("fx_rates.csv:2)"),
        "{err}"
    );
    assert_eq!(copy.dump(), before);
}

#[test]
fn replacing_a_rate_is_held_against_its_neighbour_not_the_typo_it_corrects() {
    let db = eur_tnd();
    db.ok_sh("fx set --from EUR --to TND --rate 34.12 --valid-from 2024-02-01 --force-rate");
    // 3.41 is 90 % from the 34.12 it replaces, but next to the January rate.
    db.ok_sh("fx set --from EUR --to TND --rate 3.41 --valid-from 2024-02-01 --replace");
    refused(
        &db,
        "fx set --from EUR --to TND --rate 34.1 --valid-from 2024-02-01 --replace",
        &["from the stored rate 1 EUR = 3.412 TND", "--force-rate"],
    );
}

/// The Japan grant with MAD expenses: #1 in March (the March rate), #2 and #3 in April at the
/// stored April rate 8.9874, #4 in April at a typed rate, #5 in April voided.
fn japan_with_mad_expenses() -> TestDb {
    let db = japan_grant();
    let add = |date: &str, voucher: &str, extra: &str| {
        db.ok_sh(&format!(
            "expense add --grant {JAPAN} --line TRAIN --date {date} --amount 12500.00 \
             --currency MAD --payee 'Hotel Rabat' --voucher {voucher} {extra}"
        ));
    };
    add("2021-03-18", "V-MAR", "");
    add("2021-04-15", "V-APR-1", "");
    add("2021-04-20", "V-APR-2", "");
    add("2021-04-22", "V-TYPED", "--rate 8.9874");
    add("2021-04-25", "V-VOID", "");
    db.ok_sh("expense void 5 --reason 'Duplicate'");
    db
}

#[test]
fn replacing_a_rate_names_the_expenses_still_converted_at_it() {
    let db = japan_with_mad_expenses();
    let out = db.run(&common::sh(
        "fx set --from USD --to MAD --rate 8.90 --valid-from 2021-04-01 --replace",
    ));
    common::explain_unless(&out, 0, &["fx set --replace"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(
            "2 live expenses were converted at the replaced rate 1 USD = 8.9874 MAD (from \
             2021-04-01) and keep it until converted again:"
        ),
        "{err}"
    );
    // MAD 12,500.00 / 8.9874 = USD 1,390.84 now; / 8.90 = 1,404.49.
    assert!(
        err.contains(&format!(
            "expense #2 (voucher V-APR-1, 2021-04-15, grant {JAPAN}): 1390.84 USD now, \
             1404.49 USD at 1 USD = 8.90 MAD"
        )),
        "{err}"
    );
    assert!(err.contains("expense #3 (voucher V-APR-2"), "{err}");
    for other in ["#1 ", "#4 ", "#5 "] {
        assert!(!err.contains(other), "expense {other}named in:\n{err}");
    }
    assert!(
        err.contains(&format!(
            "grantbook expense reprice --grant {JAPAN} --from 2021-04-15 --to 2021-04-20"
        )),
        "{err}"
    );
    // A replace that changes only the source leaves nothing to convert again.
    let out = db.run(&common::sh(
        "fx set --from USD --to MAD --rate 8.90 --valid-from 2021-04-01 --replace --source UN",
    ));
    assert!(out.stderr.is_empty(), "{:?}", String::from_utf8(out.stderr));
}

#[test]
fn fx_import_replace_names_them_too() {
    let db = japan_with_mad_expenses();
    let file = write(
        &db,
        "corrected.csv",
        "from,to,rate,valid_from\nUSD,MAD,9.1,2021-03-01\n",
    );
    let out = db.run(&["fx", "import", "--replace", file.to_str().unwrap()]);
    common::explain_unless(&out, 0, &["fx import --replace"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("1 live expense was converted at the replaced rate 1 USD = 9.0235 MAD"));
    assert!(
        err.contains("expense #1 (voucher V-MAR, 2021-03-18"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "grantbook expense reprice --grant {JAPAN} --from 2021-03-18 --to 2021-03-18"
        )),
        "{err}"
    );
}

#[test]
fn check_finds_the_expenses_left_on_a_replaced_rate() {
    let db = japan_with_mad_expenses();
    db.ok(&["check"]);
    db.ok_sh("fx set --from USD --to MAD --rate 8.90 --valid-from 2021-04-01 --replace");
    let out = db.run(&["check", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let (checks, findings) = text.split_once("\n\n").expect("findings");
    let stored = common::parse_csv(checks)
        .into_iter()
        .find(|r| field(r, "check") == "stored_rates")
        .expect("a stored_rates check");
    // Expenses 1, 2, 3 and 4 are live; 4's rate was typed, so 3 were converted from the table.
    assert_eq!(field(&stored, "examined"), "3");
    let found: Vec<(String, String)> = common::parse_csv(findings)
        .iter()
        .map(|r| {
            (
                field(r, "place").to_string(),
                field(r, "problem").to_string(),
            )
        })
        .collect();
    let places: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(places, ["expense #2", "expense #3"], "{found:#?}");
    let problem = &found[0].1;
    for words in [
        "dated 2021-04-15, converted at the stored rate 1 USD = 8.9874 MAD",
        "the rate table now gives 1 USD = 8.90 MAD (from 2021-04-01)",
        "grantbook expense reprice --grant JP-MA-MHPSS-2021 --from 2021-04-15 --to 2021-04-15",
    ] {
        assert!(problem.contains(words), "{words:?} in {problem}");
    }
}

#[test]
fn import_dir_loads_the_rates_of_its_own_export_whatever_their_jumps() {
    // Each rate passed when entered; replayed in the export's order, March meets the corrected
    // February rate, against which it would look upside down.
    let db = TestDb::new();
    for line in [
        "fx set --from EUR --to USD --rate 1.08 --valid-from 2024-01-01",
        "fx set --from EUR --to USD --rate 1.0 --valid-from 2024-02-01",
        "fx set --from EUR --to USD --rate 0.96 --valid-from 2024-03-01",
        "fx set --from EUR --to USD --rate 1.04 --valid-from 2024-02-01 --replace",
        "fx set --from EUR --to EGP --rate 33.4218 --valid-from 2024-03-01",
        "fx set --from EUR --to EGP --rate 51.2164 --valid-from 2024-04-01 --force-rate",
    ] {
        db.ok_sh(line);
    }
    let dir = db.dir.path().join("export");
    db.ok(&["export", "--all", "--out", dir.to_str().unwrap()]);
    let copy = TestDb::new();
    copy.ok(&["import", dir.to_str().unwrap()]);
    assert_eq!(copy.csv_sh("fx list"), db.csv_sh("fx list"));
}
