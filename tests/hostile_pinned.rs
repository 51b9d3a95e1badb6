//! The hostile values issue 5 names, each pinned as an ordinary test so that every run tries
//! them whatever the property tests draw: through `expense add` (one field replaced in a valid
//! command) and `expense import` (one cell replaced in a valid file), on the demo database.

mod common;
mod hostile_input;

use std::process::Output;

use hostile_input::fields::{REG, text_of};
use hostile_input::harness::{Case, Outcome, check, opt, word};
use hostile_input::{Val, Verdict};

const ARGS: &[(&str, &str)] = &[
    ("line", "PROT"),
    ("date", "2024-03-05"),
    ("amount", "12.50"),
    ("currency", "EUR"),
    ("payee", "Hotel Rabat"),
    ("voucher", "PIN-1"),
    ("country", "MA"),
    ("description", "Training venue"),
];

/// `expense add` with `field` set to `value`, checked against `verdict`; the stored payee and
/// description are read back.
fn add_with(field: &str, value: &[u8], verdict: Verdict) -> Outcome {
    let case = Case::new();
    let mut args = vec![word("expense"), word("add"), word("--grant"), word(REG)];
    for (name, default) in ARGS {
        let bytes = if *name == field {
            value
        } else {
            default.as_bytes()
        };
        args.push(opt(
            name,
            &Val {
                bytes: bytes.to_vec(),
                verdict,
            },
        ));
    }
    let out = case.run(&args);
    let shown = String::from_utf8_lossy(value)
        .chars()
        .take(60)
        .collect::<String>();
    let outcome = check(&case, &out, verdict, &["expense"], 1, |conn| {
        let got = text_of(
            conn,
            "SELECT payee, description FROM expense WHERE voucher = ?1",
            "PIN-1",
        );
        let want = |name: &str, default: &str| match name == field {
            true => String::from_utf8(value.to_vec())
                .unwrap()
                .trim()
                .to_string(),
            false => default.to_string(),
        };
        assert_eq!(got[0], want("payee", "Hotel Rabat"));
        assert_eq!(got[1], want("description", "Training venue"));
        Ok(())
    });
    outcome.unwrap_or_else(|e| panic!("--{field} {shown:?}: {e}"))
}

#[test]
fn hostile_amounts_are_refused() {
    for amount in [
        "1e30",
        "1E3",
        "99999999999999999999999999999",
        "1000000000000",
        "0.1234567890123456789012345678901234567890",
        "1234567890123456789012345678901234567890",
        "12.345",
        "-5",
        "0",
        "0.00",
        "1,250.00",
        "NaN",
        "inf",
        "0x10",
        "١٢٣",
        "=1+1",
        "'); DROP TABLE expense;--",
    ] {
        add_with("amount", amount.as_bytes(), Verdict::Refuse);
    }
}

#[test]
fn hostile_dates_are_refused() {
    for date in [
        "0000-00-00",
        "9999-12-31",
        "2021-02-30",
        "-0001-01-01",
        "2024-1-5",
        "20240305",
        "1949-12-31",
        "2024-03-05'; --",
        " ",
    ] {
        add_with("date", date.as_bytes(), Verdict::Refuse);
    }
}

#[test]
fn hostile_text_is_refused() {
    let long = "a".repeat(40_000);
    for payee in [
        b"a\x01b".as_slice(),
        b"\xff\xfe",
        b"Caf\xc3",
        b"\xed\xa0\x80",
        b"line\nbreak",
        b"bell\x07",
        long.as_bytes(),
        b"   ",
        "\u{a0}\u{2003}".as_bytes(),
    ] {
        add_with("payee", payee, Verdict::Refuse);
    }
}

#[test]
fn text_hostile_to_sql_and_spreadsheets_is_stored_verbatim() {
    for payee in [
        "'); DROP TABLE expense;--",
        "x' OR '1'='1",
        "Robert'); DROP TABLE donor;--",
        "=1+1",
        "@SUM(A1)",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "\u{202e}evil\u{202c}",
        "a\u{200b}b",
        "😀 中文 مرحبا",
        "%s%n{}",
        "  padded and trimmed  ",
    ] {
        assert!(add_with("payee", payee.as_bytes(), Verdict::Ok) == Outcome::Stored);
    }
    let description = "two\r\nlines\rand\ttabs; DELETE FROM expense;";
    add_with("description", description.as_bytes(), Verdict::Ok);
}

/// `expense import` of one row whose `column` cell is `cell`.
fn import_with(column: usize, cell: &[u8], verdict: Verdict) -> (Case, Output, Outcome) {
    let case = Case::new();
    let mut row: Vec<Vec<u8>> = [
        REG,
        "PROT",
        "2024-03-05",
        "12.50",
        "Hotel",
        "PIN-2",
        "Venue",
        "MA",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    row[column] = cell.to_vec();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "grant",
            "line",
            "date",
            "amount",
            "payee",
            "voucher",
            "description",
            "country",
        ])
        .unwrap();
    writer.write_record(&row).unwrap();
    let file = case.file("in.csv", &writer.into_inner().unwrap());
    let out = case.run(&[word("expense"), word("import"), file.into_os_string()]);
    let outcome = check(&case, &out, verdict, &["expense"], 1, |conn| {
        let got = text_of(
            conn,
            "SELECT payee, description FROM expense WHERE voucher = ?1",
            "PIN-2",
        );
        let want = |i: usize| String::from_utf8_lossy(&row[i]).trim().to_string();
        assert_eq!((&got[0], &got[1]), (&want(4), &want(6)));
        Ok(())
    });
    let outcome = outcome.unwrap_or_else(|e| panic!("cell {column}: {e}"));
    (case, out, outcome)
}

#[test]
fn hostile_csv_cells() {
    let refused: &[(usize, Vec<u8>)] = &[
        (4, b"nul\0byte".to_vec()),
        (4, b"\xff\xfeinvalid".to_vec()),
        (6, "é".repeat(100_000).into_bytes()),
        (4, "a".repeat(10_000).into_bytes()),
        (3, b"1e30".to_vec()),
        (3, b"0.1234567890123456789012345678901234567890".to_vec()),
        (2, b"0000-00-00".to_vec()),
        (2, b"9999-12-31".to_vec()),
        (2, b"2021-02-30".to_vec()),
        (1, b"'); DROP TABLE expense;--".to_vec()),
    ];
    for (column, cell) in refused {
        let (_, out, _) = import_with(*column, cell, Verdict::Refuse);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("in.csv:2"), "no file:line in {stderr}");
    }
    for cell in [
        "'); DROP TABLE expense;--",
        "=1+1",
        "@SUM(A1)",
        "\u{202e}x\u{200b}",
    ] {
        import_with(4, cell.as_bytes(), Verdict::Ok);
        import_with(6, cell.as_bytes(), Verdict::Ok);
    }
}
