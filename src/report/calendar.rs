//! The reporting calendar (issue 16): which reports a grant owes its donor and when, and where
//! each stands on a day. Pure: the ledger gives the schedule and the submissions.

use chrono::{Datelike, Months, NaiveDate};

use crate::domain::DateRange;
pub use crate::domain::calendar::{Schedule, Submission};
use crate::render::{Block, Cell, Document, Table, Tone, col, detail, prose};

/// One report owed: its key (`2023-Q1`, `final`, `interim 2023-06-30`), what it covers and
/// when it is due.
#[derive(Debug, Clone, PartialEq)]
pub struct Owed {
    pub report: String,
    pub covers: DateRange,
    pub due: NaiveDate,
}

/// Every report `schedule` asks of a grant running over `dates`, by due date. A quarter is a
/// calendar quarter, cut to the grant's dates (a grant from 15 February reports on 15 February
/// to 31 March first; the last quarter ends on the end date).
pub fn owed(dates: DateRange, schedule: &Schedule) -> Vec<Owed> {
    let mut all = Vec::new();
    let after = |day: NaiveDate, days: u32| {
        day.checked_add_days(chrono::Days::new(u64::from(days)))
            .unwrap_or(NaiveDate::MAX)
    };
    if let Some(days) = schedule.quarterly_days {
        let mut start = dates.start;
        while start <= dates.end {
            let quarter = (start.month0() / 3) as usize;
            let first = NaiveDate::from_ymd_opt(start.year(), quarter as u32 * 3 + 1, 1);
            let Some(next) = first.and_then(|f| f.checked_add_months(Months::new(3))) else {
                break;
            };
            let end = next.pred_opt().unwrap_or(next).min(dates.end);
            all.push(Owed {
                report: format!("{}-Q{}", start.year(), quarter + 1),
                covers: DateRange { start, end },
                due: after(end, days),
            });
            start = next;
        }
    }
    for day in &schedule.interim {
        all.push(Owed {
            report: format!("interim {day}"),
            covers: DateRange {
                start: dates.start,
                end: (*day).min(dates.end),
            },
            due: *day,
        });
    }
    if let Some(days) = schedule.final_days {
        all.push(Owed {
            report: "final".into(),
            covers: dates,
            due: after(dates.end, days),
        });
    }
    all.sort_by_key(|o| o.due);
    all
}

/// Where one report stands on a day.
#[derive(Debug, Clone, PartialEq)]
pub enum Standing {
    Submitted(Submission),
    /// Past its due date, unsent: days late.
    Overdue(i64),
    /// Its period is over and it is due within the days given.
    Due(i64),
    /// Its period is not over yet.
    Upcoming,
}

impl Standing {
    pub fn as_str(&self) -> &'static str {
        match self {
            Standing::Submitted(_) => "submitted",
            Standing::Overdue(_) => "overdue",
            Standing::Due(_) => "due",
            Standing::Upcoming => "upcoming",
        }
    }
}

/// How `owed` stands on `as_of`, given what was `sent`.
pub fn standing(owed: &Owed, sent: &[Submission], as_of: NaiveDate) -> Standing {
    if let Some(s) = sent.iter().find(|s| s.report == owed.report) {
        return Standing::Submitted(s.clone());
    }
    if as_of > owed.due {
        Standing::Overdue((as_of - owed.due).num_days())
    } else if as_of >= owed.covers.end {
        Standing::Due((owed.due - as_of).num_days())
    } else {
        Standing::Upcoming
    }
}

/// The first report not yet sent, and its due date: what a portfolio shows as *Next due*.
pub fn next_due<'a>(owed: &'a [Owed], sent: &[Submission]) -> Option<&'a Owed> {
    owed.iter()
        .find(|o| !sent.iter().any(|s| s.report == o.report))
}

/// One report of one grant and where it stands: a row of `report due` and `grant calendar`.
pub struct Row<'a> {
    pub grant: &'a str,
    pub owed: &'a Owed,
    pub standing: Standing,
}

/// The reports `rows` hold, as a table: what each covers, when it is due, where it stands
/// (days late or left), and when and under what reference it was sent.
pub fn calendar_table(title: String, rows: &[Row], as_of: NaiveDate) -> Document {
    let mut t = Table::new(&[
        col("grant", "Grant"),
        col("report", "Report"),
        detail("from", "From"),
        col("to", "To"),
        col("due", "Due"),
        col("status", "Status"),
        col("days", "Days"),
        col("submitted_on", "Sent"),
        prose("reference", "Reference"),
    ]);
    for row in rows {
        let (days, sent) = match &row.standing {
            Standing::Overdue(late) => (Cell::Int(*late), None),
            Standing::Due(left) => (Cell::Int(*left), None),
            Standing::Upcoming => (Cell::Empty, None),
            Standing::Submitted(s) => (Cell::Empty, Some(s)),
        };
        let tone = match row.standing {
            Standing::Overdue(_) => Tone::Alarm,
            Standing::Due(_) => Tone::Warning,
            _ => Tone::Calm,
        };
        t.push(vec![
            Cell::text(row.grant),
            Cell::text(&row.owed.report),
            Cell::Date(row.owed.covers.start),
            Cell::Date(row.owed.covers.end),
            Cell::Date(row.owed.due),
            Cell::Status(row.standing.as_str().into(), tone),
            days,
            Cell::optional(sent.map(|s| s.submitted_on), Cell::Date),
            Cell::optional(sent.map(|s| s.reference.as_str()), Cell::text),
        ]);
    }
    // `report due` lists only reports not sent: the two columns would be empty there.
    let t = t.without_empty("submitted_on").without_empty("reference");
    Document::table("reports", title, t).with(
        "notes",
        "",
        Block::Note(vec![format!(
            "As of {as_of}. Days: late for an overdue report, left for one due (its period is \
             over); upcoming = its period is not over yet."
        )]),
    )
}

#[cfg(test)]
mod tests;
