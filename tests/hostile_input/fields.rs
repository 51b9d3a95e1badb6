//! Field strategies and read-back helpers shared by the hostile-input tests.

use std::ffi::OsString;

use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use rusqlite::Connection;

use super::harness::{Case, word};
use super::{
    Kind, Val, Verdict, decimal, field, one_of, valid_amount, valid_code, valid_date, valid_text,
};

/// The demo's active grant, in EUR, whose 2024 periods are open.
pub const REG: &str = "REG-NA-2022";

pub const VOUCHER: Kind = Kind::Text {
    max: 60,
    multiline: false,
    required: true,
};

/// A required one-line text field of at most `max` characters.
pub fn line(max: usize) -> BoxedStrategy<Val> {
    let kind = Kind::Text {
        max,
        multiline: false,
        required: true,
    };
    field(kind, valid_text(max, false), false)
}

/// An optional free-text field (may span lines) of at most `max` characters.
pub fn free(max: usize) -> BoxedStrategy<Val> {
    let kind = Kind::Text {
        max,
        multiline: true,
        required: false,
    };
    field(kind, valid_text(max, true), false)
}

pub fn code(prefix: &'static str) -> BoxedStrategy<Val> {
    field(Kind::Code, valid_code(prefix), false)
}

pub fn money(minor: u32, zero: bool) -> BoxedStrategy<Val> {
    field(Kind::Amount { minor, zero }, valid_amount(minor), false)
}

pub fn date(first: &'static str, days: u64) -> BoxedStrategy<Val> {
    field(Kind::Date, valid_date(first, days), false)
}

pub fn pick(kind: Kind, words: &'static [&'static str]) -> BoxedStrategy<Val> {
    field(kind, one_of(words), false)
}

/// An optional code field: blank is the same as not given (src/cli/input.rs `given`).
pub fn optional(kind: Kind, words: &'static [&'static str]) -> BoxedStrategy<Val> {
    pick(kind, words)
        .prop_map(|mut v| {
            if std::str::from_utf8(&v.bytes).is_ok_and(|s| s.trim().is_empty()) {
                v.verdict = Verdict::Either;
            }
            v
        })
        .boxed()
}

/// An amount as stored: integer minor units.
pub fn minor(v: &Val, units: u32) -> i64 {
    let mut d = decimal(&v.trimmed());
    d.rescale(units);
    i64::try_from(d.mantissa()).unwrap()
}

pub fn text_of(conn: &Connection, sql: &str, key: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    let width = stmt.column_count();
    stmt.query_row([key], |r| {
        (0..width).map(|i| r.get::<_, String>(i)).collect()
    })
    .unwrap()
}

pub fn run(case: &Case, words: &[&str], options: Vec<OsString>) -> std::process::Output {
    let mut args: Vec<OsString> = words.iter().map(|w| word(w)).collect();
    args.extend(options);
    case.run(&args)
}

/// A listing or `show` of this case's database as JSON: the read-back a user gets (CSV output
/// marks formula-like cells with a leading `'`, so JSON is the one that must be verbatim).
pub fn json(case: &Case, args: &[&str]) -> serde_json::Value {
    let mut all: Vec<OsString> = args.iter().map(|a| word(a)).collect();
    all.extend([word("--format"), word("json")]);
    let out = case.run(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}
