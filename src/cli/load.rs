//! Loading a whole ledger from its tables as CSV files: the demo's fixtures compiled into the
//! binary, or a directory written by `export` (the same format). Every row goes through the
//! checks of the command that would add it by hand, and the whole load is one transaction.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::csv_input::{CsvRow, Once};
use super::expense::ExpenseArgs;
use super::grant::GrantArgs;
use super::money::{RateArgs, ReceiptArgs};
use super::office::OfficeArgs;
use super::parties::{DonorArgs, ProjectArgs};
use super::period::PeriodArgs;
use crate::db::{Ledger, RateGuard, table_optional};
use crate::domain::{GrantStatus, ImportSummary, PeriodStatus, text};
use crate::error::{Error, Result, field};

mod categories;
mod cost_share;
mod history;
mod obligations;
mod reporting;
mod tables;

pub use tables::Tables;
use tables::{FileRead, exported_file};

// Rows list their fields rather than flatten the command's arguments: csv reads flattened
// fields by guessing their type, so a code such as 2021 would arrive as a number.
#[derive(Debug, Deserialize)]
struct PeriodRow {
    grant: String,
    code: String,
    start: String,
    end: String,
    status: String,
}

impl CsvRow for PeriodRow {
    const REQUIRED: &'static [&'static str] = &["grant", "code", "start", "end", "status"];
    const OPTIONAL: &'static [&'static str] = &[];
}

#[derive(Debug, Deserialize)]
struct VoidRow {
    grant: String,
    voucher: String,
    reason: String,
    #[serde(default)]
    voided_at: String,
}

impl CsvRow for VoidRow {
    const REQUIRED: &'static [&'static str] = &["grant", "voucher", "reason"];
    const OPTIONAL: &'static [&'static str] = &["voided_at"];
}

#[derive(Debug, Deserialize)]
struct ReceiptVoidRow {
    receipt: String,
    grant: String,
    date: String,
    amount: String,
    reason: String,
    #[serde(default)]
    voided_at: String,
}

impl CsvRow for ReceiptVoidRow {
    const REQUIRED: &'static [&'static str] = &["receipt", "grant", "date", "amount", "reason"];
    const OPTIONAL: &'static [&'static str] = &["voided_at"];
}

/// Load every table into `ledger`, all or nothing; returns what the expense import recorded.
pub fn load(ledger: &mut Ledger, tables: &Tables) -> Result<ImportSummary> {
    if let Tables::Dir(dir) = tables {
        // `export --all` writes every table, empty ones too: a file missing is a backup
        // copied in part, which would load as a smaller ledger that looks whole.
        let mut missing = Vec::new();
        let required = || crate::db::table_names().filter(|t| !table_optional(t));
        for table in required() {
            if exported_file(dir, table)?.is_none() {
                missing.push(table);
            }
        }
        if missing.len() == required().count() {
            if holds_workbook(dir) {
                return Err(Error::invalid(format!(
                    "{} holds an xlsx workbook, which is for reading in a spreadsheet: import \
                     reads the CSV or JSON export; write one with `grantbook export --all --out \
                     DIR`",
                    dir.display()
                )));
            }
            return Err(Error::invalid(format!(
                "{} holds none of the files an export writes ({}.csv or .json...); give the \
                 directory `grantbook export --all --out DIR` wrote",
                dir.display(),
                missing[0]
            )));
        }
        if !missing.is_empty() {
            return Err(Error::invalid(format!(
                "{} lacks {} of the files `export --all` writes: {}; copy the whole export",
                dir.display(),
                missing.len(),
                missing.join(", ")
            )));
        }
    }
    ledger.set_replaying(true);
    let loaded = ledger.all_or_nothing(|ledger| load_tables(ledger, tables));
    ledger.set_replaying(false);
    loaded
}

/// Whether `dir` holds an xlsx file (`export --format xlsx` wrote it there, likely).
fn holds_workbook(dir: &std::path::Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("xlsx"))
        })
    })
}

fn load_tables(ledger: &mut Ledger, tables: &Tables) -> Result<ImportSummary> {
    let mut read = Vec::new();
    read.push(tables.each("donors", |r: DonorArgs| {
        ledger.add_donor(&r.parse()?).map(drop)
    })?);
    read.push(tables.each("projects", |r: ProjectArgs| {
        ledger.add_project(&r.parse()?).map(drop)
    })?);
    read.push(tables.each("offices", |r: OfficeArgs| {
        ledger.add_office(&r.parse()?).map(drop)
    })?);
    // Grants are loaded active and given their final status once their expenses are in, as an
    // office closes a grant after its last payment.
    let mut final_status = Vec::new();
    let mut starts = BTreeMap::new();
    read.push(tables.each("grants", |r: GrantArgs| {
        let mut grant = r.parse()?;
        final_status.push((grant.reference.clone(), grant.status));
        starts.insert(grant.reference.clone(), grant.dates.start);
        grant.status = GrantStatus::Active;
        ledger.add_grant(&grant).map(drop)
    })?);
    read.extend(load_publishing(ledger, tables)?);
    read.push(reporting::load_rules(ledger, tables)?);
    read.extend(history::load_history(ledger, tables, &starts)?);
    read.extend(categories::load_categories(ledger, tables)?);
    // Periods are created open and closed after the expenses are in, as an office would have
    // done quarter by quarter.
    let mut to_close = Vec::new();
    read.push(tables.each("periods", |r: PeriodRow| {
        let args = PeriodArgs {
            grant: r.grant,
            code: r.code,
            start: r.start,
            end: r.end,
        };
        let period = super::period::add(&args, ledger)?;
        if PeriodStatus::parse(&r.status).map_err(field("status"))? == PeriodStatus::Closed {
            to_close.push((period.grant, period.code));
        }
        Ok(())
    })?);
    let mut days = Once::default();
    read.push(tables.each_at("fx_rates", |r: RateArgs, place| {
        let rate = r.parse()?;
        super::money::first_of_its_day(&mut days, &rate, place)?;
        // As stored: each rate passed the jump guard when first entered (see RateGuard).
        ledger.set_rate(&rate, false, RateGuard::Loaded).map(drop)
    })?);
    let mut after = obligations::After::default();
    read.extend(obligations::load_before(ledger, tables, &mut after)?);
    read.extend(cost_share::load_cost_share(ledger, tables)?);
    read.extend(load_receipts(ledger, tables)?);
    // Voids are read first and made as the expenses load: a corrected entry is voided just
    // before its correction (which has the same voucher) arrives, the rest after the last row.
    let mut voids = Vec::new();
    read.push(tables.each("voids", |r: VoidRow| {
        voids.push(PendingVoid {
            grant: text::code("grant", &r.grant).map_err(field("grant"))?,
            voucher: text::required("voucher", &r.voucher, 60).map_err(field("voucher"))?,
            reason: text::required("reason", &r.reason, 500).map_err(field("reason"))?,
            at: super::input::given_timestamp(&r.voided_at).map_err(field("voided_at"))?,
        });
        Ok(())
    })?);
    let summary = load_expenses(ledger, tables, voids)?;
    read.push(obligations::load_after(ledger, tables, after)?);
    for (grant, code) in to_close {
        ledger.set_period_status(&grant, &code, PeriodStatus::Closed, "")?;
    }
    read.extend(reporting::load_reporting(ledger, tables)?);
    for (grant, status) in final_status {
        if status != GrantStatus::Active {
            ledger.set_grant_status(&grant, status, "loaded with this status")?;
        }
    }
    for file in read.into_iter().flatten() {
        ledger.record_import(file.entity, &file.label, file.rows, &file.sha256)?;
    }
    Ok(summary)
}

/// Publishing settings (organisations, and donors', projects' and grants' IATI settings),
/// through the checks of the commands that set them. A ledger exported before them has none.
fn load_publishing(ledger: &mut Ledger, tables: &Tables) -> Result<[Option<FileRead>; 4]> {
    use super::publishing::{DonorIatiArgs, GrantIatiArgs, OrganisationArgs, ProjectIatiRow};
    let organisations = tables.each("organisations", |r: OrganisationArgs| {
        ledger.set_organisation(&r.parse()?)
    })?;
    let donors = tables.each("donor_iati", |r: DonorIatiArgs| {
        let (code, settings) = r.parse()?;
        ledger.update_donor_publishing(&code, &settings).map(drop)
    })?;
    let projects = tables.each("project_iati", |r: ProjectIatiRow| {
        let (code, settings) = r.args().parse()?;
        let given = !settings.sectors.is_empty();
        ledger
            .update_project_publishing(&code, &settings, given)
            .map(drop)
    })?;
    let grants = tables.each("grant_iati", |r: GrantIatiArgs| {
        let (reference, id) = r.parse()?;
        ledger.set_donor_activity_id(&reference, &id)
    })?;
    Ok([organisations, donors, projects, grants])
}

/// Receipts, each voided as it is added when receipt_voids says so: a tranche entered wrongly
/// and voided made room for the right one (its money, its reference), which a void replayed
/// only after every receipt would not. An export made before receipts could be voided has no
/// receipt_voids.
fn load_receipts(ledger: &mut Ledger, tables: &Tables) -> Result<[Option<FileRead>; 2]> {
    let mut voids: BTreeMap<u64, ReceiptVoidRow> = BTreeMap::new();
    let voids_read = tables.each("receipt_voids", |r: ReceiptVoidRow| {
        let row = r.receipt.trim().parse::<u64>().ok().filter(|n| *n > 0);
        let row = row.ok_or_else(|| {
            Error::invalid(format!(
                "receipt {:?} is not a row of receipts (1 for the first)",
                r.receipt
            ))
            .in_field("receipt")
        })?;
        if voids.insert(row, r).is_some() {
            return Err(
                Error::invalid(format!("receipt {row} is voided twice")).in_field("receipt")
            );
        }
        Ok(())
    })?;
    let mut row = 0;
    let mut import = ledger.receipt_import(false)?;
    let receipts_read = tables.each("receipts", |r: ReceiptArgs| {
        row += 1;
        let new = r.parse()?;
        match voids.remove(&row) {
            Some(void) => load_voided_receipt(ledger, &new, row, &void),
            None => ledger.import_receipt(&mut import, &new).map(drop),
        }
    })?;
    if let Some(extra) = voids.keys().next() {
        return Err(Error::invalid(format!(
            "receipt_voids voids receipt {extra}, but receipts has only {row} rows; the two \
             files come from different exports"
        )));
    }
    Ok([voids_read, receipts_read])
}

/// Record `receipt`, the `row`th of receipts, voided as `void` (a row of receipt_voids) says,
/// once it is sure the row is the receipt meant.
fn load_voided_receipt(
    ledger: &mut Ledger,
    receipt: &crate::domain::NewReceipt,
    row: u64,
    void: &ReceiptVoidRow,
) -> Result<()> {
    let same_date = crate::domain::parse_date("date", &void.date).ok() == Some(receipt.date);
    let same_amount =
        crate::domain::money::parse_decimal("amount", &void.amount).ok() == Some(receipt.amount);
    if void.grant.trim() != receipt.grant || !same_date || !same_amount {
        return Err(Error::invalid(format!(
            "receipt_voids voids receipt {row} as {} {} {}, but row {row} of receipts is {} {} \
             {}; the two files come from different exports",
            void.grant.trim(),
            void.date.trim(),
            void.amount.trim(),
            receipt.grant,
            receipt.date,
            receipt.amount
        )));
    }
    let reason = text::required("reason", &void.reason, 500)?;
    let when = super::input::given_timestamp(&void.voided_at)?;
    ledger
        .import_voided_receipt(receipt, &reason, when.as_deref())
        .map(drop)
}

/// Expenses through the bulk importer: a million rows load at import speed.
/// A void `import DIR` makes while it loads the expenses.
struct PendingVoid {
    grant: String,
    voucher: String,
    reason: String,
    at: Option<String>,
}

/// A row of an exported ledger's expenses: the columns of `expense import` and `corrects`.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
struct LedgerExpense(ExpenseArgs);

impl CsvRow for LedgerExpense {
    const REQUIRED: &'static [&'static str] = ExpenseArgs::REQUIRED;
    const OPTIONAL: &'static [&'static str] = &super::expense::LEDGER_OPTIONAL_COLUMNS;
}

fn load_expenses(
    ledger: &mut Ledger,
    tables: &Tables,
    mut voids: Vec<PendingVoid>,
) -> Result<ImportSummary> {
    let mut input = tables.open("expenses")?;
    let source = input
        .as_ref()
        .map_or("expenses.csv".to_string(), |i| i.label().to_string());
    ledger.import_expenses(&source, None, false, |import| {
        if let Some(input) = input.as_mut() {
            input.rows(|LedgerExpense(row): LedgerExpense, _| {
                let new = row.parse()?;
                let correcting = row.corrects.trim() == "true";
                if new.allocate.is_some() {
                    // The parts it replaces are voided first, on every grant that holds the
                    // voucher, as a correction of a shared cost voids them all.
                    let mut pending: Vec<String> = voids
                        .iter()
                        .filter(|v| v.voucher == new.voucher)
                        .map(|v| v.grant.clone())
                        .collect();
                    pending.dedup();
                    for grant in import.holders_among(&pending, &new.voucher)? {
                        let at = voids
                            .iter()
                            .position(|v| v.grant == grant && v.voucher == new.voucher);
                        if let Some(v) = at.map(|i| voids.remove(i)) {
                            import.void(&v.grant, &v.voucher, &v.reason, v.at.as_deref())?;
                        }
                    }
                    return import.add_allocated(&new, correcting).map(drop);
                }
                let mut corrects = None;
                if let Some(holder) = import.live_holder(&new.grant, &new.voucher)?
                    && let Some(i) = voids
                        .iter()
                        .position(|v| v.grant == new.grant && v.voucher == new.voucher)
                {
                    let v = voids.remove(i);
                    import.void(&v.grant, &v.voucher, &v.reason, v.at.as_deref())?;
                    corrects = correcting.then_some(holder.id);
                }
                import.add_correcting(&new, corrects).map(drop)
            })?;
        }
        for v in &voids {
            import.void(&v.grant, &v.voucher, &v.reason, v.at.as_deref())?;
        }
        Ok(input.map(|i| i.sha256()))
    })
}
