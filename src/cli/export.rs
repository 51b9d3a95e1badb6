//! `export`: every table out as CSV or JSON, in the columns `import` reads back, streamed row by
//! row; and `import DIR`: a whole exported ledger into a new database.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::load::{Tables, load};
use super::output::write_atomically;
use super::{Context, note};
use crate::db::{GrantFilter, Ledger, table_columns, table_names};
use crate::error::{Error, Result};
use crate::render::Format;
use crate::render::spreadsheet_safe;
use crate::report::imported::imported;

pub const EXPORT_HELP: &str = "\
Tables: donors, projects, grants, extensions, budget_lines, budget_revisions, amendments,
periods, fx_rates, receipts, receipt_voids, expenses, voids. Columns are those `import` and the
fixtures use (fixtures/README.md); amounts are exact decimals in their currency. In CSV, text a
spreadsheet would run as a formula starts with ', which every import takes off again.
--format xlsx writes one workbook, each table a sheet, amounts as numbers, days as dates and
codes, vouchers and references as text, set up to print on A4: for reading in a spreadsheet,
not for `import`, which reads the CSV or JSON export.

Examples:
  grantbook export --table expenses > expenses.csv
  grantbook export --table receipts --format json
  grantbook export --all --out backup-2024-06/
  grantbook export --table expenses --bom > for-excel.csv   # accents right on double-click
  grantbook export --all --format xlsx --out ledger-2024-06.xlsx   # every table, a sheet each
  grantbook --db copy.db init && grantbook --db copy.db import backup-2024-06/
  grantbook export iati --all --out iati-activities.xml   # IATI activity XML (2.03)";

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["table", "all"]))]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ExportArgs {
    /// Other formats than the tables' (`export iati`)
    #[command(subcommand)]
    to: Option<ExportTo>,
    /// One table, written to standard output unless --out is given
    #[arg(long, value_name = "TABLE")]
    table: Option<String>,
    /// Every table, one file each in the --out directory
    #[arg(long, requires = "out")]
    all: bool,
    /// Directory to write TABLE.csv (or TABLE.json) into; created if missing. With --format
    /// xlsx: the workbook, FILE.xlsx, or a directory for ledger.xlsx (--all) or TABLE.xlsx
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replace files of the same name already in the directory
    #[arg(long, requires = "out")]
    force: bool,
    /// Begin each CSV file with a UTF-8 byte-order mark, so that a spreadsheet opened by
    /// double-click (Excel) reads accents right ("Fès", not "FÃ¨s")
    #[arg(long)]
    bom: bool,
}

#[derive(Debug, Subcommand)]
pub enum ExportTo {
    /// Grants as an IATI activity file (standard 2.03) for the aid-transparency registry
    #[command(after_help = super::iati::IATI_HELP)]
    Iati(super::iati::IatiArgs),
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Csv,
    Json,
    Xlsx,
}

impl Kind {
    fn of(format: Format) -> Result<Kind> {
        match format {
            // Export is for machines: the table format means "the default", CSV.
            Format::Table | Format::Csv => Ok(Kind::Csv),
            Format::Json => Ok(Kind::Json),
            Format::Xlsx => Ok(Kind::Xlsx),
            Format::Html => Err(Error::invalid(
                "export writes csv, json or xlsx, not html; give --format csv, json or xlsx",
            )),
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Kind::Csv => "csv",
            Kind::Json => "json",
            Kind::Xlsx => "xlsx",
        }
    }
}

pub fn export(args: &ExportArgs, ctx: &Context) -> Result<()> {
    if let Some(ExportTo::Iati(iati)) = &args.to {
        return super::iati::export_iati(iati, ctx);
    }
    let kind = Kind::of(ctx.format)?;
    let tables: Vec<&str> = match &args.table {
        Some(name) => {
            table_columns(name)?;
            vec![name.as_str()]
        }
        None => table_names().collect(),
    };
    if let Kind::Xlsx = kind {
        return export_xlsx(args, &tables, ctx);
    }
    let Some(dir) = &args.out else {
        let stdout = std::io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        write_table(&ctx.ledger, tables[0], kind, args.bom, &mut out)?;
        out.flush()?;
        return Ok(());
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::invalid(format!("cannot create {}: {e}", dir.display())))?;
    let targets: Vec<PathBuf> = tables
        .iter()
        .map(|t| dir.join(format!("{t}.{}", kind.extension())))
        .collect();
    if !args.force
        && let Some(existing) = targets.iter().find(|p| p.exists())
    {
        return Err(Error::invalid(format!(
            "{} already exists; export into an empty directory, or add --force to replace it",
            existing.display()
        )));
    }
    let counts = ctx.ledger.snapshot(|ledger| {
        let mut counts = Vec::new();
        for (table, target) in tables.iter().zip(&targets) {
            let rows = write_file(ledger, table, kind, args, target)?;
            counts.push(format!("{table} {rows}"));
        }
        Ok(counts)
    })?;
    note(&format!(
        "exported to {}: {} (rows)",
        dir.display(),
        counts.join(", ")
    ));
    Ok(())
}

/// `export --format xlsx`: one workbook, each table a sheet (see `export_xlsx`).
fn export_xlsx(args: &ExportArgs, tables: &[&str], ctx: &Context) -> Result<()> {
    let Some(out) = &args.out else {
        return Err(Error::invalid(
            "--format xlsx writes a binary workbook: give --out FILE.xlsx (or a directory)",
        ));
    };
    if args.bom {
        return Err(Error::invalid(
            "--bom begins a CSV file; a workbook needs none: leave it out with --format xlsx",
        ));
    }
    let target = super::export_xlsx::target(out, tables);
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::invalid(format!("cannot create {}: {e}", dir.display())))?;
    }
    super::refuse_database(&target, &ctx.ledger)?;
    let counts = ctx
        .ledger
        .snapshot(|ledger| super::export_xlsx::write(ledger, tables, &target, args.force))?;
    let counts: Vec<String> = counts.iter().map(|(t, n)| format!("{t} {n}")).collect();
    note(&format!(
        "exported to {}: {} (rows)",
        target.display(),
        counts.join(", ")
    ));
    Ok(())
}

/// Write one table whole or not at all (`output::write_atomically`), so a crash never leaves a
/// half-written file under the name an import would read.
fn write_file(
    ledger: &Ledger,
    table: &str,
    kind: Kind,
    args: &ExportArgs,
    target: &Path,
) -> Result<u64> {
    write_atomically(target, args.force, |out| {
        write_table(ledger, table, kind, args.bom, out)
    })
}

fn write_table(
    ledger: &Ledger,
    table: &str,
    kind: Kind,
    bom: bool,
    out: &mut dyn Write,
) -> Result<u64> {
    let columns = table_columns(table)?;
    match kind {
        Kind::Csv => {
            if bom {
                out.write_all("\u{feff}".as_bytes())?;
            }
            // Text a spreadsheet would run as a formula gets a leading ', which every CSV
            // import takes off again, so the export still reads back exactly.
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(columns)?;
            let rows = ledger.export_rows(table, |row| {
                for value in row {
                    csv.write_field(spreadsheet_safe(value).as_bytes())?;
                }
                Ok(csv.write_record(std::iter::empty::<&[u8]>())?)
            })?;
            csv.flush()?;
            Ok(rows)
        }
        Kind::Xlsx => Err(Error::runtime(
            "a workbook is written whole, not table by table",
        )),
        Kind::Json => {
            // One array of objects, written an object at a time; values are strings, exact
            // decimals included, as in every JSON grantbook writes.
            out.write_all(b"[")?;
            let mut first = true;
            let rows = ledger.export_rows(table, |row| {
                let object: serde_json::Map<String, serde_json::Value> = columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.to_string(), serde_json::Value::String(v.clone())))
                    .collect();
                out.write_all(if first { b"\n  " } else { b",\n  " })?;
                first = false;
                serde_json::to_writer(&mut *out, &object)?;
                Ok(())
            })?;
            out.write_all(if rows == 0 { b"]\n" } else { b"\n]\n" })?;
            Ok(rows)
        }
    }
}

/// `import DIR`: load an export into this database, which must hold no ledger yet.
pub fn import(dir: &Path, ctx: &mut Context) -> Result<()> {
    if !dir.is_dir() {
        return Err(Error::invalid(format!(
            "{} is not a directory; give the directory `grantbook export --all --out DIR` \
             wrote (for one file of expenses use `grantbook expense import FILE.csv`)",
            dir.display()
        )));
    }
    if !ctx.ledger.donors()?.is_empty() || !ctx.ledger.grants(&GrantFilter::default())?.is_empty() {
        return Err(Error::invalid(
            "this database already holds a ledger; import a whole export into a new one: \
             `grantbook --db NEW.db init`, then `grantbook --db NEW.db import DIR`",
        ));
    }
    let summary = load(&mut ctx.ledger, &Tables::Dir(dir.to_path_buf()))?;
    note(&format!("loaded the ledger exported in {}", dir.display()));
    ctx.show(&imported(&summary))
}
