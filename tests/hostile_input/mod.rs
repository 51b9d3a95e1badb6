//! Values for hostile-input tests: for each kind of field, a mix of values the field must take
//! (stored and read back verbatim, after trimming) and hostile ones (huge and 40-digit numbers,
//! exponents, NUL and other control characters, invalid UTF-8, 10k-100k-character fields, SQL
//! fragments, formula cells, impossible dates, RTL and zero-width characters, emoji), each with
//! what the documented rules say must happen to it.

#![allow(dead_code)]

pub mod fields;
pub mod harness;

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use rust_decimal::Decimal;

/// What the documented rules say about a value in a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Valid in the field and the context the test uses: the command must succeed.
    Ok,
    /// Refused by the field's own syntax (src/domain/text.rs, money.rs, dates.rs): exit 2.
    Refuse,
    /// Well-formed, but whether the ledger takes it depends on more than its syntax.
    Either,
}

/// One generated field value: raw bytes (an OsStr argument or a CSV cell) and its verdict.
#[derive(Clone)]
pub struct Val {
    pub bytes: Vec<u8>,
    pub verdict: Verdict,
}

/// Shown escaped and cut short: a failing case must stay readable with a 100k-byte field.
impl std::fmt::Debug for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown: String = self
            .bytes
            .escape_ascii()
            .to_string()
            .chars()
            .take(120)
            .collect();
        write!(
            f,
            "{:?}({} bytes: b\"{shown}\")",
            self.verdict,
            self.bytes.len()
        )
    }
}

impl Val {
    pub fn ok(text: impl Into<String>) -> Val {
        Val {
            bytes: text.into().into_bytes(),
            verdict: Verdict::Ok,
        }
    }

    /// The value as a CSV import stores it: a leading ' that marks a formula-like cell taken
    /// off (render::from_spreadsheet_safe, as every CSV import does), then trimmed.
    pub fn imported(&self) -> String {
        let raw = std::str::from_utf8(&self.bytes).expect("only UTF-8 values are stored");
        grantbook::render::from_spreadsheet_safe(raw)
            .trim()
            .to_string()
    }

    /// The value as grantbook documents storing it: trimmed (text.rs trims every field; a
    /// code that is stored has nothing but spaces around it, so this is its trim too).
    pub fn trimmed(&self) -> String {
        std::str::from_utf8(&self.bytes)
            .expect("only UTF-8 values are stored")
            .trim()
            .to_string()
    }
}

/// The kind of a field, deciding which hostile values it must refuse.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// `text::code`: 1-60 of letters, digits, `. _ - /`, starting with a letter or digit,
    /// with spaces (only) around it.
    Code,
    /// `text::required` / `text::optional`.
    Text {
        max: usize,
        multiline: bool,
        required: bool,
    },
    /// `money::parse_decimal` and the currency's minor units; `zero` when zero is allowed.
    Amount {
        minor: u32,
        zero: bool,
    },
    /// `dates::parse_date`.
    Date,
    Country,
    Currency,
    /// A word from a list (kind, category, status) or a percentage: syntax not modelled here.
    Other,
}

/// The verdict of the documented rules on `bytes` in a field of `kind`.
pub fn classify(kind: Kind, bytes: &[u8]) -> Verdict {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Verdict::Refuse;
    };
    // A code loses only the spaces around it: any other white space is refused with it.
    let s = match kind {
        Kind::Code => text.trim_matches(' '),
        _ => text.trim(),
    };
    let fits = match kind {
        Kind::Code => {
            let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/');
            !s.is_empty()
                && s.len() <= 60
                && s.starts_with(|c: char| c.is_ascii_alphanumeric())
                && s.chars().all(ok)
        }
        Kind::Text {
            max,
            multiline,
            required,
        } => {
            let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
            let clean = !s.chars().any(|c| c.is_control() && !allowed(c))
                && (multiline || !s.contains(['\u{2028}', '\u{2029}']));
            return if clean && s.chars().count() <= max && !(required && s.is_empty()) {
                Verdict::Ok
            } else {
                Verdict::Refuse
            };
        }
        Kind::Amount { minor, zero } => amount_fits(s, minor, zero),
        Kind::Date => date_fits(s),
        Kind::Country => s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()),
        Kind::Currency => s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic()),
        Kind::Other => true,
    };
    if fits {
        Verdict::Either
    } else {
        Verdict::Refuse
    }
}

/// Digits with an optional `.` and decimals, at most 12 digits either side, not zero (unless
/// `zero`), with no more significant decimals than the currency has.
fn amount_fits(s: &str, minor: u32, zero: bool) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !digits(frac) || int.trim_start_matches('0').len() > 12 || frac.len() > 12 {
        return false;
    }
    let value: Decimal = s.parse().expect("checked digits");
    (zero || !value.is_zero()) && value.normalize().scale() <= minor
}

fn date_fits(s: &str) -> bool {
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shaped
        && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok_and(|d| (1950..=2199).contains(&d.year()))
}

/// Fixed hostile values: SQL, formula cells, numbers, dates, whitespace and odd Unicode.
const FIXED: &[&str] = &[
    "'); DROP TABLE expense;--",
    "\"; DELETE FROM grant_agreement; --",
    "x' OR '1'='1",
    "1; UPDATE expense SET amount_minor = 0",
    "Robert'); DROP TABLE donor;--",
    "=1+1",
    "@SUM(A1)",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "=HYPERLINK(\"http://x\",\"y\")",
    "1e30",
    "1E3",
    "99999999999999999999999999999",
    "1000000000000",
    "999999999999.99",
    "0.1234567890123456789012345678901234567890",
    "1234567890123456789012345678901234567890",
    "-1",
    "-0.01",
    "0",
    "0.00",
    "000",
    "+5",
    "1,250.00",
    "12,5",
    "1.2.3",
    ".5",
    "5.",
    "NaN",
    "inf",
    "0x10",
    "١٢٣",
    "１２３",
    "0000-00-00",
    "9999-12-31",
    "2021-02-30",
    "-0001-01-01",
    "2024-1-1",
    "20240101",
    "1949-12-31",
    "2200-01-01",
    "2024-02-29",
    "",
    " ",
    "\t",
    "\u{a0}\u{2003}",
    "\u{202e}evil\u{202c}",
    "a\u{200b}b",
    "\u{feff}",
    "😀",
    "%s%n{}",
    "\\",
    "null",
    "NULL",
    "MA",
    "EUR",
];

/// Control characters an argument can carry (NUL cannot: argv is C strings, so NUL is tried in
/// CSV files and as U+0001 here).
const CONTROL: &[char] = &[
    '\u{1}', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\n', '\r', '\t',
];

/// Byte sequences that are not UTF-8.
const NOT_UTF8: &[&[u8]] = &[
    b"\xff",
    b"\xfe\xff",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\x80",
    b"\xf8\x88\x80\x80\x80",
    b"\xe2\x82",
];

/// Hostile raw values for any field; `nul` says whether a NUL byte can be delivered.
pub fn hostile(nul: bool) -> BoxedStrategy<Vec<u8>> {
    let word = "[A-Za-z0-9 ]{0,6}";
    // Linux takes at most 128 KiB in one argument (MAX_ARG_STRLEN): a field in an argument is
    // cut to 40 000 bytes (three of them make one budget line spec), one in a CSV file is not.
    let long = (
        10_000usize..100_000,
        prop::sample::select(vec!['a', 'é', '😀', ' ', '9']),
    )
        .prop_map(move |(n, c)| {
            let n = if nul { n } else { n.min(40_000 / c.len_utf8()) };
            c.to_string().repeat(n).into_bytes()
        });
    let control = (word, prop::sample::select(CONTROL), word)
        .prop_map(|(a, c, b)| format!("{a}{c}{b}").into_bytes());
    let not_utf8 = (word, prop::sample::select(NOT_UTF8), word).prop_map(|(a, bad, b)| {
        let mut v = a.into_bytes();
        v.extend_from_slice(bad);
        v.extend_from_slice(b.as_bytes());
        v
    });
    let zero = if nul { '\0' } else { '\u{1}' };
    let nul_byte = (word, word).prop_map(move |(a, b)| format!("{a}{zero}{b}").into_bytes());
    prop_oneof![
        4 => prop::sample::select(FIXED).prop_map(|s| s.as_bytes().to_vec()),
        1 => long,
        1 => control,
        1 => not_utf8,
        1 => nul_byte,
        1 => prop::collection::vec(any::<u8>(), 0..24).prop_map(move |v| v
            .into_iter()
            .map(|b| if !nul && b == 0 { 1 } else { b })
            .collect()),
        1 => any::<String>().prop_map(|s| s.into_bytes()),
    ]
    .boxed()
}

/// A field of `kind`: `valid` five times in six (verdict Ok), else hostile (verdict by the rules).
pub fn field(kind: Kind, valid: BoxedStrategy<String>, nul: bool) -> BoxedStrategy<Val> {
    prop_oneof![
        5 => valid.prop_map(Val::ok),
        1 => hostile(nul).prop_map(move |bytes| Val { verdict: classify(kind, &bytes), bytes }),
    ]
    .boxed()
}

/// Valid one-line text that is hostile to careless code: SQL, formula signs, quotes, RTL and
/// zero-width characters, emoji, CJK, padding to trim. Never empty once trimmed.
pub fn valid_text(max: usize, multiline: bool) -> BoxedStrategy<String> {
    let body = if multiline {
        "[A-Za-z0-9 ,;:'\"=+@%\\\\\n\r\t\u{202e}\u{200b}éü中😀-]{0,40}"
    } else {
        "[A-Za-z0-9 ,;:'\"=+@%\\\\\u{202e}\u{200b}éü中😀-]{0,40}"
    };
    let fixed = prop::sample::select(FIXED).prop_filter("stored as given", move |s| {
        classify(
            Kind::Text {
                max,
                multiline,
                required: true,
            },
            s.as_bytes(),
        ) == Verdict::Ok
    });
    let long = (max.saturating_sub(3)..=max).prop_map(|n| "é".repeat(n));
    prop_oneof![
        4 => ("[ \t]{0,2}", "[A-Za-z=@+'\"中😀\u{202e}]", body, "[ \t]{0,2}")
            .prop_map(|(a, first, rest, z)| format!("{a}{first}{rest}{z}")),
        2 => fixed.prop_map(String::from),
        1 => long,
    ]
    .boxed()
}

/// A valid code, `prefix` first so that it cannot be one the demo database already holds.
pub fn valid_code(prefix: &'static str) -> BoxedStrategy<String> {
    ("[ ]{0,1}", "[A-Za-z0-9._/-]{0,12}", "[ ]{0,1}")
        .prop_map(move |(a, s, z)| format!("{a}{prefix}{s}{z}"))
        .boxed()
}

/// A valid amount from 0.01 to 9999.99, written with up to `minor` decimals and some padding.
pub fn valid_amount(minor: u32) -> BoxedStrategy<String> {
    (1u32..1_000_000, "[ ]{0,1}", any::<bool>())
        .prop_map(move |(cents, pad, trailing_zero)| {
            let text = match minor {
                0 => format!("{}", cents / 100 + 1),
                _ if cents % 100 == 0 && !trailing_zero => format!("{}", cents / 100),
                _ => format!("{}.{:02}", cents / 100, cents % 100),
            };
            format!("{pad}{text}{pad}")
        })
        .boxed()
}

/// A valid date from `first`, up to `days` later.
pub fn valid_date(first: &'static str, days: u64) -> BoxedStrategy<String> {
    let start = NaiveDate::parse_from_str(first, "%Y-%m-%d").unwrap();
    (0..days)
        .prop_map(move |d| (start + chrono::Days::new(d)).to_string())
        .boxed()
}

/// One of `words`, as given.
pub fn one_of(words: &'static [&'static str]) -> BoxedStrategy<String> {
    prop::sample::select(words).prop_map(String::from).boxed()
}

/// The exact value of a decimal text, to compare an amount with what was stored.
pub fn decimal(text: &str) -> Decimal {
    text.trim().parse().expect("a valid amount")
}
