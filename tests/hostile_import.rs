//! Hostile input through the CSV importers (issue 5): `expense import`, `receipt import` and
//! `fx import` read files of one to five rows whose cells mix valid values and hostile ones,
//! written as raw bytes (NUL, invalid UTF-8, 10k-100k-character cells, SQL, formula cells...),
//! sometimes with a damaged tail; and every importer, `budget set --file` too, reads files of
//! random bytes. All or nothing: exit 2 with a message and the database unchanged, or exit 0
//! with every row stored verbatim (trimmed) and nothing else changed. See hostile.rs.

mod common;
mod hostile_input;

use std::process::Output;

use hostile_input::fields::{REG, VOUCHER, minor, text_of};
use hostile_input::harness::{CASES, Case, EMPTY_GRANT, check, expected, hostile_cases, word};
use hostile_input::{
    Kind, Val, Verdict, classify, decimal, hostile, one_of, valid_amount, valid_date, valid_text,
};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::BoxedStrategy;

/// A column: the kind of its cells and the valid values it takes.
type Column = (Kind, BoxedStrategy<String>);

/// One to five rows of valid cells, then up to two cells replaced by hostile bytes (in a file a
/// NUL byte is deliverable and long cells are not cut), each judged by its column's kind; a
/// blank optional code is the same as none.
fn rows(columns: Vec<Column>) -> BoxedStrategy<Vec<Vec<Val>>> {
    let kinds: Vec<Kind> = columns.iter().map(|c| c.0).collect();
    let valid: Vec<BoxedStrategy<String>> = columns.into_iter().map(|c| c.1).collect();
    let injected = (any::<Index>(), any::<Index>(), hostile(true));
    (
        prop::collection::vec(valid, 1..6),
        prop::collection::vec(injected, 0..3),
    )
        .prop_map(move |(table, injections)| {
            let mut table: Vec<Vec<Val>> = table
                .into_iter()
                .map(|row| row.into_iter().map(Val::ok).collect())
                .collect();
            for (r, c, bytes) in injections {
                let (r, c) = (r.index(table.len()), c.index(kinds.len()));
                let kind = kinds[c];
                let blank = std::str::from_utf8(&bytes).is_ok_and(|s| s.trim().is_empty());
                // Judged as the import reads the cell: without the ' that marks a formula.
                let read = match std::str::from_utf8(&bytes) {
                    Ok(text) => grantbook::render::from_spreadsheet_safe(text)
                        .as_bytes()
                        .to_vec(),
                    Err(_) => bytes.clone(),
                };
                let verdict = match classify(kind, &read) {
                    _ if blank && matches!(kind, Kind::Country | Kind::Currency) => Verdict::Either,
                    v => v,
                };
                table[r][c] = Val { bytes, verdict };
            }
            table
        })
        .boxed()
}

fn text(max: usize, multiline: bool) -> Column {
    let kind = Kind::Text {
        max,
        multiline,
        required: !multiline,
    };
    (kind, valid_text(max, multiline))
}

fn amount(minor: u32) -> Column {
    (Kind::Amount { minor, zero: false }, valid_amount(minor))
}

fn date() -> Column {
    (Kind::Date, valid_date("2024-01-01", 366))
}

fn grant() -> Column {
    (Kind::Code, Just(REG.to_string()).boxed())
}

/// Garbage after the last row now and then: a broken quote, stray bytes, a short row.
fn damage() -> impl Strategy<Value = Option<Vec<u8>>> {
    let tail = prop_oneof![
        Just(b"\"unterminated,quote\n".to_vec()),
        Just(b"only,two\n".to_vec()),
        hostile(true),
    ];
    prop::option::weighted(0.2, tail)
}

/// Write `header` and `rows` as CSV (the writer quotes whatever the bytes are), then the damage;
/// run `command` on it and say what the cells' verdicts require.
fn import(
    case: &Case,
    command: &[&str],
    header: &[&str],
    rows: &[Vec<Val>],
    tail: &Option<Vec<u8>>,
) -> (Output, Verdict) {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).unwrap();
    for row in rows {
        writer.write_record(row.iter().map(|v| &v.bytes)).unwrap();
    }
    let mut bytes = writer.into_inner().unwrap();
    let mut vals: Vec<&Val> = rows.iter().flatten().collect();
    let damaged = tail.as_ref().map(|t| Val {
        bytes: t.clone(),
        verdict: Verdict::Either,
    });
    if let Some(d) = &damaged {
        bytes.extend_from_slice(&d.bytes);
        vals.push(d);
    }
    let file = case.file("in.csv", &bytes);
    let mut args: Vec<_> = command.iter().map(|w| word(w)).collect();
    args.push(file.into_os_string());
    (case.run(&args), expected(&vals))
}

fn expense_rows() -> BoxedStrategy<Vec<Vec<Val>>> {
    rows(vec![
        grant(),
        (Kind::Code, one_of(&["PROT", " HEALTH "])),
        date(),
        amount(2),
        (Kind::Currency, one_of(&["EUR", " eur "])),
        text(200, false),
        text(55, false),
        (Kind::Country, one_of(&["MA", " tn "])),
        text(2000, true),
        (Kind::Other, one_of(&["expenditure", "", "Disbursement"])),
    ])
}

#[test]
fn expense_import() {
    let header = [
        "grant",
        "line",
        "date",
        "amount",
        "currency",
        "payee",
        "voucher",
        "country",
        "description",
        "kind",
    ];
    let s = (expense_rows(), damage());
    hostile_cases("expense import", CASES, s, |(mut rows, tail)| {
        let case = Case::new();
        for (i, row) in rows.iter_mut().enumerate() {
            // Unique vouchers; leading padding becomes inner text, so judge anew.
            row[6].bytes.splice(0..0, format!("HV{i}-").into_bytes());
            row[6].verdict = classify(VOUCHER, &row[6].bytes);
        }
        let (out, expect) = import(&case, &["expense", "import"], &header, &rows, &tail);
        check(
            &case,
            &out,
            expect,
            &["expense"],
            rows.len() as i64,
            |conn| {
                for row in &rows {
                    let sql = "SELECT e.date, CAST(e.amount_minor AS TEXT), e.payee, e.description,
                           l.code FROM expense e JOIN budget_line l ON l.id = e.line_id
                           WHERE e.voucher = ?1";
                    let got = text_of(conn, sql, &row[6].imported());
                    prop_assert_eq!(&got[0], &row[2].imported());
                    prop_assert_eq!(&got[1], &minor(&row[3], 2).to_string());
                    prop_assert_eq!(&got[2], &row[5].imported());
                    prop_assert_eq!(&got[3], &row[8].imported());
                    prop_assert_eq!(&got[4], &row[1].imported());
                }
                // The import leaves the CHECK constraints to its book: every value it stored
                // must pass them all the same.
                let integrity: String =
                    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
                prop_assert_eq!(integrity, "ok");
                Ok(())
            },
        )
    });
}

#[test]
fn receipt_import() {
    let header = [
        "grant",
        "date",
        "amount",
        "currency",
        "reference",
        "description",
    ];
    let currency = (Kind::Currency, one_of(&["EUR", " eur "]));
    let columns = vec![
        grant(),
        date(),
        amount(2),
        currency,
        text(100, true),
        text(1000, true),
    ];
    let s = (rows(columns), damage());
    hostile_cases("receipt import", CASES, s, |(mut rows, tail)| {
        let case = Case::new();
        // A reference twice in the file (for one grant) is a clash for the ledger to judge, not
        // the cell's syntax; an empty reference is no key.
        let key = |r: &Vec<Val>| {
            let k: Vec<String> = [&r[0], &r[4]]
                .iter()
                .map(|v| String::from_utf8_lossy(&v.bytes).trim().to_string())
                .collect();
            k
        };
        for i in 1..rows.len() {
            if !key(&rows[i])[1].is_empty()
                && rows[..i].iter().any(|r| key(r) == key(&rows[i]))
                && rows[i][4].verdict == Verdict::Ok
            {
                rows[i][4].verdict = Verdict::Either;
            }
        }
        let (out, expect) = import(&case, &["receipt", "import"], &header, &rows, &tail);
        check(
            &case,
            &out,
            expect,
            &["receipt"],
            rows.len() as i64,
            |conn| {
                let mut stmt = conn
                .prepare(
                    "SELECT date, CAST(amount_minor AS TEXT), reference, description FROM receipt
                     WHERE id > 4 ORDER BY id",
                )
                .unwrap();
                let got: Vec<Vec<String>> = stmt
                    .query_map([], |r| (0..4).map(|i| r.get(i)).collect())
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                prop_assert_eq!(got.len(), rows.len());
                for (got, row) in got.iter().zip(&rows) {
                    prop_assert_eq!(&got[0], &row[1].imported());
                    prop_assert_eq!(&got[1], &minor(&row[2], 2).to_string());
                    prop_assert_eq!(&got[2], &row[4].imported());
                    prop_assert_eq!(&got[3], &row[5].imported());
                }
                Ok(())
            },
        )
    });
}

#[test]
fn fx_import() {
    let header = ["from", "to", "rate", "valid_from", "source"];
    let columns = vec![
        (Kind::Currency, one_of(&["GBP", " chf "])),
        (Kind::Currency, one_of(&["NOK", "dkk"])),
        amount(12),
        (Kind::Date, valid_date("2020-01-01", 3000)),
        text(200, true),
    ];
    let s = (rows(columns), damage());
    hostile_cases("fx import", CASES, s, |(mut rows, tail)| {
        let case = Case::new();
        // The same pair and day twice is a clash for the ledger to judge, not a syntax error.
        let key = |r: &Vec<Val>| {
            let k: Vec<String> = (r[..2].iter().chain([&r[3]]))
                .map(|v| String::from_utf8_lossy(&v.bytes).trim().to_uppercase())
                .collect();
            k
        };
        // So is a rate held against an earlier row of its pair (more than 20 % away, or
        // upside down): the ledger's rule, not the cell's syntax.
        let pair = |r: &Vec<Val>| key(r)[..2].to_vec();
        for i in 1..rows.len() {
            if rows[..i].iter().any(|r| key(r) == key(&rows[i]))
                && rows[i][3].verdict == Verdict::Ok
            {
                rows[i][3].verdict = Verdict::Either;
            }
            if rows[..i].iter().any(|r| pair(r) == pair(&rows[i]))
                && rows[i][2].verdict == Verdict::Ok
            {
                rows[i][2].verdict = Verdict::Either;
            }
        }
        let (out, expect) = import(&case, &["fx", "import"], &header, &rows, &tail);
        check(
            &case,
            &out,
            expect,
            &["fx_rate"],
            rows.len() as i64,
            |conn| {
                for row in &rows {
                    let sql =
                        "SELECT rate, source FROM fx_rate WHERE base || quote || valid_from = ?1";
                    let key = format!(
                        "{}{}{}",
                        row[0].imported().to_uppercase(),
                        row[1].imported().to_uppercase(),
                        row[3].imported()
                    );
                    let got = text_of(conn, sql, &key);
                    prop_assert_eq!(decimal(&got[0]), decimal(&row[2].imported()));
                    prop_assert_eq!(&got[1], &row[4].imported());
                }
                Ok(())
            },
        )
    });
}

/// Random bytes, alone or after a valid header: every importer refuses them (or, for a file of
/// no rows, takes nothing) without a panic or a change.
#[test]
fn random_files() {
    let importers: &[(&[&str], &[u8], &str)] = &[
        (
            &["expense", "import"],
            b"grant,line,date,amount,payee,voucher\n",
            "expense",
        ),
        (&["receipt", "import"], b"grant,date,amount\n", "receipt"),
        (&["fx", "import"], b"from,to,rate,valid_from\n", "fx_rate"),
        (
            &["budget", "set", "--grant", EMPTY_GRANT, "--file"],
            b"code,name,category,amount\n",
            "budget_line",
        ),
    ];
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..4000),
        hostile(true),
        "\\PC{0,400}".prop_map(String::into_bytes),
    ];
    let s = (0..importers.len(), any::<bool>(), body);
    hostile_cases("random files", CASES, s, |(which, with_header, body)| {
        let (command, header, table) = importers[which];
        let case = Case::new();
        let mut bytes = if with_header {
            header.to_vec()
        } else {
            Vec::new()
        };
        bytes.extend_from_slice(&body);
        let file = case.file("random.csv", &bytes);
        let mut args: Vec<_> = command.iter().map(|w| word(w)).collect();
        args.push(file.into_os_string());
        let out = case.run(&args);
        check(&case, &out, Verdict::Either, &[table], 0, |_| Ok(()))
    });
}
