//! A ledger's dated history replayed in date order: no-cost extensions from the day they were
//! decided, each grant's original budget from its start, budget revisions and amendments from
//! the day they take effect. The checks that compare them (a grant's amount against its budget
//! lines, a project's dates against its grants') then meet each change in the state it was
//! made in: a top-up before the revision that spends it, a reduction after the revision that
//! made room for it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::super::amend::AmendmentRow;
use super::super::budget::LineRow;
use super::super::csv_input::{CsvRow, Once};
use super::super::grant::{ExtendArgs, extend};
use super::{FileRead, Tables};
use crate::db::{Ledger, LineChange};
use crate::domain::{NewLine, parse_date, text};
use crate::error::{Error, Result, field};

/// One line of a budget revision after the first; rows of the same grant and revision number
/// make one revision.
#[derive(Debug, Deserialize)]
struct RevisionRow {
    grant: String,
    revision: String,
    date: String,
    reason: String,
    code: String,
    name: Option<String>,
    category: Option<String>,
    amount: String,
    /// The donor's approval the revision was made under; an export made before donor rules
    /// has none.
    approved_by: Option<String>,
}

impl CsvRow for RevisionRow {
    const REQUIRED: &'static [&'static str] =
        &["grant", "revision", "date", "reason", "code", "amount"];
    const OPTIONAL: &'static [&'static str] = &["name", "category", "approved_by"];
}

enum Change {
    Extend(ExtendArgs),
    Budget(String, Vec<NewLine>),
    Revise(Revision),
    Amend(AmendmentRow),
}

/// A change, the day it happened, its rank among the changes of that day (an extension or
/// an amendment, then budgets, then an amendment lowering an amount), and the file line it
/// came from, for errors.
struct Dated {
    day: NaiveDate,
    rank: u8,
    place: String,
    change: Change,
}

/// Read extensions, budget lines, budget revisions and amendments, then make every change in
/// date order. `starts` gives each grant's start, the day its original budget holds from.
pub(super) fn load_history(
    ledger: &mut Ledger,
    tables: &Tables,
    starts: &BTreeMap<String, NaiveDate>,
) -> Result<Vec<Option<FileRead>>> {
    let mut dated = Vec::new();
    let mut read = Vec::new();
    read.push(tables.each_at("extensions", |r: ExtendArgs, place| {
        let day = match super::super::input::given(&r.decided) {
            Some(text) => parse_date("decided", text).map_err(field("decided"))?,
            // Decided before decisions were dated: in force from the first day.
            None => NaiveDate::MIN,
        };
        dated.push(Dated {
            day,
            rank: 0,
            place,
            change: Change::Extend(r),
        });
        Ok(())
    })?);
    let mut lines: BTreeMap<String, (String, Vec<NewLine>)> = BTreeMap::new();
    let mut codes = Once::default();
    read.push(tables.each_at("budget_lines", |r: LineRow, place| {
        let grant =
            text::code("grant", r.grant.as_deref().unwrap_or_default()).map_err(field("grant"))?;
        let change = r.parse()?;
        let what = format!("line {} of grant {grant}", change.code());
        codes
            .first(
                (grant.clone(), change.code().to_string()),
                place.clone(),
                what,
            )
            .map_err(field("code"))?;
        match change {
            LineChange::New(line) => lines
                .entry(grant)
                .or_insert((place, Vec::new()))
                .1
                .push(line),
            LineChange::Amount { code, .. } => {
                return Err(
                    Error::invalid(format!("line {code} needs a name and a category"))
                        .in_field("name"),
                );
            }
        }
        Ok(())
    })?);
    for (grant, (place, lines)) in lines {
        let day = starts.get(&grant).copied().unwrap_or(NaiveDate::MIN);
        dated.push(Dated {
            day,
            rank: 1,
            place,
            change: Change::Budget(grant, lines),
        });
    }
    read.push(read_revisions(tables, &mut dated)?);
    read.push(tables.each_at("amendments", |r: AmendmentRow, place| {
        let day = r.effective()?;
        let rank = if r.lowers_an_amount() { 2 } else { 0 };
        dated.push(Dated {
            day,
            rank,
            place,
            change: Change::Amend(r),
        });
        Ok(())
    })?);
    // Stable: changes of the same day and rank keep the order of their files.
    dated.sort_by_key(|d| (d.day, d.rank));
    for Dated { place, change, .. } in dated {
        let made = match change {
            Change::Extend(args) => extend(&args, ledger, None).map(drop),
            Change::Budget(grant, lines) => ledger.set_budget(&grant, &lines).map(drop),
            Change::Revise(r) => ledger
                .revise_budget(
                    &r.grant,
                    r.date,
                    &r.reason,
                    r.approved_by.as_deref(),
                    &r.changes,
                )
                .map(drop),
            Change::Amend(row) => row.replay(ledger),
        };
        made.map_err(|e| e.at(&place))?;
    }
    Ok(read)
}

/// A budget revision as its rows give it.
struct Revision {
    grant: String,
    date: NaiveDate,
    reason: String,
    approved_by: Option<String>,
    changes: Vec<LineChange>,
}

/// Budget revisions, each gathered from its rows, dated by the day it takes effect.
fn read_revisions(tables: &Tables, dated: &mut Vec<Dated>) -> Result<Option<FileRead>> {
    let mut revisions: BTreeMap<(String, i64), (String, Revision)> = BTreeMap::new();
    let mut codes = Once::default();
    let read = tables.each_at("budget_revisions", |r: RevisionRow, place| {
        let number: i64 = r.revision.trim().parse().map_err(|_| {
            Error::invalid(format!("revision {:?} is not a number", r.revision))
                .in_field("revision")
        })?;
        let (grant, code) = (r.grant.trim().to_string(), r.code.trim().to_string());
        let what = format!("line {code} of revision {number} of grant {grant}");
        codes
            .first((grant, number, code), place.clone(), what)
            .map_err(field("code"))?;
        let date = parse_date("revision date", &r.date).map_err(field("date"))?;
        let reason = text::required("reason", &r.reason, 500).map_err(field("reason"))?;
        let approved_by = r
            .approved_by
            .as_deref()
            .filter(|a| !a.trim().is_empty())
            .map(|a| text::required("approved_by", a, 200))
            .transpose()
            .map_err(field("approved_by"))?;
        let entry = revisions
            .entry((r.grant.trim().to_string(), number))
            .or_insert_with(|| {
                let revision = Revision {
                    grant: r.grant.trim().to_string(),
                    date,
                    reason,
                    approved_by,
                    changes: Vec::new(),
                };
                (place, revision)
            });
        let line = LineRow {
            grant: None,
            code: r.code,
            name: r.name,
            category: r.category,
            amount: r.amount,
        };
        entry.1.changes.push(line.parse()?);
        Ok(())
    })?;
    for (place, revision) in revisions.into_values() {
        let day = revision.date;
        let change = Change::Revise(revision);
        dated.push(Dated {
            day,
            rank: 1,
            place,
            change,
        });
    }
    Ok(read)
}
