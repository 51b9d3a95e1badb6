//! How each amendable record is read, written and checked: a grant's amount against what was
//! received and what its budget lines hold, a project's countries against its expenses and its
//! dates against its grants'.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::super::lookup::{self, GRANT_COLUMNS, GRANT_JOINS, grant_from_row};
use super::super::parties::{find_donor, find_project};
use crate::db::sql::{Conn, params};
use crate::domain::{Amendable, Donor, Grant, Project};
use crate::error::{Error, Result};

/// How an amendable record is read, written and checked.
pub(super) trait Stored: Amendable {
    /// Its row id and the record as it is now.
    fn load(conn: &Conn, code: &str) -> Result<(i64, Self)>;
    fn store(conn: &Conn, id: i64, record: &Self) -> Result<()>;
    /// The grants whose reports show the record, so whose closed periods it must not change.
    fn grants(conn: &Conn, id: i64) -> Result<Vec<Grant>>;
    /// The record's own rules for a change effective on `day`.
    fn check(conn: &Conn, id: i64, before: &Self, after: &Self, day: NaiveDate) -> Result<()>;
}

/// The grants `sql` selects with `id` bound as ?1.
fn grants_where(conn: &Conn, sql: &str, id: i64) -> Result<Vec<Grant>> {
    let rows = conn.query_map(sql, [id], grant_from_row)?;
    Ok(rows)
}

/// Refuse an amendment dated before the record began.
fn refuse_before(what: &str, day: NaiveDate, start: NaiveDate) -> Result<()> {
    if day < start {
        return Err(Error::invalid(format!(
            "the amendment's date {day} is before {what} starts ({start}); give the day the \
             change takes effect"
        )));
    }
    Ok(())
}

impl Stored for Grant {
    fn load(conn: &Conn, code: &str) -> Result<(i64, Grant)> {
        let grant = lookup::grant(conn, code)?;
        Ok((grant.id, grant))
    }

    fn store(conn: &Conn, id: i64, g: &Grant) -> Result<()> {
        conn.execute(
            "UPDATE grant_agreement SET amount_minor = ?1, indirect_rate = ?2,
                 donor_reference = ?3 WHERE id = ?4",
            params![
                g.currency.to_minor(g.amount)?,
                g.get("indirect_rate"),
                g.donor_reference,
                id
            ],
        )?;
        Ok(())
    }

    fn grants(conn: &Conn, id: i64) -> Result<Vec<Grant>> {
        let sql = format!("SELECT {GRANT_COLUMNS} FROM {GRANT_JOINS} WHERE g.id = ?1");
        grants_where(conn, &sql, id)
    }

    fn check(conn: &Conn, id: i64, before: &Grant, after: &Grant, day: NaiveDate) -> Result<()> {
        let what = format!("grant {}", before.reference);
        refuse_before(&what, day, before.start)?;
        if after.indirect_rate < Decimal::ZERO || after.indirect_rate > Decimal::ONE_HUNDRED {
            return Err(Error::invalid(format!(
                "indirect rate {}: a percentage must be between 0 and 100, e.g. 7 for 7 %",
                after.indirect_rate
            )));
        }
        if after.amount == before.amount {
            return Ok(());
        }
        let c = &after.currency;
        if after.amount <= Decimal::ZERO {
            return Err(Error::invalid("grant amount must be more than zero"));
        }
        c.check_amount("grant amount", after.amount)?;
        let received: i64 = conn.query_row(
            "SELECT coalesce(sum(amount_minor), 0) FROM receipt
             WHERE grant_id = ?1 AND voided_at IS NULL AND kind = 'tranche'",
            [id],
            |r| r.get(0),
        )?;
        if c.from_minor(received) > after.amount {
            return Err(Error::invalid(format!(
                "{what} has already received {} {}; its amount cannot go below that (to {})",
                c.plain(c.from_minor(received)),
                c.code,
                c.plain(after.amount)
            )));
        }
        // Every budget revision in force on the day or after it must still fit.
        let over: Option<(i64, NaiveDate, i64)> = conn.query_opt(
            "SELECT r.number, r.effective_date, sum(a.amount_minor) AS total
                 FROM budget_revision r JOIN budget_amount a ON a.revision_id = r.id
                 WHERE r.grant_id = ?1 AND r.number >= coalesce(
                     (SELECT max(number) FROM budget_revision
                       WHERE grant_id = ?1 AND effective_date <= ?2),
                     (SELECT min(number) FROM budget_revision WHERE grant_id = ?1))
                 GROUP BY r.id HAVING sum(a.amount_minor) > ?3 ORDER BY r.number LIMIT 1",
            params![id, day, c.to_minor(after.amount)?],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        if let Some((number, from, total)) = over {
            return Err(Error::invalid(format!(
                "budget revision {number} of {what} (in force from {from}) totals {} {}, more \
                 than the new amount {}; lower its lines first with `grantbook budget revise`",
                c.plain(c.from_minor(total)),
                c.code,
                c.plain(after.amount)
            )));
        }
        Ok(())
    }
}

impl Stored for Project {
    fn load(conn: &Conn, code: &str) -> Result<(i64, Project)> {
        Ok((lookup::project_id(conn, code)?, find_project(conn, code)?))
    }

    fn store(conn: &Conn, id: i64, p: &Project) -> Result<()> {
        conn.execute(
            "UPDATE project SET title = ?1, start_date = ?2, end_date = ?3 WHERE id = ?4",
            params![p.title, p.start, p.end, id],
        )?;
        conn.execute("DELETE FROM project_country WHERE project_id = ?1", [id])?;
        for country in &p.countries {
            conn.execute(
                "INSERT INTO project_country (project_id, country) VALUES (?1, ?2)",
                params![id, country],
            )?;
        }
        Ok(())
    }

    fn grants(conn: &Conn, id: i64) -> Result<Vec<Grant>> {
        let sql = format!(
            "SELECT {GRANT_COLUMNS} FROM {GRANT_JOINS} WHERE g.project_id = ?1 ORDER BY g.id"
        );
        grants_where(conn, &sql, id)
    }

    fn check(
        conn: &Conn,
        id: i64,
        before: &Project,
        after: &Project,
        day: NaiveDate,
    ) -> Result<()> {
        let what = format!("project {}", before.code);
        refuse_before(&what, day, before.start.min(after.start))?;
        for country in after
            .countries
            .iter()
            .filter(|c| !before.countries.contains(c))
        {
            lookup::country(conn, country)?;
        }
        for country in before
            .countries
            .iter()
            .filter(|c| !after.countries.contains(c))
        {
            let used: Option<(i64, String, String, NaiveDate)> = conn.query_opt(
                "SELECT (SELECT count(*) FROM expense x JOIN grant_agreement xg
                                ON xg.id = x.grant_id
                             WHERE xg.project_id = ?1 AND x.country = ?2
                               AND x.voided_at IS NULL),
                            g.reference, e.voucher, e.date
                     FROM expense e JOIN grant_agreement g ON g.id = e.grant_id
                     WHERE g.project_id = ?1 AND e.country = ?2 AND e.voided_at IS NULL
                     ORDER BY e.date, e.id LIMIT 1",
                params![id, country],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            if let Some((count, grant, voucher, date)) = used {
                return Err(Error::invalid(format!(
                    "cannot remove {country} from {what}: {count} expense(s) of its grants were \
                     spent there (the first: voucher {voucher} of grant {grant}, {date}); a \
                     country its expenses use stays (void an expense recorded in the wrong \
                     country first)"
                )));
            }
        }
        if (after.start, after.end) != (before.start, before.end) {
            for g in Project::grants(conn, id)? {
                if g.start < after.start || g.end > after.end {
                    return Err(Error::invalid(format!(
                        "grant {} runs from {} to {}, outside {what}'s new dates ({} to {}); a \
                         project's dates hold its grants'",
                        g.reference, g.start, g.end, after.start, after.end
                    )));
                }
            }
        }
        Ok(())
    }
}

impl Stored for Donor {
    fn load(conn: &Conn, code: &str) -> Result<(i64, Donor)> {
        Ok((lookup::donor_id(conn, code)?, find_donor(conn, code)?))
    }

    fn store(conn: &Conn, id: i64, d: &Donor) -> Result<()> {
        conn.execute(
            "UPDATE donor SET name = ?1, kind = ?2, country = ?3 WHERE id = ?4",
            params![d.name, d.kind.as_str(), d.country, id],
        )?;
        Ok(())
    }

    fn grants(conn: &Conn, id: i64) -> Result<Vec<Grant>> {
        let sql = format!(
            "SELECT {GRANT_COLUMNS} FROM {GRANT_JOINS} WHERE g.donor_id = ?1 ORDER BY g.id"
        );
        grants_where(conn, &sql, id)
    }

    fn check(conn: &Conn, _: i64, _: &Donor, after: &Donor, _: NaiveDate) -> Result<()> {
        if let Some(country) = &after.country {
            lookup::country(conn, country)?;
        }
        Ok(())
    }
}
