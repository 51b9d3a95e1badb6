//! `expense import`: a CSV file of expenses, plain or read through an import profile, every
//! row checked as `expense add` checks it and all recorded or none. Rows are read and parsed
//! (through the profile too) on a second thread while this one records them.

use super::Context;
use super::csv_input::{CsvInput, ImportArgs, Place};
use super::duplicates::Skipped;
use super::expense::ExpenseArgs;
use super::profile::{Profile, ProfiledRow};
use crate::db::Added;
use crate::domain::NewExpense;
use crate::error::{Error, Result};
use crate::report::imported::imported;

pub const IMPORT_HELP: &str = "\
Columns, in any order (header names as in `expense add`'s flags):
  required: grant, line, date, amount, payee, voucher
  optional: currency, rate, rate_base, force_rate, country, description, kind,
            refund_of (for kind refund: the voucher of the expense it reverses)
UTF-8 with or without a byte-order mark; , ; or tab (detected from the header, or
--delimiter); quoted values may hold delimiters, doubled quotes and line breaks.

Examples:
  grantbook expense import vouchers-2021-06.csv
  grantbook expense import --skip-duplicates vouchers-2021.csv   # the file has grown
  grantbook expense import --credits-as-refunds ledger-export.csv  # credit notes are negative
  accounting-export | grantbook expense import -
  grantbook expense import --profile fixtures/profiles/sage.toml sage-export.csv";

/// How the file is read, as the command's flags say.
pub struct How {
    pub profile: Option<String>,
    pub skip_duplicates: bool,
    pub credits_as_refunds: bool,
}

pub fn import(mut input: ImportArgs, how: &How, ctx: &mut Context) -> Result<()> {
    let profile = how.profile.as_deref().map(Profile::load).transpose()?;
    if let Some(profile) = &profile {
        if how.credits_as_refunds {
            return Err(Error::invalid(
                "--credits-as-refunds and --profile: the profile says what a credit is \
                 (credit_means = \"refund\" or \"refuse\"); drop --credits-as-refunds",
            ));
        }
        input.delimiter = input.delimiter.or(profile.delimiter);
    }
    let mut csv = CsvInput::open(&input)?;
    match &profile {
        Some(profile) => csv.read_through(&profile.columns, profile.label())?,
        // Accounting systems call it a voucher number.
        None => csv.alias("voucher_no", "voucher"),
    }
    let label = csv.label().to_string();
    let mut skipped = Skipped::new("voucher", "void and re-add an expense to change it");
    let mut already_recorded = 0;
    let in_file_terms = |e: Error| match &profile {
        Some(profile) => profile.in_file_terms(e),
        None => e,
    };
    let summary = ctx
        .ledger
        .import_expenses(&label, csv.size(), how.skip_duplicates, |import| {
            let mut each = |new: &NewExpense, place: Place| {
                if let Added::Skipped { differs } = import.add(new).map_err(in_file_terms)? {
                    skipped.row(&label, place, differs);
                }
                Ok(())
            };
            let read = match &profile {
                Some(profile) => {
                    csv.rows_parsed(|row: ProfiledRow| profile.expense(row), &mut each)
                }
                None => {
                    let parse = |mut row: ExpenseArgs| {
                        if how.credits_as_refunds {
                            row.credit_as_refund();
                        }
                        row.parse()
                    };
                    csv.rows_parsed(parse, &mut each)
                }
            };
            already_recorded = import.already_recorded();
            read.map(|_| Some(csv.sha256()))
        })
        .map_err(|e| skipped.advise(e, already_recorded))?;
    skipped.report();
    ctx.show(&imported(&summary))
}
