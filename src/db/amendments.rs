//! Dated amendments to donors, projects and grants: recorded with the checks each needs,
//! listed, and undone to read a record as it stood on a day. Every report reads its grants
//! through [`Ledger::grant_as_of`].

mod records;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::grants::grant_extensions;
use super::lookup;
use super::periods::refuse_closed_from;
use super::{Ledger, Writer};
use crate::db::sql::{Conn, params};
use crate::domain::amend::{self, differences};
use crate::domain::{
    Amendable, Amendment, Dated, Donor, DonorChanges, Entity, Grant, GrantChanges, Project,
    ProjectChanges,
};
use crate::error::{Error, Result};
use records::Stored;

impl Ledger {
    /// A top-up or reduction of a grant's amount, a new indirect rate or donor's reference.
    pub fn amend_grant(
        &mut self,
        reference: &str,
        changes: &GrantChanges,
        dated: &Dated,
    ) -> Result<Grant> {
        self.write(|w| {
            let (id, before) = Grant::load(w.conn(), reference)?;
            amend(w, id, &before, &changes.apply(&before), dated)
        })
    }

    pub fn amend_project(
        &mut self,
        code: &str,
        changes: &ProjectChanges,
        dated: &Dated,
    ) -> Result<Project> {
        self.write(|w| {
            let (id, before) = Project::load(w.conn(), code)?;
            amend(w, id, &before, &changes.apply(&before)?, dated)
        })
    }

    pub fn amend_donor(
        &mut self,
        code: &str,
        changes: &DonorChanges,
        dated: &Dated,
    ) -> Result<Donor> {
        self.write(|w| {
            let (id, before) = Donor::load(w.conn(), code)?;
            amend(w, id, &before, &changes.apply(&before), dated)
        })
    }

    /// The amendments of a donor, project or grant, oldest first.
    pub fn amendments(&self, entity: Entity, code: &str) -> Result<Vec<Amendment>> {
        let id = match entity {
            Entity::Donor => lookup::donor_id(&self.conn, code)?,
            Entity::Project => lookup::project_id(&self.conn, code)?,
            Entity::Grant => lookup::grant(&self.conn, code)?.id,
        };
        amendments_of(&self.conn, entity, id, code, None)
    }

    /// `grant` as it stood at the end of `day`: its amount, indirect rate and donor's
    /// reference with the amendments effective after that day undone, and the end in force
    /// then (before any extension decided later). Every report reads its grants through here.
    pub fn grant_as_of(&self, grant: &Grant, day: NaiveDate) -> Result<Grant> {
        let later = amendments_of(
            &self.conn,
            Entity::Grant,
            grant.id,
            &grant.reference,
            Some(day),
        )?;
        let extensions = grant_extensions(&self.conn, grant)?;
        amend::grant_as_of(grant, &later, &extensions, day)
    }

    /// A donor as it stood at the end of `day` (its name, kind and country then).
    pub fn donor_as_of(&self, code: &str, day: NaiveDate) -> Result<Donor> {
        as_of::<Donor>(&self.conn, code, day)
    }

    /// A project as it stood at the end of `day` (its title, dates and countries then).
    pub fn project_as_of(&self, code: &str, day: NaiveDate) -> Result<Project> {
        as_of::<Project>(&self.conn, code, day)
    }
}

/// The smallest amount `grant` has from `day` on: its amount now, and each amount that an
/// amendment effective after that day replaced. Budget lines in force from `day`, and money
/// received by then, must fit in it.
pub(super) fn lowest_amount_from(conn: &Conn, grant: &Grant, day: NaiveDate) -> Result<Decimal> {
    let mut lowest = grant.amount;
    for a in amendments_of(conn, Entity::Grant, grant.id, &grant.reference, Some(day))? {
        if a.field == "amount" {
            let mut then = grant.clone();
            then.set(&a.field, &a.before)?;
            lowest = lowest.min(then.amount);
        }
    }
    Ok(lowest)
}

fn as_of<T: Stored>(conn: &Conn, code: &str, day: NaiveDate) -> Result<T> {
    let (id, now) = T::load(conn, code)?;
    let later = amendments_of(conn, T::ENTITY, id, code, Some(day))?;
    amend::as_of(&now, &later, day)
}

/// The amendments of one record, oldest first; only those effective after `after` if given.
fn amendments_of(
    conn: &Conn,
    entity: Entity,
    id: i64,
    code: &str,
    after: Option<NaiveDate>,
) -> Result<Vec<Amendment>> {
    let sql = "SELECT field, effective_date, before, after, reason, recorded_at FROM amendment
         WHERE entity = ?1 AND entity_id = ?2 AND (?3 IS NULL OR effective_date > ?3)
         ORDER BY id";
    let rows = conn.query_map(sql, params![entity.as_str(), id, after], |r| {
        Ok(Amendment {
            entity,
            code: code.to_string(),
            field: r.get(0)?,
            effective: r.get(1)?,
            before: r.get(2)?,
            after: r.get(3)?,
            reason: r.get(4)?,
            recorded_at: r.get(5)?,
        })
    })?;
    Ok(rows)
}

/// Store `after` in place of `before` (the record with row `id`) as an amendment effective on
/// `dated.effective`, one row per field it changes, audited. Refused when nothing changes,
/// when a field was already amended with effect after that day (amendments of a field go
/// forward, so undoing them newest first reads every day right), when the change would alter
/// a closed period's report, or when the record's own rules refuse it.
fn amend<T: Stored>(w: &Writer, id: i64, before: &T, after: &T, dated: &Dated) -> Result<T> {
    let conn = w.conn();
    let (entity, code, day) = (T::ENTITY.as_str(), before.code(), dated.effective);
    let changed = differences(before, after);
    if changed.is_empty() {
        return Err(Error::invalid(format!(
            "nothing to amend: {entity} {code} already has the values given; `grantbook \
             {entity} show {code}` shows them"
        )));
    }
    for (field, _, _) in &changed {
        let last: Option<NaiveDate> = conn.query_row(
            "SELECT max(effective_date) FROM amendment
                 WHERE entity = ?1 AND entity_id = ?2 AND field = ?3",
            params![entity, id, field],
            |r| r.get(0),
        )?;
        if let Some(last) = last.filter(|last| *last > day) {
            return Err(Error::invalid(format!(
                "{entity} {code}'s {field} was already amended with effect from {last}; a later \
                 amendment of it takes effect on that day or after, not on {day}"
            )));
        }
    }
    for grant in T::grants(conn, id)? {
        refuse_closed_from(
            conn,
            &grant,
            day,
            &format!("amend {entity} {code} effective {day}"),
        )?;
    }
    T::check(conn, id, before, after, day)?;
    T::store(conn, id, after)?;
    let insert_sql =
        "INSERT INTO amendment (entity, entity_id, field, effective_date, before, after, reason,
             recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    for (field, was, now) in &changed {
        conn.execute(
            insert_sql,
            params![entity, id, field, day, was, now, dated.reason, w.at],
        )?;
    }
    let (_, stored) = T::load(conn, code)?;
    let note = serde_json::json!({
        entity: stored,
        "effective": day,
        "reason": dated.reason,
        "changed": changed.iter().map(|(f, _, _)| *f).collect::<Vec<_>>(),
    });
    w.audit("amend", entity, code, Some(before), Some(&note))?;
    Ok(stored)
}
