//! `export iati`: grants as an IATI activity file (standard 2.03), for the aid-transparency
//! registry. The ledger is read in `db/`, mapped in `report/iati.rs`, written in `render/iati.rs`.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;

use super::output::write_atomically;
use super::{Context, note, refuse_database};
use crate::db::GrantFilter;
use crate::domain::{parse_date, text};
use crate::error::{Error, Result};
use crate::render::Format;
use crate::render::iati::write_iati;
use crate::report::iati::{DEFAULT_ORGANISATION_TYPE, ORGANISATION_TYPES, clashes, iati_file};

pub const IATI_HELP: &str = "\
One iati-activity per grant: identifier ORGREF-GRANT, the project's organisation as reporting
and implementing organisation (role 4), the donor as funding organisation (role 1), planned and
actual dates, the project's countries, the grant's amount per reporting period (or calendar
year) as budgets, receipts as transactions of type 1 (incoming funds) and expenses as type 4
(expenditure) or 3 (disbursement), in the grant's currency; voided ones are left out. With
--as-of, the grant, donor and project are those of that day.
Organisation refs are grantbook's donor codes and the organisation's name in capitals
(IOM Morocco -> IOM-MOROCCO), not registered IATI identifiers. README.md has the whole mapping.

Examples:
  grantbook export iati --grant JP-MA-MHPSS-2021 > jp-ma-mhpss.xml
  grantbook export iati --all --out iati-activities.xml --org-type 40
  xmllint --noout --schema schemas/iati/iati-activities-schema.xsd iati-activities.xml";

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["grant", "all"]))]
pub struct IatiArgs {
    /// One grant, by reference
    #[arg(long, value_name = "REF")]
    grant: Option<String>,
    /// Every grant in the ledger
    #[arg(long)]
    all: bool,
    /// File to write [default: standard output]
    #[arg(long, value_name = "FILE.xml")]
    out: Option<PathBuf>,
    /// Replace the --out file if it exists
    #[arg(long, requires = "out")]
    force: bool,
    /// Transactions, status and actual dates as they stand at the end of this day
    /// (YYYY-MM-DD) [default: today]
    #[arg(long = "as-of", value_name = "DATE")]
    as_of: Option<String>,
    /// IATI OrganisationType code of the implementing organisations (e.g. 21 international
    /// NGO, 40 multilateral); grantbook does not record it [default: 90, other]
    #[arg(long, value_name = "CODE")]
    org_type: Option<String>,
}

pub fn export_iati(args: &IatiArgs, ctx: &Context) -> Result<()> {
    if ctx.format != Format::Table {
        return Err(Error::invalid(
            "export iati writes IATI XML only; leave out --format",
        ));
    }
    let today = chrono::Local::now().date_naive();
    let as_of: NaiveDate = match &args.as_of {
        Some(text) => parse_date("--as-of", text)?,
        None => today,
    };
    let org_type = match &args.org_type {
        None => DEFAULT_ORGANISATION_TYPE.to_string(),
        Some(code) => {
            let code = code.trim();
            if !ORGANISATION_TYPES.iter().any(|(c, _)| *c == code) {
                let known: Vec<String> = ORGANISATION_TYPES
                    .iter()
                    .map(|(c, name)| format!("{c} {name}"))
                    .collect();
                return Err(Error::invalid(format!(
                    "--org-type {code:?} is not an IATI OrganisationType code; use one of: {}",
                    known.join(", ")
                )));
            }
            code.to_string()
        }
    };
    let filter = GrantFilter {
        reference: args
            .grant
            .as_deref()
            .map(|g| text::code("--grant", g))
            .transpose()?,
        ..GrantFilter::default()
    };
    let records = ctx.ledger.grant_records(&filter, as_of)?;
    if records.is_empty() {
        return Err(Error::invalid(
            "there is no grant to export; an IATI file holds at least one activity \
             (add one with `grantbook grant add`)",
        ));
    }
    let clashes = clashes(&records);
    if !clashes.is_empty() {
        return Err(Error::invalid(format!(
            "nothing written: IATI tells activities apart by identifier and organisations by \
             ref, and in this file {}",
            clashes.join("; and ")
        )));
    }
    let file = iati_file(&records, as_of, today, &org_type, chrono::Utc::now());
    let Some(target) = &args.out else {
        let stdout = std::io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        write_iati(&file, &mut out)?;
        out.flush()?;
        return Ok(());
    };
    refuse_database(target, &ctx.ledger)?;
    write_atomically(target, args.force, |out| write_iati(&file, out))?;
    let transactions: usize = file.activities.iter().map(|a| a.transactions.len()).sum();
    note(&format!(
        "wrote {}: {} activit{}, {transactions} transactions, as of {as_of}",
        target.display(),
        file.activities.len(),
        if file.activities.len() == 1 {
            "y"
        } else {
            "ies"
        }
    ));
    Ok(())
}
