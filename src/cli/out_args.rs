//! `--out FILE` on listings: a listing written to a file (readable by its owner only, whole or
//! not at all) instead of standard output, as reports are; the one way to a listing as an xlsx
//! workbook, which is never written to a terminal or a pipe.

use std::path::PathBuf;

use clap::Args;

use super::{Command, OutFile};
use crate::error::{Error, Result};
use crate::render::Format;

#[derive(Debug, Default, Args)]
pub struct OutArgs {
    /// Write the listing to FILE instead of standard output, readable by you only (needed for
    /// --format xlsx)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace FILE if it already exists
    #[arg(long, requires = "out")]
    pub force: bool,
}

impl OutArgs {
    fn file(&self) -> Option<OutFile> {
        self.out.as_ref().map(|path| OutFile {
            path: path.clone(),
            force: self.force,
        })
    }
}

/// The `--out` of a listing command, or nothing for any other command.
fn listing_out(command: &Command) -> Option<&OutArgs> {
    use super::budget::BudgetCommand as B;
    use super::expense::ExpenseCommand as E;
    use super::grant::GrantCommand as G;
    use super::money::{FxCommand as F, ReceiptCommand as R};
    use super::office::OfficeCommand as O;
    use super::parties::{DonorCommand as D, ProjectCommand as P};
    use super::period::PeriodCommand as Pe;
    match command {
        Command::Donor(D::List { out })
        | Command::Project(P::List { out })
        | Command::Office(O::List { out, .. })
        | Command::Grant(G::List { out, .. })
        | Command::Budget(B::List { out, .. })
        | Command::Period(Pe::List { out, .. })
        | Command::Fx(F::List { out, .. })
        | Command::Receipt(R::List { out, .. })
        | Command::Audit {
            command: None, out, ..
        } => Some(out),
        Command::Expense(expense) => match expense.as_ref() {
            E::List(args) => Some(&args.out),
            _ => None,
        },
        _ => None,
    }
}

/// Where a listing goes: its `--out` file, or standard output.
pub fn listing_file(command: &Command) -> Option<OutFile> {
    listing_out(command).and_then(OutArgs::file)
}

/// Refuse `--format xlsx` where no file is named for the workbook, before anything is done.
pub fn check_xlsx(command: &Command, format: Format) -> Result<()> {
    if format != Format::Xlsx {
        return Ok(());
    }
    let to_file = match command {
        Command::Report(r) => Some(r.out.is_some()),
        // `export` says itself what it needs (--out FILE.xlsx, or a directory for --all).
        Command::Export(_) => return Ok(()),
        other => listing_out(other).map(|out| out.out.is_some()),
    };
    match to_file {
        Some(true) => Ok(()),
        // A workbook is binary: it goes to a file, never to a terminal or a pipe by accident.
        Some(false) => Err(Error::invalid(
            "--format xlsx writes a binary workbook: give --out FILE.xlsx",
        )),
        None => Err(Error::invalid(
            "--format xlsx is for listings, reports and export, with --out FILE.xlsx; give \
             --format csv or --format json here",
        )),
    }
}
