//! Reporting periods: created, closed (no more expenses dated inside) and reopened.

use super::lookup::{self, vocabulary};
use super::{Ledger, Writer};
use crate::db::sql::{Conn, Row, params};
use crate::domain::dates::calendar_periods;
use crate::domain::{DateRange, Every, Grant, Period, PeriodStatus};
use crate::error::{Error, Result};

impl Ledger {
    pub fn add_period(&mut self, reference: &str, code: &str, dates: DateRange) -> Result<Period> {
        self.write(|w| {
            let grant = lookup::grant(w.conn(), reference)?;
            insert_period(w, &grant, code, dates)
        })
    }

    /// Create the grant's calendar months or quarters that do not exist yet, and stretch the
    /// last one if an extension moved the end past it; returns the periods made or stretched.
    pub fn generate_periods(&mut self, reference: &str, every: Every) -> Result<Vec<Period>> {
        self.write(|w| {
            let grant = lookup::grant(w.conn(), reference)?;
            let existing = grant_periods(w.conn(), &grant)?;
            let mut made = Vec::new();
            for (code, dates) in calendar_periods(grant.dates(), every) {
                let cut_short = existing
                    .iter()
                    .find(|p| p.code == code && p.start == dates.start && p.end < dates.end);
                if let Some(period) = cut_short {
                    // The days the extension added to this period, unless another period
                    // (added by hand) already holds them.
                    let gap = DateRange {
                        start: period.end.succ_opt().unwrap_or(period.end),
                        end: dates.end,
                    };
                    let filled = existing
                        .iter()
                        .any(|p| p.code != period.code && p.dates().overlaps(&gap));
                    if !filled {
                        made.push(stretch_period(w, &grant, period, dates.end)?);
                    }
                } else if !existing
                    .iter()
                    .any(|p| p.code == code || p.dates().overlaps(&dates))
                {
                    made.push(insert_period(w, &grant, &code, dates)?);
                }
            }
            Ok(made)
        })
    }

    pub fn periods(&self, reference: &str) -> Result<Vec<Period>> {
        let grant = lookup::grant(&self.conn, reference)?;
        grant_periods(&self.conn, &grant)
    }

    pub fn period(&self, reference: &str, code: &str) -> Result<Period> {
        let grant = lookup::grant(&self.conn, reference)?;
        find_period(&self.conn, &grant, code)
    }

    /// Close (or reopen) a period; `reason` is recorded in the audit log.
    pub fn set_period_status(
        &mut self,
        reference: &str,
        code: &str,
        status: PeriodStatus,
        reason: &str,
    ) -> Result<Period> {
        self.write(|w| {
            let grant = lookup::grant(w.conn(), reference)?;
            let before = find_period(w.conn(), &grant, code)?;
            if before.status == status {
                return Err(Error::invalid(format!(
                    "period {} of grant {reference} is already {status}",
                    before.code
                )));
            }
            w.conn().execute(
                "UPDATE period SET status = ?1 WHERE grant_id = ?2 AND code = ?3",
                params![status.as_str(), grant.id, before.code],
            )?;
            let after = find_period(w.conn(), &grant, &before.code)?;
            let action = match status {
                PeriodStatus::Closed => "close",
                PeriodStatus::Open => "reopen",
            };
            let note = serde_json::json!({ "period": after, "reason": reason });
            w.audit(
                action,
                "period",
                &format!("{} {}", grant.reference, before.code),
                Some(&before),
                Some(&note),
            )?;
            Ok(after)
        })
    }
}

fn insert_period(w: &Writer, grant: &Grant, code: &str, dates: DateRange) -> Result<Period> {
    let conn = w.conn();
    let grant_dates = grant.dates();
    if !grant_dates.contains(dates.start) || !grant_dates.contains(dates.end) {
        return Err(Error::invalid(format!(
            "period {code} ({dates}) is not inside grant {} ({grant_dates})",
            grant.reference
        )));
    }
    for other in grant_periods(conn, grant)? {
        if other.code == code {
            return Err(Error::invalid(format!(
                "grant {} already has a period {code}; choose another code",
                grant.reference
            )));
        }
        if other.dates().overlaps(&dates) {
            return Err(Error::invalid(format!(
                "period {code} ({dates}) overlaps period {} ({} to {}) of grant {}",
                other.code, other.start, other.end, grant.reference
            )));
        }
    }
    conn.execute(
        "INSERT INTO period (grant_id, code, start_date, end_date, status)
         VALUES (?1, ?2, ?3, ?4, 'open')",
        params![grant.id, code, dates.start, dates.end],
    )?;
    let period = find_period(conn, grant, code)?;
    w.audit(
        "add",
        "period",
        &format!("{} {code}", grant.reference),
        None::<&Period>,
        Some(&period),
    )?;
    Ok(period)
}

/// Move the end of a period that was cut short by the grant's former end date.
fn stretch_period(
    w: &Writer,
    grant: &Grant,
    period: &Period,
    end: chrono::NaiveDate,
) -> Result<Period> {
    let key = format!("{} {}", grant.reference, period.code);
    if period.status == PeriodStatus::Closed {
        return Err(Error::invalid(format!(
            "period {key} ends on {} but the grant now runs past it; reopen the period so it can \
             be stretched to {end}, or add a period for the days after it with `period add`",
            period.end
        )));
    }
    w.conn().execute(
        "UPDATE period SET end_date = ?1 WHERE grant_id = ?2 AND code = ?3",
        params![end, grant.id, period.code],
    )?;
    let after = find_period(w.conn(), grant, &period.code)?;
    w.audit("stretch", "period", &key, Some(period), Some(&after))?;
    Ok(after)
}

const PERIOD_COLUMNS: &str = "code, start_date, end_date, status";

fn period_from_row(grant: &Grant, r: &Row) -> Result<Period> {
    Ok(Period {
        grant: grant.reference.clone(),
        code: r.get(0)?,
        start: r.get(1)?,
        end: r.get(2)?,
        status: vocabulary(r, 3, PeriodStatus::parse)?,
    })
}

fn grant_periods(conn: &Conn, grant: &Grant) -> Result<Vec<Period>> {
    let sql =
        format!("SELECT {PERIOD_COLUMNS} FROM period WHERE grant_id = ?1 ORDER BY start_date");
    let sql = &sql;
    let rows = conn.query_map(sql, [grant.id], |r| period_from_row(grant, r))?;
    Ok(rows)
}

pub(super) fn find_period(conn: &Conn, grant: &Grant, code: &str) -> Result<Period> {
    // Codes are matched whatever their case (2024-q1 is 2024-Q1), the exact spelling first.
    let sql = format!(
        "SELECT {PERIOD_COLUMNS} FROM period WHERE grant_id = ?1 AND code = ?2 COLLATE NOCASE
         ORDER BY code = ?2 DESC LIMIT 1"
    );
    conn.query_opt(&sql, params![grant.id, code], |r| period_from_row(grant, r))?
        .ok_or_else(|| {
            Error::invalid(format!(
                "grant {} has no period {code:?}; `grantbook period list --grant {}` shows them",
                grant.reference, grant.reference
            ))
        })
}

/// Refuse to `doing` (e.g. "record an expense dated") on `date` inside a closed period.
/// The date of a new advance, commitment or contribution (`what`): within the grant and
/// outside its closed periods (`recording` says what was refused: "record an advance dated").
/// Either refusal is the date field's.
pub(super) fn check_record_date(
    conn: &Conn,
    grant: &Grant,
    what: &str,
    recording: &str,
    date: chrono::NaiveDate,
) -> Result<()> {
    super::grants::check_within(grant, &format!("{what} date"), date)
        .map_err(crate::error::field("date"))?;
    refuse_closed_period(conn, grant, date, recording).map_err(crate::error::field("date"))
}

/// The refusal of a reference a grant's live commitment or contribution (`what`) already
/// holds, pointing at the command that lists them (`listing`: "match list").
pub(super) fn reference_taken(what: &str, reference: &str, grant: &Grant, listing: &str) -> Error {
    Error::invalid(format!(
        "{what} {} is already recorded on grant {}; see `grantbook {listing} --grant {}`",
        reference.trim(),
        grant.reference,
        grant.reference
    ))
    .in_field("reference")
}

pub(super) fn refuse_closed_period(
    conn: &Conn,
    grant: &Grant,
    date: chrono::NaiveDate,
    doing: &str,
) -> Result<()> {
    match closed_period_on(conn, grant, date)? {
        Some(period) => Err(closed_refusal(&period, grant, date, doing)),
        None => Ok(()),
    }
}

/// A grant's closed periods, for checking many dates against them without a query each.
pub(super) fn closed_periods(conn: &Conn, grant: &Grant) -> Result<Vec<Period>> {
    let sql = format!(
        "SELECT {PERIOD_COLUMNS} FROM period WHERE grant_id = ?1 AND status = 'closed'
         ORDER BY start_date"
    );
    let sql = &sql;
    let rows = conn.query_map(sql, [grant.id], |r| period_from_row(grant, r))?;
    Ok(rows)
}

/// Why `doing` something dated `date` is refused: `period` is closed.
pub(super) fn closed_refusal(
    period: &Period,
    grant: &Grant,
    date: chrono::NaiveDate,
    doing: &str,
) -> Error {
    Error::invalid(format!(
        "cannot {doing} {date}: period {} ({} to {}) of grant {} is closed; if the books \
         must change, reopen it with `grantbook period reopen --grant {} {} --reason ...`",
        period.code, period.start, period.end, grant.reference, grant.reference, period.code
    ))
}

/// Refuse to `doing` (e.g. "make a budget revision effective 2021-06-01"), a change that takes
/// effect from `date`, while a period ending on or after it is closed: the closed period's
/// report would change under it.
pub(super) fn refuse_closed_from(
    conn: &Conn,
    grant: &Grant,
    date: chrono::NaiveDate,
    doing: &str,
) -> Result<()> {
    let sql = format!(
        "SELECT {PERIOD_COLUMNS} FROM period WHERE grant_id = ?1 AND status = 'closed'
         AND end_date >= ?2 ORDER BY end_date DESC LIMIT 1"
    );
    let closed = conn.query_opt(&sql, params![grant.id, date], |r| period_from_row(grant, r))?;
    if let Some(period) = closed {
        return Err(Error::invalid(format!(
            "cannot {doing}: period {} ({} to {}) of grant {} is closed and its report would \
             change; date it after {}, or reopen the period with `grantbook period reopen \
             --grant {} {} --reason ...`",
            period.code,
            period.start,
            period.end,
            grant.reference,
            period.end,
            grant.reference,
            period.code
        )));
    }
    Ok(())
}

/// The closed period containing `date`, if any.
fn closed_period_on(conn: &Conn, grant: &Grant, date: chrono::NaiveDate) -> Result<Option<Period>> {
    let sql = format!(
        "SELECT {PERIOD_COLUMNS} FROM period WHERE grant_id = ?1 AND status = 'closed'
         AND ?2 BETWEEN start_date AND end_date"
    );
    conn.query_opt(&sql, params![grant.id, date], |r| period_from_row(grant, r))
}
