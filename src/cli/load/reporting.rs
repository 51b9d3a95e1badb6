//! What the ledger keeps for reporting to donors, read back by `import DIR`: donors' and grants'
//! rules (set before the budget revisions they judge), the reporting calendar, the reports sent
//! and the periods' variance notes, each through the checks of the command that sets it. An
//! export made before these existed has none of their files.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::tables::{FileRead, Tables};
use crate::cli::csv_input::CsvRow;
use crate::cli::rules::RulesArgs;
use crate::db::Ledger;
use crate::db::rules::RuleOwner;
use crate::domain::calendar::{Schedule, Submission};
use crate::domain::{parse_date, text};
use crate::error::{Error, Result, field};

#[derive(Debug, Deserialize)]
struct RuleRow {
    owner: String,
    code: String,
    reallocation_limit: Option<String>,
    basis: Option<String>,
    indirect_cap: Option<String>,
    revision_approval: Option<String>,
}

impl CsvRow for RuleRow {
    const REQUIRED: &'static [&'static str] = &["owner", "code"];
    const OPTIONAL: &'static [&'static str] = &[
        "reallocation_limit",
        "basis",
        "indirect_cap",
        "revision_approval",
    ];
}

#[derive(Debug, Deserialize)]
struct ScheduleRow {
    grant: String,
    kind: String,
    days: Option<String>,
    due_on: Option<String>,
}

impl CsvRow for ScheduleRow {
    const REQUIRED: &'static [&'static str] = &["grant", "kind"];
    const OPTIONAL: &'static [&'static str] = &["days", "due_on"];
}

#[derive(Debug, Deserialize)]
struct SubmissionRow {
    grant: String,
    report: String,
    submitted_on: String,
    reference: String,
}

impl CsvRow for SubmissionRow {
    const REQUIRED: &'static [&'static str] = &["grant", "report", "submitted_on", "reference"];
    const OPTIONAL: &'static [&'static str] = &[];
}

#[derive(Debug, Deserialize)]
struct PeriodNoteRow {
    grant: String,
    period: String,
    line: String,
    note: String,
}

impl CsvRow for PeriodNoteRow {
    const REQUIRED: &'static [&'static str] = &["grant", "period", "line", "note"];
    const OPTIONAL: &'static [&'static str] = &[];
}

/// A cell left empty is a value not given.
fn given(cell: Option<String>) -> Option<String> {
    cell.filter(|c| !c.trim().is_empty())
}

/// Donors' and grants' rules, once the donors and grants are in.
pub(super) fn load_rules(ledger: &mut Ledger, tables: &Tables) -> Result<Option<FileRead>> {
    tables.each("rules", |r: RuleRow| {
        let args = RulesArgs {
            reallocation_limit: given(r.reallocation_limit),
            basis: given(r.basis),
            indirect_cap: given(r.indirect_cap),
            revision_approval: given(r.revision_approval),
        };
        let code = text::code("code", &r.code).map_err(field("code"))?;
        let owner = match r.owner.trim() {
            "donor" => RuleOwner::Donor(&code),
            "grant" => RuleOwner::Grant(&code),
            other => {
                return Err(
                    Error::invalid(format!("owner {other:?}: write donor or grant"))
                        .in_field("owner"),
                );
            }
        };
        ledger.set_rules(owner, &args.parse()?).map(drop)
    })
}

/// The grants' calendars, the reports sent and the periods' notes, once everything else is in.
pub(super) fn load_reporting(
    ledger: &mut Ledger,
    tables: &Tables,
) -> Result<[Option<FileRead>; 3]> {
    let mut schedules: BTreeMap<String, Schedule> = BTreeMap::new();
    let schedule_file = tables.each("report_schedules", |r: ScheduleRow| {
        let grant = text::code("grant", &r.grant).map_err(field("grant"))?;
        let schedule = schedules.entry(grant).or_default();
        let days = || -> Result<u32> {
            let typed = given(r.days.clone()).unwrap_or_default();
            typed.trim().parse().map_err(|_| {
                Error::invalid(format!("days {typed:?}: a whole number of days, e.g. 30"))
                    .in_field("days")
            })
        };
        match r.kind.trim() {
            "quarterly" => schedule.quarterly_days = Some(days()?),
            "final" => schedule.final_days = Some(days()?),
            "interim" => {
                let due = given(r.due_on.clone()).unwrap_or_default();
                let due = parse_date("due_on", &due).map_err(field("due_on"))?;
                schedule.interim.push(due);
            }
            other => {
                return Err(Error::invalid(format!(
                    "kind {other:?}: write quarterly, final or interim"
                ))
                .in_field("kind"));
            }
        }
        Ok(())
    })?;
    for (grant, schedule) in schedules {
        ledger.set_schedule(&grant, &schedule)?;
    }
    let submissions = tables.each("report_submissions", |r: SubmissionRow| {
        let sent = Submission {
            report: text::required("report", &r.report, 100).map_err(field("report"))?,
            submitted_on: parse_date("submitted_on", &r.submitted_on)
                .map_err(field("submitted_on"))?,
            reference: text::required("reference", &r.reference, 200)
                .map_err(field("reference"))?,
        };
        ledger.submit_report(r.grant.trim(), &sent).map(drop)
    })?;
    // A variance note explains a period's figures and changes none: closed or open, it fits.
    let notes = tables.each("period_notes", |r: PeriodNoteRow| {
        let note = text::required("note", &r.note, 1000).map_err(field("note"))?;
        let line = text::code("budget line", &r.line).map_err(field("line"))?;
        ledger
            .set_period_note(r.grant.trim(), r.period.trim(), &line, Some(&note))
            .map(drop)
    })?;
    Ok([schedule_file, submissions, notes])
}
