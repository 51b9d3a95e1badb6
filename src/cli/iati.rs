//! `export iati`: grants as an IATI activity file (standard 2.03), for the aid-transparency
//! registry. The ledger is read in `db/`, mapped in `report/iati.rs`, written in `render/iati.rs`.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;

use super::output::write_atomically;
use super::{Context, note, refuse_database};
use crate::db::GrantFilter;
use crate::domain::{GrantRecord, Publishing};
use crate::domain::{parse_date, text};
use crate::error::{Error, Result};
use crate::render::Format;
use crate::render::iati::write_iati;
use crate::report::iati::{Grouping, Options, by_reporting_org, clashes, iati_file, missing};

pub const IATI_HELP: &str = "\
One iati-activity per grant, reported by the registered organisation of its project's
organisation (one per file: --reporting-org picks one when the ledger holds several), with the
donor (funding), the organisation (accountable, implementing), DAC sectors, countries, dates
from the ledger, original and revised budgets, the donor's tranches (incoming funds, naming the
donor's activity when known) and expenses summed per budget line and month (--transactions)
with no payee named. --name-organisations names payees registered as organisations; people
(payroll, consultants, beneficiary lists) are never named. Nothing is invented: an identifier
or sector not set is refused, naming the command that sets it. README.md has the whole mapping.

Examples:
  grantbook organisation set 'IOM Morocco' --iati-id XM-DAC-47066 --type 40
  grantbook donor iati JP-GOV --iati-id XM-DAC-701 --aid-type C01 --finance-type 110 --flow-type 10
  grantbook project iati MA-MHPSS --sector 12220:70 --sector 16010:30 --scope 4
  grantbook export iati --all --out iati-activities.xml
  xmllint --noout --schema schemas/iati/iati-activities-schema.xsd iati-activities.xml";

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["grant", "all"]))]
pub struct IatiArgs {
    /// One grant, by reference
    #[arg(long, value_name = "REF")]
    grant: Option<String>,
    /// Every grant in the ledger (of the --reporting-org)
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
    /// The registered identifier of the organisation reporting the file, when the ledger's
    /// projects are reported by several (only its grants are written)
    #[arg(long = "reporting-org", value_name = "ID")]
    reporting_org: Option<String>,
    /// Expenses as transactions: summed per budget line and `month` or `quarter`, or one per
    /// `voucher` [default: month]
    #[arg(long, value_name = "HOW")]
    transactions: Option<String>,
    /// Name as receivers the payees registered as organisations (`organisation set`); people
    /// are never named
    #[arg(long = "name-organisations")]
    name_organisations: bool,
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
    let grouping = match &args.transactions {
        None => Grouping::Month,
        Some(how) => Grouping::parse(how).ok_or_else(|| {
            Error::invalid(format!(
                "--transactions {how:?}: give month, quarter or voucher"
            ))
        })?,
    };
    let filter = GrantFilter {
        reference: args
            .grant
            .as_deref()
            .map(|g| text::code("--grant", g))
            .transpose()?,
        ..GrantFilter::default()
    };
    let (records, publishing) = ctx.ledger.iati_records(&filter, as_of)?;
    if records.is_empty() {
        return Err(Error::invalid(
            "there is no grant to export; an IATI file holds at least one activity \
             (add one with `grantbook grant add`)",
        ));
    }
    let records = one_reporting_org(&records, &publishing, args.reporting_org.as_deref())?;
    let missing = missing(&records, &publishing);
    if !missing.is_empty() {
        return Err(Error::invalid(format!(
            "nothing written: grantbook publishes registered identifiers and sectors, and \
             invents none; set\n  - {}",
            missing.join("\n  - ")
        )));
    }
    let refs: Vec<&GrantRecord> = records.iter().collect();
    let clashes = clashes(&refs, &publishing);
    if !clashes.is_empty() {
        return Err(Error::invalid(format!(
            "nothing written: IATI tells activities apart by identifier, and in this file {}",
            clashes.join("; and ")
        )));
    }
    let options = Options {
        as_of,
        today,
        grouping,
        name_organisations: args.name_organisations,
        generated: chrono::Utc::now(),
    };
    let file = iati_file(&records, &publishing, &options);
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

/// The grants of one reporting organisation: `chosen`'s, or all of them when one organisation
/// reports them all; refused when several do and none is chosen.
fn one_reporting_org(
    records: &[GrantRecord],
    publishing: &Publishing,
    chosen: Option<&str>,
) -> Result<Vec<GrantRecord>> {
    let groups = by_reporting_org(records, publishing);
    if let Some(id) = chosen {
        let id = id.trim();
        return match groups.get(id) {
            Some(grants) => Ok(grants.iter().map(|r| (*r).clone()).collect()),
            None => Err(Error::invalid(format!(
                "--reporting-org {id:?} reports none of these grants; the registered \
                 organisations that do: {}",
                list_groups(&groups)
            ))),
        };
    }
    if groups.len() > 1 {
        return Err(Error::invalid(format!(
            "nothing written: an IATI file has one reporting organisation, and these grants are \
             reported by {} ({}); give --reporting-org ID for each file",
            groups.len(),
            list_groups(&groups)
        )));
    }
    Ok(records.to_vec())
}

fn list_groups(groups: &std::collections::BTreeMap<String, Vec<&GrantRecord>>) -> String {
    let list: Vec<String> = groups
        .iter()
        .map(|(id, grants)| {
            let refs: Vec<&str> = grants.iter().map(|r| r.grant.reference.as_str()).collect();
            format!("{id}: {}", refs.join(", "))
        })
        .collect();
    if list.is_empty() {
        "none".to_string()
    } else {
        list.join("; ")
    }
}
