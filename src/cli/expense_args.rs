//! The fields of one expense as `expense add` takes them and as a row of `expense import`
//! gives them, read into a [`NewExpense`] with every bad field named.

use clap::Args;
use serde::Deserialize;

use super::csv_input::CsvRow;
use super::input::{flag, given, past_date};
use crate::domain::money::{check_positive, parse_decimal};
use crate::domain::{ExpenseKind, ExpenseRef, NewExpense, text};
use crate::error::{Error, Gather, Result};

#[derive(Debug, Args, Deserialize)]
pub struct ExpenseArgs {
    /// Grant reference
    #[arg(long, required_unless_present = "allocate", default_value = "")]
    pub grant: String,
    /// Budget line code
    #[arg(long, required_unless_present = "allocate", default_value = "")]
    pub line: String,
    /// Date paid, YYYY-MM-DD
    #[arg(long)]
    pub date: String,
    /// Amount paid, in --currency, e.g. 12500.00
    #[arg(long, allow_negative_numbers = true)]
    pub amount: String,
    /// Currency paid in [default: the grant's]
    #[arg(long)]
    pub currency: Option<String>,
    /// Rate to use instead of the stored ones: 1 grant currency = RATE expense currency
    #[arg(long, allow_negative_numbers = true)]
    pub rate: Option<String>,
    /// The currency --rate counts one of [default: the grant's]; the expense's currency
    /// turns it round: 1 expense currency = RATE grant currency
    #[arg(long, requires = "rate", value_name = "CURRENCY")]
    pub rate_base: Option<String>,
    /// Accept a --rate more than 20 % away from the stored rate in force
    #[arg(long, requires = "rate")]
    #[serde(default, deserialize_with = "flag")]
    pub force_rate: bool,
    /// Who was paid
    #[arg(long)]
    pub payee: String,
    /// Voucher reference, unique within the grant
    #[arg(long)]
    pub voucher: String,
    /// ISO two-letter country [default: the project's, when it has only one]
    #[arg(long)]
    pub country: Option<String>,
    #[arg(long, default_value = "")]
    #[serde(default)]
    pub description: String,
    /// expenditure (IATI 4), disbursement to a partner (IATI 3), or refund (money that came
    /// back; `expense refund` says it more plainly)
    #[arg(long, default_value = "expenditure")]
    #[serde(default = "expenditure")]
    pub kind: String,
    /// For a refund: the id of the expense it reverses
    #[arg(long = "of", value_name = "ID")]
    #[serde(skip)]
    pub of: Option<i64>,
    /// For a refund in a file: the voucher of the expense it reverses, on the same grant
    #[arg(skip)]
    #[serde(default)]
    pub refund_of: String,
    /// In a ledger's export only: `true` when this entry corrects the voided one with its
    /// voucher
    #[arg(skip)]
    #[serde(default)]
    pub corrects: String,
    /// In a file: the office that recorded the row, when not the importing officer's
    /// (GRANTBOOK_OFFICE)
    #[arg(skip)]
    #[serde(default)]
    pub office: String,
    /// The partner advance this expense liquidates: an expense the partner reported, in the
    /// advance's currency (`grantbook advance list`)
    #[arg(long, value_name = "REF", default_value = "")]
    #[serde(default)]
    pub advance: String,
    /// The commitment (contract or purchase order) this expense pays, on its line and in its
    /// currency (`grantbook commitment list`)
    #[arg(long, value_name = "REF", default_value = "")]
    #[serde(default)]
    pub commitment: String,
    /// A shared cost: split the voucher between the grant lines of this allocation key, by
    /// the shares in force on its date (instead of --grant and --line)
    #[arg(long, value_name = "KEY", default_value = "", conflicts_with_all = ["grant", "line"])]
    #[serde(default)]
    pub allocate: String,
}

/// An advance's or commitment's reference, if the cell or option gives one.
fn reference_given(what: &'static str, text: &str) -> Result<Option<String>> {
    match text.trim() {
        "" => Ok(None),
        reference => text::required(what, reference, 60).map(Some),
    }
}

fn expenditure() -> String {
    ExpenseKind::Expenditure.as_str().to_string()
}

/// The optional columns of `expense import`.
const OPTIONAL_COLUMNS: [&str; 12] = [
    "currency",
    "rate",
    "rate_base",
    "force_rate",
    "country",
    "description",
    "kind",
    "refund_of",
    "office",
    "advance",
    "commitment",
    "allocate",
];

/// Those of an exported ledger's expenses, which also mark corrections.
pub const LEDGER_OPTIONAL_COLUMNS: [&str; 13] = with_columns(["corrects"]);

/// The optional columns of `expense import` and then `extra` (`T` is the count of both).
pub const fn with_columns<const M: usize, const T: usize>(
    extra: [&'static str; M],
) -> [&'static str; T] {
    assert!(T == OPTIONAL_COLUMNS.len() + M);
    let mut columns = [""; T];
    let mut i = 0;
    while i < T {
        columns[i] = match i < OPTIONAL_COLUMNS.len() {
            true => OPTIONAL_COLUMNS[i],
            false => extra[i - OPTIONAL_COLUMNS.len()],
        };
        i += 1;
    }
    columns
}

impl CsvRow for ExpenseArgs {
    const REQUIRED: &'static [&'static str] =
        &["grant", "line", "date", "amount", "payee", "voucher"];
    const OPTIONAL: &'static [&'static str] = &OPTIONAL_COLUMNS;
}

impl ExpenseArgs {
    /// The expense as typed, each problem naming its field (the CSV column, in an import);
    /// every bad field is reported, not only the first.
    pub fn parse(&self) -> Result<NewExpense> {
        let mut bad = Gather::default();
        // An empty kind cell is the default, as a missing kind column is.
        let kind = match self.kind.trim() {
            "" => Some(ExpenseKind::Expenditure),
            kind => bad.take("kind", ExpenseKind::parse(kind)),
        };
        // The labels of a kind refused are an expenditure's, the default.
        let of_kind = kind.unwrap_or(ExpenseKind::Expenditure);
        let refund_of = match (self.of, self.refund_of.trim()) {
            (Some(id), _) => Some(Some(ExpenseRef::Id(id))),
            (None, "") => Some(None),
            (None, voucher) => bad
                .take("refund_of", text::required("refund_of", voucher, 60))
                .map(|v| Some(ExpenseRef::Voucher(v))),
        };
        let amount = if self.amount.trim_start().starts_with('-') {
            bad.push(
                Error::invalid(format!(
                    "{of_kind} amount {:?} is negative; money that came back is a refund with a \
                     positive amount (`grantbook expense refund`, or kind refund in a file), and \
                     `expense import --credits-as-refunds` reads negative amounts as refunds",
                    self.amount
                ))
                .in_field("amount"),
            );
            None
        } else {
            let label = of_kind.amount_label();
            let amount = parse_decimal(label, &self.amount)
                .and_then(|a| check_positive(label, a).map(|()| a));
            bad.take("amount", amount)
        };
        let rate = bad.take(
            "rate",
            given(&self.rate)
                .map(|r| parse_decimal("rate", r))
                .transpose(),
        );
        let rate_base = bad.take(
            "rate_base",
            given(&self.rate_base).map(text::currency).transpose(),
        );
        let no_rate = given(&self.rate).is_none();
        if given(&self.rate_base).is_some() && no_rate {
            bad.push(
                Error::invalid(
                    "rate_base names the currency a rate counts one of, but no rate is given; \
                     give the rate, or leave rate_base empty",
                )
                .in_field("rate_base"),
            );
        }
        if self.force_rate && no_rate {
            bad.push(
                Error::invalid(
                    "force_rate accepts a rate given by hand far from the stored one, but no \
                     rate is given; give the rate, or drop force_rate",
                )
                .in_field("force_rate"),
            );
        }
        // A refund of a recorded expense takes its line and payee when they are left out.
        let linked = of_kind == ExpenseKind::Refund && matches!(refund_of, Some(Some(_)));
        let (no_line, no_payee) = (self.line.trim().is_empty(), self.payee.trim().is_empty());
        if of_kind == ExpenseKind::Refund && !linked && (no_line || no_payee) {
            bad.push(
                Error::invalid(
                    "a refund that reverses no recorded expense needs a line and a payee (who \
                     paid the money back); or name the expense it reverses with --of ID (in a \
                     file, refund_of and its voucher)",
                )
                .in_field(if no_line { "line" } else { "payee" }),
            );
        }
        // A shared cost goes to its key's grant lines: it names neither.
        let allocate = match self.allocate.trim() {
            "" => Some(None),
            key => bad
                .take("allocate", super::allocation::key_code(key))
                .map(Some),
        };
        let split = !self.allocate.trim().is_empty();
        if split && !(no_line && self.grant.trim().is_empty()) {
            bad.push(
                Error::invalid(
                    "a payment split by an allocation key goes to the key's grant lines; leave \
                     the grant and line out",
                )
                .in_field("allocate"),
            );
        }
        let advance = bad.take("advance", reference_given("advance", &self.advance));
        let commitment = bad.take(
            "commitment",
            reference_given("commitment", &self.commitment),
        );
        let line = match self.line.trim() {
            "" if linked || split => Some(String::new()),
            "" if of_kind == ExpenseKind::Refund => None,
            _ => bad.take("line", text::code("budget line code", &self.line)),
        };
        let payee = match self.payee.trim() {
            "" if linked => Some(String::new()),
            "" if of_kind == ExpenseKind::Refund && !no_line => None,
            _ => bad.take("payee", text::required("payee", &self.payee, 200)),
        };
        let grant = match self.grant.trim() {
            "" if split => Some(String::new()),
            _ => bad.take("grant", text::code("grant reference", &self.grant)),
        };
        let date = bad.take("date", past_date(of_kind.date_label(), &self.date));
        let currency = bad.take(
            "currency",
            given(&self.currency).map(text::currency).transpose(),
        );
        let voucher = bad.take("voucher", text::required("voucher", &self.voucher, 60));
        let country = bad.take(
            "country",
            given(&self.country).map(text::country).transpose(),
        );
        let description = bad.take(
            "description",
            text::optional("description", &self.description, 2000),
        );
        let office = match self.office.trim() {
            "" => Some(None),
            code => bad
                .take("office", super::office::office_code(code))
                .map(Some),
        };
        bad.finish()?;
        let (
            Some(kind),
            Some(refund_of),
            Some(amount),
            Some(rate),
            Some(rate_base),
            Some(line),
            Some(payee),
            Some(grant),
            Some(date),
            Some(currency),
            Some(voucher),
            Some(country),
            Some(description),
            Some(office),
            Some(advance),
            Some(commitment),
            Some(allocate),
        ) = (
            kind,
            refund_of,
            amount,
            rate,
            rate_base,
            line,
            payee,
            grant,
            date,
            currency,
            voucher,
            country,
            description,
            office,
            advance,
            commitment,
            allocate,
        )
        else {
            return Err(Error::runtime(
                "internal error: a field of the expense was refused without a reason",
            ));
        };
        let new = NewExpense {
            grant,
            line,
            kind,
            date,
            amount,
            currency,
            rate,
            rate_base,
            force_rate: self.force_rate,
            payee,
            voucher,
            country,
            description,
            refund_of,
            office,
            advance,
            commitment,
            allocate,
        };
        if new.allocate.is_some() {
            crate::db::check_allocatable(&new)?;
        }
        Ok(new)
    }

    /// A row of an accounting system's export, where a credit note is a negative amount: with
    /// `--credits-as-refunds` it is read as a refund of the amount without its sign, whatever
    /// kind the row gives (a negative expenditure or disbursement is money that came back).
    pub(super) fn credit_as_refund(&mut self) {
        if let Some(unsigned) = self.amount.trim().strip_prefix('-') {
            self.amount = unsigned.to_string();
            self.kind = ExpenseKind::Refund.as_str().to_string();
        }
    }
}
