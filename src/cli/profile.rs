//! Import profiles: a small TOML file that says how an accounting system writes its expense
//! export (`expense import --profile FILE`): which of its columns is which field, the decimal
//! mark and thousands separator, the order of a date's parts, how a credit is written and what
//! it means, and which budget line each account code is. Each row is read into the columns of a
//! plain import on the reading thread, and from there checked as every row is.
//!
//! A credit is money that came back. The ledger records it as a refund (`expense refund`), so
//! a profile either reads credits as refunds of their amount (`credit_means = "refund"`, as
//! `--credits-as-refunds` does) or refuses them, row by row (`"refuse"`, the default).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use self::values::{CreditMark, DateOrder, NumberStyle, amount, date};
use super::csv_input::{CsvRow, normalized_header};
use super::expense_args::{ExpenseArgs, with_columns};
use super::input::flag;
use crate::domain::{ExpenseKind, NewExpense};
use crate::error::{Error, Gather, Result};

mod values;

/// A profile as its file gives it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    #[serde(default)]
    name: String,
    delimiter: Option<String>,
    #[serde(default = "point")]
    decimal: String,
    #[serde(default)]
    thousands: String,
    #[serde(default)]
    dates: DateOrder,
    #[serde(default)]
    credits: CreditMark,
    #[serde(default)]
    credit_means: CreditMeaning,
    columns: BTreeMap<String, String>,
    #[serde(default)]
    accounts: BTreeMap<String, String>,
}

fn point() -> String {
    ".".to_string()
}

/// What a credit is taken for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
enum CreditMeaning {
    /// A refund of its amount, checked as `expense refund` checks one.
    Refund,
    /// The row is refused, saying how to record it.
    #[default]
    Refuse,
}

/// A profile, checked and ready to read rows with.
#[derive(Debug)]
pub struct Profile {
    label: String,
    pub delimiter: Option<u8>,
    numbers: NumberStyle,
    dates: DateOrder,
    credits: CreditMark,
    credit_means: CreditMeaning,
    /// The file's column (as headers are compared: trimmed, lower case, `_` for spaces) and
    /// the field it holds; "" for a column left out.
    pub columns: Vec<(String, String)>,
    accounts: BTreeMap<String, String>,
}

/// The fields a profile's columns may name, beyond a plain import's.
const PROFILE_FIELDS: [&str; 2] = ["account", "credit"];

impl Profile {
    pub fn load(path: &str) -> Result<Profile> {
        let text = std::fs::read_to_string(Path::new(path)).map_err(|e| {
            Error::invalid(format!(
                "cannot read the profile {path}: {e}; check the path"
            ))
        })?;
        let file: ProfileFile = toml::from_str(&text)
            .map_err(|e| Error::invalid(format!("the profile {path} is not valid: {e}")))?;
        Profile::checked(path, file)
    }

    fn checked(path: &str, file: ProfileFile) -> Result<Profile> {
        let wrong = |why: String| Error::invalid(format!("the profile {path}: {why}"));
        let one_char = |what: &str, text: &str, allowed: &[char]| -> Result<Option<char>> {
            let mut chars = text.chars();
            match (chars.next(), chars.next()) {
                (None, _) => Ok(None),
                (Some(c), None) if allowed.contains(&c) => Ok(Some(c)),
                _ => Err(wrong(format!(
                    "{what} {text:?} is not one of {}",
                    allowed
                        .iter()
                        .map(|c| format!("{c:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
            }
        };
        let decimal = one_char("decimal", &file.decimal, &['.', ','])?
            .ok_or_else(|| wrong("decimal is empty; give \".\" or \",\"".into()))?;
        let thousands = one_char(
            "thousands",
            &file.thousands,
            &[',', '.', ' ', '\'', '\u{a0}'],
        )?;
        if thousands == Some(decimal) {
            return Err(wrong(format!(
                "{decimal:?} cannot be both the decimal mark and the thousands separator"
            )));
        }
        let known = [
            ExpenseArgs::REQUIRED,
            ExpenseArgs::OPTIONAL,
            &PROFILE_FIELDS,
        ]
        .concat();
        let mut columns = Vec::new();
        for (header, field) in &file.columns {
            if !field.is_empty() && !known.contains(&field.as_str()) {
                return Err(wrong(format!(
                    "column {header:?} is mapped to {field:?}, which is not a field; the fields \
                     are {} (or \"\" to leave the column out)",
                    known.join(", ")
                )));
            }
            if !field.is_empty() && columns.iter().any(|(_, f)| f == field) {
                return Err(wrong(format!("two columns are mapped to {field:?}")));
            }
            columns.push((normalized_header(header), field.clone()));
        }
        let holds = |field: &str| columns.iter().any(|(_, f)| f == field);
        match (holds("line"), holds("account")) {
            (true, true) => {
                return Err(wrong(
                    "columns map both a line and an account; keep one".into(),
                ));
            }
            (false, false) => return Err(wrong("no column is mapped to line or account".into())),
            (false, true) if file.accounts.is_empty() => {
                return Err(wrong(
                    "a column is an account, but [accounts] maps none to a budget line".into(),
                ));
            }
            _ => {}
        }
        if (file.credits == CreditMark::Column) != holds("credit") {
            return Err(wrong(
                "credits = \"column\" and a column mapped to credit go together".into(),
            ));
        }
        let delimiter = match file.delimiter.as_deref() {
            None => None,
            Some(d) => Some(super::csv_input::parse_delimiter(d).map_err(wrong)?),
        };
        Ok(Profile {
            label: if file.name.is_empty() {
                path.to_string()
            } else {
                file.name
            },
            delimiter,
            numbers: NumberStyle { decimal, thousands },
            dates: file.dates,
            credits: file.credits,
            credit_means: file.credit_means,
            columns,
            accounts: file.accounts,
        })
    }

    /// A row read through the profile, as `expense import` reads a plain one; every bad field
    /// is reported, those the profile read and those the expense's own checks refused.
    pub fn expense(&self, row: ProfiledRow) -> Result<NewExpense> {
        let mut bad = Gather::default();
        let mut args = row.plain();
        // Fields whose problem the profile reported: the checks after would only repeat it.
        let mut reported: Vec<&str> = Vec::new();
        match date(&args.date, self.dates) {
            Ok(iso) => args.date = iso,
            Err(e) => refuse(&mut bad, &mut reported, "date", e),
        }
        let debit = amount(&args.amount, &self.numbers, self.credits);
        let credit = amount(&row.credit, &self.numbers, CreditMark::Minus);
        let (field, read) = match (debit, credit) {
            (Err(e), _) => (Some("amount"), Err(e)),
            (_, Err(e)) => (Some("credit"), Err(e)),
            (Ok(Some(_)), Ok(Some(_))) => (
                Some("credit"),
                Err(Error::invalid(
                    "both the amount and the credit column hold an amount; give one",
                )),
            ),
            (Ok(Some(debit)), Ok(None)) => (Some("amount"), Ok(Some(debit))),
            (Ok(None), Ok(Some((size, _)))) => (Some("credit"), Ok(Some((size, true)))),
            (Ok(None), Ok(None)) => (None, Ok(None)),
        };
        if field == Some("credit") {
            reported.push("amount");
        }
        match (field, read) {
            (Some(f), Err(e)) => refuse(&mut bad, &mut reported, f, e),
            (Some(f), Ok(Some((size, true)))) if self.credit_means == CreditMeaning::Refuse => {
                refuse(
                    &mut bad,
                    &mut reported,
                    f,
                    Error::invalid(format!(
                        "a credit of {size} (money that came back), which this profile refuses; \
                     record it with `grantbook expense refund`, or set credit_means = \"refund\" \
                     in the profile to import credits as refunds"
                    )),
                );
            }
            (_, Ok(Some((size, credit)))) => {
                args.amount = size;
                if credit {
                    args.kind = ExpenseKind::Refund.as_str().to_string();
                }
            }
            (_, Ok(None)) => {
                args.amount = String::new();
            }
            (None, Err(_)) => unreachable!("an amount refused names its column"),
        }
        if !row.account.trim().is_empty() || self.accounts_used() {
            match self.accounts.get(row.account.trim()) {
                Some(line) => args.line = line.clone(),
                None => refuse(
                    &mut bad,
                    &mut reported,
                    "line",
                    Error::invalid(format!(
                        "account {:?} has no budget line in the profile {}; add it under \
                     [accounts] (\"{}\" = \"LINE\")",
                        row.account.trim(),
                        self.label,
                        row.account.trim()
                    )),
                ),
            }
        }
        let parsed = match args.parse() {
            Ok(new) => bad.finish().map(|()| new),
            Err(e) => {
                for problem in e.all() {
                    if !problem.field.is_some_and(|f| reported.contains(&f)) {
                        bad.push(problem);
                    }
                }
                bad.finish().and_then(|()| {
                    Err(Error::runtime(
                        "internal error: a row refused without a reason",
                    ))
                })
            }
        };
        parsed.map_err(|e| self.in_file_terms(e))
    }

    /// The profile's name, or its file's.
    pub fn label(&self) -> &str {
        &self.label
    }

    fn accounts_used(&self) -> bool {
        self.columns.iter().any(|(_, f)| f == "account")
    }

    /// A problem named in the file's terms: the budget line is the account column's.
    pub fn in_file_terms(&self, mut e: Error) -> Error {
        if self.accounts_used() {
            let account = |field: &mut Option<&'static str>| {
                if *field == Some("line") {
                    *field = Some("account");
                }
            };
            account(&mut e.field);
            e.also
                .iter_mut()
                .for_each(|other| account(&mut other.field));
        }
        e
    }
}

/// Keep a problem the profile found in `field`, which the checks after it need not repeat.
fn refuse(bad: &mut Gather, reported: &mut Vec<&'static str>, field: &'static str, e: Error) {
    bad.push(e.in_field(field));
    reported.push(field);
}

/// A row of a file read through a profile, its columns renamed to the fields they hold.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProfiledRow {
    grant: String,
    line: String,
    account: String,
    date: String,
    amount: String,
    credit: String,
    currency: Option<String>,
    rate: Option<String>,
    rate_base: Option<String>,
    #[serde(deserialize_with = "flag")]
    force_rate: bool,
    payee: String,
    voucher: String,
    country: Option<String>,
    description: String,
    kind: String,
    refund_of: String,
    office: String,
    advance: String,
    commitment: String,
    allocate: String,
}

impl ProfiledRow {
    /// The row as a plain import's, before the profile reads its amount, date and account.
    fn plain(&self) -> ExpenseArgs {
        ExpenseArgs {
            grant: self.grant.clone(),
            line: self.line.clone(),
            date: self.date.clone(),
            amount: self.amount.clone(),
            currency: self.currency.clone(),
            rate: self.rate.clone(),
            rate_base: self.rate_base.clone(),
            force_rate: self.force_rate,
            payee: self.payee.clone(),
            voucher: self.voucher.clone(),
            country: self.country.clone(),
            description: self.description.clone(),
            kind: self.kind.clone(),
            of: None,
            refund_of: self.refund_of.clone(),
            corrects: String::new(),
            office: self.office.clone(),
            advance: self.advance.clone(),
            commitment: self.commitment.clone(),
            allocate: self.allocate.clone(),
        }
    }
}

/// What a profile's file may hold beyond a plain import's optional columns: the line or the
/// account that stands for it, the amount or a credit column.
const PROFILED_OPTIONAL: [&str; 16] = with_columns(["line", "account", "amount", "credit"]);

impl CsvRow for ProfiledRow {
    const REQUIRED: &'static [&'static str] = &["grant", "date", "payee", "voucher"];
    const OPTIONAL: &'static [&'static str] = &PROFILED_OPTIONAL;
}
