//! Grants, their no-cost extensions, and their totals.

use chrono::NaiveDate;

use super::Ledger;
use super::lookup::{self, GRANT_COLUMN_COUNT, GRANT_COLUMNS, GRANT_JOINS, grant_from_row};
use super::parties::refuse_existing;
use super::periods::refuse_closed_from;
use crate::db::sql::{Conn, params, params_from_iter};
use crate::domain::{DateRange, Extension, Grant, GrantStatus, GrantTotals, NewGrant};
use crate::error::{Error, Result};

/// Filters of `grant list`.
#[derive(Debug, Clone, Default)]
pub struct GrantFilter {
    pub donor: Option<String>,
    pub project: Option<String>,
    pub reference: Option<String>,
    /// Grants whose project works in this country.
    pub country: Option<String>,
    pub status: Option<GrantStatus>,
}

/// The WHERE clause of a [`GrantFilter`], bound as `?1`..`?5` by [`GrantFilter::bind`].
pub(super) const GRANT_FILTER: &str = "(?1 IS NULL OR d.code = ?1) AND (?2 IS NULL OR p.code = ?2)
     AND (?3 IS NULL OR g.reference = ?3)
     AND (?4 IS NULL OR EXISTS (SELECT 1 FROM project_country pc
                                WHERE pc.project_id = g.project_id AND pc.country = ?4))
     AND (?5 IS NULL OR g.status = ?5)";

impl GrantFilter {
    pub(super) fn bind(&self) -> [Option<&str>; 5] {
        [
            self.donor.as_deref(),
            self.project.as_deref(),
            self.reference.as_deref(),
            self.country.as_deref(),
            self.status.map(|s| s.as_str()),
        ]
    }
}

impl Ledger {
    pub fn add_grant(&mut self, new: &NewGrant) -> Result<Grant> {
        self.write(|w| {
            let conn = w.conn();
            let donor_id = lookup::donor_id(conn, &new.donor)?;
            let project_id = lookup::project_id(conn, &new.project)?;
            let currency = lookup::currency(conn, &new.currency)?;
            currency.check_amount("grant amount", new.amount)?;
            refuse_existing(
                conn,
                "SELECT count(*) FROM grant_agreement WHERE reference = ?1",
                "grant",
                &new.reference,
            )?;
            conn.execute(
                "INSERT INTO grant_agreement (reference, donor_id, project_id, currency,
                     amount_minor, start_date, end_date, indirect_rate, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    new.reference,
                    donor_id,
                    project_id,
                    currency.code,
                    currency.to_minor(new.amount)?,
                    new.dates.start,
                    new.dates.end,
                    new.indirect_rate.to_string(),
                    new.status.as_str()
                ],
            )?;
            let grant = lookup::grant(conn, &new.reference)?;
            w.audit(
                "add",
                "grant",
                &grant.reference,
                None::<&Grant>,
                Some(&grant),
            )?;
            Ok(grant)
        })
    }

    pub fn grant(&self, reference: &str) -> Result<Grant> {
        lookup::grant(&self.conn, reference)
    }

    /// Grants with what was received and spent (non-void, grant currency), summed by SQL.
    pub fn grant_totals(&self, filter: &GrantFilter) -> Result<Vec<GrantTotals>> {
        let sql = format!(
            "SELECT {GRANT_COLUMNS},
                (SELECT coalesce(sum(amount_minor), 0) FROM receipt
                   WHERE grant_id = g.id AND voided_at IS NULL AND kind = 'tranche'),
                (SELECT coalesce(sum(spend_minor), 0) FROM expense
                   WHERE grant_id = g.id AND voided_at IS NULL),
                (SELECT count(*) FROM expense WHERE grant_id = g.id AND voided_at IS NULL),
                -- all less the live ones: both counts read an index, never the table
                (SELECT count(*) FROM expense WHERE grant_id = g.id)
                  - (SELECT count(*) FROM expense WHERE grant_id = g.id AND voided_at IS NULL)
             FROM {GRANT_JOINS}
             WHERE {GRANT_FILTER}
             ORDER BY g.reference"
        );
        let sql = &sql;
        let rows = self
            .conn
            .query_map(sql, params_from_iter(filter.bind()), |r| {
                let grant = grant_from_row(r)?;
                let n = GRANT_COLUMN_COUNT;
                Ok(GrantTotals {
                    received: grant.currency.from_minor(r.get(n)?),
                    spent: grant.currency.from_minor(r.get(n + 1)?),
                    expenses: r.get(n + 2)?,
                    voided: r.get(n + 3)?,
                    grant,
                })
            })?;
        Ok(rows)
    }

    /// Move a grant's end date later (a no-cost extension) as decided on `decided`, keeping the
    /// previous end in history. A report as of a day before the decision uses the previous end,
    /// so the decision may not fall in or before a closed period. `decided` is None only for an
    /// extension loaded from before decisions were dated.
    pub fn extend_grant(
        &mut self,
        reference: &str,
        new_end: NaiveDate,
        reason: &str,
        decided: Option<NaiveDate>,
    ) -> Result<Grant> {
        self.write(|w| {
            let conn = w.conn();
            let before = lookup::grant(conn, reference)?;
            if new_end <= before.end {
                return Err(Error::invalid(format!(
                    "grant {reference} already ends on {}; an extension must move the end later \
                     than that, not to {new_end}",
                    before.end
                )));
            }
            if let Some(decided) = decided {
                let last = grant_extensions(conn, &before)?
                    .into_iter()
                    .filter_map(|x| x.decided.map(|d| (d, x.new_end)))
                    .max();
                if let Some((last, end)) = last.filter(|(last, _)| *last > decided) {
                    return Err(Error::invalid(format!(
                        "grant {reference}'s extension to {end} was decided on {last}; a later \
                         extension cannot have been decided before it, on {decided}: check \
                         --decided"
                    )));
                }
                let doing = format!("record an extension decided on {decided}");
                refuse_closed_from(conn, &before, decided, &doing)?;
            }
            conn.execute(
                "INSERT INTO grant_extension (grant_id, previous_end, new_end, reason,
                     recorded_at, decided_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![before.id, before.end, new_end, reason, w.at, decided],
            )?;
            conn.execute(
                "UPDATE grant_agreement SET end_date = ?1 WHERE id = ?2",
                params![new_end, before.id],
            )?;
            let after = lookup::grant(conn, reference)?;
            w.audit("extend", "grant", reference, Some(&before), Some(&after))?;
            Ok(after)
        })
    }

    /// Change a grant's status (an inactive grant takes no expenses), with the reason audited.
    pub fn set_grant_status(
        &mut self,
        reference: &str,
        status: GrantStatus,
        reason: &str,
    ) -> Result<Grant> {
        self.write(|w| {
            let conn = w.conn();
            let before = lookup::grant(conn, reference)?;
            if before.status == status {
                return Err(Error::invalid(format!(
                    "grant {reference} is already {status}"
                )));
            }
            conn.execute(
                "UPDATE grant_agreement SET status = ?1 WHERE id = ?2",
                params![status.as_str(), before.id],
            )?;
            let after = lookup::grant(conn, reference)?;
            let note = serde_json::json!({ "grant": after, "reason": reason });
            w.audit("status", "grant", reference, Some(&before), Some(&note))?;
            Ok(after)
        })
    }

    /// A grant's no-cost extensions, oldest first.
    pub fn extensions(&self, grant: &Grant) -> Result<Vec<Extension>> {
        grant_extensions(&self.conn, grant)
    }
}

pub(super) fn grant_extensions(conn: &Conn, grant: &Grant) -> Result<Vec<Extension>> {
    let sql = "SELECT previous_end, new_end, reason, recorded_at, decided_on FROM grant_extension
         WHERE grant_id = ?1 ORDER BY id";
    let rows = conn.query_map(sql, [grant.id], |r| {
        Ok(Extension {
            previous_end: r.get(0)?,
            new_end: r.get(1)?,
            reason: r.get(2)?,
            recorded_at: r.get(3)?,
            decided: r.get(4)?,
        })
    })?;
    Ok(rows)
}

/// Refuse a date outside the grant's dates (its end as extended), saying which ones.
pub(super) fn check_within(grant: &Grant, what: &str, date: NaiveDate) -> Result<()> {
    let dates: DateRange = grant.dates();
    if !dates.contains(date) {
        return Err(Error::invalid(format!(
            "{what} {date} is outside grant {} ({dates}); check the date, or extend the grant \
             with `grantbook grant extend` if the agreement was extended",
            grant.reference
        )));
    }
    Ok(())
}
