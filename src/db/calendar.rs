//! The reporting calendar (`report_schedule`, `report_submission`, schema section 10): what a
//! grant's agreement asks for, and the reports sent.

use chrono::NaiveDate;

use super::Ledger;
use super::lookup;
use crate::db::sql::{Conn, params};
use crate::domain::Grant;
use crate::domain::calendar::{Schedule, Submission};
use crate::error::{Error, Result};

impl Ledger {
    /// Replace a grant's reporting schedule as a whole; audited.
    pub fn set_schedule(&mut self, reference: &str, schedule: &Schedule) -> Result<Schedule> {
        self.write(|w| {
            let conn = w.conn();
            let grant = lookup::grant(conn, reference)?;
            let before = schedule_of(conn, &grant)?;
            conn.execute(
                "DELETE FROM report_schedule WHERE grant_id = ?1",
                [grant.id],
            )?;
            let insert = "INSERT INTO report_schedule (grant_id, kind, days, due_on)
                          VALUES (?1, ?2, ?3, ?4)";
            let every = [
                ("quarterly", schedule.quarterly_days),
                ("final", schedule.final_days),
            ];
            for (kind, days) in every {
                if let Some(days) = days {
                    conn.execute(insert, params![grant.id, kind, days, None::<NaiveDate>])?;
                }
            }
            for day in &schedule.interim {
                conn.execute(insert, params![grant.id, "interim", None::<i64>, day])?;
            }
            let after = schedule_of(conn, &grant)?;
            w.audit(
                "set",
                "report_schedule",
                reference,
                Some(&before),
                Some(&after),
            )?;
            Ok(after)
        })
    }

    pub fn schedule(&self, grant: &Grant) -> Result<Schedule> {
        schedule_of(&self.conn, grant)
    }

    /// Record that `report` of a grant was sent on `on` under `reference`; a report is sent
    /// once.
    pub fn submit_report(&mut self, grant: &str, sent: &Submission) -> Result<Submission> {
        self.write(|w| {
            let conn = w.conn();
            let g = lookup::grant(conn, grant)?;
            let held: Option<String> = conn.query_opt(
                "SELECT submitted_on FROM report_submission WHERE grant_id = ?1 AND report = ?2",
                params![g.id, sent.report],
                |r| r.get(0),
            )?;
            if let Some(on) = held {
                return Err(Error::invalid(format!(
                    "report {} of grant {grant} was already recorded as submitted on {on}",
                    sent.report
                )));
            }
            conn.execute(
                "INSERT INTO report_submission (grant_id, report, submitted_on, reference,
                 recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![g.id, sent.report, sent.submitted_on, sent.reference, w.at],
            )?;
            w.audit(
                "submit",
                "report_submission",
                &format!("{grant} {}", sent.report),
                None::<&Submission>,
                Some(sent),
            )?;
            Ok(sent.clone())
        })
    }

    pub fn submissions(&self, grant: &Grant) -> Result<Vec<Submission>> {
        self.conn.query_map(
            "SELECT report, submitted_on, reference FROM report_submission
             WHERE grant_id = ?1 ORDER BY submitted_on, id",
            [grant.id],
            |r| {
                Ok(Submission {
                    report: r.get(0)?,
                    submitted_on: r.get(1)?,
                    reference: r.get(2)?,
                })
            },
        )
    }
}

fn schedule_of(conn: &Conn, grant: &Grant) -> Result<Schedule> {
    let rows: Vec<(String, Option<i64>, Option<NaiveDate>)> = conn.query_map(
        "SELECT kind, days, due_on FROM report_schedule WHERE grant_id = ?1 ORDER BY due_on, id",
        [grant.id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut s = Schedule::default();
    for (kind, days, due_on) in rows {
        let days = days.and_then(|d| u32::try_from(d).ok());
        match kind.as_str() {
            "quarterly" => s.quarterly_days = days,
            "final" => s.final_days = days,
            _ => s.interim.extend(due_on),
        }
    }
    Ok(s)
}
