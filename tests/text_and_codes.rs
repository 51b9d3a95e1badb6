//! Issue 19, items 4, 6 and 8: every column an importer takes is checked as its flag is, the
//! words the reports use for their own rows are not codes, and text is trimmed the same way on
//! every path.

mod common;

use common::{JAPAN as G, TestDb, field, japan_grant};

fn import(db: &TestDb, csv: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rows.csv");
    std::fs::write(&file, csv).unwrap();
    db.run(&["expense", "import", file.to_str().unwrap()])
}

#[test]
fn a_rate_base_without_a_rate_is_refused_in_a_file_as_on_the_command_line() {
    let db = japan_grant();
    let before = db.dump();
    let out = import(
        &db,
        &format!(
            "grant,line,date,amount,currency,payee,voucher,rate_base\n\
             {G},TRAIN,2021-04-15,1000.00,MAD,Hotel,V-1,ZZZ\n"
        ),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("rows.csv:2"), "{err}");
    assert!(err.contains("rate_base"), "{err}");
    assert!(err.contains("no rate is given"), "{err}");
    assert_eq!(db.dump(), before);
    // The flag says the same through clap: --rate-base needs --rate.
    let err = db.fails_sh(
        &format!(
            "expense add --grant {G} --line TRAIN --date 2021-04-15 --amount 1000.00 \
             --currency MAD --payee Hotel --voucher V-1 --rate-base MAD"
        ),
        2,
    );
    assert!(err.contains("--rate"), "{err}");
}

#[test]
fn the_words_the_reports_use_for_their_rows_are_not_codes() {
    let db = japan_grant();
    let before = db.dump();
    for code in ["TOTAL", "total", "unallocated", "Unallocated"] {
        let err = db.fails_sh(
            &format!("budget revise --grant {G} --date 2021-06-01 --reason r --new-line '{code}:other:1.00:x'"),
            2,
        );
        assert!(err.contains("the reports use"), "{code}: {err}");
    }
    let err = db.fails_sh(
        "grant add --reference TOTAL --donor JP-GOV --project MA-MHPSS --currency USD \
         --amount 10.00 --start 2021-03-01 --end 2022-03-31 --indirect-rate 7",
        2,
    );
    assert!(err.contains("TOTAL row"), "{err}");
    assert_eq!(db.dump(), before);
    // So `budget list --format csv` has one TOTAL row, its last.
    let rows = db.csv_sh(&format!("budget list --grant {G}"));
    let totals: Vec<_> = rows
        .iter()
        .filter(|r| field(r, "line") == "TOTAL")
        .collect();
    assert_eq!(totals.len(), 1);
}

#[test]
fn text_loses_white_space_at_its_ends_on_every_path_and_keeps_the_rest() {
    let db = japan_grant();
    // No-break space, ideographic space, tab, vertical tab and form feed at the ends; a
    // no-break space inside stays.
    let payee = "\u{a0}\u{3000}\tHôtel\u{a0}Rabat\u{b}\u{c}";
    db.ok(&[
        "expense",
        "add",
        "--grant",
        G,
        "--line",
        "TRAIN",
        "--date",
        "2021-04-15",
        "--amount",
        "10.00",
        "--payee",
        payee,
        "--voucher",
        "V-ADD",
    ]);
    let out = import(
        &db,
        &format!(
            "grant,line,date,amount,payee,voucher\n{G},TRAIN,2021-04-16,10.00,\"{payee}\",V-FILE\n"
        ),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let rows = db.csv_sh(&format!("expense list --grant {G}"));
    let payees: Vec<&str> = rows.iter().map(|r| field(r, "payee")).collect();
    assert_eq!(payees, ["Hôtel\u{a0}Rabat", "Hôtel\u{a0}Rabat"]);

    // A line separator inside a one-line text is refused, wherever it comes from.
    let before = db.dump();
    let err = db.fails(
        &[
            "expense",
            "add",
            "--grant",
            G,
            "--line",
            "TRAIN",
            "--date",
            "2021-04-15",
            "--amount",
            "10.00",
            "--payee",
            "Hôtel\u{2028}Rabat",
            "--voucher",
            "V-LS",
        ],
        2,
    );
    assert!(err.contains("line break (U+2028)"), "{err}");
    let out = import(
        &db,
        &format!(
            "grant,line,date,amount,payee,voucher\n{G},TRAIN,2021-04-16,10.00,Hôtel\u{2029}Rabat,V-LS\n"
        ),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(db.dump(), before);
}
